"""Drafting from an act, checking, and four-eyes publication: the rules of `qyzmet.authoring.services`."""

from __future__ import annotations

import pytest
import yaml
from django.utils import timezone

from qyzmet.authoring.errors import AuthoringRefused
from qyzmet.authoring.models import RegulationDraft
from qyzmet.authoring.services import (
    definition_changes,
    draft_check,
    draft_publish,
    draft_save,
    drafts_from_act,
)
from qyzmet.cases.intake import Applicant, Application, intake_office
from qyzmet.cases.models import Case
from qyzmet.cases.selectors import definition_of
from qyzmet.catalog.models import ServiceVersion
from qyzmet.catalog.selectors import version_in_force
from qyzmet.identity.models import Organization, Role, StaffRole, User
from tests.api.helpers import key_for, sign_b64
from tests.conftest import SEEDS_DIR

WKO_2019 = "002_00054b1e3eac58b3.txt"
APPLICANT = "880314412019"
MEALS = "wko-2019-school-meals"
STEP_THREE = "в течение 3 (трех) рабочих дней проверяет представленные документы на соответствие пункту 9 Стандарта"

pytestmark = pytest.mark.django_db


def _administrators(oblast: str) -> list[User]:
    roles = StaffRole.objects.filter(role=Role.ADMINISTRATOR, organization__code=oblast).select_related("user")
    people = sorted({role.user for role in roles}, key=lambda user: user.iin)
    assert len(people) == 2, "the demo has two administrators per oblast"
    return people


def _act(*, mutate: bool = False) -> str:
    text = (SEEDS_DIR / WKO_2019).read_text(encoding="utf-8").replace("\xa0", " ")
    if mutate:
        assert text.count(STEP_THREE) == 1
        text = text.replace(STEP_THREE, STEP_THREE.replace("3 (трех) рабочих дней", "5 (пяти) рабочих дней"))
    return text


def _meals(drafts: list[RegulationDraft]) -> RegulationDraft:
    return next(draft for draft in drafts if draft.service_slug == MEALS)


def _reviewed(content: str, effective_from: str) -> str:
    """The content as a reviewer leaves it: the dates set, every point reviewed."""
    data = yaml.safe_load(content)
    data.pop("needs_review", None)
    data["effective_from"] = effective_from
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


def test_an_act_becomes_one_draft_per_regulation_amending_the_services_it_names(data: None) -> None:
    author, _ = _administrators("wko")
    drafts = drafts_from_act(text=_act(), name=WKO_2019, author=author, now=timezone.now())
    assert len(drafts) == 13  # the inventory: 13 regulations in seed 002
    meals = _meals(drafts)
    assert meals.base_version is not None and meals.base_version.version == 1
    check = draft_check(meals.content)
    # The text says what version 1 says: only the new wording's entry into force is left to settle.
    assert [entry["path"] for entry in check.needs_review] == ["effective_from"]
    assert check.problems == ()
    assert yaml.safe_load(meals.content)["version"] == 2


def test_a_changed_duration_in_the_text_is_drafted_flagged_and_shown_as_a_change(data: None) -> None:
    author, _ = _administrators("wko")
    meals = _meals(drafts_from_act(text=_act(mutate=True), name=WKO_2019, author=author, now=timezone.now()))
    check = draft_check(meals.content)
    paths = {entry["path"]: entry["reason"] for entry in check.needs_review}
    assert "procedures.back_office.steps[2].duration.value" in paths
    assert "5" in paths["procedures.back_office.steps[2].duration.value"]
    assert check.definition is not None
    changes = definition_changes(meals.base_version.definition, check.definition.model_dump(mode="json", by_alias=True))
    assert [(c.kind, c.where, c.field, c.old, c.new) for c in changes] == [
        ("changed", "procedure back_office / prepare", "duration", "3 working_days", "5 working_days")
    ]


def test_only_an_administrator_of_the_oblast_drafts_its_regulations(data: None) -> None:
    karaganda_admin, _ = _administrators("karaganda")
    before = RegulationDraft.objects.count()
    with pytest.raises(AuthoringRefused) as refused:
        drafts_from_act(text=_act(), name=WKO_2019, author=karaganda_admin, now=timezone.now())
    assert refused.value.code == "not_administrator"
    assert RegulationDraft.objects.count() == before


