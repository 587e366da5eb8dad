"""Run inside the benchmark's environment (a child process): set up the database and print what the load needs.

    python -m benchmarks.prepare intake      # demo keys of the citizens; the service's providers
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

    from qyzmet.cases.routing import providers_for
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


def main(argv: Sequence[str]) -> int:
    what = argv[0] if argv else "intake"
    if what != "intake":
        print(f"unknown plan {what!r}", file=sys.stderr)
        return 2
    print(json.dumps(intake_plan(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
