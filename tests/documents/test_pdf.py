"""Result documents are PDFs in the case's language, byte for byte the same as the preview the signer signed."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from datetime import timedelta

import pypdf
import pytest
from django.conf import settings

from qyzmet.cases.models import Case, ResultDocument, Task
from qyzmet.cases.services import TaskAction, decision_documents_preview, definition_of, route_of, task_complete
from qyzmet.demo.keys import demo_key_for, demo_sign
from qyzmet.documents import rendering
from qyzmet.documents.content import result_data, result_pdf
from qyzmet.identity.models import User
from tests.cases.conftest import START
from tests.cases.factories import CITIZEN_IIN as DEMO_APPLICANT_IIN
from tests.cases.factories import REFUSAL_GROUND, case_at_office, case_worked
from tests.cases.factories import staff as staff_member
from tests.documents.pdf import pdf_qr_codes, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]

SERVICE = "wko-2019-parent-visit-permission"
PRESCHOOL = "pavlodar-2016-preschool-queue"
KAZAKH_LETTERS = "әғқңөұүһі"


def _issued(language: str, outcome: str = "issued") -> tuple[Case, ResultDocument]:
    case = case_at_office(SERVICE, at=START, language=language)
    case_worked(case, at=START + timedelta(minutes=5), decision=outcome)
    case.refresh_from_db()
    return case, case.documents.get(intermediate=False)


def test_the_signed_result_is_a_pdf_printing_its_number_names_and_outcome_in_russian() -> None:
    # when
    case, document = _issued("ru")

    # then
    applicant = User.objects.get(iin=DEMO_APPLICANT_IIN)
    text = pdf_text(bytes(document.content))
    assert document.content_type == "application/pdf" and bytes(document.content).startswith(b"%PDF-")
    assert document.number == f"{case.number}-D1"
    for printed in (document.number, case.number, applicant.full_name, DEMO_APPLICANT_IIN, case.provider.name_ru,
                    case.provider.bin, "Государственная услуга оказана", "Номер заявления",
                    case.filed_at.astimezone(START.tzinfo).strftime("%d.%m.%Y")):
        assert printed in text, printed
    assert "Мемлекеттік қызмет көрсетілді" not in text


def test_a_refusal_prints_its_ground_in_kazakh_with_kazakh_letters() -> None:
    # when
    case, document = _issued("kk", outcome="refused")

    # then
    text = pdf_text(bytes(document.content))
    assert "Мемлекеттік қызмет көрсетуден бас тартылды" in text
    assert "Бас тарту негізі" in text and REFUSAL_GROUND in text
    assert case.provider.name_kk in text
    assert all(letter in text for letter in KAZAKH_LETTERS[:4])
    fonts = {str(font["/BaseFont"]) for page in pypdf.PdfReader(io.BytesIO(bytes(document.content))).pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVu-Sans" in name for name in fonts)


def test_one_document_in_kazakh_and_in_russian_prints_each_languages_texts() -> None:
    # given
    case, document = _issued("kk")
    definition = definition_of(case)
    spec = definition.document(document.document_id)

    # when
    kazakh = pdf_text(result_pdf(case, definition, document.document_id, outcome="issued", ground="", details={}))
    case.language = "ru"
    russian = pdf_text(result_pdf(case, definition, document.document_id, outcome="issued", ground="", details={}))

    # then
    assert spec.title.kk and spec.title.ru
    assert " ".join(spec.title.kk.split()) in kazakh and "Мемлекеттік қызмет көрсетілді" in kazakh
    assert " ".join(spec.title.ru.split()) in russian and "Государственная услуга оказана" in russian
    assert "Өтініштің нөмірі" in kazakh and "Номер заявления" in russian
    assert document.number in kazakh and document.number in russian


def test_the_qr_code_decodes_to_the_public_verification_address() -> None:
    # when
    _, document = _issued("ru")

    # then: decoded from the image pixels in the PDF
    assert pdf_qr_codes(bytes(document.content)) == [f"{settings.QYZMET_PUBLIC_BASE_URL}/verify/{document.number}/"]


def test_rendering_twice_gives_identical_bytes() -> None:
    # given
    case, document = _issued("ru")
    definition = definition_of(case)

    # when: rendered again from scratch (the in-process cache emptied)
    rendering._pdf_cached.cache_clear()
    again = result_pdf(case, definition, document.document_id, outcome="issued", ground="", details={})

    # then: no clock in the file (no creation or modification date), a document /ID fixed from the data
    assert again == bytes(document.content)
    info = pypdf.PdfReader(io.BytesIO(again)).trailer["/Info"]
    assert "/CreationDate" not in info and "/ModDate" not in info
    assert pypdf.PdfReader(io.BytesIO(again)).trailer["/ID"][0]


def test_another_process_renders_the_same_data_to_the_same_bytes() -> None:
    # given: a fresh interpreter (another hash seed, no cache) renders the document's data
    case, document = _issued("kk")
    data = result_data(case, definition_of(case), document.document_id, outcome="issued", ground="", details={})
    program = (
        "import json, sys, django; django.setup()\n"
        "from qyzmet.documents.rendering import RESULT_TEMPLATE, pdf_render\n"
        "sys.stdout.buffer.write(pdf_render(RESULT_TEMPLATE, json.loads(sys.stdin.read())))\n"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "qyzmet.settings", "PYTHONHASHSEED": "12345"}

    # when
    done = subprocess.run([sys.executable, "-c", program], input=json.dumps(data).encode(), capture_output=True,
                          env=environment, timeout=120, check=True)

    # then
    assert done.stdout == bytes(document.content)


def test_what_the_decider_previews_and_signs_is_exactly_the_document_made() -> None:
    # given: the preschool queue's clerk decides (queued) and signs the notification in the same step
    case = case_at_office(PRESCHOOL, at=START, language="ru",
                     form={"age_group": "3-4", "child_iin": "200101000001"})
    task = Task.objects.get(case=case, status=Task.Status.OPEN)
    step = route_of(case).get(task.step_id).step
    assert step.decides
    clerk = staff_member(task.role, task.organization)  # type: ignore[arg-type]
    at = START + timedelta(minutes=5)
    draft = TaskAction(decision="queued")
    rendering._pdf_cached.cache_clear()
    preview = decision_documents_preview(case, task.step_id, draft)
    key = demo_key_for(clerk, organization=task.organization, now=at)
    signatures = {document_id: base64.b64encode(demo_sign(key, content, at=at)).decode()
                  for document_id, content in preview.items()}

    # when: rendered again from scratch for the decision
    rendering._pdf_cached.cache_clear()
    task_complete(task=task, actor=clerk, action=TaskAction(decision="queued", signatures=signatures), now=at)

    # then
    made = {d.document_id: d for d in ResultDocument.objects.filter(case=case, intermediate=False)}
    assert set(made) == set(preview) and preview
    for document_id, content in preview.items():
        assert bytes(made[document_id].content) == content
        assert made[document_id].signed_by == clerk
        assert made[document_id].number in pdf_text(content)
