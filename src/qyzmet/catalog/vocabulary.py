"""Names of the schema's codes in Kazakh, Russian and English, in the regulations' own terms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

Names = dict[str, dict[str, str]]

ROLES: Final[Names] = {
    "applicant": {"kk": "Көрсетілетін қызметті алушы", "ru": "Услугополучатель", "en": "Applicant"},
    "office_clerk": {"kk": "Кеңсе қызметкері", "ru": "Работник канцелярии", "en": "Office clerk"},
    "head": {"kk": "Басшы", "ru": "Руководитель", "en": "Head"},
    "executor": {"kk": "Жауапты орындаушы", "ru": "Ответственный исполнитель", "en": "Responsible executor"},
    "sc_operator": {
        "kk": "Мемлекеттік корпорация қызметкері",
        "ru": "Работник Государственной корпорации",
        "en": "State Corporation operator",
    },
    "akim_office_specialist": {
        "kk": "Әкім аппаратының маманы",
        "ru": "Специалист аппарата акима",
        "en": "Akim's office specialist",
    },
    "akim": {"kk": "Ауылдық округ әкімі", "ru": "Аким сельского округа", "en": "Rural okrug akim"},
    "akimat": {"kk": "Әкімдік", "ru": "Акимат", "en": "Akimat"},
    "system": {"kk": "Ақпараттық жүйе", "ru": "Информационная система", "en": "Information system"},
}

ORGANIZATIONS: Final[Names] = {
    "applicant": {"kk": "Көрсетілетін қызметті алушы", "ru": "Услугополучатель", "en": "Applicant"},
    "provider": {"kk": "Көрсетілетін қызметті беруші", "ru": "Услугодатель", "en": "Service provider"},
    "state_corporation": {
        "kk": "Мемлекеттік корпорация",
        "ru": "Государственная корпорация",
        "en": "State Corporation",
    },
    "rural_akim": {
        "kk": "Ауылдық округ әкімінің аппараты",
        "ru": "Аппарат акима сельского округа",
        "en": "Rural okrug akim's office",
    },
    "district_akimat": {"kk": "Аудан (қала) әкімдігі", "ru": "Акимат района (города)", "en": "District (city) akimat"},
    "e_gov_portal": {"kk": "ЭҮП", "ru": "Портал", "en": "e-gov portal"},
    "e_gov_gateway": {"kk": "ЭҮШ", "ru": "ШЭП", "en": "e-gov gateway"},
    "regional_gateway": {"kk": "ЭҮАШ АЖО", "ru": "АРМ РШЭП", "en": "Regional gateway workstation"},
    "sc_information_system": {"kk": "МК БАЖ АЖО", "ru": "АРМ ИИС ГК", "en": "State Corporation workstation"},
    "state_registries": {"kk": "ЖТ МДҚ / БНАЖ", "ru": "ГБД ФЛ / ЕНИС", "en": "State registries"},
}

CHANNELS: Final[Names] = {
    "provider_office": {
        "kk": "Көрсетілетін қызметті берушінің кеңсесі",
        "ru": "Канцелярия услугодателя",
        "en": "Provider's office",
    },
    "state_corporation": {
        "kk": "Мемлекеттік корпорация",
        "ru": "Государственная корпорация",
        "en": "State Corporation",
    },
    "portal": {
        "kk": "«Электрондық үкімет» веб-порталы",
        "ru": "Веб-портал «электронного правительства»",
        "en": "e-gov portal",
    },
    "rural_akim": {
        "kk": "Кент, ауыл, ауылдық округ әкімі",
        "ru": "Аким поселка, села, сельского округа",
        "en": "Rural okrug akim",
    },
}

VERBS: Final[Names] = {
    "accept": {"kk": "Қабылдау", "ru": "Прием", "en": "Accept"},
    "register": {"kk": "Тіркеу", "ru": "Регистрация", "en": "Register"},
    "resolve": {"kk": "Бұрыштама", "ru": "Резолюция", "en": "Resolution"},
    "prepare": {"kk": "Нәтижені дайындау", "ru": "Подготовка результата", "en": "Prepare result"},
    "inspect": {"kk": "Тексеру актісі", "ru": "Акт обследования", "en": "Inspection act"},
    "sign": {"kk": "Қол қою", "ru": "Подписание", "en": "Sign"},
    "forward": {"kk": "Жолдау", "ru": "Направление", "en": "Forward"},
    "adopt": {"kk": "Қаулы қабылдау", "ru": "Принятие постановления", "en": "Adopt resolution"},
    "issue": {"kk": "Нәтижені беру", "ru": "Выдача результата", "en": "Issue result"},
    "enqueue": {"kk": "Кезекке қою", "ru": "Постановка в очередь", "en": "Put in queue"},
    "authenticate": {"kk": "Авторландыру", "ru": "Авторизация", "en": "Authenticate"},
    "fill_request": {"kk": "Сұраныс толтыру", "ru": "Заполнение запроса", "en": "Fill request"},
    "sign_request": {"kk": "Сұранысқа қол қою", "ru": "Подписание запроса", "en": "Sign request"},
    "query_registry": {"kk": "Дерекқорға сұрау", "ru": "Запрос в базу данных", "en": "Query registry"},
    "check": {"kk": "Тексеру", "ru": "Проверка", "en": "Check"},
    "notify_refusal": {"kk": "Бас тарту хабарламасы", "ru": "Сообщение об отказе", "en": "Refusal message"},
    "send": {"kk": "Жолдау (ЭҮШ)", "ru": "Отправка (ШЭП)", "en": "Send via gateway"},
    "receive_result": {"kk": "Нәтижені алу", "ru": "Получение результата", "en": "Receive result"},
}



# --- rules as data (ADR 0024): what the engine does for each code ----------------------------------------


@dataclass(frozen=True)
class VerbMeaning:
    """What a step's verb (`does`) means to the engine and the lint. Every verb of the schema has one."""

    signs: bool = False  # whoever completes the step signs every unsigned result document
    delivers: bool = False  # the step hands the result over (to the place the channel's result_delivery names)
    ends_with_refusal: bool = False  # a refusal message: the case ends with no result, no decision needed
    may_decide: bool = False  # a step with this verb may be the deciding step
    checks: bool = False  # a check: its branches are taken on success / failure


