"""Every seed service through every channel its regulation names, driven through the API from intake to result.

Each step is done by the person holding its role (their own token), signing steps sign with
their demo EDS key, and every step's deadline is checked against the calendar.
"""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from qyzmet.catalog.definitions import catalog_default
from qyzmet.gateway.models import GatewayMessage
from qyzmet.identity.models import Organization
from qyzmet.signatures.backends import get_verifier
from qyzmet.state_corporation.models import Intake
from tests.api.helpers import (
    REFUSAL_GROUND,
    ApiClient,
    Drive,
    case_drive,
    expected_deadlines,
    moment,
    queue_direct,
    staff_member,
)
from tests.documents.pdf import pdf_text

PAIRS = [(d.id, c.code.value) for d in catalog_default().latest_all() for c in d.channels]
REFUSABLE = [
    (d.id, c.code.value) for d in catalog_default().latest_all() for c in d.channels
    if any(r.outcome.value == "refused" and (r.channels is None or c.code in r.channels) for r in d.outcomes)
]
PRESCHOOL = "pavlodar-2016-preschool-queue"


def _ids(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"{service}-{channel}" for service, channel in pairs]


def _assert_deadlines_by_calendar(drive: Drive) -> None:
    timeline = drive.case["timeline"]
    assert [moment(row["deadline"]) for row in timeline] == expected_deadlines(drive)
    for row in timeline:
        assert row["status"] == "done"
        assert row["overdue"] is False
        if row["time"] is not None:
            assert row["time"]["left"] >= 0
            assert row["time"]["used"] >= 0


def _assert_documents_signed_and_delivered(api: ApiClient, drive: Drive) -> list[dict[str, object]]:
    documents = [d for d in drive.case["documents"] if not d["intermediate"]]
    assert documents, "the applicant sees the result documents"
    for document in documents:
        assert document["issued_at"] is not None
        content = api.client.get(f"/api/v1/documents/{document['id']}/content",
                                 headers={"Authorization": f"Bearer {api.token(drive.applicant)}"})
        assert content.status_code == 200
        if document["signed"]:
            signature = api.client.get(f"/api/v1/documents/{document['id']}/signature",
                                       headers={"Authorization": f"Bearer {api.token(drive.applicant)}"})
            assert signature["Content-Type"] == "application/pkcs7-signature"
            verdict = get_verifier().verify(content.content, signature.content, now=timezone.now())
            assert verdict.is_valid, verdict.codes
            assert verdict.signer is not None
            assert document["signed_by"] is not None
            assert verdict.signer.iin == document["signed_by"]["iin"]
    return documents


@pytest.mark.django_db
@pytest.mark.parametrize(("service", "channel"), PAIRS, ids=_ids(PAIRS))
def test_case_runs_through_the_api_to_the_issued_result(
    api: ApiClient, clock: time_machine.Coordinates, service: str, channel: str
) -> None:
    # given / when
    drive = case_drive(api, clock, service, channel, outcome="issued")

    # then
    case = drive.case
    assert case["status"] == "issued"
    assert case["outcome"] == "issued"
    assert case["channel"] == channel
    assert moment(case["closed_at"]) == timezone.now()
    if channel == "state_corporation":  # taken through the registries, the request signed by the operator
        intake = Intake.objects.get(number=case["form"]["sc_intake"])
        assert (intake.status, intake.case_id, case["confirmation"]) == ("filed", case["id"], "operator_eds")
        assert GatewayMessage.objects.filter(case_number=case["number"], registry="gbd_fl").exists()
    _assert_deadlines_by_calendar(drive)
    _assert_documents_signed_and_delivered(api, drive)


@pytest.mark.django_db
@pytest.mark.parametrize(("service", "channel"), REFUSABLE, ids=_ids(REFUSABLE))
def test_case_runs_through_the_api_to_a_motivated_refusal(
    api: ApiClient, clock: time_machine.Coordinates, service: str, channel: str
) -> None:
    # given / when
    drive = case_drive(api, clock, service, channel, outcome="refused")

    # then
    case = drive.case
    assert case["status"] == "refused"
    assert case["refusal_ground"] == REFUSAL_GROUND
    _assert_deadlines_by_calendar(drive)
    documents = _assert_documents_signed_and_delivered(api, drive)
    for document in documents:
        content = api.client.get(f"/api/v1/documents/{document['id']}/content",
                                 headers={"Authorization": f"Bearer {api.token(drive.applicant)}"})
        text = pdf_text(content.content)
        assert "Мемлекеттік қызмет көрсетуден бас тартылды" in text  # the case's language: Kazakh
        assert REFUSAL_GROUND in text
        assert case["number"] in text and document["number"] in text


def test_every_service_channel_pair_is_driven() -> None:
    assert len({service for service, _ in PAIRS}) == 26
    assert len(PAIRS) == 54
    assert {pair for pair in PAIRS if pair not in REFUSABLE} == {
        (PRESCHOOL, "provider_office"), (PRESCHOOL, "state_corporation"), (PRESCHOOL, "portal")}


@pytest.mark.django_db
@pytest.mark.parametrize("channel", ["provider_office", "state_corporation", "portal"])
def test_preschool_queue_shows_the_place_and_moves_when_the_first_child_is_directed(
    api: ApiClient, clock: time_machine.Coordinates, channel: str
) -> None:
    # given: three children of one age group queued, one after another
    drives = [
        case_drive(api, clock, PRESCHOOL, channel, outcome="queued",
                   form={"age_group": "3-4", "child_iin": child_iin})
        for child_iin in ("210305600011", "210411500012", "210519600013")
    ]
    assert [d.case["status"] for d in drives] == ["queued", "queued", "queued"]
    assert [d.case["queue"]["position"] for d in drives] == [1, 2, 3]
    locality = drives[0].case["queue"]["locality"]

    # when: the locality's clerk directs the first child to a freed place, signing the direction
    clerk = staff_member("office_clerk", Organization.objects.get(pk=locality["id"]))
    directed = api.ok(queue_direct(api, clerk, locality, "3-4", key=f"direct-{channel}-1"))

    # then
    assert directed["id"] == drives[0].case["id"]
    assert directed["status"] == "issued"
    after = [api.ok(api.get(d.applicant, f"/cases/{d.case['id']}")) for d in drives]
    assert after[0]["queue"]["status"] == "directed"
    assert after[0]["queue"]["position"] is None
    assert [a["queue"]["position"] for a in after[1:]] == [1, 2]
    documents = {d["document_id"]: d for d in after[0]["documents"]}
    assert documents["direction"]["issued_at"] is not None
    assert documents["direction"]["signed_by"] == {"iin": clerk.iin, "name": clerk.full_name}
    assert "direction" not in {d["document_id"] for d in after[1]["documents"]}
