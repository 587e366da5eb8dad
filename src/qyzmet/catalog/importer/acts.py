"""The legal source of a regulation, read from the act's head: the approving act, its state registration,
its repeal, the Standard it implements, and when it entered into force.

Dates are written "от 29 марта 2019 года", "2015 жылғы 22 қыркүйектегі", "2016 жылғы «19» ақпандағы",
"30.05.2016"; numbers "№ 62", "№55/04", "№ 37 /03". Entry into force follows the act's own rule
("по истечении десяти календарных дней после дня его первого официального опубликования"): the
earliest day the text allows, counting from the state registration (the earliest possible publication),
and marked approximate because the publication date is not in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from qyzmet.catalog.importer.durations import number_from_words

_RU_MONTHS = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр")
_KK_MONTHS = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан")
_NUMBER = r"№\s*(?P<number>\d+(?:\s*/\s*\d+)?)"
_RU_DATE = r"(?P<day>\d{1,2})\s+(?P<month>[а-я]+)\s+(?P<year>\d{4})\s+года"
_KK_DATE = r"(?P<year>\d{4})\s+жыл(?:ғы|ы)\s+[«\"]?(?P<day>\d{1,2})[»\"]?\s+(?P<month>[а-яәіңғүұқөһ]+)"
_DOTTED = r"(?P<day>\d{2})\.(?P<month>\d{2})\.(?P<year>\d{4})"


@dataclass(frozen=True)
class ActFound:
    number: str
    date: date | None


def _month(word: str) -> int | None:
    word = word.lower()
    for index, stem in enumerate(_KK_MONTHS):
        if word.startswith(stem):
            return index + 1
    for index, stem in enumerate(_RU_MONTHS):
        if word.startswith(stem) and (stem != "ма" or word in ("мая", "май")):
            return index + 1
    return None


def _date(match: re.Match[str]) -> date | None:
    month_text = match.group("month")
    month = int(month_text) if month_text.isdigit() else _month(month_text)
    if month is None:
        return None
    try:
        return date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None


def _number(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _flat(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def _found(pattern: str, text: str) -> ActFound | None:
    match = re.search(pattern, text, re.IGNORECASE)
    if match is None:
        return None
    return ActFound(number=_number(match.group("number")), date=_date(match))


def approving_act(head: str) -> ActFound | None:
    """The act that approves the regulations (its number and date), from the head of the act's text."""
    text = _flat(head)
    return (
        _found(rf"Постановление\s+акимата\s+[^.]{{0,80}}?от\s+{_RU_DATE}\s+{_NUMBER}", text)
        or _found(rf"{_KK_DATE}\w*\s+{_NUMBER}\s+қаулы", text)
        or _found(rf"{_KK_DATE}\w*\s*{_NUMBER}\s+[^.]{{0,80}}?қаулы", text)
    )


def registration(head: str) -> ActFound | None:
    text = _flat(head)
    return _found(rf"Зарегистрирован\w*\s+[^.]{{0,120}}?{_RU_DATE}\s+{_NUMBER}", text) or _found(
        rf"Әділет\s+департамент\w*\s+{_KK_DATE}\w*\s+{_NUMBER}\s+болып\s+тіркелді", text
    )


def repeal(head: str) -> ActFound | None:
    text = _flat(head)
    return _found(rf"Утратило\s+силу\s+постановлением\s+[^.]{{0,80}}?от\s+{_DOTTED}\s+{_NUMBER}", text) or _found(
        rf"Күші\s+жойылды\s*-\s*[^.]{{0,80}}?{_DOTTED}\s+{_NUMBER}", text
    )


def standard(body: str) -> ActFound | None:
    """The Standard the regulation implements: the first order ("приказ", "бұйрық") its general part cites."""
    text = _flat(body)
    return _found(rf"от\s+{_RU_DATE}\s+{_NUMBER}", text[: text.find("Стандарт") + 2000]) or _found(
        rf"{_KK_DATE}\w*\s*{_NUMBER}\s+[^.]{{0,400}}?бұйрығ", text
    )


