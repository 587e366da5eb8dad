"""The authoring pages: who sees them, upload, live check, publication form; nothing written on refusal."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qyzmet.authoring.models import RegulationDraft
from qyzmet.identity.models import Role, StaffRole
from tests.api.helpers import key_for, sign_b64
from tests.backoffice.conftest import TEREKTI_CLERK, login
from tests.conftest import SEEDS_DIR

pytestmark = pytest.mark.django_db
WKO_2015 = "000_0d535cbd69033c45.txt"


def _admins(oblast: str) -> list[str]:
    roles = StaffRole.objects.filter(role=Role.ADMINISTRATOR, organization__code=oblast)
    return sorted({role.user.iin for role in roles.select_related("user")})


def _upload(client: Client) -> RegulationDraft:
    text = (SEEDS_DIR / WKO_2015).read_bytes()
    response = client.post("/backoffice/regulations/drafts/", {"act": SimpleUploadedFile(WKO_2015, text)})
    assert response.status_code == 302, response.content.decode()[:400]
    return RegulationDraft.objects.latest("pk")


def test_only_oblast_administrators_reach_the_drafts(data: None, client: Client) -> None:
    assert client.get("/backoffice/regulations/drafts/").status_code == 302  # to the login page
    login(client, TEREKTI_CLERK)
    assert client.get("/backoffice/regulations/drafts/").status_code == 404
    before = RegulationDraft.objects.count()
    text = (SEEDS_DIR / WKO_2015).read_bytes()
    assert client.post("/backoffice/regulations/drafts/", {"act": SimpleUploadedFile("a.txt", text)}).status_code == 404
    assert RegulationDraft.objects.count() == before


def test_upload_edit_check_and_publish_through_the_pages(data: None) -> None:
    author_iin, approver_iin = _admins("wko")
    author = login(Client(), author_iin)
    draft = _upload(author)
    assert draft.service_slug == "wko-2015-patronat-payment" and draft.base_version is not None
    page = author.get(f"/backoffice/regulations/drafts/{draft.pk}/").content.decode()
    assert 'data-needs-review="1"' in page  # effective_from
    assert "data-eds-sign" not in page and "data-publish-blocked" in page

    # The live check of unsaved text: a problem is named, nothing is stored.
    broken = draft.content.replace("unit: working_days", "unit: fortnights", 1)
    fragment = author.post(f"/backoffice/regulations/drafts/{draft.pk}/check/", {"content": broken}).content.decode()
    assert re.search(r'data-problems="[1-9]', fragment)
    draft.refresh_from_db()
    assert "fortnights" not in draft.content

    reviewed = re.sub(r"needs_review:\n(?:[- ] .*\n)*", "", draft.content)
    reviewed = re.sub(r"^effective_from: .*$", "effective_from: 2026-12-01", reviewed, flags=re.M)
    assert author.post(f"/backoffice/regulations/drafts/{draft.pk}/", {"content": reviewed}).status_code == 302
    draft.refresh_from_db()
    assert "needs_review" not in draft.content

    approver = login(Client(), approver_iin)
    page = approver.get(f"/backoffice/regulations/drafts/{draft.pk}/").content.decode()
    assert 'data-problems="0"' in page and "data-eds-sign" in page
    # Another oblast's administrator does not even see the draft.
    outsider = login(Client(), _admins("karaganda")[0])
    assert outsider.get(f"/backoffice/regulations/drafts/{draft.pk}/").status_code == 404
    assert outsider.post(f"/backoffice/regulations/drafts/{draft.pk}/publish/", {"signature": "x"}).status_code == 404

    approver_user = draft.created_by.__class__.objects.get(iin=approver_iin)
    signature = sign_b64(key_for(approver_user), draft.content.encode())
    response = approver.post(f"/backoffice/regulations/drafts/{draft.pk}/publish/", {"signature": signature})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == RegulationDraft.Status.PUBLISHED
    assert draft.published_version is not None and draft.published_version.version == 2
    version_page = approver.get("/backoffice/regulations/drafts/versions/wko-2015-patronat-payment/2/").content.decode()
    assert "data-bpmn-src" in version_page
    bpmn = approver.get("/backoffice/regulations/drafts/versions/wko-2015-patronat-payment/2/bpmn/?channel=portal")
    assert (bpmn.status_code == 200 and b"bpmn:definitions" in bpmn.content) or b"definitions" in bpmn.content
    diff = approver.get("/backoffice/regulations/drafts/versions/wko-2015-patronat-payment/diff/?from=1&to=2")
    assert diff.status_code == 200
