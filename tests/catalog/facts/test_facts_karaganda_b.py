"""Facts of S22-S25 (seed 003, Karaganda 2015, Kazakh), read off the seed text by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.schema import ServiceDefinition

REFERRALS = "karaganda-2015-employment-referrals"
INSTITUTIONS = "karaganda-2015-special-social-services-institutions"
HOME = "karaganda-2015-special-social-services-home"
FUEL = "karaganda-2015-rural-specialists-fuel"
SERVICES = [REFERRALS, INSTITUTIONS, HOME, FUEL]

MIN = "minutes"
WD = "working_days"

# Provider's office steps (section 2, paragraph 5) as the seed states them.
REFERRALS_OFFICE = [
    ("office_clerk", 2, MIN),
    ("head", 5, MIN),
    ("executor", 20, MIN),
    ("head", 2, MIN),
    ("office_clerk", 1, MIN),
]
INSTITUTIONS_OFFICE = [
    ("office_clerk", 30, MIN),
    ("head", 1, WD),
    ("executor", 15, WD),
    ("head", 1, WD),
    ("office_clerk", 30, MIN),
]
HOME_OFFICE = [
    ("office_clerk", 30, MIN),
    ("head", 1, WD),
    ("executor", 12, WD),
    ("head", 1, WD),
    ("office_clerk", 30, MIN),
]
# S25 step 5 has no duration in the seed.
FUEL_OFFICE = [
    ("office_clerk", 30, MIN),
    ("head", 1, WD),
    ("executor", 8, WD),
    ("head", 1, WD),
    ("office_clerk", None, None),
]
# S25 paragraph 7 (hand-over, processes 1-5) and paragraph 8 (process 6, condition 2, process 7, process 8).
FUEL_SC_INTAKE = [
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
FUEL_SC_DELIVERY = [("sc_operator", 2, MIN)]
# S25 "ауылдық округ әкіміне жүгінген кезде", steps 1-10.
FUEL_AKIM = [
    ("akim_office_specialist", 30, MIN),
    ("akim", 1, WD),
    ("executor", 2, WD),
    ("akim", 1, WD),
    ("office_clerk", 30, MIN),
    ("head", 1, WD),
    ("executor", 7, WD),
    ("head", 1, WD),
    ("office_clerk", 30, MIN),
    ("akim", 1, WD),
]

CHANNEL_TIMINGS = [
    (REFERRALS, "provider_office", REFERRALS_OFFICE),
    (REFERRALS, "portal", REFERRALS_OFFICE),
    (INSTITUTIONS, "provider_office", INSTITUTIONS_OFFICE),
    (HOME, "provider_office", HOME_OFFICE),
    (FUEL, "state_corporation", FUEL_SC_INTAKE + FUEL_OFFICE + FUEL_SC_DELIVERY),
    (FUEL, "provider_office", FUEL_OFFICE),
    (FUEL, "rural_akim", FUEL_AKIM),
]

CHANNELS = [
    (REFERRALS, ["provider_office", "portal"]),
    (INSTITUTIONS, ["provider_office"]),
    (HOME, ["provider_office"]),
    (FUEL, ["state_corporation", "provider_office", "rural_akim"]),
]

OUTCOME_KINDS = [
    (REFERRALS, "issued", [["referral"]] * 6),
    (REFERRALS, "refused", [["motivated_refusal"]]),
    (INSTITUTIONS, "issued", [["notification"]]),
    (INSTITUTIONS, "refused", [["motivated_refusal"]]),
    (HOME, "issued", [["notification"]]),
    (HOME, "refused", [["motivated_refusal"]]),
    (FUEL, "issued", [["notification"]]),
    (FUEL, "refused", [["motivated_refusal"]]),
]

TITLES = [
    (REFERRALS, "Адамдарға жұмыспен қамтуға жәрдемдесудің белсенді нысандарына қатысуға жолдамалар беру"),
    (
        INSTITUTIONS,
        "Медициналық-әлеуметтік мекемелерде (ұйымдарда) арнаулы әлеуметтік қызмет көрсетуге құжаттар ресімдеу",
    ),
    (HOME, "Үйде күтім көрсету жағдайында арнаулы әлеуметтік қызмет көрсетуге құжаттар ресімдеу"),
    (
        FUEL,
        "Ауылдық елді мекендерде тұратын және жұмыс істейтін әлеуметтік сала мамандарына отын сатып алу бойынша "
        "әлеуметтік көмек тағайындау",
    ),
]

SIX_REFERRALS = [
    "жұмысқа орналасуға жолдама",
    "қоғамдық жұмыстарға жолдама",
    "адамдарға кәсіби даярлауға, қайта даярлауға және біліктілікті арттыруға жолдама",
    "әлеуметтік жұмыс орындарына жұмысқа орналасуға жолдама",
    "жастар практикасына жолдама",
    "адамдарға кәсіби бағдарлануға тегін қызметтер көрсету",
]


def _service(service_id: str) -> ServiceDefinition:
    return catalog_default().latest(service_id)


def _timings(definition: ServiceDefinition, code: str) -> list[tuple[str, int | None, str | None]]:
    channel = definition.channel(code)
    procedure_ids = {s.id for s in definition.procedures[channel.procedure].steps} if channel.procedure else set()
    timings: list[tuple[str, int | None, str | None]] = []
    for step in definition.channel_steps(code):
        if step.duration is not None:
            timings.append((step.role.value, step.duration.value, step.duration.unit.value))
        elif step.id in procedure_ids:
            timings.append((step.role.value, None, None))
    return timings


@pytest.mark.parametrize(("service_id", "code", "expected"), CHANNEL_TIMINGS)
def test_channel_step_timings(service_id: str, code: str, expected: list[tuple[str, int | None, str | None]]) -> None:
    assert _timings(_service(service_id), code) == expected


@pytest.mark.parametrize(("service_id", "codes"), CHANNELS)
def test_channels(service_id: str, codes: list[str]) -> None:
    assert [c.code.value for c in _service(service_id).channels] == codes


@pytest.mark.parametrize(("service_id", "outcome", "kinds"), OUTCOME_KINDS)
def test_outcome_document_kinds(service_id: str, outcome: str, kinds: list[list[str]]) -> None:
    definition = _service(service_id)
    rules = [rule for rule in definition.outcomes if rule.outcome.value == outcome]
    assert [[definition.document(d).kind.value for d in rule.documents] for rule in rules] == kinds


@pytest.mark.parametrize(("service_id", "title"), TITLES)
def test_title_and_source(service_id: str, title: str) -> None:
    definition = _service(service_id)
    assert definition.title.kk == title
    assert definition.source.title == f'"{title}" мемлекеттік көрсетілетін қызмет регламенті'
    assert definition.source.seed == "003_f227f3f40e973d3f.txt"
    assert definition.field.value == "social_labour"


@pytest.mark.parametrize("service_id", SERVICES)
def test_act_standard_and_dates(service_id: str) -> None:
    definition = _service(service_id)
    act = definition.source.act
    assert (act.number, act.date) == ("55/04", dt.date(2015, 9, 22))
    assert act.registration is not None
    assert (act.registration.number, act.registration.date) == ("3462", dt.date(2015, 10, 26))
    assert act.status.value == "repealed"
    assert act.repealed_by is not None
    assert (act.repealed_by.number, act.repealed_by.date) == ("37/03", dt.date(2016, 5, 30))
    standard = definition.source.standard
    assert standard is not None
    assert (standard.number, standard.date) == ("279", dt.date(2015, 4, 28))
    # registered 26.10.2015, in force ten calendar days after publication: 27.10-05.11 pass, 06.11.2015;
    # repealed by №37/03 of 30.05.2016 under the same rule: 31.05-09.06 pass, in force 10.06, last day 09.06.2016
    assert definition.effective_from == dt.date(2015, 11, 6)
    assert definition.effective_to == dt.date(2016, 6, 9)
    assert definition.refusal_to_accept is None
    assert definition.acceptance_receipt is None
    assert any("55 / 05" in note.reconciliation for note in definition.source_notes)


@pytest.mark.parametrize(
    ("service_id", "forms"),
    [
        (REFERRALS, ["electronic_partially_automated", "paper"]),
        (INSTITUTIONS, ["paper"]),
        (HOME, ["paper"]),
        (FUEL, ["paper"]),
    ],
)
def test_forms(service_id: str, forms: list[str]) -> None:
    assert [f.value for f in _service(service_id).forms] == forms


def test_referrals_six_kinds() -> None:
    definition = _service(REFERRALS)
    issued = [rule for rule in definition.outcomes if rule.outcome.value == "issued"]
    titles = [definition.document(rule.documents[0]).title.kk for rule in issued]
    assert titles == SIX_REFERRALS
    assert all(rule.condition is not None for rule in issued)


def test_referrals_portal_refusal_messages_keep_the_word_referral() -> None:
    definition = _service(REFERRALS)
    refusals = [s for s in definition.channel_steps("portal") if s.does.value == "notify_refusal"]
    assert [s.number for s in refusals] == ["process 2", "process 4", "process 6"]
    assert all(s.end for s in refusals)
    assert ["жолдама" in (s.action.kk or "") for s in refusals] == [True, True, False]
    assert definition.channel("portal").confirmation == ["eds"]


def test_referrals_total_thirty_minutes() -> None:
    steps = _service(REFERRALS).procedures["back_office"].steps
    assert sum(s.duration.value for s in steps if s.duration) == 30


@pytest.mark.parametrize("service_id", [INSTITUTIONS, HOME])
def test_special_social_services_notification_states_term(service_id: str) -> None:
    definition = _service(service_id)
    assert "мерзімін көрсете отырып" in (definition.document("notification").title.kk or "")
    quotes = [note.quote or "" for note in definition.source_notes]
    assert "Мемлекеттік көрсетілетін қызмет халыққа қызмет көрсету орталығымен көрсетілмейді." in quotes


def test_fuel_akim_channel_condition_and_route() -> None:
    definition = _service(FUEL)
    channel = definition.channel("rural_akim")
    assert channel.condition is not None
    assert channel.condition.code == "no_provider_at_residence"
    assert "тұрғылықты жері бойынша көрсетілетін қызметті беруші болмаған жағдайда" in (channel.condition.text.kk or "")
    steps = definition.channel_steps("rural_akim")
    assert [s.organization.value for s in steps] == ["rural_akim"] * 4 + ["provider"] * 5 + ["rural_akim"]
    minutes = sum(s.duration.value for s in steps if s.duration and s.duration.unit.value == MIN)
    days = sum(s.duration.value for s in steps if s.duration and s.duration.unit.value == WD)
    assert (minutes, days) == (90, 14)
    assert definition.document("cover_letter").kind.value == "cover_letter"
    assert definition.document("cover_letter").intermediate is True
    assert steps[2].produces == ["cover_letter"]
    assert [s.decides for s in steps].count(True) == 1 and steps[6].decides
    assert definition.channel("provider_office").condition is None
    assert definition.channel("state_corporation").condition is None


def test_fuel_office_step_five_has_no_duration() -> None:
    steps = _service(FUEL).procedures["back_office"].steps
    assert [s.number for s in steps] == ["1", "2", "3", "4", "5"]
    assert steps[4].duration is None


def test_fuel_state_corporation_flow() -> None:
    definition = _service(FUEL)
    channel = definition.channel("state_corporation")
    assert [r.value for r in channel.registries] == ["gbd_fl", "enis"]
    assert channel.confirmation == ["operator_eds"]
    intake = {s.number: s for s in channel.intake}
    condition_1 = intake["condition 1"]
    assert condition_1.branches is not None
    targets = {b.when: b.next for b in condition_1.branches}
    assert targets["not_found"] == intake["process 4"].id and intake["process 4"].end
    condition_2 = intake["condition 2"]
    assert condition_2.branches is not None
    targets = {b.when: b.next for b in condition_2.branches}
    assert targets["compliant"] == definition.procedures["back_office"].steps[0].id
    assert targets["deficient"] == intake["process 7"].id and intake["process 7"].end
    front_office = [*channel.intake, *channel.delivery]
    assert all(s.duration is not None and s.duration.unit.value == MIN for s in front_office)
    assert sum(s.duration.value for s in front_office if s.duration) == 15
    happy = [s for s in front_office if s.number not in ("process 4", "process 7")]
    assert sum(s.duration.value for s in happy if s.duration) == 13
    assert "бас тарту туралы дәлелді жауапты" in (channel.delivery[0].action.kk or "")
