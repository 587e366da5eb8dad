"""Writes of the electronic queue: windows, tickets, calling the next ticket, finishing it.

The queue is served strictly in the order tickets were taken ("алдын ала жазылусыз және
жеделдетілген шұғыл қызмет көрсетусіз кезек тәртібінде", seed 004): no priority, no booking.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from qyzmet.calendar import local_time
from qyzmet.identity.access import user_has_role
from qyzmet.identity.models import Organization, OrganizationKind, Role, User
from qyzmet.state_corporation.errors import HallError
from qyzmet.state_corporation.models import HallWindow, QueueTicket, TicketCounter, TicketStatus


def sc_operator_ensure(operator: User, branch: Organization) -> None:
    """Raise HallError unless `operator` is a State Corporation operator at `branch`."""
    if branch.kind != OrganizationKind.STATE_CORPORATION_BRANCH or not user_has_role(operator, Role.SC_OPERATOR,
                                                                                     branch):
        raise HallError("not_operator_here", branch=branch.code)


@transaction.atomic
def hall_window_open(*, branch: Organization, number: int, operator: User, now: datetime) -> HallWindow:
    """Open window `number` of the branch with `operator` at it (created on first use).

    Side effects: creates or updates the HallWindow row.
    """
    sc_operator_ensure(operator, branch)
    window, _ = HallWindow.objects.select_for_update().get_or_create(branch=branch, number=number)
    window.operator, window.is_open, window.opened_at = operator, True, now
    window.save(update_fields=["operator", "is_open", "opened_at"])
    return window


@transaction.atomic
def hall_window_close(*, window: HallWindow, operator: User) -> HallWindow:
    """Close the operator's window; a ticket still called there stays called. Side effects: updates the row."""
    if not window.is_open or window.operator_id != operator.pk:
        raise HallError("window_not_open", window=window.number)
    window.is_open = False
    window.save(update_fields=["is_open"])
    return window


@transaction.atomic
def ticket_issue(*, branch: Organization, now: datetime, service_slug: str = "", key: str = "") -> QueueTicket:
    """Take a ticket at the kiosk: the next number of the branch's day.

    `key` is the kiosk page's one-time form key: a second press of the same page (a double tap, a
    repeated request after a lost answer) gives back the ticket the first press took, not a new number.
    Side effects: increments the branch's counter for the day under a row lock; creates the ticket.
    """
    day = local_time(now).date()
    counter, _ = TicketCounter.objects.select_for_update().get_or_create(branch=branch, day=day)
    if key:
        taken = QueueTicket.objects.filter(branch=branch, request_key=key).first()
        if taken is not None:
            return taken
    counter.last += 1
    counter.save(update_fields=["last"])
    return QueueTicket.objects.create(branch=branch, day=day, sequence=counter.last, number=f"{counter.last:03d}",
                                      service_slug=service_slug, issued_at=now, request_key=key)


def _open_window_of(window: HallWindow, operator: User) -> HallWindow:
    current = HallWindow.objects.select_for_update().get(pk=window.pk)
    if not current.is_open or current.operator_id != operator.pk:
        raise HallError("window_not_open", window=window.number)
    return current


@transaction.atomic
def ticket_call_next(*, window: HallWindow, operator: User, now: datetime) -> QueueTicket | None:
    """Call the longest-waiting ticket of the branch to the operator's window; None when nobody waits.

    The window must be open with this operator at it and have no ticket still called there.
    Safe with several windows calling at once: each ticket is claimed with a conditional update.
    Side effects: the ticket becomes called, with its window, operator and call time.
    """
    window = _open_window_of(window, operator)
    serving = QueueTicket.objects.filter(window=window, status=TicketStatus.CALLED).first()
    if serving is not None:
        raise HallError("window_busy", window=window.number, ticket=serving.number)
    for ticket_id in QueueTicket.objects.filter(branch_id=window.branch_id).waiting().in_order().values_list(
            "pk", flat=True)[:20]:
        claimed = QueueTicket.objects.filter(pk=ticket_id, status=TicketStatus.WAITING).update(
            status=TicketStatus.CALLED, window=window, operator=operator, called_at=now)
        if claimed == 1:
            return QueueTicket.objects.get(pk=ticket_id)
    return None


def _ensure_called_here(ticket: QueueTicket, operator: User) -> QueueTicket:
    current = QueueTicket.objects.select_for_update().get(pk=ticket.pk)
    if current.status != TicketStatus.CALLED or current.operator_id != operator.pk:
        raise HallError("ticket_not_called", ticket=ticket.number)
    return current


@transaction.atomic
def ticket_finish(*, ticket: QueueTicket, operator: User, now: datetime) -> QueueTicket:
    """The applicant has been served: the ticket is done and its service time runs from call to now.

    Side effects: updates the ticket.
    """
    ticket = _ensure_called_here(ticket, operator)
    ticket.status, ticket.finished_at = TicketStatus.DONE, now
    ticket.save(update_fields=["status", "finished_at"])
    return ticket


@transaction.atomic
def ticket_no_show(*, ticket: QueueTicket, operator: User, now: datetime) -> QueueTicket:
    """The called applicant did not come to the window. Side effects: updates the ticket."""
    ticket = _ensure_called_here(ticket, operator)
    ticket.status, ticket.finished_at = TicketStatus.NO_SHOW, now
    ticket.save(update_fields=["status", "finished_at"])
    return ticket
