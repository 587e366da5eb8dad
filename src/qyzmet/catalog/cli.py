"""`qyzmet catalog …`: list, show, validate the regulation definitions; print their JSON Schema."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from qyzmet.catalog.registry import (
    ServiceNotFound,
    catalog_check,
    catalog_default,
    definition_normalised,
    definition_summary,
    json_schema_text,
)


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _list(args: argparse.Namespace) -> int:
    definitions = sorted(catalog_default().definitions, key=lambda d: (d.source.seed, d.id, d.version))
    if args.json:
        _print_json([definition_summary(d) for d in definitions])
        return 0
    for d in definitions:
        channels = ",".join(c.code.value for c in d.channels)
        print(f"{d.id}\tv{d.version}\t{d.source.seed}\t{channels}\t{d.title.get(d.source.language.value)}")
    return 0


def _show(args: argparse.Namespace) -> int:
    catalog = catalog_default()
    try:
        definition = catalog.versions(args.id)[-1] if args.version is None else next(
            (d for d in catalog.versions(args.id) if d.version == args.version), None
        )
    except ServiceNotFound as exc:
        print(f"qyzmet catalog show: {exc}", file=sys.stderr)
        return 2
    if definition is None:
        print(f"qyzmet catalog show: service '{args.id}' has no version {args.version}", file=sys.stderr)
        return 2
    data = definition_normalised(definition)
    if args.json:
        _print_json(data)
        return 0
    language = definition.source.language.value
    print(f"{definition.id} v{definition.version}: {definition.title.get(language)}")
    print(f"  source: {definition.source.seed} ({definition.source.act.body} №{definition.source.act.number})")
    for channel in data["channels"]:
        print(f"  channel {channel['code']}:")
        for step in channel["steps"]:
            duration = step["duration"]
            shown = f"{duration['value']} {duration['unit']}" if duration else "—"
            action = step["action"].get(language) or ""
            print(f"    [{step['phase']}] {step['id']:<18} {step['role']:<22} {shown:<18} {action[:70]}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or None
    missing = [p for p in paths or [] if not p.exists()]
    for path in missing:
        print(f"{path}:1: no such file or directory")
    loaded, problems = catalog_check([p for p in paths if p.exists()] if paths else None)
    for problem in problems:
        print(problem)
    if problems or missing:
        return 1
    print(f"{len(loaded)} definition(s) valid", file=sys.stderr)
    return 0


def _schema(args: argparse.Namespace) -> int:
    sys.stdout.write(json_schema_text())
    return 0


def register(subparsers: Any) -> None:
    catalog = subparsers.add_parser("catalog", help="the regulation catalogue")
    sub = catalog.add_subparsers(dest="catalog_command", required=True, parser_class=type(catalog))

    list_ = sub.add_parser("list", help="every service")
    list_.add_argument("--json", action="store_true")
    list_.set_defaults(handler=_list)

    show = sub.add_parser("show", help="one definition, normalised")
    show.add_argument("id")
    show.add_argument("--version", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)

    validate = sub.add_parser("validate", help="validate definition files (default: the built-in catalogue)")
    validate.add_argument("paths", nargs="*")
    validate.set_defaults(handler=_validate)

    schema = sub.add_parser("schema", help="print the JSON Schema of a definition file")
    schema.set_defaults(handler=_schema)
