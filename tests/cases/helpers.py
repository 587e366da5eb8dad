"""Helpers of the case-engine tests: children queued for a preschool place, and the clerk's signed direction."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

from qyzmet.cases.models import Case
from qyzmet.cases.services import queue_direction_preview
from qyzmet.catalog.registry import catalog_default
from qyzmet.demo.driver import case_drive, case_open, staff_member
from qyzmet.demo.keys import demo_key_for, demo_sign
from qyzmet.identity.models import Organization, User
from tests.cases.conftest import START


def queued_children(count: int) -> list[Case]:
    """`count` children of one locality and age group (3-4) queued for a preschool place, a minute apart."""
    definition = catalog_default().latest("pavlodar-2016-preschool-queue")
    cases = []
    for minute in range(count):
        case = case_open(
            definition,
            "provider_office",
            now=START + timedelta(minutes=minute),
            form={"age_group": "3-4", "child_iin": f"2001010000{minute}"},
        )
        case_drive(case, now=START + timedelta(minutes=minute), outcome="queued")
        cases.append(case)
    return cases


def direction_signed(
    locality: Organization, signer: User, at: datetime, *, as_staff: bool = True
) -> dict[str, str]:
    """The signer's signatures of the direction the locality's clerk previews now."""
    preview = queue_direction_preview(locality=locality, group="3-4", actor=staff_member("office_clerk", locality))
    assert preview is not None
    key = demo_key_for(signer, organization=locality if as_staff else None, now=at)
    return {
        document_id: base64.b64encode(demo_sign(key, content, at=at)).decode()
        for document_id, content in preview.documents.items()
    }
