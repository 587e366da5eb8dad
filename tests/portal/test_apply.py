"""Applying through the portal: the form from the definition, attachments, signing (EDS or OTP), the answer."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from qyzmet.api.models import ApplicationDraft
from qyzmet.cases.assignment import providers_for
from qyzmet.cases.models import Case
from qyzmet.catalog.definitions import catalog_default
from qyzmet.identity.demo import DEMO_PASSWORD
from qyzmet.identity.models import Organization, SmsOutbox, User
from tests.api.helpers import key_for, sign_b64

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]

APPLICANT: Final = "880314412019"  # a demo citizen with a mobile number
OTHER_CITIZEN: Final = "791102333026"
EDS_SERVICE: Final = "wko-2015-patronat-payment"  # portal confirmation: [eds]
OTP_SERVICE: Final = "wko-2019-adoption-payment"  # portal confirmation: [eds, otp]
QUEUE_SERVICE: Final = "pavlodar-2016-preschool-queue"  # application fields: child_iin, age_group
NO_PORTAL_SERVICE: Final = "karaganda-2015-child-allowance"
PDF: Final = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG: Final = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def login(client: Client, iin: str = APPLICANT) -> User:
    response = client.post("/login/", {"username": iin, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return User.objects.get(iin=iin)


def provider_of(service_id: str) -> Organization:
    provider = providers_for(catalog_default().latest(service_id)).order_by("path").first()
    assert provider is not None
    return provider


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def apply(client: Client, service_id: str, *, files: dict[str, Any] | None = None, action: str = "continue",
          form_key: str = "key-1", **fields: str) -> Any:
    data = {"provider": str(provider_of(service_id).pk), "action": action, "form_key": form_key, **fields,
            **(files or {})}
    return client.post(f"/ru/services/{service_id}/apply/", data)


def stored_files() -> list[Path]:
    root = Path(settings.QYZMET_UPLOAD_DIR)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def content_to_sign(client: Client, draft: ApplicationDraft) -> bytes:
    page = client.get(f"/ru/applications/{draft.pk}/").content.decode()
    found = re.search(r'name="signature" data-eds-sign="([^"]+)"', page)
    assert found is not None
    return base64.b64decode(found.group(1))


def test_a_service_without_a_portal_channel_says_where_to_apply(client: Client) -> None:
    login(client)
    page = client.get(f"/ru/services/{NO_PORTAL_SERVICE}/apply/").content.decode()
    assert "не предусматривает подачу через портал" in page
    assert "Государственной корпорации" in page


def test_the_generic_form_asks_for_the_documents_of_the_standard(client: Client) -> None:
    login(client)
    page = client.get(f"/ru/services/{EDS_SERVICE}/apply/").content.decode()
    assert "Документы, перечисленные в Стандарте" in page
    assert APPLICANT in page and provider_of(EDS_SERVICE).name_ru in page


def test_apply_attach_sign_and_get_the_case_number_and_first_deadline(client: Client) -> None:
    # given
    applicant = login(client)

    # when: the form with a PDF, then the review page, then the signature of its exact bytes
    response = apply(client, EDS_SERVICE, files={"file-other": upload("справка <1>.pdf", PDF)})
    assert response.status_code == 302
    draft = ApplicationDraft.objects.get(applicant=applicant)
    content = content_to_sign(client, draft)
    signature = sign_b64(key_for(applicant), content)
    submitted = client.post(f"/ru/applications/{draft.pk}/submit/", {"signature": signature})

    # then
    assert submitted.status_code == 302
    sha256 = hashlib.sha256(PDF).hexdigest()
    assert json.loads(content)["attachments"] == [
        {"name": "справка <1>.pdf", "sha256": sha256, "size": len(PDF), "content_type": "application/pdf"}]
    assert stored_files() == [Path(settings.QYZMET_UPLOAD_DIR) / sha256[:2] / sha256]
    case = Case.objects.get()
    assert (case.channel, case.confirmation, case.applicant_iin) == ("portal", "eds", APPLICANT)
    answer = client.get(f"/ru/applications/{draft.pk}/").content.decode()
    assert case.number in answer and "Что происходит сейчас" in answer
    # the portal's condition 3 (the provider checks the documents) has no term in the regulation
    assert "Работник канцелярии" in answer and "проверяет условия" in answer
    assert "Регламент не устанавливает срок для этого этапа." in answer


def test_a_double_click_on_submit_makes_one_case(client: Client) -> None:
    # given
    applicant = login(client)
    apply(client, EDS_SERVICE, files={"file-other": upload("a.pdf", PDF)})
    apply(client, EDS_SERVICE, files={"file-other": upload("a.pdf", PDF)})  # the form sent twice: one draft
    draft = ApplicationDraft.objects.get(applicant=applicant)
    signature = sign_b64(key_for(applicant), content_to_sign(client, draft))

    # when
    first = client.post(f"/ru/applications/{draft.pk}/submit/", {"signature": signature})
    second = client.post(f"/ru/applications/{draft.pk}/submit/", {"signature": signature})

    # then
    assert first.status_code == second.status_code == 302
    assert Case.objects.count() == 1


def test_a_file_that_is_not_a_pdf_despite_its_name_is_refused(client: Client) -> None:
    login(client)
    response = apply(client, EDS_SERVICE, files={"file-other": upload("scan.pdf", b"MZ\x90\x00 not a pdf")})

    assert response.status_code == 422
    assert "Файл «scan.pdf» не принят: можно прикладывать только файлы PDF, JPEG или PNG." in response.content.decode()
    assert stored_files() == [] and ApplicationDraft.objects.count() == 0


def test_an_oversized_file_is_refused(client: Client, settings: Any) -> None:
    # given
    settings.QYZMET_UPLOAD_MAX_BYTES = 1024 * 1024
    login(client)

    # when
    response = apply(client, EDS_SERVICE, files={"file-other": upload("big.png", PNG + b"\x00" * (1024 * 1024),
                                                                       "image/png")})

    # then
    assert response.status_code == 422
    assert "Файл «big.png» не принят: размер не должен превышать 1 МБ." in response.content.decode()
    assert stored_files() == [] and ApplicationDraft.objects.count() == 0


def test_one_bad_file_refuses_the_whole_upload(client: Client) -> None:
    login(client)
    response = apply(client, EDS_SERVICE, action="upload",
                     files={"file-other": [upload("good.pdf", PDF), upload("bad.jpg", b"GIF89a", "image/jpeg")]})

    assert response.status_code == 422
    assert stored_files() == []


def test_the_preschool_queue_form_asks_for_the_child_and_shows_what_is_missing(client: Client) -> None:
    # given
    applicant = login(client)

    # when: no child IIN and no birth certificate
    response = apply(client, QUEUE_SERVICE, **{"field-age_group": "3-4"})

    # then
    page = response.content.decode()
    assert response.status_code == 422
    assert "ИИН ребёнка" in page and "Обязательное поле." in page
    assert "Ещё не хватает:" in page and "Свидетельство о рождении ребёнка" in page
    assert ApplicationDraft.objects.count() == 0

    # when: a child IIN whose check digit is wrong
    response = apply(client, QUEUE_SERVICE, **{"field-age_group": "3-4", "field-child_iin": "220305600013"})

    # then
    assert response.status_code == 422 and ApplicationDraft.objects.count() == 0

    # when: everything given (a girl born on 5 March 2022)
    response = apply(client, QUEUE_SERVICE, files={"file-birth_certificate": upload("birth.png", PNG, "image/png")},
                     **{"field-age_group": "3-4", "field-child_iin": "220305600012"})

    # then
    assert response.status_code == 302
    draft = ApplicationDraft.objects.get(applicant=applicant)
    assert draft.form == {"child_iin": "220305600012", "age_group": "3-4"}
    assert draft.attachments[0]["document"] == "birth_certificate"

    # when: the same form sent again (a double click), its files already taken into the draft
    again = apply(client, QUEUE_SERVICE, **{"field-age_group": "3-4", "field-child_iin": "220305600012"})

    # then
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert ApplicationDraft.objects.count() == 1


def test_a_signature_made_with_another_persons_key_is_refused(client: Client) -> None:
    # given
    applicant = login(client)
    apply(client, EDS_SERVICE, files={"file-other": upload("a.pdf", PDF)})
    draft = ApplicationDraft.objects.get(applicant=applicant)
    other = User.objects.get(iin=OTHER_CITIZEN)

    # when
    response = client.post(f"/ru/applications/{draft.pk}/submit/",
                           {"signature": sign_b64(key_for(other), content_to_sign(client, draft))})

    # then
    assert response.status_code == 422
    assert "Отказ в оказании услуги в связи с неподтверждением подлинности ЭЦП" in response.content.decode()
    assert Case.objects.count() == 0


def test_otp_wrong_then_expired_then_right(client: Client) -> None:
    # given
    applicant = login(client)
    apply(client, OTP_SERVICE, files={"file-other": upload("a.pdf", PDF)})
    draft = ApplicationDraft.objects.get(applicant=applicant)
    assert client.post(f"/ru/applications/{draft.pk}/otp/").status_code == 200
    code = re.search(r"\b(\d{6})\b", SmsOutbox.objects.get(to=applicant.mobile).text)
    assert code is not None
    wrong = "000000" if code.group(1) != "000000" else "111111"

    # when: a wrong code
    response = client.post(f"/ru/applications/{draft.pk}/submit/", {"otp_code": wrong})

    # then
    assert response.status_code == 422 and "Неверный код. Осталось попыток: 2." in response.content.decode()
    assert Case.objects.count() == 0

    # when: the right code, six minutes later
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        response = client.post(f"/ru/applications/{draft.pk}/submit/", {"otp_code": code.group(1)})

    # then
    assert response.status_code == 422 and "Срок действия кода истёк. Запросите новый код." in response.content.decode()
    assert Case.objects.count() == 0

    # when: a new code, used at once
    client.post(f"/ru/applications/{draft.pk}/otp/")
    fresh = re.search(r"\b(\d{6})\b", SmsOutbox.objects.filter(to=applicant.mobile).first().text)  # type: ignore[union-attr]
    assert fresh is not None
    response = client.post(f"/ru/applications/{draft.pk}/submit/", {"otp_code": fresh.group(1)})

    # then
    assert response.status_code == 302
    assert Case.objects.get().confirmation == "otp"


def test_another_citizen_cannot_see_or_submit_the_draft(client: Client) -> None:
    # given
    applicant = login(client)
    apply(client, EDS_SERVICE, files={"file-other": upload("a.pdf", PDF)})
    draft = ApplicationDraft.objects.get(applicant=applicant)
    client.post("/logout/")
    other = login(client, OTHER_CITIZEN)

    # then
    assert client.get(f"/ru/applications/{draft.pk}/").status_code == 404
    response = client.post(f"/ru/applications/{draft.pk}/submit/",
                           {"signature": sign_b64(key_for(other), b"anything")})
    assert response.status_code == 404 and Case.objects.count() == 0


def test_an_attached_file_can_be_taken_off_before_continuing(client: Client) -> None:
    # given
    login(client)
    apply(client, QUEUE_SERVICE, action="upload", files={"file-birth_certificate": upload("b.pdf", PDF)})
    sha256 = hashlib.sha256(PDF).hexdigest()

    # when
    page = client.post(f"/ru/services/{QUEUE_SERVICE}/apply/", {"remove": sha256}).content.decode()

    # then
    assert "b.pdf" not in page and "Ещё не хватает:" in page
    response = apply(client, QUEUE_SERVICE, **{"field-age_group": "3-4", "field-child_iin": "220305600012"})
    assert response.status_code == 422 and ApplicationDraft.objects.count() == 0


@pytest.mark.parametrize(("prefix", "caption"), [
    # WKO school meals: the result is a notice "по форме согласно приложению 1 к стандарту" (seed)
    ("/ru", "Приложение 1 к стандарту государственной услуги"),
    ("", "Мемлекеттік көрсетілетін қызмет стандартының 1-қосымшасы"),  # Kazakh, the default language
])
def test_the_result_form_is_named_in_the_page_language(client: Client, prefix: str, caption: str) -> None:
    login(client)
    page = client.get(f"{prefix}/services/wko-2019-school-meals/apply/").content.decode()
    assert caption in page
    assert "Standard app." not in page


def test_a_form_named_by_the_standard_reads_in_each_language() -> None:
    from qyzmet.catalog.vocabulary import form_caption

    assert form_caption("Standard p.9", "ru") == "Пункт 9 стандарта государственной услуги"
    assert form_caption("Standard p.9", "kk") == "Мемлекеттік көрсетілетін қызмет стандартының 9-тармағы"
    assert form_caption("Standard app. 3", "en") == "Appendix 3 to the Standard of the public service"
    assert form_caption("форма Т-2", "ru") == "форма Т-2"  # any other name as the regulation wrote it
