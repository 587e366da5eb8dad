"""`qyzmet demo`: every service through every channel, on a fresh database, acting as each role."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import datetime, timedelta
from typing import Any

DEFAULT_START_DAYS_AGO = 75


def _start(text: str | None) -> datetime:
    from qyzmet.calendar import TIMEZONE, calendar_default, local_time

    if text:
        return local_time(datetime.fromisoformat(text), "--start")
    day = (datetime.now(TIMEZONE) - timedelta(days=DEFAULT_START_DAYS_AGO)).date()
    working = calendar_default()
    while not working.is_working_day(day):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=TIMEZONE)


def _database_choose(url: str | None) -> None:
    """Point Django at the demo's database before it starts.

    Without `--database`: a fresh embedded SQLite file in a temporary folder, whatever DATABASE_URL
    says, so the demo never touches a real database. With it: that database, migrated and set up,
    kept afterwards, with the test CA of QYZMET_VAR_DIR (var/ by default), so `qyzmet serve` on the
    same database and folder shows the cases and verifies their signatures.
    """
    if url:
        os.environ["DATABASE_URL"] = url
        return
    os.environ["QYZMET_VAR_DIR"] = tempfile.mkdtemp(prefix="qyzmet-demo-")
    os.environ.pop("DATABASE_URL", None)


def _database_reachable() -> str | None:
    from django.db import connection
    from django.db.utils import Error

    try:
        connection.ensure_connection()
    except Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def _demo(args: argparse.Namespace) -> int:
    if args.database is not None and not args.database.strip():
        print("qyzmet demo: --database needs a URL, e.g. sqlite:///var/demo.sqlite3", file=sys.stderr)
        return 2
    _database_choose(args.database)
    import django

    django.setup()
    from qyzmet.catalog.definitions import ServiceNotFound, catalog_default
    from qyzmet.core.setup import platform_setup
    from qyzmet.demo.driver import runs_all

    if args.service:
        try:
            definition = catalog_default().latest(args.service)
        except ServiceNotFound as exc:
            print(f"qyzmet demo: {exc}", file=sys.stderr)
            return 2
        codes = [c.code.value for c in definition.channels]
        if args.channel and args.channel not in codes:
            print(
                f"qyzmet demo: service '{args.service}' has no channel '{args.channel}' (it has: {', '.join(codes)})",
                file=sys.stderr,
            )
            return 2
    try:
        start = _start(args.start)
    except ValueError as exc:
        print(f"qyzmet demo: bad --start: {exc}", file=sys.stderr)
        return 2
    if args.database and (problem := _database_reachable()):
        print(f"qyzmet demo: cannot reach the database: {problem}", file=sys.stderr)
        return 2
    platform_setup(verbose=False, demo=True)
    from qyzmet.demo.driver import runs_in_every_state
    from qyzmet.demo.registries import registries_running

    with registries_running(now=start):
        runs = runs_all(start=start, service=args.service, channel=args.channel, via_gateway=True)
        if args.database and not args.channel:
            # A kept database is for browsing: add refused cases and cases still in progress.
            later = start + timedelta(days=1)
            runs += runs_in_every_state(start=later, service=args.service, via_gateway=True)
    data = [r.as_json() for r in runs]
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_text(data)
    return 0


def _print_text(data: list[dict[str, Any]]) -> None:
    for run in data:
        print(f"{run['service']} / {run['channel']}: case {run['case']} → {run['status']}")
        for step in run["steps"]:
            duration = step["duration"]
            term = f"{duration['value']} {duration['unit']}" if duration else "—"
            print(
                f"  {step['step']:<24} {step['role']:<22} {term:<18} start {step['started']:<26} "
                f"due {step['deadline'] or '—':<26} done {step['completed']}"
            )
        documents = ", ".join(f"{d['id']} ({'signed' if d['signed'] else 'unsigned'})" for d in run["result_document"])
        print(f"  result: {documents or '—'}\n")


def register(subparsers: Any) -> None:
    demo = subparsers.add_parser("demo", help="run every service through every channel on a fresh database")
    demo.add_argument("--service", help="only this service (catalogue id)")
    demo.add_argument("--channel", help="only this channel")
    demo.add_argument("--start", help="the virtual clock's start (ISO 8601 with offset); default: 75 days ago")
    demo.add_argument("--json", action="store_true")
    demo.add_argument(
        "--database",
        metavar="URL",
        help="run into this database (migrated and set up, kept afterwards; e.g. sqlite:///var/qyzmet.sqlite3 "
        "or postgresql://…) and add refused and in-progress cases to browse; default: a temporary one",
    )
    demo.set_defaults(handler=_demo)
