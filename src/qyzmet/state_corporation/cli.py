"""`qyzmet hall …`: the State Corporation hall for the demo — the electronic queue and the operator's intake.

Exit codes: 0 done; 1 the intake did not reach the provider (no data, refused, waiting or
failed; the reason on stderr in kk, ru and en); 2 bad input (unknown branch or operator,
invalid IIN, a key file that does not open, an action the rules do not allow).
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from qyzmet.core.i18n import LANGUAGES

NO_BRANCH: Final = "no State Corporation branch with code {code!r}"
NO_USER: Final = "no user with IIN {iin}"
NO_TICKET: Final = "no ticket {number} today at {branch}"
NO_WINDOW: Final = "window {number} of {branch} was never opened"


class CommandError(Exception):
    """Bad input: printed on stderr, exit code 2."""


def _handled(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from qyzmet.core.cli import django_setup

        django_setup()
        from qyzmet.core.errors import LocalizedError
        from qyzmet.signatures.pki import KeyFileError
        from qyzmet.state_corporation.errors import HallError

        try:
            return handler(args)
        except (HallError, LocalizedError) as error:
            for language in LANGUAGES:
                print(f"{language}: {error.message(language)}", file=sys.stderr)
            return 2
        except (CommandError, KeyFileError, LookupError) as error:
            print(f"qyzmet hall: {error}", file=sys.stderr)
            return 2

    return run


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("hall", help="the State Corporation hall: electronic queue and operator intake")
    commands = parser.add_subparsers(dest="hall_command", required=True, parser_class=type(parser))

    ticket = commands.add_parser("ticket", help="take a queue ticket at the kiosk")
    ticket.add_argument("--branch", required=True)
    ticket.add_argument("--service", default="")
    ticket.set_defaults(handler=_handled(_ticket))

    window = commands.add_parser("window", help="open a window with an operator at it")
    window.add_argument("--branch", required=True)
    window.add_argument("--number", type=int, required=True)
    window.add_argument("--operator", required=True, help="the operator's IIN")
    window.set_defaults(handler=_handled(_window))

    call = commands.add_parser("call", help="call the next ticket to the operator's window")
    call.add_argument("--branch", required=True)
    call.add_argument("--window", type=int, required=True)
    call.add_argument("--operator", required=True)
    call.set_defaults(handler=_handled(_call))

    finish = commands.add_parser("finish", help="finish a called ticket (served, or --no-show)")
    finish.add_argument("--branch", required=True)
    finish.add_argument("--ticket", required=True, help="the ticket number, e.g. 007")
    finish.add_argument("--operator", required=True)
    finish.add_argument("--no-show", action="store_true")
    finish.set_defaults(handler=_handled(_finish))

    board = commands.add_parser("board", help="the hall board and today's service time per window")
    board.add_argument("--branch", required=True)
    board.add_argument("--json", action="store_true")
    board.set_defaults(handler=_handled(_board))

    intake = commands.add_parser("intake", help="take an application: registries, operator's EDS, provider")
    intake.add_argument("--branch", required=True)
    intake.add_argument("--operator", required=True)
    intake.add_argument("--service", required=True)
    intake.add_argument("--applicant", required=True, help="the applicant's IIN")
    intake.add_argument("--applicant-bin", default="", help="a legal entity applicant (ГБД ЮЛ), where allowed")
    intake.add_argument("--representative", default="", help="the representative's IIN")
    intake.add_argument("--poa", default="", help="the power of attorney's number")
    intake.add_argument("--notarised", action="store_true", help="the power of attorney is notarised")
    intake.add_argument("--provider", default="", help="the provider's organization code (default: the first)")
    intake.add_argument("--document", action="append", default=[], help="a document handed in (repeatable)")
    intake.add_argument("--key", type=Path, required=True, help="the operator's signing key (.p12)")
    intake.add_argument("--password", required=True)
    intake.add_argument("--ticket", default="", help="the queue ticket number being served")
    intake.add_argument("--registry-url", default=None)
    intake.set_defaults(handler=_handled(_intake))

    refuse = commands.add_parser("refuse", help="refuse to accept an incomplete or expired package (receipt)")
    refuse.add_argument("--branch", required=True)
    refuse.add_argument("--operator", required=True)
    refuse.add_argument("--service", required=True)
    refuse.add_argument("--applicant", required=True)
    refuse.add_argument("--name", required=True, help="the applicant's full name")
    refuse.add_argument("--missing", action="append", default=[], help="a missing document (repeatable)")
    refuse.add_argument("--expired", action="append", default=[], help="an expired document (repeatable)")
    refuse.set_defaults(handler=_handled(_refuse))


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


def _branch(code: str) -> Any:
    from qyzmet.identity.models import Organization

    branch = Organization.objects.filter(code=code, kind="state_corporation_branch").first()
    if branch is None:
        raise CommandError(NO_BRANCH.format(code=code))
    return branch


def _user(iin: str) -> Any:
    from qyzmet.identity.models import User

    user = User.objects.filter(iin=iin).first()
    if user is None:
        raise CommandError(NO_USER.format(iin=iin))
    return user


def _ticket_today(branch: Any, number: str) -> Any:
    from qyzmet.calendar import local_time
    from qyzmet.state_corporation.models import QueueTicket

    ticket = QueueTicket.objects.filter(branch=branch, day=local_time(_now()).date(), number=number.zfill(3)).first()
    if ticket is None:
        raise CommandError(NO_TICKET.format(number=number, branch=branch.code))
    return ticket


def _ticket(args: argparse.Namespace) -> int:
    from qyzmet.state_corporation.services import ticket_issue

    ticket = ticket_issue(branch=_branch(args.branch), now=_now(), service_slug=args.service)
    print(f"ticket {ticket.number} ({ticket.branch.code}, {ticket.day})")
    return 0


def _window(args: argparse.Namespace) -> int:
    from qyzmet.state_corporation.services import hall_window_open

    window = hall_window_open(branch=_branch(args.branch), number=args.number, operator=_user(args.operator),
                              now=_now())
    print(f"window {window.number} open, operator {args.operator}")
    return 0


def _call(args: argparse.Namespace) -> int:
    from qyzmet.state_corporation.models import HallWindow
    from qyzmet.state_corporation.services import ticket_call_next

    branch = _branch(args.branch)
    window = HallWindow.objects.filter(branch=branch, number=args.window).first()
    if window is None:
        raise CommandError(NO_WINDOW.format(number=args.window, branch=branch.code))
    ticket = ticket_call_next(window=window, operator=_user(args.operator), now=_now())
    print(f"ticket {ticket.number} to window {window.number}" if ticket else "nobody is waiting")
    return 0


def _finish(args: argparse.Namespace) -> int:
    from qyzmet.state_corporation.services import ticket_finish, ticket_no_show

    branch = _branch(args.branch)
    action = ticket_no_show if args.no_show else ticket_finish
    ticket = action(ticket=_ticket_today(branch, args.ticket), operator=_user(args.operator), now=_now())
    took = f", served in {ticket.service_time}" if ticket.service_time else ""
    print(f"ticket {ticket.number}: {ticket.status}{took}")
    return 0


def _board(args: argparse.Namespace) -> int:
    from qyzmet.calendar import local_time
    from qyzmet.state_corporation.selectors import hall_board, window_service_times

    branch, day = _branch(args.branch), local_time(_now()).date()
    board, times = hall_board(branch, day), window_service_times(branch=branch, day=day)
    if args.json:
        json.dump({"called": board.called, "waiting": board.waiting, "windows": [
            {"window": t.window, "operator": t.operator_iin, "served": t.served, "total_seconds": t.total.seconds,
             "average_seconds": t.average.total_seconds() if t.average else None} for t in times]},
            sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for window, number in board.called:
        print(f"window {window}: ticket {number}")
    print(f"waiting: {', '.join(board.waiting) or '-'}")
    for row in times:
        print(f"window {row.window} ({row.operator_iin or '-'}): served {row.served}, average {row.average or '-'}")
    return 0


def _intake(args: argparse.Namespace) -> int:
    from qyzmet.gateway.services import gateway_client_default
    from qyzmet.signatures.cms import cms_sign
    from qyzmet.signatures.pki import pkcs12_load
    from qyzmet.state_corporation.services import (
        IntakeSubmission,
        PowerOfAttorneyEntry,
        sc_intake_submit,
        sc_request_document,
    )

    branch, operator, now = _branch(args.branch), _user(args.operator), _now()
    bundle = pkcs12_load(args.key.read_bytes(), password=args.password)
    submission = IntakeSubmission(
        request_id=str(uuid.uuid4()), service_id=args.service, applicant_iin=args.applicant,
        applicant_bin=args.applicant_bin, representative_iin=args.representative,
        power_of_attorney=PowerOfAttorneyEntry(args.poa, args.notarised) if args.poa else None,
        provider_code=args.provider, documents=tuple(args.document),
    )
    content = sc_request_document(submission=submission, branch=branch, operator=operator)
    signature = cms_sign(content, key=bundle.key, certificate=bundle.certificate, chain=bundle.chain,
                         signing_time=now)
    ticket = _ticket_today(branch, args.ticket) if args.ticket else None
    client = gateway_client_default(now=now, registry_url=args.registry_url)
    try:
        intake = sc_intake_submit(operator=operator, branch=branch, submission=submission, signature=signature,
                                  now=now, ticket=ticket, client=client)
    finally:
        client.close()
    return _intake_report(intake)


def _intake_report(intake: Any) -> int:
    from qyzmet.state_corporation.services import intake_message

    print(f"intake {intake.number}: {intake.status}")
    if intake.case is not None:
        print(f"  case {intake.case.number} at {intake.case.provider.code} for {intake.applicant_name}")
        return 0
    if intake.receipt is not None:
        print(f"  receipt {intake.receipt.number} ({intake.receipt.form or 'no form named'})")
    messages = intake_message(intake)
    for language, text in (messages or {}).items():
        print(f"{language}: {text}", file=sys.stderr)
    return 1


def _refuse(args: argparse.Namespace) -> int:
    from qyzmet.state_corporation.services import sc_intake_refuse

    receipt = sc_intake_refuse(
        operator=_user(args.operator), branch=_branch(args.branch), service_id=args.service,
        applicant_iin=args.applicant, applicant_name=args.name, now=_now(), missing=tuple(args.missing),
        expired=tuple(args.expired),
    )
    print(f"receipt {receipt.number}: refusal to accept, form {receipt.form or '-'}, grounds "
          f"{', '.join(receipt.grounds)}; documents: {', '.join(receipt.missing)}")
    return 0
