"""`qyzmet reports sla`: SLA compliance per service and provider, as JSON, CSV or XLSX.

The numbers come from the same selector as the /reports/ page (`selectors.sla_compliance`).
`qyzmet reports refresh [--sla-days]`: pre-aggregate completed tasks' working time (and rebuild the SLA summary).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-09-01, got {text!r}") from None


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an ISO 8601 moment with its offset, got {text!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no UTC offset")
    return moment


def _sla(args: argparse.Namespace) -> int:
    if args.date_to < args.date_from:
        print("qyzmet reports sla: --to is before --from", file=sys.stderr)
        return 2
    if args.database:
        os.environ["DATABASE_URL"] = args.database
    import django

    django.setup()
    from django.utils import timezone

    from qyzmet.identity.models import Organization, OrganizationKind
    from qyzmet.reports.exports import rows_csv, rows_xlsx
    from qyzmet.reports.scope import ReportPeriod, ReportScope
    from qyzmet.reports.selectors import SLA_COLUMNS, sla_compliance

    scope = ReportScope()
    if args.oblast:
        oblast = Organization.objects.filter(code=args.oblast, kind=OrganizationKind.OBLAST).first()
        if oblast is None:
            print(f"qyzmet reports sla: no oblast with code '{args.oblast}'", file=sys.stderr)
            return 2
        scope = ReportScope(paths=(oblast.path,))
    period = ReportPeriod(args.date_from, args.date_to)
    rows = [row.as_dict() for row in sla_compliance(period=period, scope=scope, now=args.at or timezone.now())]
    values = [[row[key] for key in SLA_COLUMNS] for row in rows]
    if args.format == "xlsx":
        content = rows_xlsx("sla", SLA_COLUMNS, values)
    elif args.format == "csv":
        content = rows_csv(SLA_COLUMNS, values).encode("utf-8")
    else:
        content = (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    _write(content, args.output)
    return 0


def _refresh(args: argparse.Namespace) -> int:
    if args.database:
        os.environ["DATABASE_URL"] = args.database
    import django

    django.setup()
    from django.utils import timezone

    from qyzmet.reports.services import task_timings_refresh_all

    print(f"{task_timings_refresh_all(now=timezone.now())} completed task(s) measured")
    if args.sla_days:
        from qyzmet.reports.summary import sla_days_rebuild

        print(f"{sla_days_rebuild(now=timezone.now())} SLA summary row(s) rebuilt from the closed cases")
    return 0


def _write(content: bytes, output: str | None) -> None:
    if output and output != "-":
        Path(output).write_bytes(content)
    else:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()


def register(subparsers: Any) -> None:
    reports = subparsers.add_parser("reports", help="quality reports (SLA compliance)")
    reports_sub = reports.add_subparsers(dest="reports_command", required=True, parser_class=type(reports))
    sla = reports_sub.add_parser(
        "sla", help="per service and provider: cases filed in the period, closed, on time, late, open"
    )
    sla.add_argument("--from", dest="date_from", type=_date, required=True, help="first filing date (Asia/Almaty)")
    sla.add_argument("--to", dest="date_to", type=_date, required=True, help="last filing date, included")
    sla.add_argument("--oblast", help="only this oblast (organization code, e.g. wko)")
    sla.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
    sla.add_argument("--output", help="write to this file (default: standard output)")
    sla.add_argument("--database", metavar="URL", help="read this database instead of DATABASE_URL's")
    sla.add_argument("--at", type=_moment, help="judge lateness at this moment (ISO 8601 with offset); default: now")
    sla.set_defaults(handler=_sla)
    refresh = reports_sub.add_parser(
        "refresh", help="pre-aggregate the working time of completed tasks (safe to run again and in parallel)"
    )
    refresh.add_argument("--database", metavar="URL", help="use this database instead of DATABASE_URL's")
    refresh.add_argument("--sla-days", action="store_true",
                         help="also recompute the SLA summary (reports.SlaDay) from the closed cases: after a bulk "
                              "load or a restore (the engine keeps it as cases close and reopen)")
    refresh.set_defaults(handler=_refresh)
