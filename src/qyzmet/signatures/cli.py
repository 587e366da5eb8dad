"""`qyzmet pki …` (the test national CA) and `qyzmet eds …` (sign and verify files).

Exit codes: 0 success, 1 a signature check failed, 2 bad input (missing file, wrong password,
invalid IIN/BIN, CA not set up).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from qyzmet.signatures import cms, pki, profile, revocation, tsp
from qyzmet.signatures.identifiers import identifier_is_valid
from qyzmet.signatures.profile import Purpose, name_text

INVALID_IDENTIFIER: Final = "{kind} {value!r} is not valid: 12 digits with a correct check digit expected"
ORGANIZATION_PAIR: Final = "--bin and --org go together: staff certificates name the organization and its BIN"
FILE_EXISTS: Final = "{path} exists; refusing to overwrite a key file"
NO_SUCH_FILE: Final = "{path}: no such file"
BAD_SERIAL: Final = "{value!r} is not a hexadecimal serial number"
DATABASE_NOT_READY: Final = "the database is not ready (run `qyzmet setup`): {error}"
TSA_FAILED: Final = "no time-stamp from {url}: {error}"
TOO_MANY_PATHS: Final = "give FILE SIGNATURE, or only SIGNATURE when the content is attached"


class CommandError(Exception):
    """Bad input: printed on stderr, exit code 2."""


def register(subparsers: Any) -> None:
    _register_pki(subparsers)
    _register_eds(subparsers)


def _register_pki(subparsers: Any) -> None:
    parser = subparsers.add_parser("pki", help="the test national CA: init, issue, revoke, crl")
    commands = parser.add_subparsers(dest="pki_command", required=True, parser_class=type(parser))

    init = commands.add_parser("init", help="create the test CA under var/pki/ (keeps an existing one)")
    init.set_defaults(handler=_handled(_pki_init))

    issue = commands.add_parser("issue", help="issue a signing or authentication key as a PKCS#12 file")
    issue.add_argument("--iin", required=True, help="the holder's IIN (12 digits)")
    issue.add_argument("--name", required=True, help='"SURNAME NAME [PATRONYMIC]"')
    issue.add_argument("--bin", default="", help="the organization's BIN, for staff certificates")
    issue.add_argument("--org", default="", help="the organization's name, for staff certificates")
    issue.add_argument("--usage", required=True, choices=[p.value for p in Purpose], help="sign or auth")
    issue.add_argument("--out", required=True, type=Path, help="the .p12 file to write")
    issue.add_argument("--password", required=True, help="password of the .p12 file")
    issue.add_argument("--days", type=int, default=365, help="validity in days (default 365)")
    issue.set_defaults(handler=_handled(_pki_issue))

    revoke = commands.add_parser("revoke", help="revoke a certificate and publish a new CRL")
    revoke.add_argument("serial", help="serial number in hex, as `pki issue` printed it")
    revoke.add_argument("--reason", default="unspecified", choices=list(revocation.REASONS))
    revoke.set_defaults(handler=_handled(_pki_revoke))

    crl = commands.add_parser("crl", help="publish a fresh CRL now")
    crl.add_argument("--ca", default=pki.ISSUING, choices=list(pki.AUTHORITY_NAMES))
    crl.add_argument("--out", type=Path, help="also write the DER CRL to this file")
    crl.set_defaults(handler=_handled(_pki_crl))


def _register_eds(subparsers: Any) -> None:
    parser = subparsers.add_parser("eds", help="sign a file or verify its electronic digital signature (ЭЦП)")
    commands = parser.add_subparsers(dest="eds_command", required=True, parser_class=type(parser))

    sign = commands.add_parser("sign", help="write a CMS signature of FILE to stdout (detached DER by default)")
    sign.add_argument("file", type=Path)
    sign.add_argument("--key", required=True, type=Path, help="PKCS#12 key file")
    sign.add_argument("--password", required=True, help="password of the key file")
    sign.add_argument("--attached", action="store_true", help="put the file's content inside the signature")
    sign.add_argument("--pem", action="store_true", help="PEM instead of DER")
    sign.add_argument("--out", type=Path, help="write here instead of stdout")
    sign.add_argument(
        "--timestamp", action="store_true",
        help="add an RFC 3161 time-stamp from the platform's TSA (QYZMET_PKI_BASE_URL/pki/tsp), as NCALayer does",
    )
    sign.set_defaults(handler=_handled(_eds_sign))

    verify = commands.add_parser("verify", help="verify a signature; prints the verdict as JSON")
    verify.add_argument("paths", nargs="+", type=Path, metavar="FILE", help="FILE SIGNATURE, or SIGNATURE if attached")
    verify.add_argument("--iin", help="the IIN the signer must have")
    verify.add_argument("--bin", help="the BIN the signer's certificate must name")
    verify.add_argument("--purpose", default=Purpose.SIGN.value, choices=[p.value for p in Purpose])
    verify.set_defaults(handler=_handled(_eds_verify))


Command = Callable[[argparse.Namespace], int]


def _handled(command: Command) -> Command:
    """Turn the expected errors of a command into one line on stderr and exit code 2."""

    def run(args: argparse.Namespace) -> int:
        from django.db import DatabaseError

        try:
            code = command(args)
        except (CommandError, pki.KeyFileError, pki.PkiNotInitialised, pki.PkiIncomplete) as error:
            return _fail(args, str(error))
        except DatabaseError as error:
            return _fail(args, DATABASE_NOT_READY.format(error=error))
        return code

    return run


def _fail(args: argparse.Namespace, message: str) -> int:
    command = " ".join(part for part in ("qyzmet", args.command, getattr(args, f"{args.command}_command", "")) if part)
    print(f"{command}: {message}", file=sys.stderr)
    return 2


def _pki_init(args: argparse.Namespace) -> int:
    _django_setup()
    from qyzmet.signatures.setup import load_pki

    print(load_pki())
    return 0


def _pki_issue(args: argparse.Namespace) -> int:
    _check_identifier("IIN", args.iin)
    if bool(args.bin) != bool(args.org):
        raise CommandError(ORGANIZATION_PAIR)
    if args.bin:
        _check_identifier("BIN", args.bin)
    if args.out.exists():
        raise CommandError(FILE_EXISTS.format(path=args.out))
    try:
        holder = profile.holder_from_full_name(args.name, iin=args.iin, bin=args.bin, organization=args.org)
    except ValueError as error:
        raise CommandError(str(error)) from error
    purpose = Purpose(args.usage)
    _django_setup()
    from django.conf import settings

    from qyzmet.signatures.services import certificate_record_issued, pki_default

    authority, now, key = pki_default(), _now(), pki.key_generate()
    certificate = pki.certificate_issue(
        authority, holder=holder, purpose=purpose, public_key=key.public_key(),
        base_url=settings.QYZMET_PKI_BASE_URL, now=now, not_after=now + timedelta(days=args.days),
    )
    certificate_record_issued(pki=authority, certificate=certificate, purpose=purpose, now=now)
    bundle = pki.KeyBundle(key=key, certificate=certificate, chain=authority.chain)
    friendly_name = pki.pkcs12_friendly_name(certificate, purpose)
    args.out.write_bytes(pki.pkcs12_dump(bundle, password=args.password, friendly_name=friendly_name))
    print(f"issued {purpose.value} certificate {pki.serial_hex(certificate.serial_number)}")
    print(f"  subject: {name_text(certificate.subject)}")
    print(f"  valid:   {certificate.not_valid_before_utc.isoformat()} .. {certificate.not_valid_after_utc.isoformat()}")
    print(f"  key:     {args.out}")
    return 0


def _pki_revoke(args: argparse.Namespace) -> int:
    try:
        serial_number = pki.serial_parse(args.serial)
    except ValueError as error:
        raise CommandError(BAD_SERIAL.format(value=args.serial)) from error
    _django_setup()
    from qyzmet.signatures import services

    try:
        record = services.certificate_revoke(
            pki=services.pki_default(), serial_number=serial_number, reason=args.reason, now=_now()
        )
    except (services.CertificateNotFound, services.CertificateAlreadyRevoked) as error:
        raise CommandError(str(error)) from error
    print(f"revoked certificate {record.serial_number} ({record.revocation_reason}) of {record.subject}")
    return 0


def _pki_crl(args: argparse.Namespace) -> int:
    _django_setup()
    from qyzmet.signatures.services import crl_publish, pki_default

    published = crl_publish(pki=pki_default(), authority_name=args.ca, now=_now())
    if args.out:
        args.out.write_bytes(bytes(published.der))
    print(f"published CRL number {published.number} of {args.ca}, next update {published.next_update.isoformat()}")
    return 0


def _eds_sign(args: argparse.Namespace) -> int:
    content, key_data = _read(args.file), _read(args.key)
    bundle = pki.pkcs12_load(key_data, password=args.password)
    der = cms.cms_sign(
        content, key=bundle.key, certificate=bundle.certificate, chain=bundle.chain,
        signing_time=_now(), attached=args.attached,
    )
    if args.timestamp:
        der = _timestamped(der)
    output = cms.cms_pem(der) if args.pem else der
    if args.out:
        args.out.write_bytes(output)
    else:
        sys.stdout.buffer.write(output)
        sys.stdout.flush()
    return 0


def _timestamped(der: bytes) -> bytes:
    import httpx

    _django_setup()
    from django.conf import settings

    from qyzmet.signatures.backends.local import platform_client_shared
    from qyzmet.signatures.sources import timestamp_add

    url = settings.QYZMET_PKI_BASE_URL + profile.TSP_PATH
    try:
        return timestamp_add(platform_client_shared(), der, url=url)
    except (httpx.HTTPError, tsp.TimestampInvalid) as error:
        raise CommandError(TSA_FAILED.format(url=url, error=error)) from error


def _eds_verify(args: argparse.Namespace) -> int:
    if len(args.paths) > 2:
        raise CommandError(TOO_MANY_PATHS)
    content = _read(args.paths[0]) if len(args.paths) == 2 else None
    signature = _read(args.paths[-1])
    _django_setup()
    from qyzmet.signatures.backends import get_verifier

    verdict = get_verifier().verify(
        content, signature, expected_iin=args.iin, expected_bin=args.bin, purpose=Purpose(args.purpose)
    )
    json.dump(verdict.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0 if verdict.is_valid else 1


def _check_identifier(kind: str, value: str) -> None:
    if not identifier_is_valid(value):
        raise CommandError(INVALID_IDENTIFIER.format(kind=kind, value=value))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as error:
        raise CommandError(NO_SUCH_FILE.format(path=path)) from error
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}") from error


def _django_setup() -> None:
    from qyzmet.core.cli import django_setup

    django_setup()


def _now() -> datetime:
    return datetime.now(UTC)
