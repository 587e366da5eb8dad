"""Facts of seeds 000 (S01, WKO), 001 (S02-S03, Jambyl) and 004 (S26, Pavlodar), read off the seed text.

Every number below was read from the seed files, not from the definitions:
- 000: p.6 (step limits), p.1 (channels, free of charge), p.3 (decision, Standard app. 2), p.10 (portal);
- 001: p.8 of each regulation (step limits in CALENDAR days), p.3 (results and their forms), p.9 (no ХҚО),
  p.10 (the 8-process portal flow and, for S03, the visit to the address in the notification);
- 004: appendix 1 (one clerk step of 30 minutes), p.1 (three channels), p.3 and p.10 (direction, queue
  notification, ticket), p.9 (State Corporation items, refusal receipt of Standard app. 3), p.11 (portal).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.schema import ServiceDefinition, Step

S01 = "wko-2015-patronat-payment"
S02 = "jambyl-2015-patronat-placement"
S03 = "jambyl-2015-adoption-candidates"
S26 = "pavlodar-2016-preschool-queue"
ALL = [S01, S02, S03, S26]

M, WD, CD = "minutes", "working_days", "calendar_days"
OFFICE, SC, PORTAL = "provider_office", "state_corporation", "portal"

SEEDS = {
    S01: "000_0d535cbd69033c45.txt",
    S02: "001_75a6956d28bc5ce6.txt",
    S03: "001_75a6956d28bc5ce6.txt",
    S26: "004_bc563dbca9acc339.txt",
}
# Seed 001 holds two regulations; the second starts at the header of appendix 2 to resolution №332.
SPLIT_001 = "№ 332 қаулысына 2 қосымша"

# Back-office steps (role, limit, unit), in order.
BACK_OFFICE = {
    # 000 p.6: 15 минут / 1 жұмыс күні / 3 жұмыс күні / 1 жұмыс күні / 15 минут.
    S01: [("office_clerk", 15, M), ("head", 1, WD), ("executor", 3, WD), ("head", 1, WD), ("office_clerk", 15, M)],
    # 001 app. 1 p.8: 30 минуттан / 2 / 25 / 3 күнтізбелік күннен / 20 минуттан аспайды.
    S02: [("office_clerk", 30, M), ("head", 2, CD), ("executor", 25, CD), ("head", 3, CD), ("office_clerk", 20, M)],
    # 001 app. 2 p.8: 30 минуттан / 1 / 12 / 2 күнтізбелік күннен / 20 минуттан аспайды.
    S03: [("office_clerk", 30, M), ("head", 1, CD), ("executor", 12, CD), ("head", 2, CD), ("office_clerk", 20, M)],
    # 004 appendix 1: кеңсе қызметкері, "Орындау мерзімі: 30 (отыз) минут".
    S26: [("office_clerk", 30, M)],
}

# No portal or State Corporation item has a limit in these seeds: the timed steps are the back office only.
TIMED_STEPS = [
    (S01, OFFICE, BACK_OFFICE[S01]),
    (S01, PORTAL, BACK_OFFICE[S01]),
    (S02, OFFICE, BACK_OFFICE[S02]),
    (S02, PORTAL, BACK_OFFICE[S02]),
    (S03, OFFICE, BACK_OFFICE[S03]),
    (S03, PORTAL, BACK_OFFICE[S03]),
    (S26, OFFICE, BACK_OFFICE[S26]),
    (S26, SC, BACK_OFFICE[S26]),
    (S26, PORTAL, BACK_OFFICE[S26]),
]

# Channels in the order of p.1, with where the result goes.
CHANNELS = {
    S01: {OFFICE: ["in_person_at_provider"], PORTAL: ["personal_cabinet"]},
    # 001 p.3: "нәтижесін беру көрсетілетін қызметті берушінің кеңсесі арқылы"; process 8: "жеке кабинетіне".
    S02: {OFFICE: ["in_person_at_provider"], PORTAL: ["personal_cabinet", "in_person_at_provider"]},
    S03: {OFFICE: ["in_person_at_provider"], PORTAL: ["personal_cabinet", "in_person_at_provider"]},
    S26: {OFFICE: ["in_person_at_provider"], SC: ["state_corporation"], PORTAL: ["personal_cabinet"]},
}

CONFIRMATION = [
    (S01, PORTAL, ["eds"]),
    (S02, PORTAL, ["eds"]),
    (S03, PORTAL, ["eds"]),
    # 004 p.4 / portal process 5: "көрсетілетін қызметті берушінің ЭЦҚ-мен куәландырылған".
    (S26, PORTAL, ["provider_eds"]),
    # 004 SC process 5: "ХҚО операторының ЭЦҚ-мен куәландырылған".
    (S26, SC, ["operator_eds"]),
]

# The portal's numbered items, in order (001 has 8 processes: process 6 = registration in the АЖО).
PORTAL_NUMBERS_7 = [
    "1)",
    "process 1",
    "condition 1",
    "process 2",
    "process 3",
    "condition 2",
    "process 4",
    "process 5",
    "condition 3",
    "process 6",
]
PORTAL_NUMBERS_8 = [
    "1)",
    "process 1",
    "condition 1",
    "process 2",
    "process 3",
    "condition 2",
    "process 4",
    "process 5",
    "process 6",
    "condition 3",
    "process 7",
]
PORTAL_NUMBERS = [
    (S01, PORTAL_NUMBERS_7, ["process 7"]),
    (S02, PORTAL_NUMBERS_8, ["process 8"]),
    (S03, PORTAL_NUMBERS_8, ["process 8", None]),
    (S26, PORTAL_NUMBERS_7, ["process 7"]),
]

# Result-document kinds per channel and outcome (p.3; 004 also p.10 for the State Corporation ticket).
OUTCOME_KINDS = [
    (S01, OFFICE, {"issued": ["decision"], "refused": ["motivated_refusal"]}),
    (S01, PORTAL, {"issued": ["decision"], "refused": ["motivated_refusal"]}),
    (S02, OFFICE, {"issued": ["contract"], "refused": ["motivated_refusal"]}),
    (S02, PORTAL, {"issued": ["notification"], "refused": ["motivated_refusal"]}),
    (S03, OFFICE, {"issued": ["conclusion"], "refused": ["motivated_refusal"]}),
    (S03, PORTAL, {"issued": ["notification", "conclusion"], "refused": ["motivated_refusal"]}),
    (S26, OFFICE, {"issued": ["direction"], "queued": ["queue_number"]}),
    (S26, SC, {"issued": ["direction"], "queued": ["queue_ticket"]}),
    (S26, PORTAL, {"issued": ["direction"], "queued": ["queue_number"]}),
]

# Forms of the documents named in the text ("стандарттың N-қосымшасына сәйкес нысан бойынша").
DOCUMENT_FORMS = [
    (S01, "decision", "Standard app. 2"),
    (S02, "notification", "Standard app. 1"),
    (S02, "contract", None),
    (S02, "housing_act", None),
    (S03, "conclusion", "Standard app. 1"),
    (S03, "notification", "Standard app. 2"),
    (S03, "housing_act", "Standard app. 3"),
    (S26, "direction", "Standard app. 1"),
]

# Act facts: (act number, act date, status, repealing act number, its date, Standard order number, its date).
ACTS = {
    S01: ("153", dt.date(2015, 6, 30), "not_stated", None, None, "198", dt.date(2015, 4, 13)),
    S02: ("332", dt.date(2015, 12, 31), "repealed", "189", dt.date(2020, 8, 20), "619", dt.date(2015, 11, 2)),
    S03: ("332", dt.date(2015, 12, 31), "repealed", "189", dt.date(2020, 8, 20), "619", dt.date(2015, 11, 2)),
    S26: ("39/2", dt.date(2016, 2, 19), "not_stated", None, None, "172", dt.date(2015, 4, 7)),
}

# effective_from = the earliest day the act's own rule allows (issue 14); effective_to = the day before the repeal
# took effect. 000 and 004 state no rule: the act's own date. 001 (№332 of 31.12.2015, no registration date in the
# text): "алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң" counted from 31.12.2015: the days
# 1-10 January pass, in force 11.01.2016. Its repeal (№189 of 20.08.2020, the same rule): 21-30 August pass,
# in force 31.08.2020, so the regulation's last day is 30.08.2020.
PERIODS = {
    S01: (dt.date(2015, 6, 30), None),
    S02: (dt.date(2016, 1, 11), dt.date(2020, 8, 30)),
    S03: (dt.date(2016, 1, 11), dt.date(2020, 8, 30)),
    S26: (dt.date(2016, 2, 19), None),
}

# p.2 "форма"; 000 p.1 "тегін"; 001 and 004 say nothing about a fee.
GENERAL = {
    S01: ("family_children", "free", ["electronic_partially_automated", "paper"]),
    S02: ("family_children", "not_stated", ["electronic_partially_automated", "paper"]),
    S03: ("family_children", "not_stated", ["electronic_partially_automated", "paper"]),
    S26: ("preschool", "not_stated", ["electronic_fully_automated", "paper"]),
}

# Receipt of acceptance (қолхат) and comparison of originals: 001 p.8 step 1, 004 p.5.
ACCEPTANCE = {
    S01: None,
    S02: (True, None),
    S03: (True, None),
    S26: (True, "Standard p.9"),
}


def _definition(service_id: str) -> ServiceDefinition:
    return catalog_default().latest(service_id)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def _seed_text(seeds_dir: Path, service_id: str) -> str:
    text = (seeds_dir / SEEDS[service_id]).read_text(encoding="utf-8")
    if service_id == S02:
        text = text[: text.index(SPLIT_001)]
    elif service_id == S03:
        text = text[text.index(SPLIT_001) :]
    return _flat(text)


def _by_id(steps: list[Step], step_id: str) -> Step:
    return next(s for s in steps if s.id == step_id)


@pytest.mark.parametrize(("service_id", "channel", "expected"), TIMED_STEPS)
def test_timed_steps(service_id: str, channel: str, expected: list[tuple[str, int, str]]) -> None:
    definition = _definition(service_id)
    back_office = {s.id for s in definition.procedures["back_office"].steps}
    timed: list[tuple[str, int | None, str | None]] = []
    for step in definition.channel_steps(channel):
        if step.duration is not None:
            timed.append((str(step.role), step.duration.value, str(step.duration.unit)))
        elif step.id in back_office:
            timed.append((str(step.role), None, None))
    assert timed == expected


@pytest.mark.parametrize("service_id", ALL)
def test_channels_and_result_delivery(service_id: str) -> None:
    definition = _definition(service_id)
    actual = {str(c.code): [str(d) for d in c.result_delivery] for c in definition.channels}
    assert actual == CHANNELS[service_id]
    assert list(actual) == list(CHANNELS[service_id])
    assert all(c.procedure == "back_office" for c in definition.channels)


@pytest.mark.parametrize(("service_id", "channel", "expected"), CONFIRMATION)
def test_confirmation(service_id: str, channel: str, expected: list[str]) -> None:
    assert [str(c) for c in _definition(service_id).channel(channel).confirmation] == expected


@pytest.mark.parametrize(("service_id", "intake", "delivery"), PORTAL_NUMBERS)
def test_portal_numbering(service_id: str, intake: list[str], delivery: list[str | None]) -> None:
    channel = _definition(service_id).channel(PORTAL)
    assert [s.number for s in channel.intake] == intake
    assert [s.number for s in channel.delivery] == delivery
    assert [s.duration for s in [*channel.intake, *channel.delivery]] == [None] * (len(intake) + len(delivery))


@pytest.mark.parametrize("service_id", ALL)
def test_portal_conditions_branch_to_refusals_and_back_office(service_id: str) -> None:
    definition = _definition(service_id)
    steps = definition.channel_steps(PORTAL)
    first_back_office = definition.procedures["back_office"].steps[0].id
    conditions = [s for s in steps if s.number and s.number.startswith("condition")]
    assert [s.number for s in conditions] == ["condition 1", "condition 2", "condition 3"]
    for condition in conditions:
        assert str(condition.does) == "check"
        assert condition.branches is not None and len(condition.branches) == 2
        go, stop = (_by_id(steps, b.next) for b in condition.branches)
        assert str(stop.does) == "notify_refusal" and stop.end
        assert str(go.does) != "notify_refusal"
    assert conditions[2].branches is not None
    assert conditions[2].branches[0].next == first_back_office
    # condition 3 is the provider's check of the attached documents.
    assert (str(conditions[2].role), str(conditions[2].organization)) == ("office_clerk", "provider")


@pytest.mark.parametrize("service_id", [S02, S03])
def test_001_process_6_registers_in_regional_gateway(service_id: str) -> None:
    steps = _definition(service_id).channel(PORTAL).intake
    process_6 = next(s for s in steps if s.number == "process 6")
    assert (str(process_6.role), str(process_6.organization), str(process_6.does)) == (
        "system",
        "regional_gateway",
        "register",
    )
    assert "аймақтық электрондық үкімет шлюзі автоматтандырылған жұмыс орнында" in (process_6.action.kk or "")


def test_s03_portal_applicant_goes_to_the_address_in_the_notification() -> None:
    last = _definition(S03).channel(PORTAL).delivery[-1]
    assert (str(last.role), str(last.organization), last.duration) == ("applicant", "provider", None)
    assert "хабарламада көрсетілген мекенжай бойынша хабарласуы қажет" in (last.action.kk or "")


@pytest.mark.parametrize(("service_id", "channel", "expected"), OUTCOME_KINDS)
def test_outcome_document_kinds(service_id: str, channel: str, expected: dict[str, list[str]]) -> None:
    definition = _definition(service_id)
    actual: dict[str, list[str]] = {}
    for rule in definition.outcomes:
        if rule.channels is None or channel in [str(c) for c in rule.channels]:
            kinds = [str(definition.document(d).kind) for d in rule.documents]
            actual.setdefault(str(rule.outcome), []).extend(kinds)
    assert actual == expected


@pytest.mark.parametrize(("service_id", "kind", "form"), DOCUMENT_FORMS)
def test_document_forms(service_id: str, kind: str, form: str | None) -> None:
    documents = [d for d in _definition(service_id).documents if str(d.kind) == kind]
    assert [d.form for d in documents] == [form]


@pytest.mark.parametrize("service_id", [S02, S03])
def test_housing_act_is_made_by_the_executor_before_the_result(service_id: str) -> None:
    definition = _definition(service_id)
    steps = definition.procedures["back_office"].steps
    assert [s.decides for s in steps] == [False, False, True, False, False]
    executor = steps[2]
    assert str(executor.role) == "executor"
    kinds = [str(definition.document(d).kind) for d in executor.produces]
    assert kinds[0] == "housing_act"
    assert definition.document(executor.produces[0]).intermediate
    assert "тұрғын үй-тұрмыстық жағдайын зерделеу актісін, одан кейін" in (executor.action.kk or "")


@pytest.mark.parametrize("service_id", [S02, S03])
def test_001_section_6_has_four_step_results(service_id: str) -> None:
    steps = _definition(service_id).procedures["back_office"].steps
    assert [s.result is not None for s in steps] == [True, True, True, True, False]
    assert steps[0].result is not None and steps[0].result.kk == "тіркелген кіріс нөмірі бар өтініш, қолхат"


@pytest.mark.parametrize("service_id", [S02, S03])
def test_001_excludes_the_state_corporation(service_id: str) -> None:
    definition = _definition(service_id)
    assert SC not in [str(c.code) for c in definition.channels]
    quotes = [n.quote or "" for n in definition.source_notes]
    assert any("халыққа қызмет көрсету орталығы арқылы көрсету қарастырылмаған" in q for q in quotes)


def test_s26_single_clerk_step_decides_and_enqueues() -> None:
    (step,) = _definition(S26).procedures["back_office"].steps
    assert (str(step.role), str(step.does), step.decides) == ("office_clerk", "enqueue", True)


def test_s26_state_corporation_flow() -> None:
    channel = _definition(S26).channel(SC)
    assert [str(r) for r in channel.registries] == ["gbd_fl"]
    assert [s.number for s in channel.intake] == [
        "1)",
        "1)",
        "process 1",
        "process 2",
        "process 3",
        "condition 1",
        "process 4",
        "process 5",
    ]
    assert [s.duration for s in [*channel.intake, *channel.delivery]] == [None] * 9
    refusals = [s for s in channel.intake if str(s.does) == "notify_refusal"]
    assert [s.end for s in refusals] == [True, True]
    assert channel.note is not None and "алдын ала жазылусыз" in channel.note
    (ticket,) = channel.delivery
    assert "кезек номері көрсетілген талон беріледі" in (ticket.action.kk or "")


def test_refusal_to_accept() -> None:
    assert [_definition(s).refusal_to_accept for s in (S01, S02, S03)] == [None, None, None]
    refusal = _definition(S26).refusal_to_accept
    assert refusal is not None
    assert (refusal.grounds, refusal.by) == (["incomplete_package"], ["state_corporation"])
    assert refusal.receipt is not None
    assert (str(refusal.receipt.kind), refusal.receipt.form) == ("refusal_receipt", "Standard app. 3")


@pytest.mark.parametrize("service_id", ALL)
def test_acceptance_receipt(service_id: str) -> None:
    receipt = _definition(service_id).acceptance_receipt
    if ACCEPTANCE[service_id] is None:
        assert receipt is None
    else:
        assert receipt is not None
        assert (receipt.originals_compared_and_returned, receipt.form) == ACCEPTANCE[service_id]


@pytest.mark.parametrize("service_id", ALL)
def test_acts_and_periods(service_id: str) -> None:
    definition = _definition(service_id)
    act = definition.source.act
    repealed = act.repealed_by
    standard = definition.source.standard
    assert standard is not None
    assert (
        act.number,
        act.date,
        str(act.status),
        repealed.number if repealed else None,
        repealed.date if repealed else None,
        standard.number,
        standard.date,
    ) == ACTS[service_id]
    assert (definition.effective_from, definition.effective_to) == PERIODS[service_id]
    assert definition.source.seed == SEEDS[service_id]
    assert str(definition.source.language) == "kk"


@pytest.mark.parametrize("service_id", ALL)
def test_field_cost_and_forms(service_id: str) -> None:
    definition = _definition(service_id)
    actual = (str(definition.field), str(definition.cost), [str(f) for f in definition.forms])
    assert actual == GENERAL[service_id]


def test_s26_providers_and_portal_spelling() -> None:
    definition = _definition(S26)
    assert [str(p.kind) for p in definition.providers] == ["local_executive_body", "rural_akim"]
    assert any("www.e.gov.kz" in (n.quote or "") for n in definition.source_notes)


@pytest.mark.parametrize("service_id", ALL)
def test_texts_are_verbatim(seeds_dir: Path, service_id: str) -> None:
    definition = _definition(service_id)
    seed = _seed_text(seeds_dir, service_id)
    texts = [definition.source.title, definition.source.quote_start or "", definition.title.kk or ""]
    for code in [c.code for c in definition.channels]:
        for step in definition.channel_steps(code):
            texts.append(step.action.kk or "")
            if step.result is not None:
                texts.append(step.result.kk or "")
    if definition.acceptance_receipt is not None and definition.acceptance_receipt.quote:
        texts.append(definition.acceptance_receipt.quote)
    if definition.refusal_to_accept is not None:
        texts.append(definition.refusal_to_accept.quote)
    missing = [text for text in texts if _flat(text) not in seed]
    assert missing == []