VERB_MEANINGS: Final[dict[str, VerbMeaning]] = {
    "accept": VerbMeaning(checks=True),  # the State Corporation's acceptance may branch on a complete package
    "register": VerbMeaning(),
    "resolve": VerbMeaning(),
    "prepare": VerbMeaning(may_decide=True),
    "inspect": VerbMeaning(),
    "sign": VerbMeaning(signs=True, may_decide=True),  # the appeal head decides by signing
    "forward": VerbMeaning(),
    "adopt": VerbMeaning(signs=True, may_decide=True),
    "issue": VerbMeaning(delivers=True),
    "enqueue": VerbMeaning(may_decide=True),
    "authenticate": VerbMeaning(),
    "fill_request": VerbMeaning(),
    "sign_request": VerbMeaning(),
    "query_registry": VerbMeaning(),
    "check": VerbMeaning(checks=True),
    "notify_refusal": VerbMeaning(ends_with_refusal=True),
    "send": VerbMeaning(),
    "receive_result": VerbMeaning(delivers=True),
}


@dataclass(frozen=True)
class RoleMeaning:
    """Whether a role's steps complete by themselves when reached (the applicant's and the systems')."""

    automatic: bool = False


ROLE_MEANINGS: Final[dict[str, RoleMeaning]] = {
    "applicant": RoleMeaning(automatic=True),
    "system": RoleMeaning(automatic=True),
    "office_clerk": RoleMeaning(),
    "head": RoleMeaning(),
    "executor": RoleMeaning(),
    "sc_operator": RoleMeaning(),
    "akim_office_specialist": RoleMeaning(),
    "akim": RoleMeaning(),
    "akimat": RoleMeaning(),
}


