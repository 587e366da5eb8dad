"""`qyzmet cases sweep` (`qyzmet audit …` is in qyzmet.audit.cli)."""

from __future__ import annotations

import argparse
from typing import Any


def _setup() -> None:
    import django

    django.setup()


def _sweep(args: argparse.Namespace) -> int:
    _setup()
    from django.utils import timezone

    from qyzmet.cases.services import tasks_mark_overdue

    marked = tasks_mark_overdue(now=timezone.now())
    print(f"{marked} task(s) marked overdue")
    return 0


def register(subparsers: Any) -> None:
    cases = subparsers.add_parser("cases", help="case engine maintenance")
    cases_sub = cases.add_subparsers(dest="cases_command", required=True, parser_class=type(cases))
    sweep = cases_sub.add_parser("sweep", help="mark open tasks past their deadline as overdue")
    sweep.set_defaults(handler=_sweep)
