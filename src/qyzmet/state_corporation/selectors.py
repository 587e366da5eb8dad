"""Reads of the operational hall shaped for its screens: the hall board, service times, intakes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from qyzmet.identity.models import Organization
from qyzmet.state_corporation.models import HallWindow, Intake, IntakeStatus, QueueTicket, TicketStatus


@dataclass(frozen=True)
class Board:
    """What the hall's screen shows: tickets called to each window, and the tickets still waiting."""

    called: list[tuple[int, str]]
    waiting: list[str]


def hall_board(branch: Organization, day: date) -> Board:
    """The branch's board for `day`: (window, ticket) pairs being served, and waiting tickets in order."""
    tickets = QueueTicket.objects.filter(branch=branch, day=day)
    called = [(ticket.window.number, ticket.number) for ticket in
              tickets.filter(status=TicketStatus.CALLED).select_related("window").order_by("called_at", "pk")
              if ticket.window is not None]
    return Board(called=called, waiting=list(tickets.waiting().in_order().values_list("number", flat=True)))


@dataclass(frozen=True)
class WindowTimes:
    """How long one window took per served ticket on a day."""

    window: int
    operator_iin: str
    served: int
    total: timedelta
    average: timedelta | None
    longest: timedelta | None


def window_service_times(*, branch: Organization, day: date) -> list[WindowTimes]:
    """Per window of the branch: tickets served on `day`, total, average and longest service time."""
    rows: list[WindowTimes] = []
    for window in HallWindow.objects.filter(branch=branch).select_related("operator").order_by("number"):
        served = [t.service_time for t in QueueTicket.objects.filter(window=window, day=day, status=TicketStatus.DONE)]
        times = [time for time in served if time is not None]
        total = sum(times, timedelta())
        rows.append(WindowTimes(
            window=window.number, operator_iin=window.operator.iin if window.operator else "", served=len(times),
            total=total, average=total / len(times) if times else None, longest=max(times) if times else None,
        ))
    return rows


def intakes_waiting(branch: Organization) -> QuerySet[Intake]:
    """Intakes of the branch still waiting for a registry, oldest first (the operator's "waiting" list)."""
    return Intake.objects.filter(branch=branch, status=IntakeStatus.WAITING).order_by("created_at", "pk")


def intakes_of_applicant(iin: str) -> QuerySet[Intake]:
    """Every State Corporation intake of an applicant, newest first (what the applicant sees, incl. waiting)."""
    return Intake.objects.filter(applicant_iin=iin).select_related("case", "receipt", "branch")
