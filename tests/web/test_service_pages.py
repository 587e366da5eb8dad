"""A page per service with its diagrams and regulation text; the back office shows them side by side."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from lxml import etree

from qyzmet.catalog.definitions import catalog_default

# The page reads the Standard's lists an administrator keeps (ADR 0025) from the database.
pytestmark = pytest.mark.django_db

ADMIN_IIN = "871008401427"
CITIZEN_IIN = "760212350620"


def test_service_page_shows_every_channel_with_its_steps(client: Client) -> None:
    # given
    definition = catalog_default().latest("karaganda-2015-targeted-social-assistance")

    # when
    response = client.get("/ru/services/karaganda-2015-targeted-social-assistance/")

    # then
    assert response.status_code == 200
    page = response.content.decode()
    for channel in definition.channels:
        assert f'id="channel-{channel.code.value}"' in page
        assert f"/ru/services/{definition.id}/{channel.code.value}/diagram.svg" in page
    assert "8 рабочих дней" in page  # the akim route's executor steps


def test_unknown_service_is_404(client: Client) -> None:
    assert client.get("/services/no-such-service/").status_code == 404


def test_diagram_of_a_channel_the_service_lacks_is_404(client: Client) -> None:
    assert client.get("/services/wko-2019-guardianship-certificates/rural_akim/diagram.svg").status_code == 404


def test_diagram_is_served_as_svg(client: Client) -> None:
    # when
    response = client.get("/services/pavlodar-2016-preschool-queue/state_corporation/diagram.svg")

    # then
    assert response["Content-Type"] == "image/svg+xml"
    assert etree.fromstring(response.content).tag == "{http://www.w3.org/2000/svg}svg"


def test_bpmn_is_downloadable(client: Client) -> None:
    # when
    response = client.get("/services/wko-2019-guardianship-establishment/portal/process.bpmn")

    # then
    assert response.status_code == 200
    assert 'filename="wko-2019-guardianship-establishment-portal.bpmn"' in response["Content-Disposition"]
    assert etree.fromstring(response.content).tag == "{http://www.omg.org/spec/BPMN/20100524/MODEL}definitions"


def test_regulation_text_in_kazakh(client: Client) -> None:
    # when
    response = client.get("/services/wko-2015-patronat-payment/regulation.md", headers={"accept-language": "kk"})

    # then
    assert response.status_code == 200
    assert "1. Жалпы ережелер" in response.content.decode()


@pytest.mark.django_db
def test_back_office_comparison_needs_a_staff_login(client: Client) -> None:
    # given
    get_user_model().objects.create_user(CITIZEN_IIN, "citizen-pass-1", surname="Ахметов", given_name="Асқар")
    client.login(username=CITIZEN_IIN, password="citizen-pass-1")

    # when
    response = client.get("/backoffice/regulations/wko-2015-patronat-payment/")

    # then
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_back_office_shows_definition_diagram_and_text_side_by_side(client: Client) -> None:
    # given
    get_user_model().objects.create_user(
        ADMIN_IIN, "admin-pass-1", surname="Серікова", given_name="Айгерім", is_staff=True
    )
    client.login(username=ADMIN_IIN, password="admin-pass-1")

    # when
    response = client.get("/backoffice/regulations/wko-2019-guardianship-establishment/?lang=ru")

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "schema: qyzmet/regulation/v1" in page  # the definition file itself
    assert "/ru/services/wko-2019-guardianship-establishment/state_corporation/diagram.svg" in page
    assert "1. Общие положения" in page  # the rendered regulation
