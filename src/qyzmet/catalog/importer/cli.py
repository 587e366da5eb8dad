"""`qyzmet catalog import FILE [--out DIR]` and `qyzmet catalog compare A B`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from qyzmet.catalog.importer import import_file
from qyzmet.catalog.importer.compare import compare_paths


def _import(args: argparse.Namespace) -> int:
    source = Path(args.file)
    if not source.is_file():
        print(f"qyzmet catalog import: no such file: {source}", file=sys.stderr)
        return 2
    try:
        drafts = import_file(source)
    except UnicodeDecodeError:
        print(f"qyzmet catalog import: {source} is not UTF-8 text", file=sys.stderr)
        return 2
    if not drafts:
        print(f"qyzmet catalog import: no regulation found in {source}", file=sys.stderr)
        return 1
    if args.out:
        folder = Path(args.out)
        folder.mkdir(parents=True, exist_ok=True)
        for draft in drafts:
            path = folder / f"{draft['id']}.yaml"
            path.write_text(yaml.safe_dump(draft, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
            print(f"{path}\t{len(draft['needs_review'])} to review")
        return 0
    json.dump(drafts, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
    return 0


def _compare(args: argparse.Namespace) -> int:
    reference, draft = Path(args.a), Path(args.b)
    for path in (reference, draft):
        if not path.exists():
            print(f"qyzmet catalog compare: no such file or folder: {path}", file=sys.stderr)
            return 2
    comparisons, missing = compare_paths(reference, draft)
    steps = sum(c.steps for c in comparisons)
    right = sum(c.steps_right for c in comparisons)
    report: dict[str, Any] = {
        "services": len(comparisons) + len(missing),
        "found": len(comparisons),
        "missing": missing,
        "steps": steps,
        "steps_right": right,
        "score": round(right / steps, 4) if steps else 1.0,
        "comparisons": [c.as_dict() for c in comparisons],
    }
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        for comparison in comparisons:
            print(f"{comparison.score:6.1%}  {comparison.steps_right}/{comparison.steps}  {Path(comparison.reference).stem}")
            for difference in comparison.differences:
                print(f"        {difference.path}: {difference.expected!r} → {difference.found!r}")
        for name in missing:
            print(f"  —     not found  {Path(name).stem}")
        print(f"services {len(comparisons)}/{report['services']}, steps right {right}/{steps} ({report['score']:.1%})")
    return 0


def register(sub: Any) -> None:
    """Adds `import` and `compare` to the `qyzmet catalog` sub-commands."""
    import_ = sub.add_parser("import", help="draft definitions from a published act's text (one per regulation)")
    import_.add_argument("file")
    import_.add_argument("--out", help="write one YAML draft per regulation into this folder (default: JSON on stdout)")
    import_.set_defaults(handler=_import)

    compare = sub.add_parser("compare", help="field-by-field differences and a score between definitions or folders")
    compare.add_argument("a", help="the reference definition or folder")
    compare.add_argument("b", help="the draft definition or folder")
    compare.add_argument("--json", action="store_true")
    compare.set_defaults(handler=_compare)
