"""`qyzmet registries …` (the registry simulator) and `qyzmet gateway …` (signed look-ups, the log, retries).

`gateway query` exit codes: 0 found; 3 the registry has no record (the regulations' "data
cannot be obtained" message on stderr in kk, ru and en); 4 the registry stayed unavailable
after the retries (the request is logged); 1 the answer was rejected (unsigned or forged) or
the gateway refused the request; 2 bad input (an IIN with a wrong check digit is refused
before anything is sent) or a platform not set up.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Final

from qyzmet.core.i18n import LANGUAGES

EXIT_FOUND: Final = 0
EXIT_REJECTED: Final = 1
EXIT_BAD_INPUT: Final = 2
EXIT_NOT_FOUND: Final = 3
EXIT_UNAVAILABLE: Final = 4

# The simulator's fault modes (gateway.simulator.Fault; not imported here, before Django is set up).
FAULTS: Final = ["none", "slow", "fail", "down", "unsigned", "forged", "tampered", "wrong_person"]
REGISTRY_COMMANDS: Final = {"gbdfl": "gbd_fl", "gbdul": "gbd_ul", "enis": "enis"}
DEFAULT_PURPOSE: Final = "command-line query (qyzmet gateway query)"
DATABASE_NOT_READY: Final = "the database is not ready (run `qyzmet setup`): {error}"
PKI_NOT_READY: Final = "the test CA is not set up (run `qyzmet setup`): {error}"
UNKNOWN_ACTOR: Final = "no user with IIN {iin}"
SIMULATOR_STARTED: Final = "registry simulator (ГБД ФЛ, ГБД ЮЛ, ЕНИС) at {url}/ — fault: {fault}"
CREDENTIALS_NOT_RECORDED: Final = "warning: certificates not recorded in the CA register ({error}); run `qyzmet setup`"
CONTROL_FAILED: Final = "cannot reach the simulator at {url}: {error}"


class CommandError(Exception):
    """Bad input or a platform not set up: printed on stderr, exit code 2."""


def _handled(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from qyzmet.identity.identifiers import InvalidIdentifier

        try:
            return handler(args)
        except InvalidIdentifier as error:
            for language in LANGUAGES:
                print(f"{language}: {error.message(language)}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except CommandError as error:
            print(f"qyzmet: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT

    return run


def _django_setup() -> None:
    from qyzmet.core.cli import django_setup

    django_setup()


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


def register(subparsers: Any) -> None:
    _register_registries(subparsers)
    _register_gateway(subparsers)


# --- qyzmet registries ------------------------------------------------------------------------------


def _register_registries(subparsers: Any) -> None:
    parser = subparsers.add_parser("registries", help="the state registries simulator: serve, sample, fault")
    commands = parser.add_subparsers(dest="registries_command", required=True, parser_class=type(parser))

    serve = commands.add_parser("serve", help="run the simulator (ГБД ФЛ, ГБД ЮЛ, ЕНИС behind a gateway)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8100)
    serve.add_argument("--fault", default="none",
                       choices=FAULTS)
    serve.add_argument("--delay", type=float, default=None, help="seconds of delay in the slow mode")
    serve.add_argument("--max-age", type=int, default=300, metavar="SECONDS",
                       help="refuse requests dated further than this from now, and replayed envelopes "
                            "(0: accept any date, e.g. for a virtual clock)")
    serve.add_argument("--verbose", action="store_true", help="log every request on stderr")
    serve.set_defaults(handler=_handled(_serve))

    sample = commands.add_parser("sample", help="print identifiers that exist in the simulator's data")
    sample.add_argument("--kind", required=True, choices=["person", "entity", "poa"],
                        help="person: IINs; entity: BINs; poa: IINs of representatives holding a power of attorney")
    sample.add_argument("--count", type=int, default=10)
    sample.add_argument("--absent", action="store_true", help="print valid IINs that are NOT in the data instead")
    sample.set_defaults(handler=_handled(_sample))

    fault = commands.add_parser("fault", help="make a running simulator slow, failing, down, … or normal again")
    fault.add_argument("mode", choices=FAULTS)
    fault.add_argument("--delay", type=float, default=None)
    fault.add_argument("--registry-url", default=None)
    fault.set_defaults(handler=_handled(_fault))


def _serve(args: argparse.Namespace) -> int:
    _django_setup()
    from django.db import DatabaseError

    from qyzmet.gateway.credentials import registry_credentials_load
    from qyzmet.gateway.services import registry_credentials
    from qyzmet.gateway.simulator import RegistrySimulator, SimulatorServer, dataset_default
    from qyzmet.signatures.pki import PkiNotInitialised

    now = _now()
    try:
        credentials = registry_credentials(now=now)
    except PkiNotInitialised as error:
        raise CommandError(PKI_NOT_READY.format(error=error)) from error
    except DatabaseError as error:
        from django.conf import settings

        from qyzmet.signatures.services import pki_default

        print(CREDENTIALS_NOT_RECORDED.format(error=error), file=sys.stderr)
        credentials, _ = registry_credentials_load(settings.QYZMET_PKI_DIR, pki_default(),
                                                   base_url=settings.QYZMET_PKI_BASE_URL, now=now)
    max_age = timedelta(seconds=args.max_age) if args.max_age > 0 else None
    simulator = RegistrySimulator(dataset_default(), credentials, max_age=max_age)
    simulator.fault_set(args.fault, args.delay)
    server = SimulatorServer(simulator, host=args.host, port=args.port, verbose=args.verbose)
    print(SIMULATOR_STARTED.format(url=server.url, fault=simulator.fault.value), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


def _sample(args: argparse.Namespace) -> int:
    _django_setup()
    from qyzmet.gateway.simulator import dataset_default

    dataset = dataset_default()
    if args.absent:
        identifiers = [dataset.absent_iin(serial) for serial in range(args.count)]
    else:
        identifiers = dataset.sample(args.kind, args.count)
    for identifier in identifiers:
        print(identifier)
    return 0


def _fault(args: argparse.Namespace) -> int:
    import httpx

    url = args.registry_url or _registry_url()
    body: dict[str, Any] = {"mode": args.mode}
    if args.delay is not None:
        body["delay"] = args.delay
    try:
        response = httpx.post(f"{url}/admin/fault", json=body, timeout=5)
        response.raise_for_status()
    except httpx.HTTPError as error:
        raise CommandError(CONTROL_FAILED.format(url=url, error=error)) from error
    print(json.dumps(response.json(), ensure_ascii=False))
    return 0


def _registry_url() -> str:
    _django_setup()
    from django.conf import settings

    return str(settings.QYZMET_REGISTRY_URL)


# --- qyzmet gateway ---------------------------------------------------------------------------------


def _register_gateway(subparsers: Any) -> None:
    parser = subparsers.add_parser("gateway", help="signed registry look-ups through the gateway; the message log")
    commands = parser.add_subparsers(dest="gateway_command", required=True, parser_class=type(parser))

    query = commands.add_parser("query", help="send a signed request to a registry and print the verified answer")
    registries = query.add_subparsers(dest="registry", required=True, parser_class=type(parser))
    for name, identifier, help_text in (("gbdfl", "iin", "ГБД ФЛ: a person by IIN"),
                                        ("gbdul", "bin", "ГБД ЮЛ: a legal entity by BIN"),
                                        ("enis", "iin", "ЕНИС: powers of attorney of a person (principal or "
                                                        "representative) by IIN")):
        command = registries.add_parser(name, help=help_text)
        command.add_argument(f"--{identifier}", required=True, dest="identifier")
        if name == "enis":
            command.add_argument("--number", default="", help="only the power of attorney with this number")
        command.add_argument("--registry-url", default=None, help="default: settings.QYZMET_REGISTRY_URL")
        command.add_argument("--json", action="store_true")
        command.add_argument("--channel", choices=["sync", "async"], default="sync")
        command.add_argument("--purpose", default=DEFAULT_PURPOSE, help="why the data is read (logged)")
        command.add_argument("--actor", default="", help="IIN of the user on whose behalf (default: none)")
        command.add_argument("--reference", default="", help="the application the look-up is for")
        command.add_argument("--attempts", type=int, default=None)
        command.add_argument("--timeout", type=float, default=None, help="seconds per attempt")
        command.set_defaults(handler=_handled(_query))

    log = commands.add_parser("log", help="every look-up of a person's data: when, registry, who, why, outcome")
    log.add_argument("--iin", required=True)
    log.add_argument("--json", action="store_true")
    log.set_defaults(handler=_handled(_log))

    retry = commands.add_parser("retry", help="re-send the requests waiting for a registry (the sweeper, once)")
    retry.add_argument("--registry-url", default=None)
    retry.add_argument("--all", action="store_true", dest="all_waiting", help="also those not yet due (try now)")
    retry.set_defaults(handler=_handled(_retry))

    pending = commands.add_parser("pending", help="list the requests waiting for a registry")
    pending.add_argument("--json", action="store_true")
    pending.set_defaults(handler=_handled(_pending))


def _query(args: argparse.Namespace) -> int:
    from qyzmet.gateway.registries import registry_spec
    from qyzmet.identity.identifiers import bin_validate, iin_validate

    registry = REGISTRY_COMMANDS[args.registry]
    validate = iin_validate if registry_spec(registry).identifier == "iin" else bin_validate
    identifier = validate(args.identifier)  # refused here, before anything is sent
    _django_setup()
    from django.db import DatabaseError

    from qyzmet.gateway.clients import RetryPolicy
    from qyzmet.gateway.services import gateway_client_default, gateway_policy, registry_lookup
    from qyzmet.identity.models import User
    from qyzmet.signatures.pki import PkiNotInitialised

    now = _now()
    default = gateway_policy()
    policy = RetryPolicy(attempts=args.attempts or default.attempts, timeout=args.timeout or default.timeout,
                         backoff=default.backoff)
    try:
        actor = User.objects.filter(iin=args.actor).first() if args.actor else None
        if args.actor and actor is None:
            raise CommandError(UNKNOWN_ACTOR.format(iin=args.actor))
        client = gateway_client_default(now=now, registry_url=args.registry_url, policy=policy)
        try:
            result = registry_lookup(
                registry=registry, identifier=identifier, actor=actor, purpose=args.purpose, now=now,
                reference=args.reference, extra={"number": args.number} if getattr(args, "number", "") else None,
                channel=args.channel, client=client,
            )
        finally:
            client.close()
    except PkiNotInitialised as error:
        raise CommandError(PKI_NOT_READY.format(error=error)) from error
    except DatabaseError as error:
        raise CommandError(DATABASE_NOT_READY.format(error=error)) from error
    return _query_report(args, registry, result)


def _query_report(args: argparse.Namespace, registry: str, result: Any) -> int:
    from qyzmet.gateway.messages import data_unavailable_messages

    message = result.message
    if args.json:
        json.dump({"registry": registry, "status": result.status, "messageId": message.message_id,
                   "attempts": message.attempts, "records": result.records,
                   "error": message.error or None}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    if result.is_found:
        if not args.json:
            print(f"{registry}: found ({len(result.records)}), message {message.message_id}, answer signature verified")
            for record in result.records:
                print(_record_line(registry, record))
        return EXIT_FOUND
    if result.is_not_found:
        for language, text in data_unavailable_messages(registry).items():
            print(f"{language}: {text}", file=sys.stderr)
        return EXIT_NOT_FOUND
    error = result.error
    for language in LANGUAGES:
        print(f"{language}: {error.message(language) if error else message.status}", file=sys.stderr)
    return EXIT_UNAVAILABLE if message.status == "unavailable" else EXIT_REJECTED


def _record_line(registry: str, record: dict[str, Any]) -> str:
    from qyzmet.gateway.clients import LegalEntity, Person, PowerOfAttorney

    if registry == "gbd_fl":
        person = Person.from_payload(record)
        address = person.address
        place = ", ".join(str((address.get(part) or {}).get("nameRu") or "")
                          for part in ("region", "district", "ruralOkrug", "locality") if address.get(part))
        family = f"; children: {', '.join(person.children)}" if person.children else ""
        wards = f"; wards: {', '.join(person.wards)}" if person.wards else ""
        return (f"  {person.iin}  {person.full_name('ru')} / {person.full_name('kk')}  born "
                f"{person.birth_date}  sex {person.sex}  {place}{family}{wards}")
    if registry == "gbd_ul":
        entity = LegalEntity.from_payload(record)
        return f"  {entity.bin}  {entity.name.get('ru', '')}  head {entity.head_iin} {entity.head_name}"
    power = PowerOfAttorney.from_payload(record)
    return (f"  {power.number}  principal {power.principal_iin} {power.principal_name} -> representative "
            f"{power.representative_iin} {power.representative_name}  scope {','.join(power.scope)}  "
            f"{power.issued_on}..{power.valid_until}  {'notarised' if power.notarised else 'NOT notarised'}")


def _log(args: argparse.Namespace) -> int:
    _django_setup()
    from django.db import DatabaseError

    from qyzmet.gateway.selectors import lookups_of_subject

    try:
        rows = lookups_of_subject(args.iin)
    except DatabaseError as error:
        raise CommandError(DATABASE_NOT_READY.format(error=error)) from error
    if args.json:
        json.dump([{
            "at": row.at.isoformat(), "answered_at": row.answered_at.isoformat() if row.answered_at else None,
            "registry": row.registry, "roles": list(row.roles), "actor_iin": row.actor_iin,
            "actor_name": row.actor_name, "organization": row.organization_code, "purpose": row.purpose,
            "reference": row.reference, "case": row.case_number, "status": row.status, "message_id": row.message_id,
        } for row in rows], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not rows:
        print(f"no look-ups of {args.iin}")
    for row in rows:
        who = f"{row.actor_iin} {row.actor_name}".strip() or "(automated)"
        where = f" @ {row.organization_code}" if row.organization_code else ""
        case = row.case_number or row.reference or "-"
        print(f"{row.at.isoformat(timespec='seconds')}  {row.registry:<6} {row.status:<10} {who}{where}  "
              f"case {case}  purpose: {row.purpose}")
    return 0


def _retry(args: argparse.Namespace) -> int:
    _django_setup()
    from qyzmet.gateway.services import gateway_client_default, gateway_retry_pending

    now = _now()
    client = gateway_client_default(now=now, registry_url=args.registry_url)
    try:
        report = gateway_retry_pending(now=now, client=client, all_waiting=args.all_waiting)
    finally:
        client.close()
    print(f"answered {report.answered}, still waiting {report.waiting}, given up {report.failed}, "
          f"continuation errors {report.continuation_errors}")
    return 0


def _pending(args: argparse.Namespace) -> int:
    _django_setup()
    from qyzmet.gateway.selectors import pending_requests

    rows = [{"message_id": p.message.message_id, "registry": p.message.registry, "reference": p.message.reference,
             "attempts": p.attempts, "next_attempt_at": p.next_attempt_at.isoformat(),
             "continuation": p.continuation} for p in pending_requests()]
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for row in rows:
        print(f"{row['next_attempt_at']}  {row['registry']:<6} {row['message_id']}  {row['reference']}  "
              f"re-sent {row['attempts']} times")
    if not rows:
        print("nothing is waiting for a registry")
    return 0
