"""`qyzmet catalog …`: list, show, validate the regulation definitions; print their JSON Schema."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from qyzmet.catalog.definitions import (
    APPEALS_DIR,
    REGULATIONS_DIR,
    ServiceNotFound,
    catalog_appeals,
    catalog_check,
    catalog_default,
    definition_normalised,
    definition_summary,
    json_schema_text,
)
from qyzmet.catalog.diagrams.bpmn import bpmn_document
from qyzmet.catalog.diagrams.svg import diagram_svg, interaction_svg
from qyzmet.catalog.importer import cli as importer_cli
from qyzmet.catalog.render import render
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.core.i18n import LANGUAGES


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _list(args: argparse.Namespace) -> int:
    catalog = catalog_appeals() if args.appeals else catalog_default()
    definitions = sorted(catalog.definitions, key=lambda d: (d.source.seed, d.id, d.version))
    if args.json:
        _print_json([definition_summary(d) for d in definitions])
        return 0
    for d in definitions:
        channels = ",".join(c.code.value for c in d.channels)
        print(f"{d.id}\tv{d.version}\t{d.source.seed}\t{channels}\t{d.title.get(d.source.language.value)}")
    return 0


def _django() -> None:
    from qyzmet.core.cli import django_setup

    django_setup()


def _show(args: argparse.Namespace) -> int:
    if args.version is not None:
        return _show_stored(args)
    catalog = catalog_default()
    if args.id not in catalog.ids() and args.id in catalog_appeals().ids():
        catalog = catalog_appeals()  # an appeal definition (catalog/appeals/)
    try:
        definition = catalog.latest(args.id)
    except ServiceNotFound as exc:
        print(f"qyzmet catalog show: {exc}", file=sys.stderr)
        return 2
    return _show_definition(definition, args, stored=None)


def _show_stored(args: argparse.Namespace) -> int:
    """Stored version N as it was loaded (the text its cases run), whatever the files say now."""
    _django()
    from qyzmet.catalog.selectors import VersionNotFound, definition_of_version, version_get, version_summary

    try:
        version = version_get(args.id, args.version)
    except (ServiceNotFound, VersionNotFound) as exc:
        print(f"qyzmet catalog show: {exc}", file=sys.stderr)
        return 2
    return _show_definition(definition_of_version(version), args, stored=version_summary(version))


def _show_definition(definition: ServiceDefinition, args: argparse.Namespace, *, stored: dict[str, Any] | None) -> int:
    data = definition_normalised(definition)
    if args.json:
        _print_json(data if stored is None else {**data, "stored": stored})
        return 0
    language = definition.source.language.value
    print(f"{definition.id} v{definition.version}: {definition.title.get(language)}")
    if stored is not None:
        print(f"  sha256: {stored['sha256']}; cases filed: {stored['cases_filed']}")
    print(f"  source: {definition.source.seed} ({definition.source.act.body} №{definition.source.act.number})")
    for channel in data["channels"]:
        print(f"  channel {channel['code']}:")
        for step in channel["steps"]:
            duration = step["duration"]
            shown = f"{duration['value']} {duration['unit']}" if duration else "—"
            action = step["action"].get(language) or ""
            print(f"    [{step['phase']}] {step['id']:<18} {step['role']:<22} {shown:<18} {action[:70]}")
    return 0


def _load(args: argparse.Namespace) -> int:
    """One definition file into the database: a new version when its content differs, nothing when it is the same."""
    path = Path(args.file)
    if not path.is_file():
        print(f"qyzmet catalog load: {path}: no such file", file=sys.stderr)
        return 2
    loaded, problems = catalog_check([path])
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems or not loaded or loaded[0].definition is None:
        return 1
    _django()
    from django.utils import timezone

    from qyzmet.catalog.selectors import version_summary, versions_of
    from qyzmet.catalog.services import version_load

    result = version_load(definition=loaded[0].definition, now=timezone.now())
    version = versions_of(result.version.service.slug).get(pk=result.version.pk)
    summary = {"id": version.service.slug, "created": result.created, **version_summary(version)}
    if args.json:
        _print_json(summary)
        return 0
    said = "loaded as version" if result.created else "unchanged: it is version"
    print(f"{summary['id']}: {said} {version.version} (sha256 {version.sha256[:12]})")
    return 0


def _versions(args: argparse.Namespace) -> int:
    _django()
    from qyzmet.catalog.selectors import version_summary, versions_of

    try:
        versions = [version_summary(v) for v in versions_of(args.id)]
    except ServiceNotFound as exc:
        print(f"qyzmet catalog versions: {exc}", file=sys.stderr)
        return 2
    if args.json:
        _print_json(versions)
        return 0
    for v in versions:
        period = f"{v['effective_from']}..{v['effective_to'] or ''}"
        print(f"v{v['version']}\t{v['sha256'][:12]}\t{period}\t{v['cases_filed']} case(s)")
    return 0


def _validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or None
    missing = [p for p in paths or [] if not p.exists()]
    for path in missing:
        print(f"{path}:1: no such file or directory")
    loaded, problems = catalog_check([p for p in paths if p.exists()] if paths else [REGULATIONS_DIR, APPEALS_DIR])
    for problem in problems:
        print(problem)
    if problems or missing:
        return 1
    print(f"{len(loaded)} definition(s) valid", file=sys.stderr)
    return 0


def _definition_and_channel(command: str, args: argparse.Namespace) -> tuple[ServiceDefinition, str] | None:
    try:
        definition = catalog_default().latest(args.id)
    except ServiceNotFound as exc:
        print(f"qyzmet catalog {command}: {exc}", file=sys.stderr)
        return None
    codes = [c.code.value for c in definition.channels]
    channel = args.channel or codes[0]
    if channel not in codes:
        print(
            f"qyzmet catalog {command}: service '{args.id}' has no channel '{channel}' (it has: {', '.join(codes)})",
            file=sys.stderr,
        )
        return None
    return definition, channel


def _write(data: bytes, out: str | None) -> None:
    if out:
        Path(out).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def _diagram(args: argparse.Namespace) -> int:
    found = _definition_and_channel("diagram", args)
    if found is None:
        return 2
    definition, channel = found
    try:
        if args.kind == "interaction":
            svg = interaction_svg(definition, channel, args.lang)
        else:
            svg = diagram_svg(definition, channel, args.lang)
    except ValueError as exc:
        print(f"qyzmet catalog diagram: {exc}", file=sys.stderr)
        return 2
    if args.format == "png":
        import cairosvg

        png: bytes = cairosvg.svg2png(bytestring=svg.encode("utf-8"))
        _write(png, args.out)
    else:
        _write(svg.encode("utf-8"), args.out)
    return 0


def _bpmn(args: argparse.Namespace) -> int:
    found = _definition_and_channel("bpmn", args)
    if found is None:
        return 2
    definition, channel = found
    _write(bpmn_document(definition, channel, args.lang), args.out)
    return 0


def _render(args: argparse.Namespace) -> int:
    try:
        definition = catalog_default().latest(args.id)
    except ServiceNotFound as exc:
        print(f"qyzmet catalog render: {exc}", file=sys.stderr)
        return 2
    _write(render(definition, args.lang, args.format), args.out)
    return 0


def _schema(args: argparse.Namespace) -> int:
    sys.stdout.write(json_schema_text())
    return 0


def register(subparsers: Any) -> None:
    catalog = subparsers.add_parser("catalog", help="the regulation catalogue")
    sub = catalog.add_subparsers(dest="catalog_command", required=True, parser_class=type(catalog))

    list_ = sub.add_parser("list", help="every service (with --appeals: the appeal definitions instead)")
    list_.add_argument("--json", action="store_true")
    list_.add_argument("--appeals", action="store_true", help="list the definitions of kind 'appeal'")
    list_.set_defaults(handler=_list)

    show = sub.add_parser("show", help="one definition, normalised (--version N: stored version N)")
    show.add_argument("id")
    show.add_argument("--version", type=int, help="a stored version's number (see `catalog versions`)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)

    load = sub.add_parser("load", help="store one definition file: a new version when its content differs")
    load.add_argument("file")
    load.add_argument("--json", action="store_true")
    load.set_defaults(handler=_load)

    versions = sub.add_parser("versions", help="the stored versions of a service, with the cases filed under each")
    versions.add_argument("id")
    versions.add_argument("--json", action="store_true")
    versions.set_defaults(handler=_versions)

    validate = sub.add_parser(
        "validate", help="validate definition files (default: the built-in catalogue and appeals)"
    )
    validate.add_argument("paths", nargs="*")
    validate.set_defaults(handler=_validate)

    diagram = sub.add_parser("diagram", help="draw the business-process reference (or the IS interaction)")
    diagram.add_argument("id")
    diagram.add_argument("--channel")
    diagram.add_argument("--lang", choices=LANGUAGES, default="ru")
    diagram.add_argument("--format", choices=["svg", "png"], default="svg")
    diagram.add_argument("--kind", choices=["process", "interaction"], default="process")
    diagram.add_argument("--out")
    diagram.set_defaults(handler=_diagram)

    bpmn = sub.add_parser("bpmn", help="write a BPMN 2.0 document (with BPMNDI) of a channel")
    bpmn.add_argument("id")
    bpmn.add_argument("--channel")
    bpmn.add_argument("--lang", choices=LANGUAGES, default="ru")
    bpmn.add_argument("--out")
    bpmn.set_defaults(handler=_bpmn)

    render_ = sub.add_parser("render", help="write the regulation text generated from the definition")
    render_.add_argument("id")
    render_.add_argument("--lang", choices=LANGUAGES, required=True)
    render_.add_argument("--format", choices=["md", "html", "pdf"], default="md")
    render_.add_argument("--out")
    render_.set_defaults(handler=_render)

    schema = sub.add_parser("schema", help="print the JSON Schema of a definition file")
    schema.set_defaults(handler=_schema)

    importer_cli.register(sub)
