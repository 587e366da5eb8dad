"""Facts of seed 002 (WKO akimat resolution №62 of 29.03.2019), services S10-S16, read off the seed text.

Every number below was read from `002_00054b1e3eac58b3.txt`, not from the definitions: the step limits of
p.5 of each regulation, the State Corporation minutes of p.9-10 (S12, S14), the result clauses of p.3 and
the refusal-to-accept sentences of p.2.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.schema import ServiceDefinition

SEED = "002_00054b1e3eac58b3.txt"
M, WD = "minutes", "working_days"

S10 = "wko-2019-adoption-candidates"
S11 = "wko-2019-adoption-payment"
S12 = "wko-2019-school-transport"
S13 = "wko-2019-school-meals"
S14 = "wko-2019-parent-visit-permission"
S15 = "wko-2019-foster-family-placement-payment"
S16 = "wko-2019-child-opinion-decision"
ALL = [S10, S11, S12, S13, S14, S15, S16]


def _back_office(
    clerk_in: tuple[int, str],
    head: tuple[int, str],
    executor: tuple[int, str],
    sign: tuple[int, str],
    clerk_out: tuple[int, str],
) -> list[tuple[str, int, str]]:
    return [
        ("office_clerk", *clerk_in),
        ("head", *head),
        ("executor", *executor),
        ("head", *sign),
        ("office_clerk", *clerk_out),
    ]


# p.5 of each regulation: clerk / head / executor / head / clerk.
BACK_OFFICE = {
    S10: _back_office((5, M), (5, M), (9, WD), (5, M), (5, M)),
    S11: _back_office((5, M), (5, M), (4, WD), (5, M), (5, M)),
    S12: _back_office((15, M), (15, M), (3, WD), (15, M), (1, WD)),
    S13: _back_office((15, M), (1, WD), (3, WD), (1, WD), (30, M)),
    S14: _back_office((5, M), (5, M), (9, WD), (5, M), (5, M)),
    S15: _back_office((5, M), (5, M), (9, WD), (5, M), (5, M)),
    S16: _back_office((5, M), (5, M), (9, WD), (5, M), (5, M)),
}

# p.9-10: hand-over, processes 1-3, condition 1, process 4, process 5 | process 6, condition 2, process 7;
# then process 8 after the provider's steps.
SC_S12_INTAKE = [
    ("sc_operator", 5, M),
    ("sc_operator", 2, M),
    ("sc_operator", 2, M),
    ("system", 2, M),
    ("system", 2, M),
    ("system", 1, M),
    ("sc_operator", 1, M),
    ("system", 5, M),
    ("office_clerk", 5, M),
    ("system", 3, M),
]
SC_S14_INTAKE = [
    ("sc_operator", 2, M),
    ("sc_operator", 1, M),
    ("sc_operator", 1, M),
    ("system", 1, M),
    ("system", 1, M),
    ("system", 1, M),
    ("sc_operator", 1, M),
    ("system", 1, M),
    ("office_clerk", 2, M),
    ("system", 2, M),
]
SC_RESULT = [("sc_operator", 2, M)]

TIMED_STEPS = [
    (S10, "portal", BACK_OFFICE[S10]),
    (S11, "portal", BACK_OFFICE[S11]),
    (S12, "provider_office", BACK_OFFICE[S12]),
    (S12, "state_corporation", SC_S12_INTAKE + BACK_OFFICE[S12] + SC_RESULT),
    (S12, "portal", BACK_OFFICE[S12]),
    (S13, "provider_office", BACK_OFFICE[S13]),
    (S13, "portal", BACK_OFFICE[S13]),
    (S14, "provider_office", BACK_OFFICE[S14]),
    (S14, "state_corporation", SC_S14_INTAKE + BACK_OFFICE[S14] + SC_RESULT),
    (S14, "portal", BACK_OFFICE[S14]),
    (S15, "provider_office", BACK_OFFICE[S15]),
    (S15, "portal", BACK_OFFICE[S15]),
    (S16, "provider_office", BACK_OFFICE[S16]),
]

CHANNELS = {
    S10: {"portal": ["personal_cabinet"]},
    S11: {"portal": ["personal_cabinet"]},
    S12: {
        "provider_office": ["in_person_at_provider"],
        "state_corporation": ["state_corporation"],
        "portal": ["personal_cabinet"],
    },
    S13: {"provider_office": ["in_person_at_provider"], "portal": ["personal_cabinet"]},
    # S14: p.1 names only the office; the SC (p.9-10) and portal (p.11) flows are described anyway.
    S14: {
        "provider_office": ["in_person_at_provider"],
        "state_corporation": ["state_corporation"],
        "portal": ["personal_cabinet"],
    },
    S15: {"provider_office": ["in_person_at_provider"], "portal": ["personal_cabinet"]},
    S16: {"provider_office": ["in_person_at_provider"]},
}

# "подписанное ЭЦП услугополучателя или удостоверенное одноразовым паролем": S10, S11, S12, S15 only.
PORTAL_CONFIRMATION = {
    S10: ["eds", "otp"],
    S11: ["eds", "otp"],
    S12: ["eds", "otp"],
    S13: ["eds"],
    S14: ["eds"],
    S15: ["eds", "otp"],
}

# p.3 result clauses (S14: step 3 "готовит разрешение"; S10: "уведомление о готовности заключения").
OUTCOME_KINDS = {
    S10: {"issued": ["notification"], "refused": ["motivated_refusal"]},
    S11: {"issued": ["decision"], "refused": ["motivated_refusal"]},
    S12: {"issued": ["certificate"], "refused": ["motivated_refusal"]},
    S13: {"issued": ["certificate"], "refused": ["motivated_refusal"]},
    S14: {"issued": ["permission"], "refused": ["motivated_refusal"]},
    S15: {"issued": ["contract", "decision"], "refused": ["motivated_refusal"]},
    S16: {"issued": ["decision"], "refused": ["motivated_refusal"]},
}

RESULT_FORMS = [
    (S11, "decision", "Standard app. 1"),
    (S12, "certificate", "Standard app. 1"),
    (S13, "certificate", "Standard app. 1"),
    (S15, "contract", "Standard app. 1"),
    (S15, "decision", "Standard app. 2"),
    (S16, "decision", "Standard app. 1"),
]

FORMS = {
    S10: ["electronic_partially_automated"],
    S11: ["electronic_partially_automated"],
    S12: ["electronic_partially_automated", "paper"],
    S13: ["electronic_partially_automated", "paper"],
    S14: ["electronic", "paper"],  # "электронная бумажная"
    S15: ["electronic_partially_automated", "paper"],  # "и или"
    S16: ["paper"],
}

# p.2: who refuses to accept an incomplete package or expired documents, and the receipt form.
REFUSAL_TO_ACCEPT = {
    S10: (["provider"], None),
    S11: (["provider"], None),
    S12: (["provider", "state_corporation"], "Standard app. 4"),
    S13: (["provider"], None),
    S14: (["provider"], None),
    S15: (["provider"], None),
    S16: (["provider"], None),
}


def _definition(service_id: str) -> ServiceDefinition:
    return catalog_default().latest(service_id)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


@pytest.mark.parametrize(("service_id", "channel", "expected"), TIMED_STEPS)
def test_timed_steps(service_id: str, channel: str, expected: list[tuple[str, int, str]]) -> None:
    steps = _definition(service_id).channel_steps(channel)
    timed = [(str(s.role), s.duration.value, str(s.duration.unit)) for s in steps if s.duration is not None]
    assert timed == expected


@pytest.mark.parametrize("service_id", ALL)
def test_back_office_has_no_null_duration(service_id: str) -> None:
    steps = _definition(service_id).procedures["back_office"].steps
    assert [s.duration is not None for s in steps] == [True] * 5


@pytest.mark.parametrize("service_id", [S10, S11, S12, S13, S14, S15])
def test_portal_processes_carry_no_duration(service_id: str) -> None:
    channel = _definition(service_id).channel("portal")
    assert [s.duration for s in [*channel.intake, *channel.delivery]] == [None] * 11


@pytest.mark.parametrize(("service_id", "total"), [(S12, 30), (S14, 15)])
def test_state_corporation_minutes(service_id: str, total: int) -> None:
    channel = _definition(service_id).channel("state_corporation")
    front = [s.duration for s in [*channel.intake, *channel.delivery]]
    assert sum(d.value for d in front if d is not None) == total


@pytest.mark.parametrize("service_id", ALL)
def test_channels_and_delivery(service_id: str) -> None:
    definition = _definition(service_id)
    got = {str(c.code): [str(d) for d in c.result_delivery] for c in definition.channels}
    assert got == CHANNELS[service_id]
    assert all(c.procedure == "back_office" for c in definition.channels)


@pytest.mark.parametrize(("service_id", "confirmation"), list(PORTAL_CONFIRMATION.items()))
def test_portal_confirmation(service_id: str, confirmation: list[str]) -> None:
    assert [str(c) for c in _definition(service_id).channel("portal").confirmation] == confirmation


@pytest.mark.parametrize(("service_id", "registries"), [(S12, ["gbd_fl", "enis"]), (S14, ["gbd_fl", "gbd_ul", "enis"])])
def test_state_corporation_registries(service_id: str, registries: list[str]) -> None:
    channel = _definition(service_id).channel("state_corporation")
    assert [str(r) for r in channel.registries] == registries
    assert [str(c) for c in channel.confirmation] == ["operator_eds"]


@pytest.mark.parametrize("service_id", ALL)
def test_outcome_document_kinds(service_id: str) -> None:
    definition = _definition(service_id)
    got = {
        str(rule.outcome): [str(definition.document(d).kind) for d in rule.documents] for rule in definition.outcomes
    }
    assert got == OUTCOME_KINDS[service_id]
    assert all(rule.channels is None for rule in definition.outcomes)


@pytest.mark.parametrize(("service_id", "document_id", "form"), RESULT_FORMS)
def test_result_forms(service_id: str, document_id: str, form: str) -> None:
    assert _definition(service_id).document(document_id).form == form


@pytest.mark.parametrize("service_id", ALL)
def test_executor_step_decides(service_id: str) -> None:
    steps = _definition(service_id).procedures["back_office"].steps
    assert [s.id for s in steps if s.decides] == ["prepare"]
    assert [str(s.role) for s in steps if s.decides] == ["executor"]


@pytest.mark.parametrize(("service_id", "forms"), list(FORMS.items()))
def test_forms_and_cost(service_id: str, forms: list[str]) -> None:
    definition = _definition(service_id)
    assert [str(f) for f in definition.forms] == forms
    assert str(definition.cost) == "free"
    assert [str(r) for r in definition.recipients] == ["individuals"]


@pytest.mark.parametrize(("service_id", "expected"), list(REFUSAL_TO_ACCEPT.items()))
def test_refusal_to_accept(service_id: str, expected: tuple[list[str], str | None]) -> None:
    by, receipt_form = expected
    refusal = _definition(service_id).refusal_to_accept
    assert refusal is not None
    assert list(refusal.grounds) == ["incomplete_package", "expired_documents"]
    assert list(refusal.by) == by
    if receipt_form is None:
        assert refusal.receipt is None
    else:
        assert refusal.receipt is not None
        assert str(refusal.receipt.kind) == "refusal_receipt"
        assert refusal.receipt.form == receipt_form


def test_providers() -> None:
    kinds = {service_id: [str(p.kind) for p in _definition(service_id).providers] for service_id in ALL}
    assert kinds == {
        S10: ["local_executive_body"],
        S11: ["local_executive_body"],
        S12: ["rural_akim"],  # "оказывается акимом поселка, села, сельского округа"
        S13: ["unspecified"],  # "Государственная услуга оказывается (далее – услугодатель)"
        S14: ["local_executive_body"],
        S15: ["local_executive_body"],
        S16: ["local_executive_body"],
    }
    assert _definition(S13).providers[0].name is None


@pytest.mark.parametrize("service_id", ALL)
def test_act_and_period(service_id: str) -> None:
    definition = _definition(service_id)
    act = definition.source.act
    assert (act.number, act.date, str(act.status)) == ("62", dt.date(2019, 3, 29), "repealed")
    assert act.registration is not None
    assert (act.registration.number, act.registration.date) == ("5599", dt.date(2019, 4, 2))
    assert act.repealed_by is not None
    assert (act.repealed_by.number, act.repealed_by.date) == ("120", dt.date(2020, 6, 1))
    amended = [(a.number, a.date) for a in act.amended_by]
    assert amended == ([("156", dt.date(2019, 6, 28))] if service_id in (S12, S15) else [])
    # №62 registered 02.04.2019, in force ten calendar days after publication: 03-12.04 pass, 13.04.2019.
    # The wording of №156 of 28.06.2019 (no registration date in the seed): 29.06-08.07 pass, 09.07.2019.
    # Repealed by №120 of 01.06.2020 "со дня первого официального опубликования": last day 31.05.2020.
    expected_from = dt.date(2019, 7, 9) if service_id in (S12, S15) else dt.date(2019, 4, 13)
    assert definition.effective_from == expected_from
    assert definition.effective_to == dt.date(2020, 5, 31)
    standard = definition.source.standard
    assert standard is not None
    assert (standard.number, standard.date) == ("198", dt.date(2015, 4, 13))
    assert definition.source.seed == SEED
    assert str(definition.source.language) == "ru"


@pytest.mark.parametrize(
    ("service_id", "channel", "check", "targets"),
    [
        (service_id, "portal", "check_documents", ["register", "refuse_documents"])
        for service_id in [S10, S11, S12, S13, S14, S15]
    ]
    + [
        (service_id, "state_corporation", "check_registries", ["sc_send_request", "data_unavailable"])
        for service_id in [S12, S14]
    ]
    + [
        (service_id, "state_corporation", "sc_check_documents", ["register", "sc_refuse_documents"])
        for service_id in [S12, S14]
    ],
)
def test_branch_targets(service_id: str, channel: str, check: str, targets: list[str]) -> None:
    steps = {s.id: s for s in _definition(service_id).channel_steps(channel)}
    branches = steps[check].branches
    assert branches is not None
    assert [b.next for b in branches] == targets
    assert steps[targets[1]].end is True


@pytest.mark.parametrize("service_id", ALL)
def test_texts_are_verbatim(service_id: str, seeds_dir: Path) -> None:
    seed = _flat((seeds_dir / SEED).read_text(encoding="utf-8"))
    definition = _definition(service_id)
    texts: list[str] = [definition.source.title.removeprefix("Регламент государственной услуги ")]
    texts += [definition.title.ru or ""]
    texts += [definition.source.quote_start or ""]
    if definition.refusal_to_accept is not None:
        texts.append(definition.refusal_to_accept.quote)
    for channel in definition.channels:
        for step in definition.channel_steps(channel.code):
            texts.append(step.action.ru or "")
            if step.result is not None:
                texts.append(step.result.ru or "")
    texts += [note.quote for note in definition.source_notes if note.quote]
    missing = [text for text in texts if _flat(text) not in seed]
    assert missing == []


def test_s14_result_clause_and_channel_list_are_recorded() -> None:
    quotes = [note.quote for note in _definition(S14).source_notes]
    assert "Прием заявлений для оказания государственной услуги осуществляется через канцелярию услугодателя" in quotes
    assert "Форма оказания государственной услуги: электронная бумажная" in quotes
    assert any(q and q.startswith("решение органа опеки и попечительства") for q in quotes)


def test_s16_has_no_information_system_channel() -> None:
    definition = _definition(S16)
    assert [str(c.code) for c in definition.channels] == ["provider_office"]
    assert definition.channel("provider_office").intake == []
    assert definition.channel("provider_office").delivery == []
