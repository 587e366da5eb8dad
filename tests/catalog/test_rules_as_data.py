"""Rules as data (ADR 0024): the lint's proofs over paths, branches, verbs, delivery, receipts and waiting lists.

Each test breaks the small valid definition of `test_validate.minimal()` in one way and expects its own finding.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from qyzmet.catalog.definitions import catalog_appeals, catalog_default
from qyzmet.catalog.schema import Delivery, Role, ServiceDefinition, Verb
from qyzmet.catalog.upgrade import stored_definition_upgraded
from qyzmet.catalog.vocabulary import DELIVERIES, DELIVERY_MEANINGS, ROLE_MEANINGS, VERB_MEANINGS, VERBS
from tests.catalog.test_validate import _step, minimal, problems_of

# What every outcome records since the catalogue cites its basis (faithful metadata, ADR 0025).
BASIS = {"kind": "regulation", "reference": "Regulation p.3", "quote": "Результат."}


def messages(data: dict[str, Any]) -> list[str]:
    return [p.split(": ", 1)[1] for p in problems_of(data)]


def steps(data: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = data["procedures"]["back_office"]["steps"]
    return result


def with_portal_check(data: dict[str, Any], **check: Any) -> dict[str, Any]:
    """The minimal definition plus a portal channel whose system check branches to the procedure or a refusal."""
    data = copy.deepcopy(data)
    branches = check.pop("branches", [
        {"when": "valid", "next": "register", "taken": "success"},
        {"when": "invalid", "next": "refuse", "taken": "failure"},
    ])
    does = check.pop("does", "check")
    data["channels"].append({
        "code": "portal", "procedure": "back_office", "result_delivery": ["personal_cabinet"],
        "intake": [
            _step("check_user", role="system", organization="e_gov_portal", does=does, duration=None,
                  branches=branches, **check),
            _step("refuse", role="system", organization="e_gov_portal", does="notify_refusal", duration=None,
                  end=True),
        ],
    })
    return data


def test_the_catalogue_and_the_appeal_pass_every_proof() -> None:
    # catalog_default() / catalog_appeals() raise CatalogInvalid on any finding
    assert len(catalog_default().latest_all()) == 26
    assert catalog_appeals().latest_all()


def test_every_verb_role_and_delivery_place_has_its_meaning() -> None:
    assert set(VERB_MEANINGS) == {v.value for v in Verb} == set(VERBS)
    assert set(ROLE_MEANINGS) == {r.value for r in Role}
    assert set(DELIVERY_MEANINGS) == {d.value for d in Delivery} == set(DELIVERIES)


def test_a_failure_branch_of_an_automatic_check_ending_in_a_refusal_message_needs_no_decision() -> None:
    assert messages(with_portal_check(minimal())) == []


def test_a_path_without_a_deciding_step_is_refused() -> None:
    data = minimal()
    steps(data)[0]["decides"] = False

    assert messages(data) == ["channel 'provider_office': the path register → issue passes no deciding step"]


def test_a_path_with_two_deciding_steps_is_refused() -> None:
    data = minimal()
    steps(data)[1] |= {"does": "prepare", "decides": True}

    assert messages(data) == ["channel 'provider_office': the path register → issue passes more than one deciding step"]


def test_an_automatic_step_cannot_decide() -> None:
    data = minimal()
    steps(data)[0] |= {"role": "system", "organization": "e_gov_portal", "duration": None}

    assert messages(data) == ["step 'register' is automatic (system) and cannot decide"]


def test_a_verb_that_cannot_decide_is_refused_on_a_deciding_step() -> None:
    data = minimal()
    steps(data)[0]["does"] = "register"

    assert messages(data) == ["step 'register': verb 'register' cannot decide"]


def test_a_document_an_outcome_names_must_be_produced_on_the_path() -> None:
    data = minimal()
    steps(data)[0]["produces"] = []

    assert messages(data) == [
        "channel 'provider_office': outcome 'issued' names document 'certificate', which no step produces on the "
        "path register → issue"
    ]


def test_a_document_produced_after_the_decision_on_the_path_counts() -> None:
    data = minimal()
    steps(data)[0]["produces"] = []
    steps(data)[1]["produces"] = ["certificate"]

    assert messages(data) == []


def test_a_deciding_branch_is_held_only_to_the_documents_of_its_own_outcome() -> None:
    # given: 'positive' (issued) goes on to 'adopt', which makes the resolution; 'negative' (refused) skips it
    data = minimal()
    data["documents"] += [{"id": "resolution", "kind": "akimat_resolution", "title": {"ru": "Постановление"}},
                          {"id": "refusal", "kind": "motivated_refusal", "title": {"ru": "Отказ"}}]
    data["outcomes"] = [{"outcome": "issued", "documents": ["resolution"], "basis": BASIS},
                        {"outcome": "refused", "documents": ["refusal"], "basis": BASIS}]
    steps(data)[0] |= {"produces": ["refusal"], "branches": [
        {"when": "positive", "next": "adopt", "taken": "success", "outcome": "issued"},
        {"when": "negative", "next": "issue", "taken": "failure", "outcome": "refused"},
    ]}
    steps(data).insert(1, _step("adopt", role="akimat", organization="district_akimat", does="adopt",
                                produces=["resolution"]))

    assert messages(data) == []

    # when the negative branch is taken for an issued decision instead
    steps(data)[0]["branches"][1]["outcome"] = "issued"

    # then the path that skips 'adopt' lacks the resolution, and no branch is taken on refusal
    assert messages(data) == [
        "channel 'provider_office': outcome 'issued' names document 'resolution', which no step produces on the "
        "path register → issue"
    ]


def test_a_branch_must_say_when_it_is_taken() -> None:
    data = with_portal_check(minimal(), branches=[{"when": "valid", "next": "register"},
                                                  {"when": "invalid", "next": "refuse", "taken": "failure"}])

    assert any("missing required field 'taken'" in m for m in messages(data))


def test_a_check_needs_exactly_one_success_branch_and_a_failure_branch() -> None:
    both_success = with_portal_check(minimal(), branches=[
        {"when": "valid", "next": "register", "taken": "success"},
        {"when": "invalid", "next": "refuse", "taken": "success"},
    ])
    no_success = with_portal_check(minimal(), branches=[
        {"when": "valid", "next": "register", "taken": "failure"},
        {"when": "invalid", "next": "refuse", "taken": "failure"},
    ])

    assert messages(both_success) == [
        "step 'check_user' needs exactly one branch taken on success",
        "step 'check_user' has no branch taken on failure",
    ]
    assert messages(no_success) == ["step 'check_user' needs exactly one branch taken on success"]


def test_two_branches_of_one_name_are_refused() -> None:
    data = with_portal_check(minimal(), branches=[
        {"when": "valid", "next": "register", "taken": "success"},
        {"when": "valid", "next": "refuse", "taken": "failure"},
    ])

    assert messages(data) == ["step 'check_user' has two branches 'valid'"]


def test_only_a_checking_or_deciding_verb_branches() -> None:
    data = with_portal_check(minimal(), does="send")

    assert messages(data) == ["step 'check_user': verb 'send' neither checks nor decides"]


def test_outcomes_go_on_the_branches_of_a_deciding_step_only() -> None:
    on_a_check = with_portal_check(minimal(), branches=[
        {"when": "valid", "next": "register", "taken": "success", "outcome": "issued"},
        {"when": "invalid", "next": "refuse", "taken": "failure"},
    ])
    deciding = minimal()
    steps(deciding)[0]["branches"] = [{"when": "positive", "next": "issue", "taken": "success"},
                                      {"when": "negative", "next": "issue", "taken": "failure", "outcome": "issued"}]

    assert messages(on_a_check) == ["step 'check_user' does not decide; its branch 'valid' cannot name an outcome"]
    assert messages(deciding) == ["deciding step 'register': branch 'positive' names no outcome"]


def test_documents_delivered_elsewhere_go_to_a_further_place_of_the_channel() -> None:
    data = minimal()
    data["documents"].append({"id": "act", "kind": "housing_act", "title": {"ru": "Акт"}, "intermediate": True})
    data["channels"][0] |= {"result_delivery": ["in_person_at_provider", "personal_cabinet"],
                            "result_delivery_documents": {"state_corporation": ["certificate"],
                                                          "personal_cabinet": ["act", "letter"]}}

    assert messages(data) == [
        "'state_corporation' is not one of the channel's further result_delivery places",
        "'act' is no result document of the definition",
        "'letter' is no result document of the definition",
    ]


def test_a_channel_giving_a_receipt_needs_the_receipt_described() -> None:
    data = minimal()
    data["channels"][0]["gives_acceptance_receipt"] = True

    assert messages(data) == [
        "channel 'provider_office' gives a receipt of acceptance the definition does not describe"
    ]
    data["acceptance_receipt"] = {"title": {"ru": "Расписка"}}
    assert messages(data) == []


def queued(data: dict[str, Any]) -> dict[str, Any]:
    data["documents"].append({"id": "queue_notice", "kind": "queue_number", "title": {"ru": "Уведомление"}})
    data["outcomes"].append({"outcome": "queued", "documents": ["queue_notice"], "basis": BASIS})
    steps(data)[0] |= {"does": "enqueue", "produces": ["certificate", "queue_notice"]}
    data["application"] = {"source": "as the Standard lists", "fields": [
        {"id": "child_iin", "kind": "iin", "label": {"kk": "ЖСН", "ru": "ИИН"}},
        {"id": "age_group", "kind": "text", "label": {"kk": "Жас", "ru": "Возраст"}},
    ]}
    return data


WAITING_LIST = {"group_by": "age_group", "person": "child_iin",
                "direction": {"outcome": "issued", "documents": ["certificate"], "by": "office_clerk"}}


def test_a_queued_outcome_needs_a_waiting_list_and_a_waiting_list_a_queued_outcome() -> None:
    without_list = queued(minimal())
    without_queue = minimal() | {"waiting_list": WAITING_LIST}
    both = queued(minimal()) | {"waiting_list": WAITING_LIST}

    assert messages(without_list) == ["a 'queued' outcome needs a waiting_list"]
    assert any(m == "waiting_list without a 'queued' outcome" for m in messages(without_queue))
    assert messages(both) == []


@pytest.mark.parametrize(("change", "message"), [
    ({"group_by": "district"}, "'district' is no application field"),
    ({"person": "age_group"}, "'age_group' is no application field of kind iin"),
    ({"direction": {"outcome": "issued", "documents": ["queue_notice"], "by": "office_clerk"}},
     "'queue_notice' is no document of outcome 'issued'"),
    ({"direction": {"outcome": "issued", "documents": ["certificate"], "by": "system"}},
     "a person directs from the waiting list, not a system"),
])
def test_a_waiting_list_names_what_the_definition_has(change: dict[str, Any], message: str) -> None:
    data = queued(minimal()) | {"waiting_list": WAITING_LIST | change}

    assert messages(data) == [message]


# --- versions stored before these fields (read as the engine then read them) ----------------------------


def legacy(service_id: str) -> dict[str, Any]:
    """The service's stored JSON as a version written before ADR 0024 holds it: none of the new keys."""
    data = catalog_default().latest(service_id).model_dump(mode="json", by_alias=True)
    for key in ("waiting_list", "provider_unit"):
        del data[key]
    for channel in data["channels"]:
        del channel["gives_acceptance_receipt"], channel["result_delivery_documents"]
    for step in upgrade_steps(data):
        for branch in step.get("branches") or []:
            del branch["taken"], branch["outcome"]
    return data


