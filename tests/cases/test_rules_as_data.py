"""Rules as data (ADR 0024): what the definition says drives the engine, and a changed copy changes what it does.

Expected values come from the regulations (quoted) or from the changed copy's own words, never from the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from qyzmet.cases.assignment import providers_for, state_corporation_branches
from qyzmet.cases.errors import TransitionNotAllowed
from qyzmet.cases.models import Case, CaseStatus, QueueEntry, Receipt, ResultDocument, Task
from qyzmet.cases.services import Filing, TaskAction, case_file, task_complete
from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.loader import load_text
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.services import version_load
from qyzmet.catalog.vocabulary import role_is_automatic, verb_meaning
from qyzmet.demo.driver import DEMO_APPLICANT_IIN, case_drive, staff_member
from qyzmet.identity.models import User
from tests.cases.conftest import START

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]


def changed(service_id: str, change: Callable[[dict[str, Any]], None]) -> ServiceDefinition:
    """A copy of a seed definition with `change` applied; the copy must still pass the schema and the lint."""
    data = catalog_default().latest(service_id).model_dump(mode="json", by_alias=True)
    change(data)
    loaded = load_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "copy.yaml")
    assert loaded.problems == () and loaded.definition is not None, loaded.problems
    return loaded.definition


def channel_of(data: dict[str, Any], code: str) -> dict[str, Any]:
    channel: dict[str, Any] = next(c for c in data["channels"] if c["code"] == code)
    return channel


def file(definition: ServiceDefinition, channel: str, *, decisions: dict[str, str] | None = None,
         form: dict[str, Any] | None = None) -> Case:
    """File through the engine's seam (what an intake hands over once its checks are made) under `definition`."""
    version = version_load(definition=definition, now=START).version
    provider = providers_for(definition).first()
    assert provider is not None
    citizen = User.objects.get(iin=DEMO_APPLICANT_IIN)
    branch = state_corporation_branches(definition).first() if channel == "state_corporation" else None
    actor = (staff_member("sc_operator", branch) if branch is not None
             else staff_member("office_clerk", provider) if channel == "provider_office" else None)
    filing = Filing(service_version=version, channel=channel, provider=provider, applicant_iin=citizen.iin,
                    applicant_name=citizen.full_name, applicant=citizen, intake_office=branch, form=form or {},
                    decisions=decisions or {})
    return case_file(filing=filing, actor=actor, now=START)


def steps_run(case: Case) -> list[tuple[str, str]]:
    return [(t.step_id, t.branch) for t in case.tasks.order_by("sequence")]


# --- the failure branches of automatic checks --------------------------------------------------------------


def test_no_data_in_the_registry_ends_the_state_corporation_case_with_the_message_of_process_4() -> None:
    # Pavlodar, State Corporation: "condition 1 – ЖТ МДҚ-да көрсетілетін қызметті алушы деректерінің бар болуын
    # тексеру"; "process 4 – ... деректерді алу мүмкіндігінің болмауы туралы хабарламаны қалыптастыру".
    definition = catalog_default().latest("pavlodar-2016-preschool-queue")
    case = file(definition, "state_corporation", decisions={"check_data": "missing"},
                form={"age_group": "3-4", "child_iin": "200101000009"})

    case_drive(case, now=START)  # the operator's own steps: accept, log in, choose the service

    case.refresh_from_db()
    assert steps_run(case) == [("accept", "complete"), ("authorize_operator", ""), ("choose_service", ""),
                               ("query_registry", ""), ("check_data", "missing"), ("data_unavailable", "")]
    assert case.status == CaseStatus.ENDED and case.outcome == ""
    assert not ResultDocument.objects.filter(case=case).exists()
    assert not QueueEntry.objects.filter(case=case).exists()


def test_an_unconfirmed_user_on_the_portal_is_refused_and_the_provider_never_sees_the_case() -> None:
    # WKO 2015, portal: "condition 1 – ... деректердің түпнұсқалығын тексеру"; "process 2 – ... авторландырудан бас
    # тарту туралы хабарламаны қалыптастыру".
    definition = catalog_default().latest("wko-2015-patronat-payment")
    case = file(definition, "portal", decisions={"check_user": "invalid"})

    case.refresh_from_db()
    assert steps_run(case)[-2:] == [("check_user", "invalid"), ("refuse_authorization", "")]
    assert case.status == CaseStatus.ENDED
    assert not case.tasks.filter(role__in=["office_clerk", "head", "executor"]).exists()


