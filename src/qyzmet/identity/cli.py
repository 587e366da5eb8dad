"""`qyzmet identity …`: check an IIN or BIN; list the demo accounts.

`check-iin` / `check-bin` exit 0 when the number is valid and 2 when it is not, with the
reason on stderr. `demo-users` lists what `qyzmet setup` loads (no database needed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from qyzmet.core.i18n import LANGUAGES
from qyzmet.identity.identifiers import InvalidIdentifier, bin_hints, bin_validate, iin_hints, iin_validate


def _check(args: argparse.Namespace, kind: str, validate: Callable[[str], str]) -> int:
    try:
        number = validate(args.number)
    except InvalidIdentifier as error:
        print(f"qyzmet identity check-{kind.lower()}: {error.code}: {error.message(args.language)}", file=sys.stderr)
        return 2
    print(f"{number}: valid {kind}{_hints_text(kind, number)}")
    return 0


def _hints_text(kind: str, number: str) -> str:
    parts: list[str] = []
    if kind == "IIN":
        hints = iin_hints(number)
        if hints.birth_date is not None:
            parts.append(f"born {hints.birth_date.isoformat()}")
        if hints.sex is not None:
            parts.append({"M": "male", "F": "female"}[hints.sex])
    else:
        bin_info = bin_hints(number)
        if bin_info.registered_year is not None:
            parts.append(f"registered {bin_info.registered_year}-{bin_info.registered_month:02d}")
        parts.extend(p for p in (bin_info.entity_type, bin_info.attribute) if p)
    return f" (hints only: {', '.join(parts)})" if parts else ""


def _check_iin(args: argparse.Namespace) -> int:
    return _check(args, "IIN", iin_validate)


def _check_bin(args: argparse.Namespace) -> int:
    return _check(args, "BIN", bin_validate)


def _demo_users(args: argparse.Namespace) -> int:
    from qyzmet.core.cli import django_setup

    django_setup()
    from qyzmet.identity.demo import DEMO_PASSWORD, ORGANIZATIONS, demo_people

    names = {spec.code: spec.name_ru for spec in ORGANIZATIONS}
    rows: list[dict[str, Any]] = [
        {
            "iin": person.iin,
            "name": " ".join(p for p in (person.surname, person.given_name, person.patronymic) if p),
            "mobile": person.mobile,
            "password": DEMO_PASSWORD,
            "roles": [{"role": role, "organization": code, "organization_name": names[code]}
                      for role, code in person.roles],
        }
        for person in demo_people()
    ]
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"Every demo account's password: {DEMO_PASSWORD}")
    for row in rows:
        roles = "; ".join(f"{r['role']} @ {r['organization']}" for r in row["roles"]) or "citizen"
        print(f"{row['iin']}\t{row['mobile'] or '(no mobile)':<12}\t{roles}\t{row['name']}")
    return 0


def register(subparsers: Any) -> None:
    identity = subparsers.add_parser("identity", help="IIN/BIN checks and the demo accounts")
    sub = identity.add_subparsers(dest="identity_command", required=True, parser_class=type(identity))

    check_iin = sub.add_parser("check-iin", help="check an IIN (exit 0 valid, 2 invalid)")
    check_iin.add_argument("number")
    check_iin.add_argument("--language", choices=LANGUAGES, default="en", help="language of the reason")
    check_iin.set_defaults(handler=_check_iin)

    check_bin = sub.add_parser("check-bin", help="check a BIN (exit 0 valid, 2 invalid)")
    check_bin.add_argument("number")
    check_bin.add_argument("--language", choices=LANGUAGES, default="en", help="language of the reason")
    check_bin.set_defaults(handler=_check_bin)

    demo_users = sub.add_parser("demo-users", help="the demo staff and citizens, with roles and organizations")
    demo_users.add_argument("--json", action="store_true")
    demo_users.set_defaults(handler=_demo_users)