@dataclass(frozen=True)
class DeliveryMeaning:
    """Where a result delivered to a place is: online in the applicant's cabinet, or waiting to be handed over."""

    online: bool = False  # in the applicant's personal cabinet as soon as it is issued
    hands_over: str = ""  # the organization (a schema Organization code) that hands it over in person


DELIVERY_MEANINGS: Final[dict[str, DeliveryMeaning]] = {
    "personal_cabinet": DeliveryMeaning(online=True),
    "in_person_at_provider": DeliveryMeaning(hands_over="provider"),
    "state_corporation": DeliveryMeaning(hands_over="state_corporation"),
    "rural_akim": DeliveryMeaning(hands_over="rural_akim"),
}

DELIVERIES: Final[Names] = {
    "personal_cabinet": {"kk": "Жеке кабинет", "ru": "Личный кабинет", "en": "Personal cabinet"},
    "in_person_at_provider": {
        "kk": "Көрсетілетін қызметті берушіде қолма-қол",
        "ru": "Лично у услугодателя",
        "en": "In person at the provider",
    },
    "state_corporation": {
        "kk": "Мемлекеттік корпорацияда",
        "ru": "В Государственной корпорации",
        "en": "At the State Corporation",
    },
    "rural_akim": {
        "kk": "Ауылдық округ әкімінің аппаратында",
        "ru": "В аппарате акима сельского округа",
        "en": "At the rural okrug akim's office",
    },
}


def verb_meaning(verb: str) -> VerbMeaning:
    return VERB_MEANINGS[verb]


def role_is_automatic(role: str) -> bool:
    return ROLE_MEANINGS[role].automatic


def verbs_where(**traits: bool) -> frozenset[str]:
    """The verbs whose meaning has every trait given, e.g. `verbs_where(signs=True)`."""
    return frozenset(v for v, m in VERB_MEANINGS.items() if all(getattr(m, k) == want for k, want in traits.items()))


# --- end of rules-as-data block ------------------------------------------------------------------------

UNITS: Final[dict[str, dict[str, tuple[str, str, str]]]] = {
    # (one, few, many) forms; Kazakh and English need only the first two.
    "minutes": {
        "kk": ("минут", "минут", "минут"),
        "ru": ("минута", "минуты", "минут"),
        "en": ("minute", "minutes", "minutes"),
    },
    "hours": {"kk": ("сағат", "сағат", "сағат"), "ru": ("час", "часа", "часов"), "en": ("hour", "hours", "hours")},
    "working_days": {
        "kk": ("жұмыс күні", "жұмыс күні", "жұмыс күні"),
        "ru": ("рабочий день", "рабочих дня", "рабочих дней"),
        "en": ("working day", "working days", "working days"),
    },
    "calendar_days": {
        "kk": ("күнтізбелік күн", "күнтізбелік күн", "күнтізбелік күн"),
        "ru": ("календарный день", "календарных дня", "календарных дней"),
        "en": ("calendar day", "calendar days", "calendar days"),
    },
}

START_END: Final[Names] = {
    "start": {"kk": "Басы", "ru": "Начало", "en": "Start"},
    "end": {"kk": "Соңы", "ru": "Конец", "en": "End"},
}


def name(table: Names, code: str, language: str) -> str:
    """The name of `code` in `language`, falling back to Russian, then to the code itself."""
    entry = table.get(code, {})
    return entry.get(language) or entry.get("ru") or code


def duration_phrase(value: int, unit: str, language: str) -> str:
    """'3 рабочих дня', '15 минут', '1 жұмыс күні', '2 working days'."""
    one, few, many = UNITS[unit][language]
    if language == "ru":
        tail, tens = value % 10, value % 100
        form = one if tail == 1 and tens != 11 else few if 2 <= tail <= 4 and not 12 <= tens <= 14 else many
    else:
        form = one if value == 1 else few
    return f"{value} {form}"