_FORCE = (
    r"по\s+истечении\s+(?P<days>[а-я]+|\d+)\s+календарных\s+дней\s+после\s+дня\s+(?:его\s+)?первого\s+официального\s+опубликования",
    r"алғашқы\s+ресми\s+жарияланған\s+күнінен\s+кейін\s+(?:күнтізбелік\s+)?(?P<days>[а-яәіңғүұқөһ]+|\d+)\s+(?:күнтізбелік\s+)?күн\s+өткен\s+соң",
    # "from the day of its first official publication": in force on the publication day itself
    r"вводится\s+в\s+действие\s+со\s+дня\s+(?:его\s+)?первого\s+официального\s+опубликования",
    r"алғашқы\s+ресми\s+жарияланған\s+күнінен\s+бастап\s+қолданысқа\s+енгізіледі",
)


def entry_into_force(text: str, *, earliest_publication: date | None) -> tuple[date | None, str | None]:
    """The earliest day the act's own rule allows, and the rule as written (None, None if it states none)."""
    flat = _flat(text)
    for pattern in _FORCE:
        match = re.search(pattern, flat, re.IGNORECASE)
        if match is None:
            continue
        written = match.groupdict().get("days")
        if written is None:
            return earliest_publication, match.group(0)
        days = int(written) if written.isdigit() else number_from_words(written)
        if days is None or earliest_publication is None:
            return None, match.group(0)
        # "after the expiry of N days after the day of publication": the days P+1 … P+N pass, in force on P+N+1.
        return earliest_publication + timedelta(days=days + 1), match.group(0)
    return None, None


def legal_source(act_text: str, body: str) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """`source.act`, `source.standard` and `effective_from` as far as the text gives them, and what to review."""
    head = act_text[:6000]
    review: list[dict[str, str]] = []
    act = approving_act(head)
    registered = registration(head)
    repealed = repeal(head)
    found: dict[str, Any] = {}
    if act is None:
        review.append({"path": "source.act", "reason": "the approving act's number and date were not found at its head"})
    else:
        if re.search(r"өзгеріс\w*\s+енгізу|внесении\s+изменени", _flat(head[:3000]), re.IGNORECASE):
            review.append({
                "path": "source.act",
                "reason": "the act amends another act: the number read may be the amended act's, not this wording's",
            })
        found["act"] = {"number": act.number, "date": act.date.isoformat() if act.date else None}
        if registered is not None:
            found["act"]["registration"] = {
                "number": registered.number,
                "date": registered.date.isoformat() if registered.date else None,
            }
        if repealed is not None:
            found["act"]["status"] = "repealed"
            found["act"]["repealed_by"] = {
                "number": repealed.number,
                "date": repealed.date.isoformat() if repealed.date else None,
            }
    implemented = standard(body)
    if implemented is None:
        review.append({"path": "source.standard", "reason": "the Standard's order was not found in the general part"})
    else:
        found["standard"] = {"number": implemented.number, "date": implemented.date.isoformat() if implemented.date else None}
    earliest = (registered.date if registered else None) or (act.date if act else None)
    # The act's own rule is among its numbered clauses ("ПОСТАНОВЛЯЕТ: … 4. Настоящее постановление вводится …"),
    # not in the editors' notes on its repeal or amendments above them.
    decree = re.search(r"ПОСТАНОВЛЯЕТ|ҚАУЛЫ\s+ЕТЕДІ", head)
    effective, rule = entry_into_force(head[decree.end():] if decree else "", earliest_publication=earliest)
    if effective is not None:
        found["effective_from"] = effective.isoformat()
        if "act" in found:  # the same record the catalogue keeps and its lint recounts (ADR 0025)
            found["act"]["entry_into_force"] = {
                "date": effective.isoformat(), "approximate": True, "rule": rule,
                "counted_from": "registration" if registered is not None and registered.date else "act_date",
            }
        review.append({
            "path": "effective_from",
            "reason": f"approximate: the earliest day «{rule}» allows counting from {earliest}; the publication date is not in the text",
        })
    else:
        review.append({"path": "effective_from", "reason": "the act states no rule of entry into force the importer reads"})
    return found, review
