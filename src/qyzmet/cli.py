"""The `qyzmet` command line.

Each domain module contributes its sub-commands through a `register(subparsers)`
function in its own `cli.py`; this file only wires them together. Exit codes:
0 success, 1 a check failed, 2 bad input.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# Modules that add sub-commands; each has `register(subparsers) -> None`.
COMMAND_MODULES: tuple[str, ...] = (
    "qyzmet.core.cli",
    "qyzmet.catalog.cli",
    "qyzmet.calendar.cli",
    "qyzmet.identity.cli",
    "qyzmet.signatures.cli",
    "qyzmet.gateway.cli",
    "qyzmet.state_corporation.cli",
    "qyzmet.cases.cli",
    "qyzmet.audit.cli",
    "qyzmet.demo.cli",
    "qyzmet.ncalayer.cli",
    "qyzmet.reports.cli",
    "qyzmet.worker.cli",
    "qyzmet.notifications.cli",
)


class ArgumentParser(argparse.ArgumentParser):
    """argparse with one-line errors on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="qyzmet", description="Qyzmet: regulated public services, run from their regulations.")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qyzmet.settings")
    parser = build_parser()
    args = parser.parse_args(argv)
    from django.core.exceptions import ImproperlyConfigured

    try:
        code: int = args.handler(args)
    except BrokenPipeError:
        return 0
    except ImproperlyConfigured as exc:  # e.g. the production profile without what it needs
        print(f"qyzmet: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
