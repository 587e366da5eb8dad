"""Result documents through the API: metadata, the signed bytes and the detached CMS signature."""

from __future__ import annotations

import hashlib

import pytest
import time_machine

from qyzmet.identity.models import Organization
from tests.api.helpers import API, APPLICANT_IIN, ApiClient, case_drive, case_file, staff_member, task_act, user
from tests.documents.pdf import pdf_text

SERVICE = "wko-2019-parent-visit-permission"


@pytest.mark.django_db
def test_the_issued_result_is_downloaded_with_its_signature(api: ApiClient, clock: time_machine.Coordinates) -> None:
    # given
    drive = case_drive(api, clock, SERVICE, "portal")
    [document] = [d for d in drive.case["documents"] if not d["intermediate"]]
    alice = user(APPLICANT_IIN)
    headers = {"Authorization": f"Bearer {api.token(alice)}"}

    # when
    meta = api.ok(api.get(alice, f"/documents/{document['id']}"))
    content = api.client.get(f"{API}/documents/{document['id']}/content", headers=headers)
    signature = api.client.get(f"{API}/documents/{document['id']}/signature", headers=headers)

    # then
    assert meta == document
    assert meta["delivered_to"] == "personal_cabinet"
    assert content["Content-Type"] == meta["content_type"]
    assert hashlib.sha256(content.content).hexdigest() == meta["sha256"]
    assert content["Content-Disposition"] == f'attachment; filename="{meta["verification_code"]}.pdf"'
    assert meta["content_type"] == "application/pdf" and meta["number"] in pdf_text(content.content)
    assert meta["verify_url"] == f"http://127.0.0.1:8000/verify/{meta['number']}/"
    assert signature["Content-Type"] == "application/pkcs7-signature"
    assert signature.content[:1] == b"\x30"  # DER SEQUENCE


@pytest.mark.django_db
def test_an_unsigned_document_has_no_signature_yet(api: ApiClient, clock: time_machine.Coordinates) -> None:
    # given: the case up to its signing step, the result drafted and unsigned
    case = case_file(api, SERVICE, "provider_office", applicant=user(APPLICANT_IIN))
    row = next(r for r in case["timeline"] if r["status"] == "open")
    while row["does"] != "sign":
        row = task_act(api, clock, row, outcome="issued")["next_task"]
    signer = staff_member(row["role"], Organization.objects.get(pk=row["organization"]["id"]))
    [draft] = [d for d in api.ok(api.get(signer, f"/cases/{case['id']}"))["documents"] if not d["intermediate"]]

    # when
    response = api.get(signer, f"/documents/{draft['id']}/signature")

    # then
    assert draft["signed"] is False
    assert response.status_code == 404
    assert response.json()["code"] == "document_not_signed"
    assert api.get(signer, f"/documents/{draft['id']}/content").status_code == 200
