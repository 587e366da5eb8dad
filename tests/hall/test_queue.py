"""The electronic queue of the operational hall: tickets in order, calling the next, service time per window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qyzmet.identity.models import Organization, OrganizationKind, Role, User
from qyzmet.identity.services import organization_create, staff_role_grant
from qyzmet.state_corporation.errors import HallError
from qyzmet.state_corporation.models import QueueTicket
from qyzmet.state_corporation.selectors import hall_board, window_service_times
from qyzmet.state_corporation.services import (
    hall_window_open,
    ticket_call_next,
    ticket_finish,
    ticket_issue,
    ticket_no_show,
)

START = datetime(2026, 9, 1, 4, 0, tzinfo=UTC)  # 09:00 in Almaty


def _branch() -> Organization:
    oblast = organization_create(code="wko", bin="190740298888", name_kk="БҚО", name_ru="ЗКО",
                                 kind=OrganizationKind.OBLAST)
    return organization_create(code="wko-sc", bin="961040024573", name_kk="ХҚО", name_ru="ЦОН", parent=oblast,
                               kind=OrganizationKind.STATE_CORPORATION_BRANCH)


def _operator(iin: str, branch: Organization) -> User:
    user = User.objects.create_user(iin, surname="Оператор", given_name=iin[-3:])
    staff_role_grant(user=user, organization=branch, role=Role.SC_OPERATOR, now=START)
    return user


def _at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


@pytest.mark.django_db
def test_tickets_are_numbered_in_order_per_branch_and_day():
    branch = _branch()

    numbers = [ticket_issue(branch=branch, now=_at(i)).number for i in range(3)]
    next_day = ticket_issue(branch=branch, now=_at(24 * 60))

    assert numbers == ["001", "002", "003"]
    assert next_day.number == "001"


@pytest.mark.django_db
def test_windows_call_the_longest_waiting_ticket_first():
    # given
    branch = _branch()
    first_window = hall_window_open(branch=branch, number=1, operator=_operator("811130471163", branch), now=_at(0))
    second_window = hall_window_open(branch=branch, number=2, operator=_operator("760212350620", branch), now=_at(0))
    tickets = [ticket_issue(branch=branch, now=_at(i), service_slug="wko-2019-camp-referrals") for i in range(3)]

    # when
    to_first = ticket_call_next(window=first_window, operator=first_window.operator, now=_at(5))
    to_second = ticket_call_next(window=second_window, operator=second_window.operator, now=_at(6))

    # then
    assert (to_first.pk, to_second.pk) == (tickets[0].pk, tickets[1].pk)
    assert hall_board(branch, START.date()).called == [(1, "001"), (2, "002")]
    assert hall_board(branch, START.date()).waiting == ["003"]


@pytest.mark.django_db
def test_a_window_must_finish_its_ticket_before_calling_the_next():
    branch = _branch()
    operator = _operator("811130471163", branch)
    window = hall_window_open(branch=branch, number=1, operator=operator, now=_at(0))
    ticket_issue(branch=branch, now=_at(1))
    ticket_issue(branch=branch, now=_at(2))
    ticket_call_next(window=window, operator=operator, now=_at(3))

    with pytest.raises(HallError) as raised:
        ticket_call_next(window=window, operator=operator, now=_at(4))

    assert raised.value.message("en") == "Window 1 is still serving ticket 001"
    assert QueueTicket.objects.filter(status="waiting").count() == 1


@pytest.mark.django_db
def test_service_time_is_kept_per_ticket_and_per_window():
    # given
    branch = _branch()
    operator = _operator("811130471163", branch)
    window = hall_window_open(branch=branch, number=1, operator=operator, now=_at(0))
    for minute in range(3):
        ticket_issue(branch=branch, now=_at(minute))

    # when: 10 minutes for the first, 20 for the second, the third does not come
    first = ticket_call_next(window=window, operator=operator, now=_at(5))
    first = ticket_finish(ticket=first, operator=operator, now=_at(15))
    second = ticket_call_next(window=window, operator=operator, now=_at(16))
    ticket_finish(ticket=second, operator=operator, now=_at(36))
    third = ticket_call_next(window=window, operator=operator, now=_at(37))
    ticket_no_show(ticket=third, operator=operator, now=_at(40))

    # then
    assert first.service_time == timedelta(minutes=10)
    assert first.waiting_time == timedelta(minutes=5)
    [times] = window_service_times(branch=branch, day=START.date())
    assert (times.served, times.total, times.average, times.longest) == (
        2, timedelta(minutes=30), timedelta(minutes=15), timedelta(minutes=20))
    assert ticket_call_next(window=window, operator=operator, now=_at(41)) is None


@pytest.mark.django_db
def test_only_an_operator_of_the_branch_may_open_its_window():
    branch = _branch()
    stranger = User.objects.create_user("760212350620", surname="Бөтен", given_name="Адам")

    with pytest.raises(HallError) as raised:
        hall_window_open(branch=branch, number=1, operator=stranger, now=_at(0))

    assert raised.value.code == "not_operator_here"


@pytest.mark.django_db
def test_an_operator_finishes_only_tickets_called_to_them():
    branch = _branch()
    operator, other = _operator("811130471163", branch), _operator("760212350620", branch)
    window = hall_window_open(branch=branch, number=1, operator=operator, now=_at(0))
    ticket_issue(branch=branch, now=_at(1))
    called = ticket_call_next(window=window, operator=operator, now=_at(2))

    with pytest.raises(HallError) as raised:
        ticket_finish(ticket=called, operator=other, now=_at(3))

    assert raised.value.code == "ticket_not_called"
