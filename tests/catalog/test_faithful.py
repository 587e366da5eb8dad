"""Faithful to the texts down to the metadata (issue 14): entry into force from each act's own rule, the
Standard's registration, application forms, outcome bases, Standard p.9/p.10 lists.

Every expected value below was read in the seed by hand (file and paragraph named) or counted by hand
from the quoted rule; none is produced by the code under test.
"""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from qyzmet.catalog.definitions import REGULATIONS_DIR, catalog_default
from qyzmet.catalog.importer import import_act
from qyzmet.catalog.loader import load_text
from qyzmet.catalog.schema import BasisKind, ServiceDefinition
from qyzmet.catalog.selectors import version_in_force
from qyzmet.catalog.services import version_load

D = dt.date


def _definition(service_id: str) -> ServiceDefinition:
    return catalog_default().latest(service_id)


def _normal(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


# --- entry into force, counted by hand from each act's rule ---------------------------------------------

# (service, the version's first day, its last day). By hand:
# 002 №62: registered 02.04.2019; "по истечении десяти календарных дней после дня первого официального
#   опубликования": 03.04-12.04 pass, in force 13.04.2019. №156 (wording of S04, S06, S12, S15), dated 28.06.2019,
#   no registration date given: 29.06-08.07 pass, 09.07.2019. Repeal №120 of 01.06.2020 "со дня первого
#   официального опубликования": in force 01.06.2020 at the earliest, so the last day is 31.05.2020.
# 003 №55/04: registered 26.10.2015; "алғашқы ресми жарияланған күнінен кейін он күнтізбелік күн өткен соң":
#   27.10-05.11 pass, 06.11.2015. Repeal №37/03 of 30.05.2016, same rule: 31.05-09.06 pass, last day 09.06.2016.
# 001 №332 of 31.12.2015, no registration date: 01.01-10.01.2016 pass, 11.01.2016. Repeal №189 of 20.08.2020,
#   same rule: 21.08-30.08 pass, in force 31.08.2020, last day 30.08.2020.
# 000 №153 of 30.06.2015 and 004 №39/2 of 19.02.2016 state no rule: the act's own date.
PERIODS = [
    ("wko-2019-guardianship-certificates", D(2019, 4, 13), D(2020, 5, 31)),
    ("wko-2019-camp-referrals", D(2019, 7, 9), D(2020, 5, 31)),
    ("wko-2019-school-transport", D(2019, 7, 9), D(2020, 5, 31)),
    ("karaganda-2015-targeted-social-assistance", D(2015, 11, 6), D(2016, 6, 9)),
    ("jambyl-2015-patronat-placement", D(2016, 1, 11), D(2020, 8, 30)),
    ("wko-2015-patronat-payment", D(2015, 6, 30), None),
    ("pavlodar-2016-preschool-queue", D(2016, 2, 19), None),
]


@pytest.mark.parametrize(("service_id", "first_day", "last_day"), PERIODS)
def test_a_version_runs_from_its_wording_s_entry_into_force_to_the_day_before_the_repeal(
    service_id: str, first_day: dt.date, last_day: dt.date | None
) -> None:
    definition = _definition(service_id)
    assert (definition.effective_from, definition.effective_to) == (first_day, last_day)


@pytest.mark.parametrize(
    ("service_id", "counted_from", "rule_start"),
    [
        ("wko-2019-guardianship-certificates", "registration", "Настоящее постановление вводится в действие"),
        ("karaganda-2015-child-allowance", "registration", "Осы қаулы алғашқы ресми жарияланған"),
        ("jambyl-2015-adoption-candidates", "act_date", "Осы қаулы әділет органдарында"),
        ("wko-2015-patronat-payment", "act_date", None),
    ],
)
def test_every_entry_into_force_is_approximate_and_quotes_the_rule(
    service_id: str, counted_from: str, rule_start: str | None
) -> None:
    force = _definition(service_id).source.act.entry_into_force
    assert force is not None
    assert force.approximate is True  # no seed gives a publication date
    assert force.counted_from == counted_from
    assert (force.rule or None) is None if rule_start is None else (force.rule or "").startswith(rule_start)


def test_the_amended_wording_names_its_act_and_rule() -> None:
    wording = _definition("wko-2019-guardianship-establishment").source.wording
    assert wording is not None and wording.entry_into_force is not None
    assert (wording.number, wording.date, wording.entry_into_force.date) == ("156", D(2019, 6, 28), D(2019, 7, 9))
    assert _definition("wko-2019-guardianship-certificates").source.wording is None


def test_every_rule_quoted_is_written_in_the_seed(seeds_dir: Path) -> None:
    for definition in catalog_default().definitions:
        seed = _normal((seeds_dir / definition.source.seed).read_text(encoding="utf-8"))
        acts = [definition.source.act, definition.source.act.repealed_by, definition.source.wording]
        for act in acts:
            if act is not None and act.entry_into_force is not None and act.entry_into_force.rule:
                assert _normal(act.entry_into_force.rule) in seed, definition.id


def _changed(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_a_date_the_rule_does_not_give_is_refused() -> None:
    # given: Karaganda counted from the registration (26.10.2015) gives 06.11.2015, not 05.11.2015
    path = REGULATIONS_DIR / "karaganda" / "karaganda-2015-child-allowance.yaml"
    text = _changed(path.read_text(encoding="utf-8"), "      date: 2015-11-06\n", "      date: 2015-11-05\n")

    # then
    problems = [str(p) for p in load_text(text, "svc.yaml").problems]
    assert any("the rule counted from 2015-10-26 gives 2015-11-06, not 2015-11-05" in p for p in problems), problems


def test_a_version_cannot_start_before_its_act_entered_into_force() -> None:
    path = REGULATIONS_DIR / "karaganda" / "karaganda-2015-child-allowance.yaml"
    text = _changed(path.read_text(encoding="utf-8"), "effective_from: 2015-11-06\n", "effective_from: 2015-09-22\n")
    problems = [str(p) for p in load_text(text, "svc.yaml").problems]
    assert any("effective_from is before the wording entered into force, 2015-11-06" in p for p in problems)


def _wording_of_a_later_act(text: str) -> str:
    """The Karaganda regulation as if a (hypothetical) resolution №99 of 20.01.2016, registered 01.02.2016,
    gave it a new wording with the same ten-day rule: 02.02-11.02 pass, in force 12.02.2016."""
    wording = (
        "  wording:\n"
        "    body: \"Қарағанды облысының әкімдігі\"\n"
        "    kind: \"қаулы\"\n"
        "    number: \"99\"\n"
        "    date: 2016-01-20\n"
        "    registration: {number: \"9999\", date: 2016-02-01}\n"
        "    entry_into_force:\n"
        "      date: 2016-02-12\n"
        "      approximate: true\n"
        "      rule: \"Осы қаулы алғашқы ресми жарияланған күнінен кейін он күнтізбелік күн өткен соң "
        "қолданысқа енгізіледі.\"\n"
        "      counted_from: registration\n"
    )
    text = _changed(text, "  quote_start:", wording + "  quote_start:")
    text = _changed(text, "effective_from: 2015-11-06\n", "effective_from: 2016-02-12\n")
    return _changed(text, "version: 1\n", "version: 2\n")


@pytest.mark.django_db
def test_the_version_in_force_at_filing_is_chosen_by_the_entry_into_force_dates() -> None:
    # given: version 1 (06.11.2015-09.06.2016) and a later wording in force from 12.02.2016
    path = REGULATIONS_DIR / "karaganda" / "karaganda-2015-child-allowance.yaml"
    now = datetime(2026, 9, 1, 4, 0, tzinfo=UTC)
    first = load_text(path.read_text(encoding="utf-8"), str(path))
    second = load_text(_wording_of_a_later_act(path.read_text(encoding="utf-8")), "v2.yaml")
    assert first.definition is not None and second.problems == () and second.definition is not None
    version_load(definition=first.definition, now=now)
    version_load(definition=second.definition, now=now)

    # then
    service = "karaganda-2015-child-allowance"
    assert version_in_force(service, D(2015, 11, 6)).version == 1  # the act's first day
    assert version_in_force(service, D(2016, 2, 11)).version == 1  # the day before the new wording
    assert version_in_force(service, D(2016, 2, 12)).version == 2  # the new wording's first day
    assert version_in_force(service, D(2016, 6, 9)).version == 2


# --- every field the text gives ----------------------------------------------------------------------------

# The Standard's state registration as each seed cites it: 000 p.1 and 002 p.1 ("№ 11184"), 001 p.1 ("№ 12366"),
# 003 (preamble and p.1, "№ 11342"); 004 cites order №172 without a registration.
@pytest.mark.parametrize(
    ("service_id", "number"),
    [
        ("wko-2015-patronat-payment", "11184"),
        ("wko-2019-school-meals", "11184"),
        ("jambyl-2015-adoption-candidates", "12366"),
        ("karaganda-2015-unemployed-certificate", "11342"),
        ("pavlodar-2016-preschool-queue", None),
    ],
)
def test_the_standard_s_registration_number_is_recorded(service_id: str, number: str | None) -> None:
    standard = _definition(service_id).source.standard
    assert standard is not None
    assert (standard.registration.number if standard.registration else None) == number


def test_the_visit_permission_cites_the_standard_with_its_justice_registration_date() -> None:
    # 002, S14 p.1: "зарегистрирован в Министерстве юстиции Республики Казахстан 26 мая 2015 года № 11184"
    standard = _definition("wko-2019-parent-visit-permission").source.standard
    assert standard is not None and standard.registration is not None
    assert (standard.registration.number, standard.registration.date) == ("11184", D(2015, 5, 26))


# p.4 ("Основанием … заявление … по форме согласно приложению N Стандарта" / "Стандарттың 1-қосымшасына сәйкес
# нысан бойынша өтініш"); the portal's e-application cites no appendix.
APPLICATION_FORMS = {
    "wko-2019-camp-referrals": {
        "provider_office": "Standard app. 1", "state_corporation": "Standard app. 1", "portal": None,
    },
    "wko-2019-guardianship-establishment": {"state_corporation": "Standard app. 2", "portal": None},
    "wko-2019-guardian-allowance": {"state_corporation": "Standard app. 2", "portal": None},
    "wko-2019-school-meals": {"provider_office": "Standard app. 2", "portal": None},
    "wko-2019-foster-family-placement-payment": {"provider_office": "Standard app. 3", "portal": None},
    "karaganda-2015-child-allowance": {
        "state_corporation": "Standard app. 1", "provider_office": "Standard app. 1", "rural_akim": "Standard app. 1",
    },
}


@pytest.mark.parametrize("service_id", sorted(APPLICATION_FORMS))
def test_each_channel_names_the_application_form_the_text_gives(service_id: str) -> None:
    definition = _definition(service_id)
    assert {c.code.value: c.application_form for c in definition.channels} == APPLICATION_FORMS[service_id]


def test_the_result_presentation_form_is_recorded_where_stated() -> None:
    # 003 S17 p.3 "нәтижесін ұсыну нысаны: қағаз түрінде"; 000 p.4 "электрондық және (немесе) қағаз түрінде"
    karaganda = _definition("karaganda-2015-targeted-social-assistance").result_presentation
    wko = _definition("wko-2015-patronat-payment").result_presentation
    assert karaganda is not None and [f.value for f in karaganda.forms] == ["paper"]
    assert wko is not None and [f.value for f in wko.forms] == ["electronic", "paper"]


def test_no_source_note_claims_the_schema_lacks_a_field_it_has() -> None:
    claims = ("no registration field", "no field for the application form", "has no field for the result")
    for definition in catalog_default().definitions:
        for note in definition.source_notes:
            assert not any(claim in note.reconciliation for claim in claims), (definition.id, note.topic)


# --- outcome bases -------------------------------------------------------------------------------------------


def test_every_outcome_records_its_basis_and_every_quote_is_the_seed_s(seeds_dir: Path) -> None:
    for definition in catalog_default().definitions:
        seed = _normal((seeds_dir / definition.source.seed).read_text(encoding="utf-8"))
        for rule in definition.outcomes:
            assert rule.basis is not None, definition.id
            if rule.basis.quote:
                assert _normal(rule.basis.quote) in seed, (definition.id, rule.outcome)


@pytest.mark.parametrize(
    ("service_id", "outcome", "kind", "reference"),
    [
        # 002 S05 p.3 names both: "справка … либо мотивированный ответ об отказе … пунктом 10 Стандарта"
        ("wko-2019-guardianship-certificates", "refused", BasisKind.REGULATION, "Regulation p.3"),
        # 000 p.3 names only the decision: the refusal rests on the Standard's refusal clause
        ("wko-2015-patronat-payment", "issued", BasisKind.REGULATION, "Regulation p.3"),
        ("wko-2015-patronat-payment", "refused", BasisKind.STANDARD, "Standard p.10"),
        # 003 S19 p.3 names only the certificate
        ("karaganda-2015-assistance-status-certificate", "refused", BasisKind.STANDARD, "Standard p.10"),
        # 003 S17 p.3: "тағайындау (тағайындаудан бас тарту) туралы хабарлама"
        ("karaganda-2015-targeted-social-assistance", "refused", BasisKind.REGULATION, "Regulation p.3"),
    ],
)
def test_an_outcome_s_basis_is_the_regulation_s_words_or_the_standard(
    service_id: str, outcome: str, kind: BasisKind, reference: str
) -> None:
    rule = next(r for r in _definition(service_id).outcomes if r.outcome.value == outcome)
    assert rule.basis is not None
    assert (rule.basis.kind, rule.basis.reference) == (kind, reference)


# --- Standard p.9 / p.10 ----------------------------------------------------------------------------------


def test_the_standard_s_lists_are_empty_with_their_source_as_the_seeds_do_not_reproduce_them() -> None:
    for definition in catalog_default().definitions:
        assert definition.documents_required is not None and definition.refusal_grounds is not None
        assert (definition.documents_required.items, definition.documents_required.source) == ([], "Standard p.9")
        assert (definition.refusal_grounds.items, definition.refusal_grounds.source) == ([], "Standard p.10")


def test_a_definition_without_the_standard_s_lists_is_refused() -> None:
    path = REGULATIONS_DIR / "west-kazakhstan" / "wko-2015-patronat-payment.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["refusal_grounds"]
    problems = [str(p) for p in load_text(yaml.safe_dump(data, allow_unicode=True), "svc.yaml").problems]
    assert any("'refusal_grounds' is missing" in p for p in problems), problems


def test_the_standard_lists_and_result_form_quote_the_seed(seeds_dir: Path) -> None:
    for definition in catalog_default().definitions:
        seed = _normal((seeds_dir / definition.source.seed).read_text(encoding="utf-8"))
        quotes = [
            definition.documents_required.quote if definition.documents_required else None,
            definition.refusal_grounds.quote if definition.refusal_grounds else None,
            definition.result_presentation.quote if definition.result_presentation else None,
        ]
        for quote in quotes:
            assert quote is None or _normal(quote) in seed, definition.id


def test_a_version_cannot_outlast_the_repeal() -> None:
    # WKO №120 of 01.06.2020 takes effect "со дня первого официального опубликования": the last day is 31.05.2020
    path = REGULATIONS_DIR / "west-kazakhstan" / "wko-2019-school-meals.yaml"
    text = _changed(path.read_text(encoding="utf-8"), "effective_to: 2020-05-31\n", "effective_to: 2020-06-01\n")
    problems = [str(p) for p in load_text(text, "svc.yaml").problems]
    assert any("effective_to is at the latest the day before it took effect, 2020-05-31" in p for p in problems)


def test_the_importer_drafts_the_same_entry_into_force_record(seeds_dir: Path) -> None:
    name = "003_f227f3f40e973d3f.txt"
    (first, *_) = import_act((seeds_dir / name).read_text(encoding="utf-8").replace("\xa0", " "), seed=name)
    assert first["source"]["act"]["entry_into_force"] == {
        "date": "2015-11-06", "approximate": True, "counted_from": "registration",
        "rule": "алғашқы ресми жарияланған күнінен кейін он күнтізбелік күн өткен соң",
    }
