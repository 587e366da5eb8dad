"""Run inside the benchmark's environment (a child process): set up the database and print what the load needs.

    python -m benchmarks.prepare intake           # demo keys of the citizens; the service's providers
    python -m benchmarks.prepare backoffice 300   # 300 cases filed at the office, waiting for the staff
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

INTAKE_SERVICE = "wko-2019-school-transport"
INTAKE_FORM: dict[str, Any] = {"school": "№ 7", "grade": 3}


def intake_plan() -> dict[str, Any]:
    """The citizens (IIN, demo password, key file), the service and its providers, and ids for pgbench."""
    import django

    django.setup()
    from django.utils import timezone

    from qyzmet.cases.assignment import providers_for
    from qyzmet.catalog.models import ServiceVersion
    from qyzmet.catalog.schema import ServiceDefinition
    from qyzmet.demo.keys import DEMO_KEY_PASSWORD, _key_file, demo_key_for
    from qyzmet.identity.demo import CITIZENS, DEMO_PASSWORD
    from qyzmet.identity.models import User
    from qyzmet.signatures.profile import Purpose

    now = timezone.now()
    citizens = []
    for person in CITIZENS:
        user = User.objects.get(iin=person.iin)
        demo_key_for(user, purpose=Purpose.SIGN, now=now)
        citizens.append({"iin": user.iin, "id": user.pk, "name": user.full_name,
                         "key_file": str(_key_file(user, None, Purpose.SIGN))})
    version = ServiceVersion.objects.filter(service__slug=INTAKE_SERVICE).order_by("-version").first()
    assert version is not None, INTAKE_SERVICE
    definition = ServiceDefinition.model_validate(version.definition)
    providers = [{"id": org.pk, "bin": org.bin} for org in providers_for(definition)]
    return {
        "service": INTAKE_SERVICE, "service_version_id": version.pk, "form": INTAKE_FORM,
        "password": DEMO_PASSWORD, "key_password": DEMO_KEY_PASSWORD, "citizens": citizens, "providers": providers,
    }


BACKOFFICE_SERVICE = "wko-2019-foster-family-placement-payment"  # the engine benchmark's 5-step office process
BACKOFFICE_CHANNEL = "provider_office"


def backoffice_plan(cases: int) -> dict[str, Any]:
    """`cases` cases filed at the provider's office (through the intake service, as the clerk), each with its
    first open task; the provider's staff (IIN, role, demo signing key) who act on them."""
    import django

    django.setup()
    from django.utils import timezone

    from qyzmet.catalog.definitions import catalog_default
    from qyzmet.demo import driver
    from qyzmet.demo.keys import DEMO_KEY_PASSWORD, _key_file, demo_key_for
    from qyzmet.identity.demo import DEMO_PASSWORD
    from qyzmet.identity.models import StaffRole
    from qyzmet.signatures.profile import Purpose

    definition = catalog_default().latest(BACKOFFICE_SERVICE)
    filed = []
    for _ in range(cases):
        case = driver.case_open(definition, BACKOFFICE_CHANNEL, now=timezone.now())
        task = case.tasks.filter(status="open").order_by("sequence").first()
        assert task is not None and task.organization_id is not None, case.number
        filed.append({"case": case.pk, "task": task.pk, "role": task.role, "organization": task.organization_id})
    now = timezone.now()
    staff = []
    organizations: set[int] = {int(str(item["organization"])) for item in filed}
    for role in StaffRole.objects.filter(organization_id__in=organizations).select_related("user", "organization"):
        demo_key_for(role.user, organization=role.organization, purpose=Purpose.SIGN, now=now)
        staff.append({"iin": role.user.iin, "role": role.role, "organization": role.organization_id,
                      "key_file": str(_key_file(role.user, role.organization, Purpose.SIGN))})
    return {"service": BACKOFFICE_SERVICE, "channel": BACKOFFICE_CHANNEL, "cases": filed, "staff": staff,
            "password": DEMO_PASSWORD, "key_password": DEMO_KEY_PASSWORD}


def main(argv: Sequence[str]) -> int:
    what = argv[0] if argv else "intake"
    if what == "intake":
        print(json.dumps(intake_plan(), ensure_ascii=False))
        return 0
    if what == "backoffice":
        print(json.dumps(backoffice_plan(int(argv[1]) if len(argv) > 1 else 100), ensure_ascii=False))
        return 0
    print(f"unknown plan {what!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
