"""Helpers of the case-engine tests: children queued for a preschool place, and the clerk's signed direction."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

from qyzmet.cases.models import Case
from qyzmet.cases.services import queue_direction_preview
from qyzmet.demo.keys import demo_key_for, demo_sign
from qyzmet.identity.models import Organization, User
from tests.cases.conftest import START
from tests.cases.factories import case_at_office, case_worked, staff


def queued_children(count: int) -> list[Case]:
    """`count` children of one locality and age group (3-4) queued for a preschool place, a minute apart."""
    cases = []
    for minute in range(count):
        filed = START + timedelta(minutes=minute)
        case = case_at_office("pavlodar-2016-preschool-queue", at=filed,
                              form={"age_group": "3-4", "child_iin": f"2001010000{minute}"})
        case_worked(case, at=filed, every=timedelta(seconds=10), decision="queued")
        cases.append(case)
    return cases


def direction_signed(
    locality: Organization, signer: User, at: datetime, *, as_staff: bool = True
) -> dict[str, str]:
    """The signer's signatures of the direction the locality's clerk previews now."""
    preview = queue_direction_preview(locality=locality, group="3-4", actor=staff("office_clerk", locality))
    assert preview is not None
    key = demo_key_for(signer, organization=locality if as_staff else None, now=at)
    return {
        document_id: base64.b64encode(demo_sign(key, content, at=at)).decode()
        for document_id, content in preview.documents.items()
    }
