"""Facts of S04-S09 (seed 002, West Kazakhstan 2019, Russian), read off the seed text by hand.

Durations come from paragraph 5 (provider's steps) and paragraphs 9-10 (State Corporation) of each
regulation; portal processes (paragraph 9 or 11) carry no durations in the seed.
"""

from __future__ import annotations

import datetime as dt

import pytest

from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.schema import ServiceDefinition, Step

CAMP = "wko-2019-camp-referrals"
CERTIFICATES = "wko-2019-guardianship-certificates"
ESTABLISHMENT = "wko-2019-guardianship-establishment"
PROPERTY = "wko-2019-minors-property-certificates"
ALLOWANCE = "wko-2019-guardian-allowance"
PATRONAT = "wko-2019-patronat-placement-payment"
SERVICES = [CAMP, CERTIFICATES, ESTABLISHMENT, PROPERTY, ALLOWANCE, PATRONAT]

MIN = "minutes"
WD = "working_days"

# Paragraph 5, steps 1-5.
CAMP_OFFICE = [
    ("office_clerk", 15, MIN),
    ("head", 15, MIN),
    ("executor", 3, WD),
    ("head", 15, MIN),
    ("office_clerk", 1, WD),
]
CERTIFICATES_OFFICE = [
    ("office_clerk", 5, MIN),
    ("head", 5, MIN),
    ("executor", 10, MIN),
    ("head", 5, MIN),
    ("office_clerk", 5, MIN),
]
# S06: step 4 is the district/city local executive body (akimat), 6 working days; no signing by the head.
ESTABLISHMENT_OFFICE = [
    ("office_clerk", 15, MIN),
    ("head", 15, MIN),
    ("executor", 12, WD),
    ("akimat", 6, WD),
    ("office_clerk", 1, WD),
]
PROPERTY_OFFICE = [
    ("office_clerk", 5, MIN),
    ("head", 5, MIN),
    ("executor", 2, WD),
    ("head", 5, MIN),
    ("office_clerk", 5, MIN),
]
ALLOWANCE_OFFICE = [
    ("office_clerk", 5, MIN),
    ("head", 5, MIN),
    ("executor", 1, WD),
    ("head", 5, MIN),
    ("office_clerk", 5, MIN),
]
PATRONAT_OFFICE = [
    ("office_clerk", 5, MIN),
    ("head", 5, MIN),
    ("executor", 9, WD),
    ("head", 5, MIN),
    ("office_clerk", 5, MIN),
]

# State Corporation, variant A (S04, S06): hand-over 5, process 1 2, process 2 2, process 3 2, condition 1 2,
# process 4 1 (printed twice in S04, one step), process 5 1 | process 6 5, condition 2 5, process 7 3.
SC_A_INTAKE = [
    ("sc_operator", 5, MIN),
    ("sc_operator", 2, MIN),
    ("sc_operator", 2, MIN),
    ("system", 2, MIN),
    ("system", 2, MIN),
    ("system", 1, MIN),
    ("sc_operator", 1, MIN),
    ("system", 5, MIN),
    ("office_clerk", 5, MIN),
    ("system", 3, MIN),
]
# Process 8: 2 minutes.
SC_A_DELIVERY = [("sc_operator", 2, MIN)]
# Variant B (S08): 2, 1, 1, 1, 1, 1, 1 | process 6 1, condition 2 2, process 7 2; process 8 2.
SC_B_INTAKE = [
    ("sc_operator", 2, MIN),
    ("sc_operator", 1, MIN),
    ("sc_operator", 1, MIN),
    ("system", 1, MIN),
    ("system", 1, MIN),
    ("system", 1, MIN),
    ("sc_operator", 1, MIN),
    ("system", 1, MIN),
    ("office_clerk", 2, MIN),
    ("system", 2, MIN),
]
SC_B_DELIVERY = [("sc_operator", 2, MIN)]

