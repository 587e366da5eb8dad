"""`qyzmet audit verify` and `qyzmet cases sweep`."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def _setup() -> None:
    import django

    django.setup()


def _audit_verify(args: argparse.Namespace) -> int:
    _setup()
    from qyzmet.cases.events import audit_verify_all
    from qyzmet.cases.models import Case

    breaks = audit_verify_all()
    for found in breaks:
        print(found)
    checked = Case.objects.count()
    if breaks:
        print(f"{len(breaks)} of {checked} case chain(s) broken", file=sys.stderr)
        return 1
    print(f"{checked} case chain(s) intact")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    _setup()
    from django.utils import timezone

    from qyzmet.cases.services import tasks_mark_overdue

    marked = tasks_mark_overdue(now=timezone.now())
    print(f"{marked} task(s) marked overdue")
    return 0


def register(subparsers: Any) -> None:
    audit = subparsers.add_parser("audit", help="the case event log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, parser_class=type(audit))
    verify = audit_sub.add_parser("verify", help="check every case's hash chain; report the first broken link")
    verify.set_defaults(handler=_audit_verify)

    cases = subparsers.add_parser("cases", help="case engine maintenance")
    cases_sub = cases.add_subparsers(dest="cases_command", required=True, parser_class=type(cases))
    sweep = cases_sub.add_parser("sweep", help="mark open tasks past their deadline as overdue")
    sweep.set_defaults(handler=_sweep)
