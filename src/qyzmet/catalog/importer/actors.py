"""Who does a step, where, and what the step does, read from the step's own words.

Back-office steps name their actor as the sentence's subject ("руководитель услугодателя …",
"көрсетілетін қызметті берушінің басшысы …"); the actor is the earliest such phrase, the longest
one where several start at the same place ("ауылдық округ әкімі аппаратының маманы" is the akim's
office specialist, not the akim). Steps of the portal and State Corporation process lists name no
person: they are read by what they do ("направление запроса через ШЭП …" is the gateway's work).
Each rule is a pattern over the text, Kazakh and Russian side by side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_AKIM_PLACE = r"(?:(?:кент|ауыл|поселка|села),?\s*)*(?:ауылдық\s+округ\w*|сельского\s+округа|поселка,?\s*села,?\s*сельского\s+округа)"

# (pattern, role, organization); the actor is the earliest match, the longest at the same start.
ACTORS: tuple[tuple[str, str, str], ...] = (
    # Subjects only: the nominative (Russian) or possessive nominative (Kazakh) forms, so that
    # "направляет руководителю" or "орындаушыға жолдау" does not read as the actor.
    (rf"{_AKIM_PLACE}\s+әкімі\s+аппаратының\s+маманы(?!\w)", "akim_office_specialist", "rural_akim"),
    (rf"{_AKIM_PLACE}\s+әкімі\s+аппаратының\s+жауапты\s+орындаушысы(?!\w)", "executor", "rural_akim"),
    (r"специалист(?!\w)\s+аппарата\s+акима", "akim_office_specialist", "rural_akim"),
    (r"ответственный\s+исполнитель(?!\w)\s+аппарата\s+акима", "executor", "rural_akim"),
    (rf"{_AKIM_PLACE}\s+әкімі(?!\w)(?!\s+аппарат)", "akim", "rural_akim"),
    (rf"аким(?!\w)\s+{_AKIM_PLACE}", "akim", "rural_akim"),
    (r"кеңсе(?:сінің)?\s+(?:қызметкері|маманы)(?!\w)", "office_clerk", "provider"),
    (r"работник(?!\w)\s+канцелярии", "office_clerk", "provider"),
    (r"сотрудник(?!\w)\s+канцелярии", "office_clerk", "provider"),
    (r"басшысы(?!\w)", "head", "provider"),
    (r"руководитель(?!\w)", "head", "provider"),
    (r"жауапты\s+(?:орындаушысы|қызметкер|қызметкері)(?!\w)", "executor", "provider"),
    (r"ответственный\s+исполнитель(?!\w)", "executor", "provider"),
    (r"(?:района|города)\s+акимат(?!\w)|акимат(?!\w)\s+района", "akimat", "district_akimat"),
    (r"аудан\w*\s*(?:\(\s*қала\w*\s*\))?\s+әкімдігі(?!\w)", "akimat", "district_akimat"),
    (r"работник(?!\w)\s+Государственной\s+корпорации", "sc_operator", "state_corporation"),
    (r"Мемлекеттік\s+корпорация\w*\s+(?:қызметкері|операторы)(?!\w)", "sc_operator", "state_corporation"),
    (r"ХҚО\w*\s*-?\s*\w*\s+(?:қызметкері|операторы)(?!\w)", "sc_operator", "state_corporation"),
)
_ACTORS = tuple((re.compile(pattern, re.IGNORECASE), role, organization) for pattern, role, organization in ACTORS)

# What a back-office step does, by its verbs; first match wins, so the specific ones come first.
VERBS: tuple[tuple[str, str], ...] = (
    (r"постановлени\w+\s+акимата|қаулы\w*\s+қабылда", "adopt"),
    (r"резолюц|бұрыштама|определяет\s+ответственного|жауапты\s+орындаушы\w*\s+(?:анықтай|белгілей)|орындаушыға\s+жолдау", "resolve"),
    (r"подписыва|подписани|қол\s+қояды|қол\s+қою", "sign"),
    (r"готовит|подготов|дайындай|дайында|әзірлей|рассматривает|қарайды|зерделе", "prepare"),
    (r"очеред|кезекке", "enqueue"),
    (r"выда\w+|береді|беру\b|ұсынады|выдач", "issue"),
    (r"регистрац|регистрир|тіркей|тіркеу", "register"),
    (r"прием|қабылда", "accept"),
    (r"направля|жолдайды|жолдау", "forward"),
)
_VERBS = tuple((re.compile(pattern, re.IGNORECASE), verb) for pattern, verb in VERBS)

# Steps of the portal and State Corporation process lists: (pattern, role, organization, does, ends).
PROCESS_STEPS: tuple[tuple[str, str, str, str, bool], ...] = (
    # Refusal messages first: they repeat the words of the check they follow.
    (r"отказ\w*\s+в\s+авторизации|авторландыруда\s+бас\s+тарт|авторизациялаудан\s+бас\s+тарт", "system", "e_gov_portal", "notify_refusal", True),
    (r"подлинности\s+ЭЦП|ЭЦҚ\w*\s+түпнұсқалығ\w*\s+расталмау|ЭЦҚ\s*-?\s*ның\s+түпнұсқалығ\w*\s+расталмау|қолтаңбасының\s+расталмау|ЭЦҚ\s+расталмау", "system", "e_gov_portal", "notify_refusal", True),
    (r"невозможности\s+получения\s+данных|деректерді\s+алу\s+мүмкіндігінің\s+болмауы|мәліметтерді\s+алу\w*\s+мүмкін\w*|алуға\s+мүмкіндіктің\s+жоқтығы", "system", "sc_information_system", "notify_refusal", True),
    (r"нарушениями\s+в\s+документах|құжаттарында\s+(?:бұзушылық|кемшілік)|кемшіліктердің\s+болуына", "system", "e_gov_portal", "notify_refusal", True),
    (r"регистрац\w+\s+на\s+портале|порталда\s+тіркел|порталда\s+\w*\s*тіркеу", "applicant", "e_gov_portal", "authenticate", False),
    (r"ввод\w*\s+услугополучател\w+\s+ИИН|ЖСН\s+(?:және|мен)\s+паро|нөм[iі]р[iі]\s+және\s+паро", "applicant", "e_gov_portal", "authenticate", False),
    (r"подлинности\s+данных\s+о\s+зарегистрированн|тіркелген\s+көрсетілетін\s+қызметті\s+алушы\s+туралы\s+деректердің\s+түпнұсқалығын", "system", "e_gov_portal", "check", False),
    (r"срока\s+действия\s+регистрационного\s+свидетельства|тіркеу\s+куәлігінің\s+(?:әрекет\s+ету|қолдану)\s+мерзімін", "system", "e_gov_portal", "check", False),
    (r"наличия\s+данных\s+услугополучателя|деректерінің\s+бар\s+болуын|мәліметтерінің\s+бар\s+болуын|мәліметтерінің\s+болуын", "system", "state_registries", "check", False),
    (r"(?:запрос\w*|сұрау\w*)\s+.{0,80}(?:ГБД\s+ФЛ|ГБД\s+ЮЛ|ЖТ\s+МДҚ)|через\s+шлюз\s+\S+\s+\S+\s+\(далее\s+–\s+ШЭП\)\s+в\s+государственную|(?:ЖТ\s+МДҚ|ГБД\s+ФЛ)\W.{0,200}(?:туралы|сұрау)", "system", "e_gov_gateway", "query_registry", False),
    (r"регистрац\w+\s+электронного\s+документа|электрон\w*\s+құжат\w*\s+.{0,80}т[iі]рке|АЖО\s*-?\s*(?:да|нда)\s+т[iі]рке", "system", "regional_gateway", "register", False),
    (r"соответствия\s+приложенных|сәйкестігін\s+(?:тексер|өңде)|құжаттарының\s+сәйкестіг", "office_clerk", "provider", "check", False),
    (r"ввод\w*\s+работник\w*\s+Государственной\s+корпорации|логин\w*\s+(?:мен|және)\s+пароль|логин\w*\s+и\s+пароля", "sc_operator", "sc_information_system", "authenticate", False),
    (r"выбор\w*\s+(?:работник|сотрудник)\w*|(?:қызметкер|оператор)\w*\s+мемлекеттік\s+көрсетілетін\s+қызметті\s+таңда|операторының\s+қызметті", "sc_operator", "sc_information_system", "fill_request", False),
    (r"получени\w+\s+услугополучател\w+|нәтижесін\s*(?:\([^)]{0,80}\)\s*)?(?:алу|алады)|алушы\s+.{0,80}арқылы\s+.{0,80}нәтижесін", "applicant", "e_gov_portal", "receive_result", False),
    (r"выбор\s+услугополучател\w+|қызметті\s+алушы\w*\s+.{0,120}таңда", "applicant", "e_gov_portal", "sign_request", False),
    (r"направлени\w+\s+электронного\s+документа|(?:сұранысты|сұрау\s+салуды|сұрауды)\s+өңдеу\s+үшін|электрон\w*\s+құжат\w*\s+.{0,120}(?:жолдау|жіберу)|АЖО\w*\s+.{0,250}(?:жолдау|жіберу)", "system", "e_gov_gateway", "send", False),
    (r"подает\s+необходимые\s+документы|құжаттар\w*\s+.{0,40}(?:береді|тапсырады)|құжаттар\s+мен\s+өтінішті\s+қабылдау", "sc_operator", "state_corporation", "accept", False),
)
_PROCESS_STEPS = tuple(
    (re.compile(pattern, re.IGNORECASE | re.DOTALL), role, organization, does, ends)
    for pattern, role, organization, does, ends in PROCESS_STEPS
)


@dataclass(frozen=True)
class Actor:
    role: str
    organization: str
    phrase: str


def actor_of(text: str) -> Actor | None:
    """The step's actor: the earliest actor phrase in its text, the longest at that place."""
    best: tuple[int, int, Actor] | None = None
    for pattern, role, organization in _ACTORS:
        match = pattern.search(text)
        if match is None:
            continue
        key = (match.start(), -(match.end() - match.start()))
        if best is None or key < best[:2]:
            best = (key[0], key[1], Actor(role=role, organization=organization, phrase=match.group(0)))
    return best[2] if best else None