TIMED: list[tuple[str, str, list[tuple[str, int | None, str | None]]]] = [
    (CAMP, "provider_office", CAMP_OFFICE),
    (CAMP, "state_corporation", SC_A_INTAKE + CAMP_OFFICE + SC_A_DELIVERY),
    (CAMP, "portal", CAMP_OFFICE),
    (CERTIFICATES, "portal", CERTIFICATES_OFFICE),
    (ESTABLISHMENT, "state_corporation", SC_A_INTAKE + ESTABLISHMENT_OFFICE + SC_A_DELIVERY),
    (ESTABLISHMENT, "portal", ESTABLISHMENT_OFFICE),
    (PROPERTY, "portal", PROPERTY_OFFICE),
    (ALLOWANCE, "state_corporation", SC_B_INTAKE + ALLOWANCE_OFFICE + SC_B_DELIVERY),
    (ALLOWANCE, "portal", ALLOWANCE_OFFICE),
    (PATRONAT, "portal", PATRONAT_OFFICE),
]

CHANNELS = {
    CAMP: ["provider_office", "state_corporation", "portal"],
    CERTIFICATES: ["portal"],
    ESTABLISHMENT: ["state_corporation", "portal"],
    PROPERTY: ["portal"],
    ALLOWANCE: ["state_corporation", "portal"],
    PATRONAT: ["portal"],
}

DELIVERY = {
    "provider_office": ["in_person_at_provider"],
    "state_corporation": ["state_corporation"],
    "portal": ["personal_cabinet"],
}

# Paragraph 3 (result) of each regulation; every one allows a motivated refusal.
OUTCOMES: dict[str, dict[str, list[str]]] = {
    CAMP: {"issued": ["referral"], "refused": ["motivated_refusal"]},
    CERTIFICATES: {"issued": ["certificate"], "refused": ["motivated_refusal"]},
    ESTABLISHMENT: {"issued": ["akimat_resolution"], "refused": ["motivated_refusal"]},
    PROPERTY: {"issued": ["certificate"], "refused": ["motivated_refusal"]},
    ALLOWANCE: {"issued": ["decision"], "refused": ["motivated_refusal"]},
    # the notification on concluding the contract and the decision, one composite result
    PATRONAT: {"issued": ["notification", "decision"], "refused": ["motivated_refusal"]},
}

FORMS = {
    CAMP: ["electronic_partially_automated", "paper"],
    CERTIFICATES: ["electronic_fully_automated"],
    ESTABLISHMENT: ["electronic", "paper"],
    PROPERTY: ["electronic_partially_automated"],
    ALLOWANCE: ["electronic_partially_automated", "paper"],
    PATRONAT: ["electronic_partially_automated"],
}

# Refusal to accept an incomplete package or expired documents: who refuses, and the receipt form.
REFUSAL_TO_ACCEPT: dict[str, tuple[list[str], str | None] | None] = {
    CAMP: (["provider", "state_corporation"], "Standard app. 2"),
    CERTIFICATES: None,
    ESTABLISHMENT: (["provider"], None),
    PROPERTY: (["provider"], None),
    ALLOWANCE: (["state_corporation"], "Standard app. 3"),
    PATRONAT: (["provider"], None),
}


def _service(service_id: str) -> ServiceDefinition:
    return catalog_default().latest(service_id)


def _timed(definition: ServiceDefinition, code: str) -> list[tuple[str, int | None, str | None]]:
    channel = definition.channel(code)
    procedure = definition.procedures[channel.procedure].steps if channel.procedure else []
    procedure_ids = {step.id for step in procedure}
    out: list[tuple[str, int | None, str | None]] = []
    for step in definition.channel_steps(code):
        if step.duration is not None:
            out.append((step.role.value, step.duration.value, step.duration.unit.value))
        elif step.id in procedure_ids:
            out.append((step.role.value, None, None))
    return out


def _step(definition: ServiceDefinition, code: str, step_id: str) -> Step:
    return next(step for step in definition.channel_steps(code) if step.id == step_id)


@pytest.mark.parametrize("service_id", SERVICES)
def test_channels(service_id: str) -> None:
    definition = _service(service_id)
    assert [c.code.value for c in definition.channels] == CHANNELS[service_id]
    for channel in definition.channels:
        assert [d.value for d in channel.result_delivery] == DELIVERY[channel.code.value]
        assert channel.procedure == "back_office"


@pytest.mark.parametrize(("service_id", "code", "expected"), TIMED)
def test_timed_steps(service_id: str, code: str, expected: list[tuple[str, int | None, str | None]]) -> None:
    assert _timed(_service(service_id), code) == expected


