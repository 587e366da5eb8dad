"""Facts of S17–S21 (seed 003, Karaganda 2015), read off the seed text and compared with the catalogue.

Every number below was copied from 003_f227f3f40e973d3f.txt, not from the YAML definitions.
"""

from __future__ import annotations

import datetime as dt

import pytest

from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.schema import ServiceDefinition, Step, Verb

S17 = "karaganda-2015-targeted-social-assistance"
S18 = "karaganda-2015-child-allowance"
S19 = "karaganda-2015-assistance-status-certificate"
S20 = "karaganda-2015-unemployed-registration"
S21 = "karaganda-2015-unemployed-certificate"
ALL = [S17, S18, S19, S20, S21]

MIN, WD = "minutes", "working_days"
Timed = tuple[str, int | None, str | None]

# ХҚО, paragraphs 7–8 (S19, S21: 8–9): hand-over 2, process 1 1, process 2 2, process 3 2, condition 1 1,
# process 4 1, process 5 1 | process 6 1, condition 2 1, process 7 1 — then the back office — process 8 2.
XQO_INTAKE: list[Timed] = [
    ("sc_operator", 2, MIN),
    ("sc_operator", 1, MIN),
    ("sc_operator", 2, MIN),
    ("system", 2, MIN),
    ("system", 1, MIN),
    ("system", 1, MIN),
    ("system", 1, MIN),
    ("system", 1, MIN),
    ("office_clerk", 1, MIN),
    ("system", 1, MIN),
]
XQO_DELIVERY: list[Timed] = [("sc_operator", 2, MIN)]

S17_OFFICE: list[Timed] = [
    ("office_clerk", 15, MIN),
    ("head", 1, WD),
    ("executor", 5, WD),
    ("head", 1, WD),
    ("office_clerk", 15, MIN),
]
S17_AKIM: list[Timed] = [
    ("akim_office_specialist", 15, MIN),
    ("akim", 1, WD),
    ("executor", 8, WD),
    ("akim", 1, WD),
    ("office_clerk", 15, MIN),
    ("head", 1, WD),  # printed "б)"
    ("executor", 8, WD),
    ("head", 1, WD),
    ("office_clerk", 15, MIN),
    ("akim", 1, WD),
]
S18_OFFICE: list[Timed] = [
    ("office_clerk", 30, MIN),
    ("head", 1, WD),
    ("executor", 5, WD),
    ("head", 1, WD),
    ("office_clerk", 30, MIN),
]
S18_AKIM: list[Timed] = [
    ("akim_office_specialist", 30, MIN),
    ("akim", 1, WD),
    ("executor", 7, WD),
    ("akim", 1, WD),
    ("office_clerk", 30, MIN),
    ("head", 1, WD),
    ("executor", 7, WD),
    ("head", 2, WD),
    ("office_clerk", 30, MIN),
    ("akim", 2, WD),
]
# S19: one 15-minute budget for the five steps, none per step.
S19_OFFICE: list[Timed] = [
    ("office_clerk", None, None),
    ("head", None, None),
    ("executor", None, None),
    ("head", None, None),
    ("office_clerk", None, None),
]
S19_AKIM: list[Timed] = [
    ("akim_office_specialist", None, None),
    ("akim", None, None),
    ("executor", None, None),
    ("akim", None, None),
    ("akim_office_specialist", None, None),
]
S20_OFFICE: list[Timed] = [
    ("office_clerk", 10, MIN),
    ("head", 1, WD),
    ("executor", 3, WD),
    ("head", 1, WD),
    ("office_clerk", 10, MIN),
]
S21_OFFICE: list[Timed] = [
    ("office_clerk", 2, MIN),
    ("head", 2, MIN),
    ("executor", 3, MIN),
    ("head", 2, MIN),
    ("office_clerk", 1, MIN),
]

CHANNEL_TIMINGS: list[tuple[str, str, list[Timed]]] = [
    (S17, "state_corporation", XQO_INTAKE + S17_OFFICE + XQO_DELIVERY),
    (S17, "provider_office", S17_OFFICE),
    (S17, "rural_akim", S17_AKIM),
    (S18, "state_corporation", XQO_INTAKE + S18_OFFICE + XQO_DELIVERY),
    (S18, "provider_office", S18_OFFICE),
    (S18, "rural_akim", S18_AKIM),
    (S19, "state_corporation", XQO_INTAKE + S19_OFFICE + XQO_DELIVERY),
    (S19, "provider_office", S19_OFFICE),
    (S19, "rural_akim", S19_AKIM),
    (S20, "provider_office", S20_OFFICE),
    (S20, "state_corporation", XQO_INTAKE + S20_OFFICE + XQO_DELIVERY),
    (S20, "portal", S20_OFFICE),
    (S21, "provider_office", S21_OFFICE),
    (S21, "state_corporation", XQO_INTAKE + S21_OFFICE + XQO_DELIVERY),
    (S21, "portal", S21_OFFICE),
]

