"""`qyzmet catalog import` and `compare`: the drafts follow the text, and match the curated catalogue.

Expected values come from the seed texts (read by hand, see docs/seed-inventory.md) and from the
mutations each test makes to them; the curated catalogue is the reference for the overall score.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qyzmet.catalog.importer import import_act
from qyzmet.catalog.importer.compare import compare_definitions, compare_paths, load_definitions
from qyzmet.catalog.importer.durations import durations_in, number_from_words, step_duration
from tests.conftest import SEEDS_DIR

SEEDS = SEEDS_DIR
CATALOGUE = Path(__file__).resolve().parents[2] / "src" / "qyzmet" / "catalog" / "regulations"
WKO_2019 = "002_00054b1e3eac58b3.txt"
WKO_2015 = "000_0d535cbd69033c45.txt"
MEALS = (
    "Предоставление бесплатного и льготного питания отдельным категориям обучающихся и воспитанников "
    "в общеобразовательных школах"
)

def _text(name: str) -> str:
    # The texts use no-break spaces here and there; the mutations below are written with plain ones.
    return (SEEDS / name).read_text(encoding="utf-8").replace("\xa0", " ")


def _in_meals(text: str, old: str, new: str) -> str:
    """Replace `old` once, in the school-meals regulation (another regulation repeats some wordings)."""
    start = text.index(f"1. Государственная услуга \"{MEALS}\"")
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old) :]


def _draft(drafts: list[dict[str, Any]], title: str) -> dict[str, Any]:
    return next(d for d in drafts if next(iter(d["title"].values())) == title)


def _back_office(draft: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (s["role"], s["organization"], (s["duration"] or {}).get("value"), (s["duration"] or {}).get("unit"))
        for s in draft["procedures"]["back_office"]["steps"]
    ]


# --- durations, in digits and in words -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("в течение 15 (пятнадцати) минут осуществляет прием", 15, "minutes"),
        ("в течение 1 (одного) рабочего дня подписывает", 1, "working_days"),
        ("проверка наличия данных (в течение 2-х минут)", 2, "minutes"),
        ("сообщения (в течение 1-й минуты)", 1, "minutes"),
        ("регистрация в АРМ РШЭП (в течение 5-и минут)", 5, "minutes"),
        ("құжаттарды қабылдау және тіркеу (30 минуттан аспайды)", 30, "minutes"),
        ("жауапты орындаушыға жолдау (2 күнтізбелік күннен аспайды)", 2, "calendar_days"),
        ("басшысы 1 (бір) жұмыс күні ішінде бұрыштама қояды", 1, "working_days"),
        ("кеңсе қызметкері 15 (он бес) минут ішінде", 15, "minutes"),
        ("в течение пяти рабочих дней рассматривает", 5, "working_days"),
        ("в течение двадцати пяти минут", 25, "minutes"),
        ("он екі жұмыс күні ішінде", 12, "working_days"),
        ("в течение 12 (двенадцати) календарных дней", 12, "calendar_days"),
    ],
)
def test_a_duration_is_read_in_digits_and_in_words(text: str, value: int, unit: str) -> None:
    found = step_duration(text)
    assert found is not None
    assert (found.value, found.unit) == (value, unit)


def test_the_last_duration_of_a_step_is_its_own_and_text_without_one_has_none() -> None:
    assert step_duration("руководитель услугодателя накладывает резолюцию") is None
    found = durations_in("с момента подачи в течение 2 (двух) рабочих дней, затем в течение 15 (пятнадцати) минут")
    assert [(d.value, d.unit) for d in found] == [(2, "working_days"), (15, "minutes")]
    assert number_from_words("пятнадцати") == 15
    assert number_from_words("он бес") == 15
    assert number_from_words("документы") is None


# --- the seed acts against the curated catalogue -------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "count"),
    [  # the inventory's "Services" column
        ("000_0d535cbd69033c45.txt", 1),
        ("001_75a6956d28bc5ce6.txt", 2),
        ("002_00054b1e3eac58b3.txt", 13),
        ("003_f227f3f40e973d3f.txt", 9),
        ("004_bc563dbca9acc339.txt", 1),
    ],
)
def test_every_regulation_of_each_seed_act_is_found(seed: str, count: int) -> None:
    drafts = import_act(_text(seed), seed=seed)
    assert len(drafts) == count
    assert len({d["id"] for d in drafts}) == count


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("drafts")
    for seed in sorted(SEEDS.glob("*.txt")):
        result = subprocess.run(
            [sys.executable, "-m", "qyzmet.cli", "catalog", "import", str(seed), "--out", str(folder)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    return folder


def test_the_drafts_of_the_five_acts_match_the_curated_catalogue(drafted: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "qyzmet.cli", "catalog", "compare", str(CATALOGUE), str(drafted), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["missing"] == []
    assert report["found"] == 26
    assert report["steps"] == 503  # every step of every procedure, intake and delivery list in the catalogue
    assert report["score"] >= 0.95


def test_a_draft_lists_what_it_could_not_determine(drafted: Path) -> None:
    drafts = load_definitions(drafted)
    for data in drafts.values():
        paths = {entry["path"] for entry in data["needs_review"]}
        assert "documents" in paths and "outcomes" in paths  # not read yet: said, not guessed
        for entry in data["needs_review"]:
            assert entry["reason"]
    jambyl = next(d for d in drafts.values() if d["source"]["seed"].startswith("001"))
    # Jambyl's procedure steps name no actor: the role comes from the later list, and is flagged.
    assert _back_office(jambyl)[0] == ("office_clerk", "provider", 30, "minutes")


def test_compare_names_each_differing_field() -> None:
    reference = load_definitions(CATALOGUE / "west-kazakhstan" / "wko-2019-school-meals.yaml")
    definition = next(iter(reference.values()))
    changed = json.loads(json.dumps(definition, default=str))
    changed["procedures"]["back_office"]["steps"][2]["duration"] = {"value": 4, "unit": "calendar_days"}
    changed["procedures"]["back_office"]["steps"][3]["role"] = "executor"
    comparison = compare_definitions(definition, changed)
    paths = {d.path: (d.expected, d.found) for d in comparison.differences}
    assert paths["procedures.back_office[2].duration.value"] == (3, 4)
    assert paths["procedures.back_office[2].duration.unit"] == ("working_days", "calendar_days")
    assert paths["procedures.back_office[3].role"] == ("head", "executor")
    assert comparison.steps_right == comparison.steps - 2
    assert compare_definitions(definition, definition).score == 1.0


# --- mutations: the draft follows the text, not the catalogue ------------------------------------


def _meals(text: str) -> dict[str, Any]:
    return _draft(import_act(text, seed=WKO_2019), MEALS)


def test_other_durations_in_digits_and_words_are_followed() -> None:
    original = _text(WKO_2019)
    assert _back_office(_meals(original))[0][2:] == (15, "minutes")
    step_one = "в течение 15 (пятнадцати) минут осуществляет прием, регистрацию и направляет их на резолюцию"
    step_three = "в течение 3 (трех) рабочих дней проверяет представленные документы"
    text = _in_meals(original, step_one, step_one.replace("15 (пятнадцати) минут", "2 (двух) рабочих дней"))
    text = _in_meals(text, step_three, step_three.replace("3 (трех) рабочих дней", "семи календарных дней"))
    steps = _back_office(_meals(text))
    assert steps[0][2:] == (2, "working_days")
    assert steps[2][2:] == (7, "calendar_days")


def test_other_roles_are_followed() -> None:
    original = _text(WKO_2019)
    sign = "4) руководитель услугодателя в течение 1 (одного) рабочего дня подписывает справку"
    executor = sign.replace("руководитель услугодателя", "ответственный исполнитель услугодателя")
    text = _in_meals(original, sign, executor)
    assert _back_office(_meals(text))[3][:2] == ("executor", "provider")
    assert _back_office(_meals(original))[3][:2] == ("head", "provider")


def test_a_removed_step_is_gone_and_the_others_keep_their_facts() -> None:
    original = _text(WKO_2019)
    resolution = (
        "2) руководитель услугодателя осуществляет ознакомление с поступившими документами и отправляет "
        "ответственному исполнителю услугодателя на исполнение в течение 1 (одного) рабочего дня;"
    )
    steps = _back_office(_meals(_in_meals(original, resolution, "")))
    assert steps == [
        ("office_clerk", "provider", 15, "minutes"),
        ("executor", "provider", 3, "working_days"),
        ("head", "provider", 1, "working_days"),
        ("office_clerk", "provider", 30, "minutes"),
    ]


def test_regulations_in_another_order_come_out_in_that_order() -> None:
    original = _text(WKO_2019)
    stamp = "\tУтвержден"
    head, *bodies = original.split(stamp)
    assert len(bodies) >= 13
    reordered = head + stamp + stamp.join([*bodies[::-1]])
    titles = [next(iter(d["title"].values())) for d in import_act(original, seed=WKO_2019)]
    reordered_titles = [next(iter(d["title"].values())) for d in import_act(reordered, seed=WKO_2019)]
    assert sorted(titles) == sorted(reordered_titles)
    assert reordered_titles == titles[::-1]


def test_a_kazakh_text_is_followed_too() -> None:
    original = _text(WKO_2015)
    head_step = "басшысы 1 (бір) жұмыс күні ішінде бұрыштама қояды"
    assert original.count(head_step) == 1
    changed = original.replace(head_step, "басшысы 2 (екі) күнтізбелік күн ішінде бұрыштама қояды")
    (draft,) = import_act(changed, seed=WKO_2015)
    assert _back_office(draft)[1] == ("head", "provider", 2, "calendar_days")
    assert draft["source"]["language"] == "kk"


def test_compare_of_folders_reports_a_service_with_no_draft(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir()
    comparisons, missing = compare_paths(CATALOGUE / "west-kazakhstan" / "wko-2019-school-meals.yaml", folder)
    assert comparisons == [] and len(missing) == 1


def test_import_of_a_missing_file_is_a_clean_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "qyzmet.cli", "catalog", "import", str(tmp_path / "none.txt")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "no such file" in result.stderr


# --- the legal source, from the act's head -------------------------------------------------------


def test_the_legal_source_and_entry_into_force_are_read_from_the_act() -> None:
    (first, *_) = import_act(_text(WKO_2019), seed=WKO_2019)
    act = first["source"]["act"]
    # "Постановление акимата … от 29 марта 2019 года № 62. Зарегистрировано … 2 апреля 2019 года № 5599.
    #  Утратило силу постановлением … от 01.06.2020 № 120"
    assert (act["number"], act["date"]) == ("62", "2019-03-29")
    assert act["registration"] == {"number": "5599", "date": "2019-04-02"}
    assert act["repealed_by"] == {"number": "120", "date": "2020-06-01"} and act["status"] == "repealed"
    assert first["source"]["standard"] == {"number": "198", "date": "2015-04-13"}
    # "вводится в действие по истечении десяти календарных дней после дня первого официального опубликования":
    # published on 2 April 2019 at the earliest, the ten days 3–12 April pass, in force on 13 April.
    assert first["effective_from"] == "2019-04-13"
    reasons = {entry["path"]: entry["reason"] for entry in first["needs_review"]}
    assert reasons["effective_from"].startswith("approximate")


def test_a_kazakh_act_head_and_a_stand_alone_regulation() -> None:
    (karaganda, *_) = import_act(_text("003_f227f3f40e973d3f.txt"), seed="003_f227f3f40e973d3f.txt")
    act = karaganda["source"]["act"]
    # "2015 жылғы 22 қыркүйектегі № 55/04 қаулысы … 2015 жылғы 26 қазанда № 3462 болып тіркелді"
    assert (act["number"], act["date"]) == ("55/04", "2015-09-22")
    assert act["registration"] == {"number": "3462", "date": "2015-10-26"}
    assert karaganda["effective_from"] == "2015-11-06"  # 26 October + ten calendar days + 1
    (wko,) = import_act(_text(WKO_2015), seed=WKO_2015)
    assert wko["source"]["act"] == {"number": "153", "date": "2015-06-30"}  # "2015 жылғы 30 маусымдағы №153"
    assert "effective_from" not in wko  # the regulation alone states no rule: said, not guessed
    assert any(entry["path"] == "effective_from" for entry in wko["needs_review"])