def test_publication_takes_a_second_administrators_signature_over_the_exact_text(data: None) -> None:
    author, approver = _administrators("wko")
    meals = _meals(drafts_from_act(text=_act(mutate=True), name=WKO_2019, author=author, now=timezone.now()))
    base = meals.base_version
    assert base is not None
    base_digest = base.sha256

    # Points left to review: refused, whoever signs.
    with pytest.raises(AuthoringRefused) as refused:
        draft_publish(draft=meals, approver=approver, signature="", now=timezone.now())
    assert refused.value.code == "not_publishable"

    today = timezone.localdate().isoformat()
    draft_save(draft=meals, content=_reviewed(meals.content, today), actor=author, now=timezone.now())
    meals.refresh_from_db()
    assert draft_check(meals.content).publishable

    key = key_for(approver)
    # The author cannot approve their own draft.
    with pytest.raises(AuthoringRefused) as refused:
        draft_publish(draft=meals, approver=author, signature=sign_b64(key_for(author), meals.content.encode()),
                      now=timezone.now())
    assert refused.value.code == "four_eyes"
    # An administrator of another oblast cannot approve it.
    other, _ = _administrators("pavlodar")
    with pytest.raises(AuthoringRefused) as refused:
        draft_publish(draft=meals, approver=other, signature=sign_b64(key_for(other), meals.content.encode()),
                      now=timezone.now())
    assert refused.value.code == "not_administrator"
    # A signature over other bytes (an earlier text of the draft) is refused.
    with pytest.raises(AuthoringRefused) as refused:
        draft_publish(draft=meals, approver=approver, signature=sign_b64(key, b"another text"), now=timezone.now())
    assert refused.value.code == "signature_invalid"
    # Another person's signature over the right bytes is refused too.
    with pytest.raises(AuthoringRefused) as refused:
        draft_publish(draft=meals, approver=approver, signature=sign_b64(key_for(author), meals.content.encode()),
                      now=timezone.now())
    assert refused.value.code == "signature_invalid"
    assert ServiceVersion.objects.filter(service__slug=MEALS).count() == 1

    # A case filed before the publication, under version 1.
    office = Organization.objects.get(code="wko-terekti")
    clerk = StaffRole.objects.get(role=Role.OFFICE_CLERK, organization=office).user
    applicant = User.objects.get(iin=APPLICANT)

    def file() -> Case:
        return intake_office(
            version=version_in_force(MEALS, timezone.localdate()), provider=office, clerk=clerk,
            applicant=Applicant(iin=applicant.iin, name=applicant.full_name, user=applicant),
            application=Application(), originals_compared=True, now=timezone.now(),
        )

    older = file()
    assert older.service_version.version == 1

    version = draft_publish(draft=meals, approver=approver, signature=sign_b64(key, meals.content.encode()),
                            now=timezone.now())
    assert version.version == 2
    # New applications go under version 2 (in force from today); the older case keeps version 1's steps.
    newer = file()
    assert newer.service_version == version
    older.refresh_from_db()
    assert older.service_version.version == 1
    old_prepare = next(s for s in definition_of(older).procedures["back_office"].steps if s.id == "prepare")
    assert (old_prepare.duration.value, old_prepare.duration.unit.value) == (3, "working_days")
    assert version.effective_from.isoformat() == today
    prepare = next(s for s in version.definition["procedures"]["back_office"]["steps"] if s["id"] == "prepare")
    assert prepare["duration"] == {"value": 5, "unit": "working_days"}
    meals.refresh_from_db()
    assert meals.status == RegulationDraft.Status.PUBLISHED and meals.approved_by == approver
    base.refresh_from_db()
    assert base.sha256 == base_digest  # version 1 is never changed
    with pytest.raises(AuthoringRefused) as refused:
        draft_publish(draft=meals, approver=approver, signature=sign_b64(key, meals.content.encode()),
                      now=timezone.now())
    assert refused.value.code == "not_a_draft"


def test_a_published_draft_cannot_be_edited_and_an_invalid_one_is_kept_with_its_problems(data: None) -> None:
    author, _ = _administrators("wko")
    meals = _meals(drafts_from_act(text=_act(), name=WKO_2019, author=author, now=timezone.now()))
    broken = meals.content.replace("unit: working_days", "unit: fortnights", 1)
    check = draft_save(draft=meals, content=broken, actor=author, now=timezone.now())
    assert check.problems and not check.publishable
    assert any("fortnights" in problem.message or "unit" in problem.message for problem in check.problems)
    meals.refresh_from_db()
    assert meals.content == broken
