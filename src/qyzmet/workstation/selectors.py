"""Reads of the hall's screens: the kiosk's services, a ticket, the display, the operator's desk, results.

Public screens (kiosk, ticket, display) show no personal data: ticket numbers, windows, times.
The desk's reads are for State Corporation operators of the branch (`operator_branches`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from qyzmet.cases.assignment import providers_for
from qyzmet.cases.models import Task
from qyzmet.cases.workflow import DELIVERING_VERBS
from qyzmet.catalog.definitions import ServiceNotFound
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.selectors import definition_of_version, services_in_force, standard_lists_of, version_in_force
from qyzmet.core.errors import NotFound
from qyzmet.gateway.models import GatewayMessage
from qyzmet.gateway.registries import REGISTRIES
from qyzmet.gateway.selectors import lookup_is_waiting, messages_for_reference
from qyzmet.identity.access import organizations_where_role, user_has_role
from qyzmet.identity.models import Organization, OrganizationKind, Role, User
from qyzmet.state_corporation.models import HallWindow, Intake, IntakeStatus, QueueTicket, TicketStatus

CHANNEL: Final = "state_corporation"
PICKUP: Final = "result-pickup"  # the kiosk's "collect a result" ticket (not a service id)
RECENT_CALLS: Final = 6


# --- public screens ------------------------------------------------------------------------------------


def branch_get_public(code: str) -> Organization:
    """A State Corporation branch by its code; NotFound for any other organization or code."""
    branch = Organization.objects.filter(code=code, kind=OrganizationKind.STATE_CORPORATION_BRANCH).first()
    if branch is None:
        raise NotFound(f"branch {code}")
    return branch


@dataclass(frozen=True)
class KioskService:
    """A service the branch takes applications for, titled in the screen's language."""

    id: str
    title: str
    # faithful (issue 14): the Standard p.9 checklist, and the definition that says what a gap means here
    documents_required: tuple[str, ...] = ()
    definition: ServiceDefinition | None = None


def _title(titles: dict[str, str], language: str) -> str:
    return titles.get(language) or titles.get("ru") or titles.get("kk") or next(iter(titles.values()), "")


def kiosk_services(branch: Organization, *, on: date, language: str) -> list[KioskService]:
    """The services in force on `on` whose regulation (in the branch's oblast) has a State Corporation channel."""
    oblast = branch.path.split("/", 1)[0]
    offered = [current for current in services_in_force(on)
               if current.jurisdiction == oblast and CHANNEL in {channel.code.value for channel in current.channels}]
    lists = standard_lists_of(offered, language)
    services = [KioskService(current.id, _title(current.title.as_dict(), language),
                             documents_required=lists[current.id]["documents_required"].items, definition=current)
                for current in offered]
    return sorted(services, key=lambda service: service.title)


def kiosk_service_title(branch: Organization, service_id: str, *, on: date, language: str) -> str | None:
    """The title of a kiosk service of the branch, or None when the branch offers no such service."""
    return next((s.title for s in kiosk_services(branch, on=on, language=language) if s.id == service_id), None)


def ticket_get_public(branch: Organization, ticket_id: int) -> QueueTicket:
    """A ticket of the branch (its number and times are public, like the paper slip); NotFound otherwise."""
    ticket = QueueTicket.objects.filter(branch=branch, pk=ticket_id).first()
    if ticket is None:
        raise NotFound(f"ticket {ticket_id}")
    return ticket


def ticket_people_ahead(ticket: QueueTicket) -> int:
    """How many tickets of the same day are still waiting before this one (0 once it is called)."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    earlier = Q(issued_at__lt=ticket.issued_at) | Q(issued_at=ticket.issued_at, sequence__lt=ticket.sequence)
    return QueueTicket.objects.filter(branch_id=ticket.branch_id, day=ticket.day).waiting().filter(earlier).count()


def display_recent_calls(branch: Organization, day: date, *, limit: int = RECENT_CALLS) -> list[QueueTicket]:
    """The last tickets called to a window on `day`, newest first (served, missed or still at the window)."""
    return list(QueueTicket.objects.filter(branch=branch, day=day).exclude(called_at=None)
                .select_related("window").order_by("-called_at", "-pk")[:limit])


# --- the operator's desk -------------------------------------------------------------------------------


def operator_branches(user: User | AnonymousUser) -> QuerySet[Organization]:
    """The State Corporation branches where the user is an operator (none for anyone else)."""
    return organizations_where_role(user, Role.SC_OPERATOR).filter(kind=OrganizationKind.STATE_CORPORATION_BRANCH)


@dataclass(frozen=True)
class Desk:
    """The operator's window today: open or not, the ticket called to it, how many wait; intakes still open."""

    branch: Organization
    window: HallWindow | None
    called: QueueTicket | None
    waiting: int
    intakes_waiting: int