@pytest.mark.parametrize("service_id", SERVICES)
def test_portal_steps_have_no_durations(service_id: str) -> None:
    channel = _service(service_id).channel("portal")
    assert [s.duration for s in [*channel.intake, *channel.delivery]] == [None] * 11
    assert [s.number for s in channel.intake][-1] == "process 6"
    assert [s.number for s in channel.delivery] == ["process 7"]


@pytest.mark.parametrize(("service_id", "total"), [(CAMP, 30), (ESTABLISHMENT, 30), (ALLOWANCE, 15)])
def test_state_corporation_minutes(service_id: str, total: int) -> None:
    channel = _service(service_id).channel("state_corporation")
    minutes = [s.duration.value for s in [*channel.intake, *channel.delivery] if s.duration is not None]
    assert all(s.duration is not None and s.duration.unit.value == MIN for s in [*channel.intake, *channel.delivery])
    assert sum(minutes) == total


@pytest.mark.parametrize("service_id", SERVICES)
def test_outcomes(service_id: str) -> None:
    definition = _service(service_id)
    kinds = {
        rule.outcome.value: [definition.document(d).kind.value for d in rule.documents] for rule in definition.outcomes
    }
    assert kinds == OUTCOMES[service_id]


@pytest.mark.parametrize("service_id", SERVICES)
def test_forms_cost_recipients(service_id: str) -> None:
    definition = _service(service_id)
    assert [f.value for f in definition.forms] == FORMS[service_id]
    assert definition.cost.value == "free"
    assert [r.value for r in definition.recipients] == ["individuals"]


@pytest.mark.parametrize("service_id", SERVICES)
def test_refusal_to_accept(service_id: str) -> None:
    refusal = _service(service_id).refusal_to_accept
    expected = REFUSAL_TO_ACCEPT[service_id]
    if expected is None:
        assert refusal is None
        return
    assert refusal is not None
    by, form = expected
    assert list(refusal.by) == by
    assert list(refusal.grounds) == ["incomplete_package", "expired_documents"]
    if form is None:
        assert refusal.receipt is None
    else:
        assert refusal.receipt is not None
        assert refusal.receipt.kind.value == "refusal_receipt"
        assert refusal.receipt.form == form


@pytest.mark.parametrize("service_id", SERVICES)
def test_act(service_id: str) -> None:
    definition = _service(service_id)
    act = definition.source.act
    assert (act.number, act.date) == ("62", dt.date(2019, 3, 29))
    assert act.registration is not None
    assert (act.registration.number, act.registration.date) == ("5599", dt.date(2019, 4, 2))
    assert act.status.value == "repealed"
    assert act.repealed_by is not None
    assert (act.repealed_by.number, act.repealed_by.date) == ("120", dt.date(2020, 6, 1))
    amended = [(a.number, a.date) for a in act.amended_by]
    assert amended == ([("156", dt.date(2019, 6, 28))] if service_id in (CAMP, ESTABLISHMENT) else [])
    # №62 registered 02.04.2019, in force ten calendar days after publication: 03-12.04 pass, 13.04.2019.
    # The wording of №156 of 28.06.2019 (no registration date in the seed): 29.06-08.07 pass, 09.07.2019.
    # Repealed by №120 of 01.06.2020 "со дня первого официального опубликования": last day 31.05.2020.
    expected_from = dt.date(2019, 7, 9) if service_id in (CAMP, ESTABLISHMENT) else dt.date(2019, 4, 13)
    assert definition.effective_from == expected_from
    assert definition.effective_to == dt.date(2020, 5, 31)
    assert definition.source.standard is not None
    assert (definition.source.standard.number, definition.source.standard.date) == ("198", dt.date(2015, 4, 13))
    assert definition.source.language.value == "ru"


@pytest.mark.parametrize("service_id", SERVICES)
def test_portal_allows_one_time_password(service_id: str) -> None:
    assert [c.value for c in _service(service_id).channel("portal").confirmation] == ["eds", "otp"]


