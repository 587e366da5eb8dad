"""The public verification page and the access-checked downloads of result documents and receipts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qyzmet.cases.access import cases_visible_to_staff
from qyzmet.cases.assignment import providers_for, state_corporation_branches
from qyzmet.cases.intake import Applicant, intake_refuse
from qyzmet.cases.models import Case, Receipt, ResultDocument, Task
from qyzmet.cases.services import TaskAction, route_of, task_complete
from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.models import ServiceVersion
from qyzmet.identity.models import StaffRole, User
from qyzmet.signatures.cms import cms_parse
from qyzmet.signatures.services import certificate_revoke, pki_default
from tests.cases.conftest import START
from tests.cases.factories import CITIZEN_IIN as DEMO_APPLICANT_IIN
from tests.cases.factories import case_at_office, case_worked
from tests.cases.factories import staff as staff_member
from tests.documents.pdf import pdf_qr_codes, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]

SERVICE = "wko-2019-parent-visit-permission"
WITH_RECEIPT = "jambyl-2015-patronat-placement"  # a қолхат of acceptance at the provider's office
REFUSES_AT_SC = "wko-2019-guardian-allowance"  # the State Corporation may refuse to accept (Standard app. 3)
OTHER_CITIZEN_IIN = "791102333026"
MASKED_IIN = "8803******19"  # 880314412019, by hand


def _issued(language: str = "ru") -> tuple[Case, ResultDocument]:
    case = case_at_office(SERVICE, at=START, language=language)
    case_worked(case, at=START + timedelta(minutes=5))
    case.refresh_from_db()
    return case, case.documents.get(intermediate=False)


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _other_district_clerk(case: Case) -> User:
    role = StaffRole.objects.filter(role="office_clerk", organization__code__startswith="wko-").exclude(
        organization=case.provider).select_related("user").first()
    assert role is not None
    assert not cases_visible_to_staff(role.user).filter(pk=case.pk).exists()
    return role.user


# --- /verify/<number>/ ------------------------------------------------------------------------------------


def test_verify_shows_the_document_its_signer_and_a_valid_signature_without_personal_data() -> None:
    # given
    case, document = _issued()
    applicant = User.objects.get(iin=DEMO_APPLICANT_IIN)

    # when: anyone, not logged in, in Russian
    response = _client().get(f"/ru/verify/{document.number}/")

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert document.number in page
    assert case.provider.name_ru in page
    assert "Подпись сейчас действительна." in page
    assert document.signed_by is not None and document.signed_by.surname in page  # the certificate's name
    assert document.issued_at is not None and timezone.localtime(document.issued_at).strftime("%d.%m.%Y") in page
    assert MASKED_IIN in page  # only the masked IIN, and no name of the applicant
    assert DEMO_APPLICANT_IIN not in page and applicant.surname not in page and applicant.given_name not in page


def test_verify_says_not_valid_now_once_the_signers_certificate_is_revoked() -> None:
    # given
    _, document = _issued()
    verdict_before = _client().get(f"/verify/{document.number}/")
    [signer] = cms_parse(bytes(document.signature or b"")).signers
    assert signer.certificate is not None
    certificate_revoke(pki=pki_default(), serial_number=signer.certificate.serial_number, reason="keyCompromise",
                       now=timezone.now() - timedelta(seconds=1))

    # when
    response = _client().get(f"/en/verify/{document.number}/")

    # then
    page = response.content.decode()
    assert "Қолтаңба қазір жарамды." in verdict_before.content.decode()
    assert response.status_code == 200
    assert "The signature is not valid now." in page
    assert "The signature is valid now." not in page
    assert "The certificate has been revoked (according to the OCSP responder)." in page


def test_an_unknown_number_is_a_404_page_in_the_active_language() -> None:
    # when
    kazakh = _client().get("/verify/WKO-NOWHERE-2026-000001-D1/")
    russian = _client().get("/ru/verify/WKO-NOWHERE-2026-000001-D1/")

    # then
    assert kazakh.status_code == 404 and russian.status_code == 404
    assert "Мұндай құжат жоқ" in kazakh.content.decode()
    assert "Такого документа нет" in russian.content.decode()


def test_an_unsigned_draft_is_not_public() -> None:
    # given: a case up to the step that signs its result; the result drafted, not signed or issued
    case = case_at_office(SERVICE, at=START)
    clock = START
    while not ResultDocument.objects.filter(case=case).exists():
        task = Task.objects.get(case=case, status=Task.Status.OPEN)
        step = route_of(case).get(task.step_id).step
        assert step.does.value != "sign" and not step.branches
        clock += timedelta(minutes=10)
        task_complete(task=task, actor=staff_member(task.role, task.organization),  # type: ignore[arg-type]
                      action=TaskAction(decision="issued" if step.decides else None), now=clock)
    draft = ResultDocument.objects.get(case=case, intermediate=False)

    # when
    response = _client().get(f"/verify/{draft.number}/")

    # then
    assert draft.signature is None and draft.issued_at is None
    assert response.status_code == 404


def test_verify_shows_a_receipt_with_its_kind_organization_and_date_only() -> None:
    # given: a receipt of acceptance at the provider's office
    case = case_at_office(WITH_RECEIPT, at=START)
    receipt = Receipt.objects.get(case=case)
    applicant = User.objects.get(iin=DEMO_APPLICANT_IIN)

    # when
    response = _client().get(f"/ru/verify/{receipt.number}/")

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert receipt.number in page and receipt.organization.name_ru in page
    assert "Расписка о приеме документов" in page
    assert START.strftime("%d.%m.%Y") in page
    assert DEMO_APPLICANT_IIN not in page and MASKED_IIN not in page and applicant.surname not in page


# --- downloads ----------------------------------------------------------------------------------------------


def test_the_applicant_downloads_the_pdf_and_its_signature() -> None:
    # given
    _, document = _issued()
    owner = _client(User.objects.get(iin=DEMO_APPLICANT_IIN))

    # when
    pdf = owner.get(reverse("documents:download", args=[document.pk, "pdf"]))
    p7s = owner.get(reverse("documents:download", args=[document.pk, "p7s"]))

    # then
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(document.content)
    assert pdf["Content-Disposition"] == f'attachment; filename="{document.number}.pdf"'
    assert p7s.status_code == 200 and p7s["Content-Type"] == "application/pkcs7-signature"
    assert p7s.content == bytes(document.signature or b"")


def test_the_providers_staff_downloads_the_pdf() -> None:
    case, document = _issued()

    response = _client(staff_member("office_clerk", case.provider)).get(
        reverse("documents:download", args=[document.pk, "pdf"]))

    assert response.status_code == 200


def test_another_citizen_and_another_districts_clerk_get_404() -> None:
    # given
    case, document = _issued()
    url = reverse("documents:download", args=[document.pk, "pdf"])

    # when
    citizen = _client(User.objects.get(iin=OTHER_CITIZEN_IIN)).get(url)
    clerk = _client(_other_district_clerk(case)).get(url)
    signature = _client(User.objects.get(iin=OTHER_CITIZEN_IIN)).get(
        reverse("documents:download", args=[document.pk, "p7s"]))

    # then
    assert (citizen.status_code, clerk.status_code, signature.status_code) == (404, 404, 404)
    assert bytes(document.content) not in (citizen.content, clerk.content)


def test_an_anonymous_visitor_is_sent_to_log_in() -> None:
    _, document = _issued()

    response = _client().get(reverse("documents:download", args=[document.pk, "pdf"]))

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_unknown_part_is_404() -> None:
    _, document = _issued()

    response = _client(User.objects.get(iin=DEMO_APPLICANT_IIN)).get(
        reverse("documents:download", args=[document.pk, "json"]))

    assert response.status_code == 404


# --- receipts -------------------------------------------------------------------------------------------------


def test_the_receipt_of_acceptance_is_a_pdf_in_the_cases_language_with_its_qr_code() -> None:
    # given
    case = case_at_office(WITH_RECEIPT, at=START, language="ru")
    receipt = Receipt.objects.get(case=case)

    # when: the applicant, with the page in Kazakh
    response = _client(User.objects.get(iin=DEMO_APPLICANT_IIN)).get(
        reverse("documents:receipt", args=[receipt.number]))

    # then: in the case's language (Russian)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    definition = catalog_default().latest(WITH_RECEIPT)
    assert definition.acceptance_receipt is not None and definition.acceptance_receipt.title.ru
    for printed in (receipt.number, case.number, receipt.organization.name_ru, receipt.applicant_name,
                    DEMO_APPLICANT_IIN, "Документы приняты", " ".join(definition.acceptance_receipt.title.ru.split()),
                    START.strftime("%d.%m.%Y")):
        assert printed in text, printed
    assert pdf_qr_codes(response.content) == [f"http://127.0.0.1:8000/verify/{receipt.number}/"]


def test_the_receipt_of_refusal_prints_its_grounds_and_missing_documents_in_the_active_language() -> None:
    # given: the State Corporation refuses to accept an incomplete package (no case)
    definition = catalog_default().latest(REFUSES_AT_SC)
    branch = state_corporation_branches(definition).first()
    assert branch is not None
    operator = staff_member("sc_operator", branch)
    receipt = intake_refuse(
        version=ServiceVersion.objects.get(service__slug=definition.id), channel="state_corporation",
        organization=branch, applicant=Applicant(DEMO_APPLICANT_IIN, "Тестова Айгерим"),
        grounds=["incomplete_package"], missing=["свидетельство о рождении ребенка"], actor=operator, now=START,
    )

    # when: the operator prints it from the Russian page
    response = _client(operator).get(f"/ru/receipts/{receipt.number}/")

    # then
    assert response.status_code == 200
    text = pdf_text(response.content)
    for printed in (receipt.number, "Приложение 3 к стандарту государственной услуги", "В приеме документов отказано",
                    "Неполный пакет документов",
                    "свидетельство о рождении ребенка", "Тестова Айгерим", branch.name_ru):
        assert printed in text, printed


def test_a_receipt_is_404_for_another_citizen_and_another_organizations_staff() -> None:
    # given
    case = case_at_office(WITH_RECEIPT, at=START)
    receipt = Receipt.objects.get(case=case)
    url = reverse("documents:receipt", args=[receipt.number])
    definition = catalog_default().latest(SERVICE)
    stranger_org = providers_for(definition).exclude(pk=receipt.organization_id).first()
    assert stranger_org is not None

    # when
    citizen = _client(User.objects.get(iin=OTHER_CITIZEN_IIN)).get(url)
    clerk = _client(staff_member("office_clerk", stranger_org)).get(url)
    unknown = _client(User.objects.get(iin=DEMO_APPLICANT_IIN)).get(reverse("documents:receipt", args=["NO-SUCH"]))

    # then
    assert (citizen.status_code, clerk.status_code, unknown.status_code) == (404, 404, 404)
