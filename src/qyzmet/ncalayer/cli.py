"""`qyzmet ncalayer serve` (the NCALayer stand-in) and `qyzmet ncalayer demo-key` (a demo person's key file).

Exit codes: 0 success, 2 bad input (missing or unreadable key file, wrong password, unknown person,
or demo keys asked for under QYZMET_PROFILE=production).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from qyzmet.signatures.profile import Purpose

DEFAULT_PORT: Final = 13579
PASSWORDS_MISMATCH: Final = "give one --password for all key files, or one per --p12 in the same order"
NO_SUCH_FILE: Final = "{path}: no such file"
STARTED: Final = "NCALayer stand-in listening on ws://{host}:{port}/ with {keys}{mode}"
UNKNOWN_PERSON: Final = "no account with IIN {iin}"
UNKNOWN_ORGANIZATION: Final = "no organization with code {code}"
FILE_EXISTS: Final = "{path} exists; refusing to overwrite a key file"


class CommandError(Exception):
    """Bad input: printed on stderr, exit code 2."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("ncalayer", help="a development/test stand-in for NCALayer (signing in the browser)")
    commands = parser.add_subparsers(dest="ncalayer_command", required=True, parser_class=type(parser))

    serve = commands.add_parser("serve", help="answer the pages' NCALayer requests, signing with .p12 key files")
    serve.add_argument("--p12", required=True, action="append", type=Path, metavar="FILE",
                       help="a PKCS#12 key file of the test CA; repeat for several keys (e.g. sign and auth)")
    serve.add_argument("--password", required=True, action="append",
                       help="the key file's password; once for all files or once per --p12")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--cancel", action="store_true", help="act as a person who presses Cancel in every dialog")
    serve.add_argument("--tsa", metavar="URL",
                       help="stamp signatures asked with a tsaProfile at this RFC 3161 TSA, e.g. "
                            "http://127.0.0.1:8000/pki/tsp (the platform's test TSA)")
    serve.set_defaults(handler=_handled(_serve))

    key = commands.add_parser("demo-key", help="write a demo person's key (issued by the test CA) as a .p12 file")
    key.add_argument("--iin", required=True, help="a registered person's IIN")
    key.add_argument("--organization", default="", help="organization code, for a staff member's key")
    key.add_argument("--usage", required=True, choices=[p.value for p in Purpose])
    key.add_argument("--out", required=True, type=Path)
    key.add_argument("--password", required=True)
    key.set_defaults(handler=_handled(_demo_key))


def _handled(command: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        from django.core.exceptions import ImproperlyConfigured

        from qyzmet.signatures.pki import KeyFileError, PkiNotInitialised

        try:
            code: int = command(args)
        except (CommandError, KeyFileError, PkiNotInitialised, ImproperlyConfigured) as error:
            print(f"qyzmet ncalayer {args.ncalayer_command}: {error}", file=sys.stderr)
            return 2
        return code

    return run


def _serve(args: argparse.Namespace) -> int:
    from qyzmet.ncalayer.protocol import StandIn, StandInKey
    from qyzmet.ncalayer.server import standin_server
    from qyzmet.signatures import pki

    passwords = args.password * len(args.p12) if len(args.password) == 1 else args.password
    if len(passwords) != len(args.p12):
        raise CommandError(PASSWORDS_MISMATCH)
    keys = [StandInKey.from_bundle(pki.pkcs12_load(_read(path), password=password))
            for path, password in zip(args.p12, passwords, strict=True)]
    stand_in = StandIn(keys, cancel=args.cancel, timestamper=_timestamper(args.tsa) if args.tsa else None)
    server = standin_server(stand_in, host=args.host, port=args.port)
    described = ", ".join(f"{path.name} ({key.purpose.value if key.purpose else 'any'})"
                          for path, key in zip(args.p12, keys, strict=True))
    print(STARTED.format(host=args.host, port=args.port, keys=described,
                         mode=" (cancels every request)" if args.cancel else ""), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


def _timestamper(url: str) -> Callable[[bytes], bytes]:
    import httpx

    from qyzmet.ncalayer.protocol import TimestampUnavailable
    from qyzmet.signatures.sources import timestamp_add
    from qyzmet.signatures.tsp import TimestampInvalid

    client = httpx.Client(timeout=10.0)

    def stamp(signature: bytes) -> bytes:
        try:
            return timestamp_add(client, signature, url=url)
        except (httpx.HTTPError, TimestampInvalid) as error:
            raise TimestampUnavailable(str(error)) from error

    return stamp


def _demo_key(args: argparse.Namespace) -> int:
    if args.out.exists():
        raise CommandError(FILE_EXISTS.format(path=args.out))
    from qyzmet.core.cli import django_setup

    django_setup()
    from qyzmet.core.profile import demo_ensure_allowed
    from qyzmet.demo.keys import demo_key_for
    from qyzmet.identity.models import Organization, User
    from qyzmet.signatures import pki

    demo_ensure_allowed()
    person = User.objects.filter(iin=args.iin).first()
    if person is None:
        raise CommandError(UNKNOWN_PERSON.format(iin=args.iin))
    organization = None
    if args.organization:
        organization = Organization.objects.filter(code=args.organization).first()
        if organization is None:
            raise CommandError(UNKNOWN_ORGANIZATION.format(code=args.organization))
    purpose = Purpose(args.usage)
    bundle = demo_key_for(person, organization=organization, purpose=purpose, now=datetime.now(UTC))
    friendly = pki.pkcs12_friendly_name(bundle.certificate, purpose)
    args.out.write_bytes(pki.pkcs12_dump(bundle, password=args.password, friendly_name=friendly))
    print(f"wrote the {purpose.value} key of {args.iin} to {args.out}")
    return 0


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as error:
        raise CommandError(NO_SUCH_FILE.format(path=path)) from error
