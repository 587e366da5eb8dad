"""Maximum durations as the regulations write them, in digits and in words, Kazakh and Russian.

"в течение 15 (пятнадцати) минут", "1 (бір) жұмыс күні ішінде", "(в течение 2-х минут)",
"30 минуттан аспайды", "пятнадцати минут", "он бес минут": each gives a value and a unit of the
catalogue schema. The last duration of a step's text is the step's own: a step sometimes names
another period first ("с момента подачи … в течение 15 минут").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Number words in the forms the texts use them (nominative and the genitive of "в течение").
_RU_UNITS = {
    "одного": 1, "одной": 1, "один": 1, "одна": 1, "двух": 2, "два": 2, "две": 2, "трех": 3, "трёх": 3, "три": 3,
    "четырех": 4, "четырёх": 4, "четыре": 4, "пяти": 5, "пять": 5, "шести": 6, "шесть": 6, "семи": 7, "семь": 7,
    "восьми": 8, "восемь": 8, "девяти": 9, "девять": 9, "десяти": 10, "десять": 10, "одиннадцати": 11,
    "двенадцати": 12, "тринадцати": 13, "четырнадцати": 14, "пятнадцати": 15, "пятнадцать": 15,
    "шестнадцати": 16, "семнадцати": 17, "восемнадцати": 18, "девятнадцати": 19,
}
_RU_TENS = {"двадцати": 20, "двадцать": 20, "тридцати": 30, "тридцать": 30, "сорока": 40, "сорок": 40,
            "пятидесяти": 50, "шестидесяти": 60}
_KK_UNITS = {"бір": 1, "екі": 2, "үш": 3, "төрт": 4, "бес": 5, "алты": 6, "жеті": 7, "сегіз": 8, "тоғыз": 9}
_KK_TENS = {"он": 10, "жиырма": 20, "отыз": 30, "қырық": 40, "елу": 50, "алпыс": 60}

_UNIT_WORDS: tuple[tuple[str, str], ...] = (
    (r"рабоч\w*\s+(?:дн\w*|день)", "working_days"),
    (r"календарн\w*\s+(?:дн\w*|день)", "calendar_days"),
    (r"жұмыс\s+күн\w*", "working_days"),
    (r"күнтізбелік\s+күн\w*", "calendar_days"),
    (r"минут\w*", "minutes"),
    (r"час(?:а|ов)?\b", "hours"),
    (r"сағат\w*", "hours"),
    (r"(?<!\w)(?:дн(?:я|ей)|день)\b", "calendar_days"),
    (r"(?<!\w)күн(?:нен|ге|і)?\b", "calendar_days"),
)
_UNIT = "|".join(f"(?P<u{index}>{pattern})" for index, (pattern, _) in enumerate(_UNIT_WORDS))
_WORD = r"[а-яёәіңғүұқөһ]+"
_NUMBER_WORD = "|".join(sorted({*_RU_UNITS, *_RU_TENS, *_KK_UNITS, *_KK_TENS}, key=len, reverse=True))
# A number in digits ("15", "2-х", "1-й"), optionally followed by its words in brackets,
# or a number in words only; then the unit.
_DURATION = re.compile(
    rf"(?:(?P<digits>\d+)(?:\s*-\s*{_WORD})?\s*(?:\(\s*(?P<bracket>[^)]{{1,40}}?)\s*\))?|(?<!\w)(?P<words>(?:(?:{_NUMBER_WORD})\s+){{0,2}}(?:{_NUMBER_WORD})))"
    rf"\s+(?:{_UNIT})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FoundDuration:
    value: int
    unit: str
    text: str
    from_words: bool


def number_from_words(words: str) -> int | None:
    """'пятнадцати' → 15, 'он бес' → 15, 'двадцати пяти' → 25; None if these are not number words."""
    total = 0
    seen = False
    for word in words.lower().split():
        if word in _RU_UNITS:
            total += _RU_UNITS[word]
        elif word in _RU_TENS:
            total += _RU_TENS[word]
        elif word in _KK_UNITS:
            total += _KK_UNITS[word]
        elif word in _KK_TENS:
            total += _KK_TENS[word]
        else:
            return None
        seen = True
    return total if seen else None


def _unit_of(match: re.Match[str]) -> str:
    for index, (_, unit) in enumerate(_UNIT_WORDS):
        if match.group(f"u{index}"):
            return unit
    raise AssertionError("a duration match always has a unit")


def durations_in(text: str) -> list[FoundDuration]:
    """Every duration the text states, in order."""
    flat = " ".join(text.split())
    found: list[FoundDuration] = []
    for match in _DURATION.finditer(flat):
        unit = _unit_of(match)
        if match.group("digits"):
            value = int(match.group("digits"))
            from_words = False
        else:
            words = match.group("words") or ""
            # Keep only the trailing number words ("в течение пятнадцати" → "пятнадцати").
            tail: list[str] = []
            for word in reversed(words.split()):
                if number_from_words(word) is None:
                    break
                tail.insert(0, word)
            parsed = number_from_words(" ".join(tail)) if tail else None
            if parsed is None:
                continue
            value = parsed
            from_words = True
        if value <= 0:
            continue
        found.append(FoundDuration(value=value, unit=unit, text=match.group(0).strip(), from_words=from_words))
    return found


def step_duration(text: str) -> FoundDuration | None:
    """The duration of one step: the last one its text states."""
    found = durations_in(text)
    return found[-1] if found else None
