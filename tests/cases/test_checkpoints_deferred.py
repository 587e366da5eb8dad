"""Case checkpoints signed once at the end of an engine operation (ADR 0022) still say what the database holds."""

from __future__ import annotations

import pytest
from django.db import transaction

from qyzmet.audit.checkpoints import case_checkpoint_content, case_checkpoints_deferred
from qyzmet.audit.models import CaseCheckpoint
from qyzmet.audit.signing import CheckpointTrust
from qyzmet.cases.events import case_event_record
from qyzmet.cases.models import Case, CaseEvent
from qyzmet.catalog.definitions import catalog_default
from qyzmet.cli import main
from qyzmet.demo.driver import case_drive, case_open
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