def upgrade_steps(data: dict[str, Any]) -> list[dict[str, Any]]:
    steps = [s for c in data["channels"] for s in [*c["intake"], *c["delivery"]]]
    return steps + [s for p in data["procedures"].values() for s in p["steps"]]


def test_a_version_stored_before_the_new_fields_reads_as_the_engine_then_read_it() -> None:
    upgraded = ServiceDefinition.model_validate(stored_definition_upgraded(legacy("pavlodar-2016-preschool-queue")))

    # the old engine: the first branch passes; a receipt at the office (and the akim's); the queue keyed by the
    # application's age_group and child_iin, directed with the issued documents by the office clerk
    check = next(s for s in upgraded.channel_steps("portal") if s.id == "check_user")
    assert [(b.when, b.taken.value) for b in check.branches or []] == [("valid", "success"), ("invalid", "failure")]
    assert {c.code.value: c.gives_acceptance_receipt for c in upgraded.channels} == {
        "provider_office": True, "state_corporation": False, "portal": False}
    assert upgraded.waiting_list is not None
    assert (upgraded.waiting_list.group_by, upgraded.waiting_list.person) == ("age_group", "child_iin")
    assert upgraded.waiting_list.direction.documents == ["direction"]
    assert upgraded.waiting_list.direction.by.value == "office_clerk"
    assert upgraded.provider_unit is not None and upgraded.provider_unit.value == "education_department"


def test_a_version_stored_with_the_new_fields_is_read_unchanged() -> None:
    for definition in catalog_default().latest_all():
        stored = definition.model_dump(mode="json", by_alias=True)
        assert stored_definition_upgraded(stored) == stored, definition.id