def verb_of(text: str) -> str | None:
    for pattern, verb in _VERBS:
        if pattern.search(text):
            return verb
    return None


@dataclass(frozen=True)
class ProcessStep:
    role: str
    organization: str
    does: str
    ends: bool


_CONDITION = re.compile(r"^\s*(?:условие\s+\d+|\d+\s*[-–]?\s*шарт)", re.IGNORECASE)
_PROVIDER_CHECK = re.compile(r"услугодател|беруші", re.IGNORECASE)
_REGISTRY_CHECK = re.compile(r"ГБД|МДҚ|ЕНИС|БНАЖ", re.IGNORECASE)


def process_step_of(text: str) -> ProcessStep | None:
    """The reading of a portal or State Corporation process-list step, or None when no rule knows it.

    A condition ("условие 2", "2-шарт") is a check by its nature: the provider's when it names the
    provider, the registries' when it names a state database, the portal's otherwise.
    """
    if _CONDITION.match(text):
        if _PROVIDER_CHECK.search(text[:160]) and not re.search(r"порталда|на\s+портале", text[:120], re.IGNORECASE):
            return ProcessStep(role="office_clerk", organization="provider", does="check", ends=False)
        if _REGISTRY_CHECK.search(text):
            return ProcessStep(role="system", organization="state_registries", does="check", ends=False)
        return ProcessStep(role="system", organization="e_gov_portal", does="check", ends=False)
    for pattern, role, organization, does, ends in _PROCESS_STEPS:
        if pattern.search(text):
            return ProcessStep(role=role, organization=organization, does=does, ends=ends)
    return None
