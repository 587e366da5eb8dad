"""Intake from the browser: the provider's office and the rural akim's office, and refusal to accept."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from qyzmet.cases.models import Case, CaseEvent, Receipt
from tests.backoffice.conftest import (
    APPLICANT,
    BUKHAR_ZHYRAU_CLERK,
    DOSKEY_SPECIALIST,
    TEREKTI_CLERK,
    TEREKTI_HEAD,
    login,
)
from tests.backoffice.helpers import form_key

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("data")]

OFFICE = "/backoffice/intake/office/"
RURAL = "/backoffice/intake/rural-akim/"
JAMBYL_CLERK = "660731356784"  # Taraz education department


def _post(client: Client, url: str, **fields: Any) -> Any:
    page = client.get(url).content.decode()
    body = {"form_key": form_key(page), "applicant_iin": APPLICANT, "applicant_name": "", "documents": "identity.pdf",
            "intent": "accept", **fields}
    return client.post(url, body)


def test_the_clerk_sees_the_services_of_their_organization_only(client: Client) -> None:
    login(client, TEREKTI_CLERK)

    page = client.get(OFFICE).content.decode()

    services = re.findall(r'<option value="([a-z][a-z0-9-]+)"', page)
    assert "wko-2015-patronat-payment" in services and "wko-2019-child-opinion-decision" in services
    assert not [s for s in services if not s.startswith("wko-")]
    assert "wko-2019-guardian-allowance" not in services  # no provider's office channel


def test_office_intake_files_one_case_with_its_receipt_even_when_sent_twice(client: Client) -> None:
    # given
    login(client, TEREKTI_CLERK)
    page = client.get(OFFICE).content.decode()
    body = {"form_key": form_key(page), "service": "wko-2015-patronat-payment", "applicant_iin": APPLICANT,
            "applicant_name": "", "documents": "identity.pdf\nchildren.pdf", "intent": "accept"}

    # when
    first = client.post(OFFICE, body)
    second = client.post(OFFICE, body)

    # then
    assert first.status_code == 302 and second.status_code == 302
    assert first["Location"] == second["Location"]
    case = Case.objects.get()
    assert first["Location"] == f"/backoffice/cases/{case.pk}/"
    assert case.channel == "provider_office" and case.provider.code == "wko-terekti"
    assert case.applicant_name == "Нұрланова Айгүл Серікқызы"  # the account's name fills a blank
    assert case.attachments == [{"name": "identity.pdf"}, {"name": "children.pdf"}]
    shown = client.get(first["Location"]).content.decode()
    assert case.number in shown


def test_a_bad_iin_is_refused_in_the_active_language_and_files_nothing(client: Client) -> None:
    login(client, TEREKTI_CLERK)

    response = _post(client, "/ru" + OFFICE, service="wko-2015-patronat-payment", applicant_iin="123456789012")

    assert response.status_code == 422
    assert 'class="notice bad"' in response.content.decode()
    assert not Case.objects.exists()


def test_originals_must_be_compared_where_the_regulation_says_so(client: Client) -> None:
    login(client, JAMBYL_CLERK)

    refused = _post(client, "/ru" + OFFICE, service="jambyl-2015-adoption-candidates")
    accepted = _post(client, "/ru" + OFFICE, service="jambyl-2015-adoption-candidates", originals_compared="on")

    assert refused.status_code == 422
    assert "Копии должны быть сверены с оригиналами" in refused.content.decode()
    assert accepted.status_code == 302
    case = Case.objects.get()
    receipt = Receipt.objects.get(case=case, kind="acceptance")
    shown = client.get(accepted["Location"]).content.decode()
    assert f"Дело {case.number} зарегистрировано; расписка о приеме {receipt.number}." in shown
    assert f"/api/v1/receipts/{receipt.number}" in shown or f"/{receipt.number}" in shown


def test_refusal_to_accept_gives_its_receipt_and_no_case(client: Client) -> None:
    login(client, TEREKTI_CLERK)

    response = _post(client, "/ru" + OFFICE, service="wko-2019-child-opinion-decision", intent="refuse",
                     grounds="incomplete_package", missing="birth certificate")

    assert response.status_code == 201
    receipt = Receipt.objects.get()
    assert receipt.kind == "refusal_to_accept" and receipt.grounds == ["incomplete_package"]
    assert receipt.missing == ["birth certificate"] and receipt.organization.code == "wko-terekti"
    assert receipt.number in response.content.decode()
    assert not Case.objects.exists()


def test_refusal_to_accept_where_the_regulation_gives_none_shows_its_message(client: Client) -> None:
    login(client, TEREKTI_CLERK)

    response = _post(client, "/ru" + OFFICE, service="wko-2015-patronat-payment", intent="refuse",
                     grounds="incomplete_package")

    assert response.status_code == 422
    assert "Регламент этой услуги не предусматривает отказ в приеме" in response.content.decode()
    assert not Receipt.objects.exists() and not Case.objects.exists()


def test_staff_without_a_clerks_desk_get_404(client: Client) -> None:
    login(client, TEREKTI_HEAD)

    assert client.get(OFFICE).status_code == 404
    assert client.post(OFFICE, {"service": "wko-2015-patronat-payment", "applicant_iin": APPLICANT}).status_code == 404
    assert not Case.objects.exists()


def test_rural_akim_intake_offers_the_rural_channel_services_and_forwards_to_the_provider(client: Client) -> None:
    # given
    login(client, DOSKEY_SPECIALIST)
    page = client.get(RURAL).content.decode()
    services = sorted(set(re.findall(r'<option value="([a-z][a-z0-9-]+)"', page)))

    # when
    response = _post(client, RURAL, service="karaganda-2015-child-allowance")

    # then
    assert services == [
        "karaganda-2015-assistance-status-certificate", "karaganda-2015-child-allowance",
        "karaganda-2015-rural-specialists-fuel", "karaganda-2015-targeted-social-assistance",
    ]
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert case.channel == "rural_akim" and case.intake_office is not None
    assert case.intake_office.code == "karaganda-bukhar-zhyrau-doskey"
    assert case.provider.code == "karaganda-bukhar-zhyrau-employment"
    assert CaseEvent.objects.filter(case=case, kind="case_filed").count() == 1


def test_the_rural_akim_office_may_not_refuse_to_accept(client: Client) -> None:
    login(client, DOSKEY_SPECIALIST)

    response = _post(client, "/ru" + RURAL, service="karaganda-2015-child-allowance", intent="refuse",
                     grounds="incomplete_package")

    assert response.status_code == 422
    assert not Receipt.objects.exists()


def test_a_district_clerk_has_no_rural_desk(client: Client) -> None:
    login(client, BUKHAR_ZHYRAU_CLERK)

    assert client.get(RURAL).status_code == 404


def test_a_representative_is_recorded_with_the_application(client: Client) -> None:
    login(client, TEREKTI_CLERK)

    response = _post(client, OFFICE, service="wko-2015-patronat-payment", representative_iin="691230466054")

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.applicant_iin == APPLICANT and case.representative_iin == "691230466054"
    assert "691230466054" in client.get(response["Location"]).content.decode()