AUTOMATIC_CHECKS = [
    (definition.id, channel.code.value, step.id, branch.when, branch.next)
    for definition in catalog_default().latest_all()
    for channel in definition.channels if channel.code.value in {"portal", "state_corporation"}
    for step in definition.channel_steps(channel.code)
    if step.branches and role_is_automatic(step.role.value)
    for branch in step.branches if branch.taken.value == "failure"
]


def test_every_automatic_check_of_the_catalogue_has_its_failure_branch_here() -> None:
    # 38 IIN/password and EDS checks on the portals, 12 registry look-ups at the State Corporation
    assert len(AUTOMATIC_CHECKS) == 50


def test_every_failed_automatic_check_takes_its_failure_branch_to_the_refusal_message() -> None:
    # One database for the 50 cases (the catalogue and demo data load once): each check fails in its own case.
    wrong = []
    for service_id, channel, step_id, failure, target in AUTOMATIC_CHECKS:
        definition = catalog_default().latest(service_id)
        case = file(definition, channel, decisions={step_id: failure})

        case_drive(case, now=START)

        case.refresh_from_db()
        ran = steps_run(case)
        ends = next(s for s in definition.channel_steps(channel) if s.id == target)
        if not ((step_id, failure) in ran and ran[-1] == (target, "") and case.status == CaseStatus.ENDED
                and verb_meaning(ends.does.value).ends_with_refusal
                and not ResultDocument.objects.filter(case=case).exists()):
            wrong.append((service_id, channel, step_id, ran[-2:], case.status))
    assert wrong == []


def test_an_intake_cannot_report_a_branch_for_a_step_that_is_not_an_automatic_check() -> None:
    definition = catalog_default().latest("wko-2015-patronat-payment")
    with pytest.raises(TransitionNotAllowed):
        file(definition, "portal", decisions={"check_documents": "deficient"})  # the clerk's check, not the system's
    with pytest.raises(TransitionNotAllowed):
        file(definition, "portal", decisions={"check_user": "maybe"})
    assert not Case.objects.exists()


def test_which_branch_a_check_takes_on_success_is_the_data_s() -> None:
    # given a copy whose portal check marks 'invalid' as the branch taken on success
    def swap(data: dict[str, Any]) -> None:
        check = next(s for s in channel_of(data, "portal")["intake"] if s["id"] == "check_user")
        for branch in check["branches"]:
            branch["taken"] = "failure" if branch["taken"] == "success" else "success"

    original = file(catalog_default().latest("wko-2015-patronat-payment"), "portal")
    swapped = file(changed("wko-2015-patronat-payment", swap), "portal")

    assert ("check_user", "valid") in steps_run(original) and original.status == CaseStatus.IN_PROGRESS
    swapped.refresh_from_db()
    assert steps_run(swapped)[-2:] == [("check_user", "invalid"), ("refuse_authorization", "")]
    assert swapped.status == CaseStatus.ENDED


# --- receipts, delivery, verbs ---------------------------------------------------------------------------


def test_the_office_gives_the_receipt_of_acceptance_and_the_portal_does_not() -> None:
    # Pavlodar p.5: the clerk returns the originals "құжаттардың қабылданғаны туралы қолхатпен бірге".
    definition = catalog_default().latest("pavlodar-2016-preschool-queue")
    form = {"age_group": "3-4", "child_iin": "200101000001"}

    office, portal = file(definition, "provider_office", form=form), file(definition, "portal", form=form)

    assert list(Receipt.objects.filter(case=office).values_list("kind", "form")) == [("acceptance", "Standard p.9")]
    assert not Receipt.objects.filter(case=portal).exists()


def test_which_channel_gives_the_receipt_is_the_data_s() -> None:
    def move(data: dict[str, Any]) -> None:
        channel_of(data, "provider_office")["gives_acceptance_receipt"] = False
        channel_of(data, "portal")["gives_acceptance_receipt"] = True

    definition = changed("pavlodar-2016-preschool-queue", move)
    form = {"age_group": "3-4", "child_iin": "200101000001"}

    office, portal = file(definition, "provider_office", form=form), file(definition, "portal", form=form)

    assert not Receipt.objects.filter(case=office).exists()
    assert Receipt.objects.filter(case=portal, kind="acceptance").count() == 1