def desk_state(*, operator: User, branch: Organization, day: date) -> Desk:
    """What the operator's desk shows: their open window at the branch, its called ticket, the queue's length."""
    window = HallWindow.objects.filter(branch=branch, operator=operator, is_open=True).first()
    called = (QueueTicket.objects.filter(branch=branch, operator=operator, status=TicketStatus.CALLED)
              .select_related("window").order_by("-called_at").first())
    waiting = QueueTicket.objects.filter(branch=branch, day=day).waiting().count()
    return Desk(branch, window, called, waiting, intakes_open_of_branch(branch).count())


def window_get_for_operator(*, operator: User, branch: Organization) -> HallWindow:
    """The window the operator has open at the branch; NotFound when none."""
    window = HallWindow.objects.filter(branch=branch, operator=operator, is_open=True).first()
    if window is None:
        raise NotFound(f"open window of {operator.iin} at {branch.code}")
    return window


def ticket_get_for_operator(*, operator: User, branch: Organization, ticket_id: int) -> QueueTicket:
    """A ticket of the operator's branch (the service checks it is called to them); NotFound otherwise."""
    if not user_has_role(operator, Role.SC_OPERATOR, branch):
        raise NotFound(f"ticket {ticket_id}")
    ticket = QueueTicket.objects.filter(branch=branch, pk=ticket_id).first()
    if ticket is None:
        raise NotFound(f"ticket {ticket_id}")
    return ticket


def intake_get_for_operator(*, operator: User, branch: Organization, number: str) -> Intake:
    """An intake taken at the branch, for its operators; NotFound for another branch's or none."""
    intake = (Intake.objects.select_related("case", "receipt", "operator", "ticket")
              .filter(branch=branch, number=number).first())
    if intake is None or not user_has_role(operator, Role.SC_OPERATOR, branch):
        raise NotFound(f"intake {number}")
    return intake


def intake_get_by_request(*, branch: Organization, request_id: str) -> Intake | None:
    """The intake the workstation's request id made at the branch, if any."""
    return Intake.objects.filter(branch=branch, request_id=request_id).first()


def intakes_of_branch(branch: Organization, *, limit: int = 30) -> list[Intake]:
    """The branch's latest intakes, newest first, with their case or receipt."""
    return list(Intake.objects.filter(branch=branch).select_related("case", "receipt")
                .order_by("-created_at", "-pk")[:limit])


def intakes_open_of_branch(branch: Organization) -> QuerySet[Intake]:
    """The branch's intakes not finished yet (asking or waiting for a registry), oldest first."""
    return Intake.objects.filter(branch=branch, status__in=IntakeStatus.open()).order_by("created_at", "pk")


@dataclass(frozen=True)
class RegistryAnswer:
    """One registry look-up of an intake, as the operator sees it."""

    registry: str
    name: str
    status: str  # found, not_found, waiting, or the gateway status (sent, unavailable, rejected, refused)
    asked_at: datetime
    answered_at: datetime | None


def _answer_status(message: GatewayMessage) -> str:
    if message.is_answered:
        return message.outcome
    return "waiting" if lookup_is_waiting(message.message_id) else message.status


def intake_registry_answers(intake: Intake, *, language: str) -> list[RegistryAnswer]:
    """The intake's look-ups in ГБД ФЛ / ГБД ЮЛ / ЕНИС, oldest first, with what each answered."""
    rows = []
    for message in messages_for_reference(intake.number):
        spec = REGISTRIES.get(message.registry)
        rows.append(RegistryAnswer(message.registry, spec.name(language) if spec else message.registry,
                                   _answer_status(message), message.created_at, message.answered_at))
    return rows


# --- results to hand over ------------------------------------------------------------------------------


def _hand_over_tasks(branch: Organization) -> QuerySet[Task]:
    return Task.objects.open().filter(organization=branch, role=Role.SC_OPERATOR, phase="delivery",
                                      does__in=DELIVERING_VERBS, case__intake_office=branch)


def results_awaiting_hand_over(branch: Organization) -> QuerySet[Task]:
    """Results delivered to the branch and waiting for their applicant: the open hand-over steps, oldest first."""
    return _hand_over_tasks(branch).select_related("case").prefetch_related("case__documents").order_by(
        "started_at", "pk")


def hand_over_task_get(*, operator: User, task_id: int) -> Task:
    """An open hand-over step of a case that came through a branch where the user is an operator; NotFound else."""
    for branch in operator_branches(operator):
        task = _hand_over_tasks(branch).select_related("case", "organization").filter(pk=task_id).first()
        if task is not None:
            return task
    raise NotFound(f"task {task_id}")


def organization_name(organization: Organization, language: str) -> str:
    """The organization's name in `language` (Russian where there is no English name)."""
    return getattr(organization, f"name_{language}", "") or organization.name_ru


def intake_providers(service_id: str, *, on: date, language: str) -> list[tuple[str, str]]:
    """(code, name) of the organizations providing a service, for the operator's choice; none for no service."""
    try:
        version = version_in_force(service_id, on)
    except ServiceNotFound:
        return []
    return [(o.code, organization_name(o, language)) for o in providers_for(definition_of_version(version))]
