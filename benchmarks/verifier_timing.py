"""How long signature verification and a signing step take with the local verifier.

A throw-away database and test CA in a temporary directory: the catalogue and the demo people are
loaded, then the script times (1) making the verifier's HTTP client, (2) `get_verifier().verify`
of a staff member's signature (OCSP and CRL answered in-process by the platform's transport) and
(3) `task_complete` of the signing steps of cases driven through a service. A timing script, not
a test: run it before and after a change and compare the figures.

    python -m benchmarks.verifier_timing --verifications 100 --cases 10
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

SERVICE = "wko-2019-school-meals"
CHANNEL = "provider_office"


def _figures(label: str, seconds: list[float]) -> str:
    milliseconds = sorted(s * 1000 for s in seconds)
    p90 = milliseconds[max(0, int(len(milliseconds) * 0.9) - 1)]
    return (f"{label:<44} n={len(milliseconds):<4} mean {statistics.fmean(milliseconds):7.2f} ms   "
            f"median {statistics.median(milliseconds):7.2f} ms   p90 {p90:7.2f} ms")


def _timed(function: Callable[[], Any], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return seconds


def _setup(var_dir: str) -> None:
    os.environ["QYZMET_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "qyzmet.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.verifier_timing", description=__doc__.splitlines()[0])
    parser.add_argument("--verifications", type=int, default=100)
    parser.add_argument("--cases", type=int, default=10)
    args, _ = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="qyzmet-verifier-timing-") as var_dir:
        _setup(var_dir)
        _run(args.verifications, args.cases)
    return 0


def _run(verifications: int, cases: int) -> None:
    from django.utils import timezone

    import qyzmet.demo.driver as driver
    from qyzmet.catalog.definitions import catalog_default
    from qyzmet.catalog.services import catalog_sync
    from qyzmet.demo.keys import demo_key_for, demo_sign
    from qyzmet.identity.demo import load_demo
    from qyzmet.identity.models import StaffRole
    from qyzmet.signatures.backends import get_verifier
    from qyzmet.signatures.backends.local import platform_client
    from qyzmet.signatures.setup import load_pki

    load_pki()
    now = timezone.now()
    catalog_sync(catalog=catalog_default(), now=now)
    load_demo()

    print(_figures("platform_client() made and closed", _timed(lambda: platform_client().close(), verifications)))

    role = StaffRole.objects.filter(role="office_clerk").select_related("user", "organization").first()
    assert role is not None
    bundle = demo_key_for(role.user, organization=role.organization, now=now)
    document = b'{"document":"timing"}'
    signature = demo_sign(bundle, document, at=now)

    def verify() -> None:
        verdict = get_verifier().verify(document, signature, expected_iin=role.user.iin, now=timezone.now())
        assert verdict.is_valid, verdict.codes

    verify()  # the first verification loads the CA and warms the caches
    print(_figures("get_verifier().verify(...) (OCSP + CRL)", _timed(verify, verifications)))

    signing: list[float] = []
    original = driver.task_complete

    def task_complete_timed(**kwargs: Any) -> Any:
        start = time.perf_counter()
        result = original(**kwargs)
        if kwargs["action"].signatures:
            signing.append(time.perf_counter() - start)
        return result

    driver.task_complete = task_complete_timed  # type: ignore[assignment]
    definition = catalog_default().latest(SERVICE)
    start = now - timedelta(days=60)
    for number in range(cases):
        case = driver.case_open(definition, CHANNEL, now=start + timedelta(hours=number))
        driver.case_drive(case, now=start + timedelta(hours=number))
    print(_figures(f"task_complete of a signing step ({SERVICE})", signing))


if __name__ == "__main__":
    sys.exit(main())
