"""Case checkpoints signed once at the end of an engine operation (ADR 0022) still say what the database holds."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from qyzmet.audit.checkpoints import case_checkpoint_content, case_checkpoints_deferred
from qyzmet.audit.models import CaseCheckpoint
from qyzmet.audit.signing import CheckpointTrust
from qyzmet.cases.events import case_event_record
from qyzmet.cases.models import Case, CaseEvent
from qyzmet.catalog.definitions import catalog_default
from qyzmet.cli import main
from qyzmet.demo.driver import case_drive, case_open
from qyzmet.notifications.models import Notification
from tests.cases.conftest import START

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]

SERVICE = "wko-2015-patronat-payment"


def _checkpoint_checks(case: Case) -> CaseCheckpoint:
    checkpoint = CaseCheckpoint.objects.get(case_number=case.number)
    content = case_checkpoint_content(case_number=case.number, events=checkpoint.events,
                                      head_hash=checkpoint.head_hash, case_hash=checkpoint.case_hash)
    assert CheckpointTrust().check(content, checkpoint.certificate, checkpoint.signature) == ""
    return checkpoint


def test_a_driven_case_has_one_signed_checkpoint_of_its_whole_chain() -> None:
    # given: the provider office route of five steps, 15 events (tests/cases/test_audit_command.py)
    case = case_open(catalog_default().latest(SERVICE), "provider_office", now=START)

    # when
    case_drive(case, now=START)

    # then
    checkpoint = _checkpoint_checks(case)
    last = CaseEvent.objects.filter(case=case).order_by("-sequence").first()
    assert last is not None
    assert (checkpoint.events, checkpoint.head_hash) == (15, last.hash)
    assert main(["audit", "verify"]) == 0


def test_an_event_a_rolled_back_savepoint_took_away_is_neither_signed_nor_skipped() -> None:
    # given: a filed case; its chain has some events
    case = case_open(catalog_default().latest(SERVICE), "provider_office", now=START)
    before = CaseEvent.objects.filter(case=case).count()

    # when: inside one deferred block, an event, then one in a savepoint that rolls back, then one more
    with transaction.atomic(), case_checkpoints_deferred():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        case_event_record(case=locked, kind="note", at=START)
        with pytest.raises(RuntimeError), transaction.atomic():
            case_event_record(case=locked, kind="note", at=START)
            raise RuntimeError("rolled back")
        last = case_event_record(case=locked, kind="note", at=START)

    # then: the third event follows the first without a gap, and the checkpoint signs it
    assert last.sequence == before + 2
    checkpoint = _checkpoint_checks(case)
    assert (checkpoint.events, checkpoint.head_hash) == (before + 2, last.hash)
    assert main(["audit", "verify"]) == 0


def test_a_block_that_raises_leaves_the_checkpoint_as_it_was() -> None:
    # given
    case = case_open(catalog_default().latest(SERVICE), "provider_office", now=START)
    kept = _checkpoint_checks(case)

    # when
    with pytest.raises(RuntimeError), transaction.atomic(), case_checkpoints_deferred():
        case_event_record(case=Case.objects.select_for_update().get(pk=case.pk), kind="note", at=START)
        raise RuntimeError("the operation fails")

    # then
    assert _checkpoint_checks(case).head_hash == kept.head_hash
    assert main(["audit", "verify"]) == 0


def test_an_event_a_released_savepoint_kept_is_counted_and_followed() -> None:
    # given: a filed case; its chain has some events
    case = case_open(catalog_default().latest(SERVICE), "provider_office", now=START)
    before = CaseEvent.objects.filter(case=case).count()

    # when: inside one deferred block, an event, then one in a savepoint that is released, then one more
    with transaction.atomic(), case_checkpoints_deferred():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        case_event_record(case=locked, kind="note", at=START)
        with transaction.atomic():
            middle = case_event_record(case=locked, kind="note", at=START)
        last = case_event_record(case=locked, kind="note", at=START)

    # then: three events in a row, the third pointing at the second, and the checkpoint signs the third
    assert (middle.sequence, last.sequence) == (before + 2, before + 3)
    assert last.previous_hash == middle.hash
    assert list(CaseEvent.objects.filter(case=case, sequence__gt=before).values_list("sequence", flat=True)
                .order_by("sequence")) == [before + 1, before + 2, before + 3]
    checkpoint = _checkpoint_checks(case)
    assert (checkpoint.events, checkpoint.head_hash) == (before + 3, last.hash)
    assert main(["audit", "verify"]) == 0


def test_the_events_of_one_block_are_inserted_together_at_its_end() -> None:
    # given: a filed case
    case = case_open(catalog_default().latest(SERVICE), "provider_office", now=START)

    # when: three events in one deferred block
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), case_checkpoints_deferred():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        events = [case_event_record(case=locked, kind="note", at=START) for _ in range(3)]
        not_yet = [event.pk for event in events]

    # then: no row until the block's end, then one INSERT of all three, each given its row
    assert not_yet == [None, None, None]
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "cases_caseevent"')]
    assert len(inserts) == 1
    assert [CaseEvent.objects.get(pk=event.pk).hash for event in events] == [event.hash for event in events]
    assert main(["audit", "verify"]) == 0


def test_the_acceptance_notification_names_the_filing_event() -> None:
    # when: a case is filed (its events are inserted at the end of the filing)
    case = case_open(catalog_default().latest(SERVICE), "provider_office", now=START)

    # then
    filed = CaseEvent.objects.get(case=case, kind="case_filed")
    assert Notification.objects.get(case=case, kind=Notification.Kind.ACCEPTED).source_event_id == filed.pk
