"""The operator's desk: who may use it, the window and the queue."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from qyzmet.identity.models import Organization, User
from qyzmet.state_corporation.models import HallWindow, QueueTicket
from qyzmet.state_corporation.services import ticket_issue
from tests.workstation.conftest import JAMBYL_OPERATOR_IIN

pytestmark = pytest.mark.django_db

APPLICANT_IIN = "880314412019"  # a demo citizen
PROVIDER_CLERK_IIN = "791111432251"  # office clerk, Terekti district akimat


def _as(iin: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(iin=iin))
    return client


def test_the_desk_needs_a_login(client: Client, branch: Organization) -> None:
    response = client.get("/hall/desk/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("iin", [APPLICANT_IIN, PROVIDER_CLERK_IIN])
def test_a_citizen_or_a_clerk_is_refused_with_a_message_and_nothing_is_written(branch: Organization,
                                                                               iin: str) -> None:
    client = _as(iin)

    page = client.get("/en/hall/desk/")
    opened = client.post("/en/hall/desk/window/open/", {"number": "1"})

    assert page.status_code == 403 and opened.status_code == 403
    assert "This workstation is for State Corporation operators." in page.content.decode()
    assert not HallWindow.objects.exists()


def test_an_operator_of_another_branch_does_not_get_this_branch(branch: Organization) -> None:
    client = _as(JAMBYL_OPERATOR_IIN)

    own = client.get("/en/hall/desk/")
    other = client.get("/en/hall/desk/?branch=wko-sc")
    opened = client.post("/en/hall/desk/window/open/", {"number": "1", "branch": "wko-sc"})

    assert own.status_code == 200 and "Жамбыл" in own.content.decode()
    assert other.status_code == 404 and opened.status_code == 404
    assert not HallWindow.objects.exists()


def test_the_operator_opens_a_window_calls_the_next_ticket_and_finishes_it(
    desk: Client, branch: Organization, operator: User
) -> None:
    # given: two tickets taken at the kiosk
    first = ticket_issue(branch=branch, now=timezone.now(), service_slug="wko-2019-camp-referrals")
    second = ticket_issue(branch=branch, now=timezone.now(), service_slug="result-pickup")

    # when: window 3 opens and calls
    desk.post("/en/hall/desk/window/open/", {"number": "3"})
    desk.post("/en/hall/desk/call-next/")
    page = desk.get("/en/hall/desk/").content.decode()

    # then: the longest-waiting ticket is at window 3
    first.refresh_from_db()
    assert (first.status, first.window.number, first.operator) == ("called", 3, operator)
    assert "Ticket 001 is called to window 3." in page and "1 ticket waiting." in page

    # when: calling again while 001 is still at the window
    refused = desk.post("/en/hall/desk/call-next/", follow=True).content.decode()

    # then
    assert "Window 3 is still serving ticket 001" in refused
    assert QueueTicket.objects.get(pk=second.pk).status == "waiting"

    # when: served, then the next one did not come
    desk.post(f"/en/hall/desk/tickets/{first.pk}/done/")
    desk.post("/en/hall/desk/call-next/")
    desk.post(f"/en/hall/desk/tickets/{second.pk}/no-show/")

    # then
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("done", "no_show")
    assert first.finished_at is not None


def test_calling_with_nobody_waiting_says_so(desk: Client, branch: Organization) -> None:
    desk.post("/en/hall/desk/window/open/", {"number": "2"})

    page = desk.post("/en/hall/desk/call-next/", follow=True).content.decode()

    assert "Nobody is waiting." in page


def test_an_operator_cannot_finish_a_ticket_of_another_branch(branch: Organization) -> None:
    ticket = ticket_issue(branch=branch, now=timezone.now())

    response = _as(JAMBYL_OPERATOR_IIN).post(f"/en/hall/desk/tickets/{ticket.pk}/done/")

    assert response.status_code == 404
    assert QueueTicket.objects.get(pk=ticket.pk).status == "waiting"


def test_closing_the_window(desk: Client, branch: Organization) -> None:
    desk.post("/en/hall/desk/window/open/", {"number": "4"})

    desk.post("/en/hall/desk/window/close/")

    assert HallWindow.objects.get(branch=branch, number=4).is_open is False
