"""Errors of the operational hall, each with a stable code and kk/ru/en messages (module constants)."""

from __future__ import annotations

from typing import Final

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import render_messages

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "not_operator_here": {
        "kk": "Сізде «{branch}» филиалында операторлық рөл жоқ",
        "ru": "У вас нет роли оператора в филиале «{branch}»",
        "en": "You are not a State Corporation operator at '{branch}'",
    },
    "not_a_branch": {
        "kk": "«{branch}» осы қызмет үшін Мемлекеттік корпорацияның филиалы емес",
        "ru": "«{branch}» не является филиалом Государственной корпорации для этой услуги",
        "en": "'{branch}' is not a State Corporation branch serving this service",
    },
    "no_sc_channel": {
        "kk": "«{service}» қызметі Мемлекеттік корпорация арқылы көрсетілмейді",
        "ru": "Услуга «{service}» не оказывается через Государственную корпорацию",
        "en": "The service '{service}' is not offered through the State Corporation",
    },
    "catalogue_not_loaded": {
        "kk": "«{service}» қызметінің {version} нұсқасы дерекқорда жоқ (qyzmet setup орындаңыз)",
        "ru": "Версия {version} услуги «{service}» не загружена в базу (выполните qyzmet setup)",
        "en": "Version {version} of '{service}' is not in the database (run qyzmet setup)",
    },
    "provider_unknown": {
        "kk": "«{provider}» бұл қызметті көрсетпейді",
        "ru": "«{provider}» не оказывает эту услугу",
        "en": "'{provider}' does not provide this service",
    },
    "power_of_attorney_required": {
        "kk": "Өкілге сенімхат қажет",
        "ru": "Для представителя нужна доверенность",
        "en": "A representative needs a power of attorney",
    },
    "entity_not_in_regulation": {
        "kk": "Регламент бұл қызмет үшін ЗТ МДҚ-ға сұрау қарастырмайды",
        "ru": "Регламент не предусматривает запрос в ГБД ЮЛ для этой услуги",
        "en": "The regulation names no ГБД ЮЛ query for this service",
    },
    "signature_invalid": {
        "kk": "Оператордың ЭЦҚ расталмады: {detail}",
        "ru": "ЭЦП оператора не подтверждена: {detail}",
        "en": "The operator's EDS is not confirmed: {detail}",
    },
    "sc_may_not_refuse": {
        "kk": "Регламент бойынша Мемлекеттік корпорация қабылдаудан бас тартпайды",
        "ru": "По регламенту Государственная корпорация не отказывает в приеме",
        "en": "The regulation does not let the State Corporation refuse to accept",
    },
    "ground_not_in_regulation": {
        "kk": "Регламентте «{ground}» негізі жоқ",
        "ru": "Основание «{ground}» в регламенте не предусмотрено",
        "en": "The regulation gives no ground '{ground}'",
    },
    "nothing_missing": {
        "kk": "Жетіспейтін немесе мерзімі өткен құжатты көрсетіңіз",
        "ru": "Укажите недостающий или просроченный документ",
        "en": "Name a missing or expired document",
    },
    "window_not_open": {
        "kk": "{window}-терезе ашық емес немесе сіздікі емес",
        "ru": "Окно {window} не открыто или закреплено не за вами",
        "en": "Window {window} is not open, or not yours",
    },
    "window_busy": {
        "kk": "{window}-терезеде {ticket} талоны әлі қызмет көрсетілуде",
        "ru": "В окне {window} ещё обслуживается талон {ticket}",
        "en": "Window {window} is still serving ticket {ticket}",
    },
    "ticket_not_called": {
        "kk": "{ticket} талоны сіздің терезеңізге шақырылмаған",
        "ru": "Талон {ticket} не вызван к вашему окну",
        "en": "Ticket {ticket} has not been called to your window",
    },
}


class HallError(LocalizedError):
    """A hall or intake action that cannot be done as asked; nothing was written."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code, render_messages(MESSAGES[code], **values))