def test_the_result_goes_where_each_channel_delivers_it() -> None:
    # WKO 2015 p.5 "нәтижені алушыға береді" at the office; the portal's process 7 "жеке кабинетіне".
    definition = catalog_default().latest("wko-2015-patronat-payment")
    office, portal = file(definition, "provider_office"), file(definition, "portal")

    case_drive(office, now=START)
    case_drive(portal, now=START)

    assert list(ResultDocument.objects.filter(case=office).values_list("delivered_to", flat=True)) == [
        "in_person_at_provider"]
    assert list(ResultDocument.objects.filter(case=portal).values_list("delivered_to", flat=True)) == [
        "personal_cabinet"]


def test_a_portal_result_in_two_places_the_notification_online_and_the_conclusion_at_the_provider() -> None:
    # Jambyl: the portal notification, then "хабарламада көрсетілген мекенжай бойынша хабарласуы қажет" for the
    # conclusion itself.
    definition = catalog_default().latest("jambyl-2015-adoption-candidates")
    case = file(definition, "portal")

    case_drive(case, now=START)

    assert dict(ResultDocument.objects.filter(case=case, intermediate=False).values_list(
        "document_id", "delivered_to")) == {"conclusion_notification": "personal_cabinet",
                                            "conclusion": "in_person_at_provider"}


def test_where_a_channel_delivers_is_the_data_s() -> None:
    def to_state_corporation(data: dict[str, Any]) -> None:
        channel_of(data, "provider_office")["result_delivery"] = ["state_corporation"]

    case = file(changed("wko-2015-patronat-payment", to_state_corporation), "provider_office")

    case_drive(case, now=START)

    assert list(ResultDocument.objects.filter(case=case).values_list("delivered_to", flat=True)) == [
        "state_corporation"]


def test_what_a_verb_means_is_the_vocabulary_s_the_head_signs_at_sign_and_without_it_the_executor_does() -> None:
    # WKO 2015 p.5: the executor prepares the draft decision (3), the head signs it (4).
    def no_signing_step(data: dict[str, Any]) -> None:
        sign = next(s for s in data["procedures"]["back_office"]["steps"] if s["id"] == "sign")
        sign["does"] = "register"  # a verb whose meaning does not sign

    original = file(catalog_default().latest("wko-2015-patronat-payment"), "provider_office")
    copy = file(changed("wko-2015-patronat-payment", no_signing_step), "provider_office")

    case_drive(original, now=START)
    case_drive(copy, now=START)

    signer = {c.pk: ResultDocument.objects.get(case=c, document_id="decision").signed_by for c in (original, copy)}
    assert signer[original.pk] is not None and signer[original.pk].staff_roles.filter(role="head").exists()
    assert signer[copy.pk] is not None and signer[copy.pk].staff_roles.filter(role="executor").exists()


def test_a_deciding_branch_is_taken_only_for_its_own_decision() -> None:
    # WKO 2019 guardianship: a positive decision goes to the akimat's resolution, a negative one to the refusal.
    definition = catalog_default().latest("wko-2019-guardianship-establishment")
    case = file(definition, "portal")
    while (task := case.tasks.filter(status=Task.Status.OPEN).first()) is not None and task.step_id != "prepare":
        case_drive(case, now=START, stop_after=1)
    assert task is not None
    executor = staff_member("executor", task.organization)

    with pytest.raises(TransitionNotAllowed) as mismatch:
        task_complete(task=task, actor=executor, now=START,
                      action=TaskAction(branch="positive", decision="refused", ground="п.10 Стандарта"))

    assert mismatch.value.reason == "branch_required" and "negative" in mismatch.value.messages["en"]
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


# --- the waiting list ------------------------------------------------------------------------------------


def test_the_waiting_list_is_kept_by_the_fields_the_definition_names() -> None:
    definition = catalog_default().latest("pavlodar-2016-preschool-queue")
    case = file(definition, "provider_office", form={"age_group": "3-4", "child_iin": "200101000001"})

    case_drive(case, now=START, outcome="queued")

    entry = QueueEntry.objects.get(case=case)
    assert (entry.group, entry.person_iin, entry.locality_id) == ("3-4", "200101000001", case.provider_id)


def test_a_waiting_list_split_by_nothing_keeps_the_applicant_s_place() -> None:
    def one_list(data: dict[str, Any]) -> None:
        data["waiting_list"].pop("group_by")
        data["waiting_list"].pop("person")

    case = file(changed("pavlodar-2016-preschool-queue", one_list), "provider_office",
                form={"age_group": "3-4", "child_iin": "200101000001"})

    case_drive(case, now=START, outcome="queued")

    entry = QueueEntry.objects.get(case=case)
    assert (entry.group, entry.person_iin) == ("", DEMO_APPLICANT_IIN)
