"""The ticket kiosk, the printed ticket and the hall display: public pages, no personal data."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from qyzmet.identity.models import Organization, User
from qyzmet.state_corporation.models import QueueTicket
from qyzmet.state_corporation.services import hall_window_open, ticket_call_next

pytestmark = pytest.mark.django_db

# The West Kazakhstan regulations with a State Corporation channel (catalogue: channels of wko-*).
WKO_SC_SERVICES = {
    "wko-2019-camp-referrals", "wko-2019-guardian-allowance", "wko-2019-guardianship-establishment",
    "wko-2019-parent-visit-permission", "wko-2019-school-transport",
}


def _kiosk_choices(html: str) -> set[str]:
    return set(re.findall(r'name="service" value="([^"]+)"', html))


def test_the_kiosk_offers_the_oblasts_state_corporation_services_and_collecting_a_result(
    client: Client, branch: Organization
) -> None:
    response = client.get("/ru/hall/wko-sc/kiosk/")

    assert response.status_code == 200
    assert _kiosk_choices(response.content.decode()) == WKO_SC_SERVICES | {"result-pickup"}
    assert "Получить результат" in response.content.decode()


def test_a_ticket_is_issued_with_its_number_and_the_people_ahead(client: Client, branch: Organization) -> None:
    # when
    first = client.post("/en/hall/wko-sc/kiosk/", {"service": "wko-2019-school-transport"})
    second = client.post("/en/hall/wko-sc/kiosk/", {"service": "result-pickup"})

    # then
    tickets = list(QueueTicket.objects.filter(branch=branch).order_by("sequence"))
    assert [(t.number, t.service_slug, t.status) for t in tickets] == [
        ("001", "wko-2019-school-transport", "waiting"), ("002", "result-pickup", "waiting")]
    assert first.status_code == 302 and first["Location"] == f"/en/hall/wko-sc/tickets/{tickets[0].pk}/"
    page = client.get(second["Location"]).content.decode()
    assert '<p class="ticket-number" id="ticket-number">002</p>' in page
    assert '<dd class="ticket-ahead">1</dd>' in page
    assert "Collect a result" in page
    first_page = client.get(first["Location"]).content.decode()
    assert '<dd class="ticket-ahead">0</dd>' in first_page


def test_a_repeated_press_of_one_kiosk_page_gives_back_the_same_ticket(client: Client, branch: Organization) -> None:
    # given: the kiosk page as it was shown, with its one-time key
    page = client.get("/en/hall/wko-sc/kiosk/").content.decode()
    key = re.search(r'name="form_key" value="([^"]+)"', page)
    assert key is not None

    # when: the same button is pressed twice (a double tap), then the next person uses a new page
    first = client.post("/en/hall/wko-sc/kiosk/", {"service": "result-pickup", "form_key": key.group(1)})
    again = client.post("/en/hall/wko-sc/kiosk/", {"service": "result-pickup", "form_key": key.group(1)})
    other = client.post("/en/hall/wko-sc/kiosk/", {"service": "result-pickup", "form_key": "another-page-key"})

    # then: one ticket for the double tap, the next number for the next page
    assert first["Location"] == again["Location"]
    numbers = list(QueueTicket.objects.filter(branch=branch).order_by("sequence").values_list("number", flat=True))
    assert numbers == ["001", "002"]
    assert other["Location"] != first["Location"]


def test_the_kiosk_refuses_a_service_the_branch_does_not_take(client: Client, branch: Organization) -> None:
    response = client.post("/en/hall/wko-sc/kiosk/", {"service": "karaganda-2015-child-allowance"})

    assert response.status_code == 400
    assert "Choose a service from the list." in response.content.decode()
    assert not QueueTicket.objects.exists()


def test_pages_of_an_organization_that_is_not_a_branch_are_not_found(client: Client, branch: Organization) -> None:
    assert client.get("/hall/wko/kiosk/").status_code == 404
    assert client.get("/hall/no-such-branch/display/").status_code == 404
    ticket = QueueTicket.objects.create(branch=Organization.objects.get(code="jambyl-sc"), day=timezone.localdate(),
                                        sequence=1, number="001", issued_at=timezone.now())
    assert client.get(f"/hall/wko-sc/tickets/{ticket.pk}/").status_code == 404


def test_the_display_shows_which_ticket_is_called_to_which_window(
    client: Client, branch: Organization, operator: User
) -> None:
    # given
    client.post("/en/hall/wko-sc/kiosk/", {"service": "wko-2019-camp-referrals"})
    before = client.get("/en/hall/wko-sc/display/board/").content.decode()

    # when: the operator at window 3 calls the next ticket
    window = hall_window_open(branch=branch, number=3, operator=operator, now=timezone.now())
    ticket_call_next(window=window, operator=operator, now=timezone.now())
    after = client.get("/en/hall/wko-sc/display/board/").content.decode()

    # then
    assert "No ticket is called yet." in before and "1 ticket waiting." in before
    assert '<td class="board-ticket">001</td><td class="board-window">3</td>' in after
    assert "Ticket 001 → window 3" in after
    assert 'hx-trigger="every 3s"' in after
    page = client.get("/ru/hall/wko-sc/display/")
    assert page.status_code == 200 and "Сейчас обслуживаются" in page.content.decode()
