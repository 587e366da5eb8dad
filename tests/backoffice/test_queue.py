"""The work queue page: views (mine / overdue / due today / all), search, deadline colours, the htmx table."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from qyzmet.calendar import TIMEZONE
from qyzmet.cases.selectors import deadline_state
from tests.backoffice.conftest import BURLI_CLERK, TEREKTI_CLERK, login
from tests.backoffice.helpers import office_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("data")]

SERVICE = "wko-2015-patronat-payment"  # registration: 15 minutes
SECOND_APPLICANT = "691230466054"


@pytest.fixture
def two_cases(clock: time_machine.Coordinates) -> tuple[Any, Any]:
    """Case A filed now (its 15-minute registration overdue an hour later) and case B filed an hour later."""
    first = office_case(SERVICE, TEREKTI_CLERK)
    clock.shift(timedelta(hours=1))
    second = office_case(SERVICE, TEREKTI_CLERK, applicant_iin=SECOND_APPLICANT)
    return first, second


def _numbers(page: str, *cases: Any) -> list[bool]:
    return [case.number in page for case in cases]


def test_views_split_overdue_and_due_today(client: Client, two_cases: tuple[Any, Any]) -> None:
    first, second = two_cases
    login(client, TEREKTI_CLERK)

    everything = client.get("/backoffice/tasks/").content.decode()
    overdue = client.get("/backoffice/tasks/?view=overdue").content.decode()
    today = client.get("/backoffice/tasks/?view=today").content.decode()
    mine = client.get("/backoffice/tasks/?view=mine").content.decode()

    assert _numbers(everything, first, second) == [True, True]
    assert _numbers(overdue, first, second) == [True, False]
    assert _numbers(today, first, second) == [False, True]
    assert _numbers(mine, first, second) == [True, True]  # nobody is assigned: the role's tasks are everyone's


def test_rows_carry_the_shared_deadline_colours(client: Client, two_cases: tuple[Any, Any]) -> None:
    login(client, TEREKTI_CLERK)

    page = client.get("/backoffice/tasks/").content.decode()

    assert page.count('class="badge due-overdue"') == 1 + 1  # the row, and the legend
    assert page.count('class="badge due-today"') == 1 + 1


def test_search_by_case_number_iin_and_service(client: Client, two_cases: tuple[Any, Any]) -> None:
    first, second = two_cases
    login(client, TEREKTI_CLERK)

    def search(text: str) -> list[bool]:
        return _numbers(client.get("/backoffice/tasks/", {"q": text}).content.decode(), first, second)

    assert search(first.number) == [True, False]
    assert search(SECOND_APPLICANT) == [False, True]
    assert search("patronat-payment") == [True, True]
    assert search("Патронат") == [True, True]  # the Kazakh title begins so
    assert search("no-such-thing") == [False, False]


def test_another_districts_clerk_sees_none_of_them(client: Client, two_cases: tuple[Any, Any]) -> None:
    login(client, BURLI_CLERK)

    page = client.get("/backoffice/tasks/").content.decode()

    assert _numbers(page, *two_cases) == [False, False]
    assert "/backoffice/intake/office/" in page and "/backoffice/intake/rural-akim/" not in page


def test_the_htmx_table_refreshes_itself_and_pushes_the_page_url_on_filter_change(
    client: Client, two_cases: tuple[Any, Any]
) -> None:
    first, second = two_cases
    login(client, TEREKTI_CLERK)

    filtered = client.get("/backoffice/tasks/table/", {"view": "overdue"},
                          headers={"HX-Request": "true", "HX-Trigger": "queue-filters"})
    refreshed = client.get("/backoffice/tasks/table/", {"view": "overdue"}, headers={"HX-Request": "true"})

    body = filtered.content.decode()
    assert "<html" not in body and 'id="queue-table"' in body
    assert 'hx-trigger="every 30s"' in body and 'hx-get="/backoffice/tasks/table/?view=overdue"' in body
    assert _numbers(body, first, second) == [True, False]
    assert filtered["HX-Push-Url"] == "/backoffice/tasks/?view=overdue"
    assert "HX-Push-Url" not in refreshed


def test_the_queue_reads_a_constant_number_of_queries(
    client: Client, clock: time_machine.Coordinates, django_assert_max_num_queries: Any
) -> None:
    # given: twelve open registrations
    for _ in range(12):
        office_case(SERVICE, TEREKTI_CLERK)
    login(client, TEREKTI_CLERK)
    client.get("/backoffice/tasks/")  # warm the per-process caches (catalogue, calendar)

    # then: the same few queries as for one row: session, user, the roles (read once for the queue, the intake
    # links and the header's links), the tasks with their cases, services and organizations in one query
    with django_assert_max_num_queries(5):
        page = client.get("/backoffice/tasks/")
    assert page.content.decode().count('class="task-row"') == 12


def test_deadline_state_by_hand() -> None:
    due = datetime(2026, 9, 1, 18, 30, tzinfo=TIMEZONE)  # a Tuesday evening in Almaty
    assert deadline_state(due, datetime(2026, 9, 1, 10, 0, tzinfo=TIMEZONE)) == "today"
    assert deadline_state(due, datetime(2026, 9, 1, 19, 0, tzinfo=TIMEZONE)) == "overdue"
    assert deadline_state(due, datetime(2026, 8, 31, 23, 50, tzinfo=TIMEZONE)) == "ok"
    assert deadline_state(None, datetime(2026, 9, 1, 10, 0, tzinfo=TIMEZONE)) == "none"


def test_the_queue_pages_by_deadline_and_continues_after_the_last_row(
    client: Client, clock: time_machine.Coordinates, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: three registrations filed ten minutes apart (deadlines 15 minutes later each), two rows a page
    from qyzmet.backoffice import selectors

    monkeypatch.setattr(selectors, "QUEUE_PAGE", 2)
    cases = []
    for _ in range(3):
        cases.append(office_case(SERVICE, TEREKTI_CLERK))
        clock.shift(timedelta(minutes=10))
    login(client, TEREKTI_CLERK)

    # when
    first = client.get("/backoffice/tasks/").content.decode()

    # then: the two soonest deadlines, and a link to the rest after the second one's task
    assert _numbers(first, *cases) == [True, True, False]
    link = re.search(r'<a rel="next" href="([^"]+)"', first)
    assert link is not None
    second = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert _numbers(second, *cases) == [False, False, True]
    assert 'rel="next"' not in second and "view=all&amp;q=&amp;after=" in link.group(0)
