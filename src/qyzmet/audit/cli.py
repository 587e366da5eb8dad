"""`qyzmet audit verify [--json]` and `qyzmet audit checkpoint`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def _setup() -> None:
    import django

    django.setup()


def _verify(args: argparse.Namespace) -> int:
    _setup()
    from qyzmet.audit.verify import audit_verify

    report = audit_verify()
    if args.json:
        json.dump({"intact": report.intact, "cases": report.cases, "events": report.events,
                   "log_rows": report.log_rows, "findings": [f.as_json() for f in report.findings]},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for finding in report.findings:
            print(finding)
        summary = f"{report.cases} case(s), {report.events} event(s), {report.log_rows} log row(s) checked"
        if report.findings:
            print(f"{len(report.findings)} finding(s); {summary}", file=sys.stderr)
        else:
            print(f"intact: {summary}")
    return 1 if report.findings else 0


def _checkpoint(args: argparse.Namespace) -> int:
    _setup()
    from django.utils import timezone

    from qyzmet.audit.checkpoints import HeadsRefused, heads_checkpoint_make

    made = heads_checkpoint_make(now=timezone.now())
    if isinstance(made, HeadsRefused):
        for problem in made.problems:
            print(problem, file=sys.stderr)
        print("no checkpoint signed: run `qyzmet audit verify` and settle the findings first", file=sys.stderr)
        return 1
    signed = "signed" if made.signature else "NOT signed (no platform key: run `qyzmet setup`)"
    print(f"heads checkpoint {made.sequence}: {made.cases} case(s), root {made.root_hash}, {signed}")
    return 0 if made.signature else 1


def register(subparsers: Any) -> None:
    audit = subparsers.add_parser("audit", help="tamper-evident records: case event chains, checkpoints, logs")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, parser_class=type(audit))
    verify = audit_sub.add_parser(
        "verify", help="check every case chain, its signed checkpoint, documents and the chained logs; "
        "name each change (exit 1 when any)")
    verify.add_argument("--json", action="store_true", help="the findings as JSON")
    verify.set_defaults(handler=_verify)
    checkpoint = audit_sub.add_parser(
        "checkpoint", help="sign a checkpoint of every case's and log's head (the worker does it hourly)")
    checkpoint.set_defaults(handler=_checkpoint)