CHANNELS = {
    S17: ["state_corporation", "provider_office", "rural_akim"],
    S18: ["state_corporation", "provider_office", "rural_akim"],
    S19: ["state_corporation", "provider_office", "rural_akim"],
    S20: ["provider_office", "state_corporation", "portal"],
    S21: ["provider_office", "state_corporation", "portal"],
}

DELIVERY = {
    "provider_office": ["in_person_at_provider"],
    "state_corporation": ["state_corporation"],
    "portal": ["personal_cabinet"],
    "rural_akim": ["rural_akim"],
}

OUTCOME_KINDS = {
    S17: {"issued": ["notification"], "refused": ["notification"]},
    S18: {"issued": ["notification"], "refused": ["motivated_refusal"]},
    S19: {"issued": ["certificate"], "refused": ["motivated_refusal"]},
    S20: {"issued": ["notification"], "refused": ["motivated_refusal"]},
    S21: {"issued": ["certificate"], "refused": ["motivated_refusal"]},
}

FORMS = {
    S17: ["paper"],
    S18: ["paper"],
    S19: ["paper"],
    S20: ["electronic_partially_automated", "paper"],
    S21: ["electronic_fully_automated", "paper"],
}


def _definition(service_id: str) -> ServiceDefinition:
    return catalog_default().latest(service_id)


def _procedure_steps(definition: ServiceDefinition, code: str) -> list[Step]:
    name = definition.channel(code).procedure
    assert name is not None
    return list(definition.procedures[name].steps)


def _timings(definition: ServiceDefinition, code: str) -> list[Timed]:
    procedure_ids = {step.id for step in _procedure_steps(definition, code)}
    timed: list[Timed] = []
    for step in definition.channel_steps(code):
        if step.duration is not None:
            timed.append((step.role.value, step.duration.value, step.duration.unit.value))
        elif step.id in procedure_ids:
            timed.append((step.role.value, None, None))
    return timed


@pytest.mark.parametrize(("service_id", "code", "expected"), CHANNEL_TIMINGS)
def test_channel_step_roles_and_durations(service_id: str, code: str, expected: list[Timed]) -> None:
    assert _timings(_definition(service_id), code) == expected


@pytest.mark.parametrize("service_id", ALL)
def test_channels_and_result_delivery(service_id: str) -> None:
    definition = _definition(service_id)
    assert [c.code.value for c in definition.channels] == CHANNELS[service_id]
    for channel in definition.channels:
        assert [d.value for d in channel.result_delivery] == DELIVERY[channel.code.value]


@pytest.mark.parametrize("service_id", ALL)
def test_outcome_document_kinds(service_id: str) -> None:
    definition = _definition(service_id)
    kinds = {
        rule.outcome.value: [definition.document(d).kind.value for d in rule.documents] for rule in definition.outcomes
    }
    assert kinds == OUTCOME_KINDS[service_id]


@pytest.mark.parametrize("service_id", ALL)
def test_act_standard_and_form(service_id: str) -> None:
    definition = _definition(service_id)
    act = definition.source.act
    assert (act.number, act.date) == ("55/04", dt.date(2015, 9, 22))
    assert act.registration is not None
    assert (act.registration.number, act.registration.date) == ("3462", dt.date(2015, 10, 26))
    assert act.status.value == "repealed"
    assert act.repealed_by is not None
    assert (act.repealed_by.number, act.repealed_by.date) == ("37/03", dt.date(2016, 5, 30))
    assert definition.source.standard is not None
    assert (definition.source.standard.number, definition.source.standard.date) == ("279", dt.date(2015, 4, 28))
    assert definition.field.value == "social_labour"
    assert definition.cost.value == "not_stated"
    assert [f.value for f in definition.forms] == FORMS[service_id]
    assert definition.refusal_to_accept is None
    assert definition.acceptance_receipt is None


@pytest.mark.parametrize("service_id", ALL)
def test_xqo_minutes_all_items_15_happy_path_13(service_id: str) -> None:
    definition = _definition(service_id)
    channel = definition.channel("state_corporation")
    own = [*channel.intake, *channel.delivery]
    assert all(s.duration is not None and s.duration.unit.value == MIN for s in own)
    assert sum(s.duration.value for s in own if s.duration) == 15
    assert sum(s.duration.value for s in own if s.duration and s.does is not Verb.NOTIFY_REFUSAL) == 13
    assert [r.value for r in channel.registries] == ["gbd_fl", "enis"]
    assert [c.value for c in channel.confirmation] == ["operator_eds"]