@pytest.mark.parametrize(
    ("service_id", "registries"),
    [(CAMP, ["gbd_fl", "enis"]), (ESTABLISHMENT, ["gbd_fl", "enis"]), (ALLOWANCE, ["gbd_fl", "gbd_ul", "enis"])],
)
def test_state_corporation_registries(service_id: str, registries: list[str]) -> None:
    channel = _service(service_id).channel("state_corporation")
    assert [r.value for r in channel.registries] == registries
    assert [c.value for c in channel.confirmation] == ["operator_eds"]


def test_camp_process_4_encoded_once() -> None:
    intake = _service(CAMP).channel("state_corporation").intake
    assert [s.number for s in intake].count("process 4") == 1
    assert [s.number for s in intake] == [
        "1)",
        "process 1",
        "process 2",
        "process 3",
        "condition 1",
        "process 4",
        "process 5",
        "process 6",
        "condition 2",
        "process 7",
    ]


def test_camp_providers() -> None:
    assert [p.kind.value for p in _service(CAMP).providers] == ["local_executive_body", "education_organization"]


def test_establishment_akimat_branch() -> None:
    definition = _service(ESTABLISHMENT)
    steps = definition.procedures["back_office"].steps
    prepare = next(s for s in steps if s.role.value == "executor")
    assert prepare.decides
    assert prepare.branches is not None
    targets = {b.when: next(s for s in steps if s.id == b.next) for b in prepare.branches}
    assert (targets["positive"].role.value, targets["positive"].organization.value) == ("akimat", "district_akimat")
    assert targets["positive"].does.value == "adopt"
    assert [definition.document(d).kind.value for d in targets["positive"].produces] == ["akimat_resolution"]
    assert (targets["negative"].role.value, targets["negative"].number) == ("office_clerk", "5")
    assert "motivated_refusal" in [definition.document(d).kind.value for d in prepare.produces]
    # the provider's head never signs in this regulation
    assert not [s for s in steps if s.role.value == "head" and s.does.value == "sign"]
    assert definition.document("akimat_resolution").form == "Standard app. 1"


@pytest.mark.parametrize("service_id", [CAMP, CERTIFICATES, PROPERTY, ALLOWANCE, PATRONAT])
def test_executor_decides_and_head_signs(service_id: str) -> None:
    steps = _service(service_id).procedures["back_office"].steps
    assert [s.role.value for s in steps if s.decides] == ["executor"]
    assert [s.does.value for s in steps] == ["register", "resolve", "prepare", "sign", "issue"]


def test_patronat_composite_result() -> None:
    definition = _service(PATRONAT)
    issued = next(rule for rule in definition.outcomes if rule.outcome.value == "issued")
    assert issued.channels is not None
    assert [c.value for c in issued.channels] == ["portal"]
    prepare = next(s for s in definition.procedures["back_office"].steps if s.decides)
    kinds = [definition.document(d).kind.value for d in prepare.produces]
    assert kinds == ["contract", "decision", "motivated_refusal"]
    receive = _step(definition, "portal", "receive_result")
    assert [definition.document(d).kind.value for d in receive.produces] == ["notification"]
    assert definition.document("decision").form == "Standard app. 2"


@pytest.mark.parametrize(
    ("service_id", "document_id", "form"),
    [
        (CERTIFICATES, "certificate", "Standard app."),
        (PROPERTY, "certificate", "Standard app. 1"),
        (ALLOWANCE, "decision", "Standard app. 1"),
        (CAMP, "referral", None),
    ],
)
def test_result_forms(service_id: str, document_id: str, form: str | None) -> None:
    assert _service(service_id).document(document_id).form == form


def test_allowance_result_stored_in_cabinet() -> None:
    channel = _service(ALLOWANCE).channel("portal")
    assert channel.note is not None
    assert "хранится" in channel.note


@pytest.mark.parametrize("service_id", SERVICES)
def test_source_notes_cover_defects(service_id: str) -> None:
    topics = " ".join(n.topic for n in _service(service_id).source_notes)
    assert "entry-into-force" in topics
    expected = {
        CAMP: "process 4 printed twice",
        CERTIFICATES: "Fully automated",
        ESTABLISHMENT: "step 1 is the office clerk's",
        PROPERTY: "Refusal to accept",
        ALLOWANCE: "stored in the personal cabinet",
        PATRONAT: "Composite result",
    }[service_id]
    assert expected in topics