@pytest.mark.parametrize("service_id", ALL)
def test_xqo_branches(service_id: str) -> None:
    definition = _definition(service_id)
    steps = {s.id: s for s in definition.channel_steps("state_corporation")}
    checks = [s for s in definition.channel("state_corporation").intake if s.does is Verb.CHECK]
    assert [s.number for s in checks] == ["condition 1", "condition 2"]
    data_check, document_check = checks
    # condition 1: data found → process 5 (send to the regional gateway); missing → process 4 (end)
    assert data_check.branches is not None
    found, missing = (steps[b.next] for b in data_check.branches)
    assert (found.number, found.does) == ("process 5", Verb.SEND)
    assert (missing.number, missing.does, missing.end) == ("process 4", Verb.NOTIFY_REFUSAL, True)
    # condition 2: documents comply → the provider's first step; deficient → process 7 (end)
    assert document_check.branches is not None
    comply, deficient = (steps[b.next] for b in document_check.branches)
    assert comply.id == _procedure_steps(definition, "state_corporation")[0].id
    assert (comply.role.value, comply.organization.value) == ("office_clerk", "provider")
    assert (deficient.number, deficient.does, deficient.end) == ("process 7", Verb.NOTIFY_REFUSAL, True)


@pytest.mark.parametrize("service_id", [S20, S21])
def test_portal_flow(service_id: str) -> None:
    definition = _definition(service_id)
    channel = definition.channel("portal")
    own = [*channel.intake, *channel.delivery]
    # registration + processes 1–7 + conditions 1–3, none with a duration
    assert len(own) == 11
    assert all(s.duration is None for s in own)
    assert [s.number for s in own if s.does is Verb.NOTIFY_REFUSAL] == ["process 2", "process 4", "process 6"]
    assert [c.value for c in channel.confirmation] == ["eds"]
    assert channel.delivery[-1].number == "process 7"


@pytest.mark.parametrize(
    ("service_id", "condition"),
    [(S17, "no_provider_at_residence"), (S18, None), (S19, None)],
)
def test_rural_akim_condition(service_id: str, condition: str | None) -> None:
    channel = _definition(service_id).channel("rural_akim")
    assert (channel.condition.code if channel.condition else None) == condition


def test_s17_condition_quotes_the_text() -> None:
    condition = _definition(S17).channel("rural_akim").condition
    assert condition is not None
    assert condition.text.kk is not None
    assert condition.text.kk.startswith("тұрғылықты жері бойынша көрсетілетін қызметті беруші болмаған жағдайда")


@pytest.mark.parametrize("service_id", [S17, S18])
def test_akim_route_forwards_with_cover_letter_and_returns(service_id: str) -> None:
    definition = _definition(service_id)
    steps = _procedure_steps(definition, "rural_akim")
    organizations = [s.organization.value for s in steps]
    assert organizations == ["rural_akim"] * 4 + ["provider"] * 5 + ["rural_akim"]
    assert [definition.document(d).kind.value for d in steps[2].produces] == ["cover_letter"]
    assert definition.document(steps[2].produces[0]).intermediate is True
    assert steps[3].does is Verb.FORWARD
    assert steps[8].does is Verb.FORWARD
    assert steps[9].does is Verb.ISSUE
    assert [s.number for s in steps if s.decides] == ["7"]


def test_s17_sixth_akim_step_is_printed_b() -> None:
    steps = _procedure_steps(_definition(S17), "rural_akim")
    assert [s.number for s in steps] == ["1", "2", "3", "4", "5", "б", "7", "8", "9", "10"]


def test_s19_shared_budget_on_both_procedures() -> None:
    definition = _definition(S19)
    office = definition.channel("provider_office").procedure
    akim = definition.channel("rural_akim").procedure
    assert office is not None and akim is not None and office != akim
    assert definition.channel("state_corporation").procedure == office
    for name in (office, akim):
        procedure = definition.procedures[name]
        assert procedure.budget is not None
        assert (procedure.budget.value, procedure.budget.unit.value) == (15, MIN)
        assert procedure.budget_quote == (
            "көрсетілетін қызметті берушіге немесе ауылдық округ әкіміне жүгінген кезде 15 (он бес) минут ішінде:"
        )
        assert len(procedure.steps) == 5
        assert all(step.duration is None for step in procedure.steps)


def test_s19_akim_apparatus_issues_itself() -> None:
    steps = _procedure_steps(_definition(S19), "rural_akim")
    assert {s.organization.value for s in steps} == {"rural_akim"}
    assert Verb.FORWARD not in {s.does for s in steps}
    assert steps[-1].does is Verb.ISSUE


def test_s21_certificate_form_and_operator() -> None:
    definition = _definition(S21)
    assert definition.document("certificate").form == "Standard app. 1"
    hand_over = definition.channel("state_corporation").intake[0]
    assert hand_over.action.kk is not None
    assert "ХҚО операторына" in hand_over.action.kk


def test_s20_step_3_result_keeps_the_copy_error() -> None:
    prepare = _procedure_steps(_definition(S20), "provider_office")[2]
    assert prepare.result is not None
    assert prepare.result.kk == "анықтаманы қол қою үшін дайындау"


@pytest.mark.parametrize(("service_id", "code"), [(s, c) for s in ALL for c in CHANNELS[s]])
def test_one_deciding_step_per_channel(service_id: str, code: str) -> None:
    steps = _definition(service_id).channel_steps(code)
    assert sum(1 for s in steps if s.decides) == 1
