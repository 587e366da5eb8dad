"""Errors of the API layer and the HTTP status each error of the platform maps to.

Every error body is `{"code": "...", "message": {"kk": "...", "ru": "...", "en": "..."}}`
(validation errors add `"errors"`, the fields that failed). Messages are module constants.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Final

from qyzmet.cases.errors import TransitionNotAllowed
from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import render_messages
from qyzmet.identity.services import AccountLocked, AuthenticationFailed, LoginThrottled

UNAUTHENTICATED: Final = {
    "kk": "Жүйеге кіріңіз: токен жоқ, мерзімі өткен немесе жарамсыз.",
    "ru": "Войдите в систему: токена нет, срок его действия истёк или он недействителен.",
    "en": "Log in first: the token is missing, expired or invalid.",
}
NOT_FOUND: Final = {
    "kk": "Табылмады.",
    "ru": "Не найдено.",
    "en": "Not found.",
}
INVALID_INPUT: Final = {
    "kk": "Сұрау дұрыс толтырылмаған: {fields}.",
    "ru": "Запрос заполнен неверно: {fields}.",
    "en": "The request is not valid: {fields}.",
}
BAD_REQUEST: Final = {
    "kk": "Сұрауды оқу мүмкін емес.",
    "ru": "Запрос не удалось прочитать.",
    "en": "The request could not be read.",
}
FORBIDDEN: Final = {
    "kk": "Рұқсат жоқ.",
    "ru": "Доступ запрещён.",
    "en": "Forbidden.",
}
CSRF_FAILED: Final = {
    "kk": "CSRF тексерісі өтпеді: сессиямен жіберілетін сұрауға CSRF-токен қажет.",
    "ru": "Проверка CSRF не пройдена: запросу с сессией нужен CSRF-токен.",
    "en": "The CSRF check failed: a request made with a session needs the CSRF token.",
}
METHOD_NOT_ALLOWED: Final = {
    "kk": "Бұл әдіс қолданылмайды.",
    "ru": "Метод не поддерживается.",
    "en": "Method not allowed.",
}
TOO_MANY_REQUESTS: Final = {
    "kk": "Сұраулар тым көп. Кейінірек қайталаңыз.",
    "ru": "Слишком много запросов. Повторите позже.",
    "en": "Too many requests. Try again later.",
}
CHALLENGE_INVALID: Final = {
    "kk": "Кіру сұрағы жарамсыз, пайдаланылған немесе мерзімі өткен. Жаңасын сұраңыз.",
    "ru": "Запрос на вход недействителен, уже использован или устарел. Запросите новый.",
    "en": "The log-in challenge is unknown, used or expired. Request a new one.",
}
CHALLENGES_EXHAUSTED: Final = {
    "kk": "Бұл мекенжайдан ашық кіру сұрақтары тым көп. Бірнеше минуттан кейін қайталаңыз.",
    "ru": "С этого адреса запрошено слишком много запросов на вход. Повторите через несколько минут.",
    "en": "Too many log-in challenges are open for this address. Try again in a few minutes.",
}
EDS_LOGIN_REFUSED: Final = {
    "kk": "ЭЦҚ арқылы кіру расталмады: {detail}",
    "ru": "Вход по ЭЦП не подтверждён: {detail}",
    "en": "The EDS log-in is not confirmed: {detail}",
}
EDS_USER_UNKNOWN: Final = {
    "kk": "Бұл ЖСН-мен есептік жазба жоқ. Алдымен тіркеліңіз.",
    "ru": "Учётной записи с этим ИИН нет. Сначала зарегистрируйтесь.",
    "en": "There is no account with this IIN. Register first.",
}
IDEMPOTENCY_KEY_INVALID: Final = {
    "kk": "Idempotency-Key тақырыбы 1–{limit} басып шығарылатын ASCII таңбадан тұруы тиіс.",
    "ru": "Заголовок Idempotency-Key должен содержать от 1 до {limit} печатных символов ASCII.",
    "en": "The Idempotency-Key header must be 1 to {limit} printable ASCII characters.",
}
DOCUMENT_NOT_SIGNED: Final = {
    "kk": "Құжатқа әлі ЭЦҚ қойылмаған.",
    "ru": "Документ ещё не подписан ЭЦП.",
    "en": "The document is not signed yet.",
}
DRAFT_SUBMITTED: Final = {
    "kk": "Өтініш жіберіліп қойылған; бір реттік құпия сөз енді қажет емес.",
    "ru": "Заявление уже подано; одноразовый пароль больше не нужен.",
    "en": "The application is already submitted; no one-time password is needed.",
}
REQUEST_ID_REQUIRED: Final = {
    "kk": (
        "Сұрау идентификаторын (request_id немесе Idempotency-Key) көрсетіңіз: қол қойылған алдын ала қарау "
        "соған байланған."
    ),
    "ru": "Укажите идентификатор запроса (request_id или Idempotency-Key): подписанный предпросмотр привязан к нему.",
    "en": "Give the request id (request_id or Idempotency-Key): the signed preview is bound to it.",
}
REQUEST_ID_CONFLICT: Final = {
    "kk": "request_id мен Idempotency-Key тақырыбы әртүрлі; біреуін ғана көрсетіңіз немесе бірдей етіңіз.",
    "ru": "request_id и заголовок Idempotency-Key различаются; укажите один или сделайте их одинаковыми.",
    "en": "request_id and the Idempotency-Key header differ; give one, or the same in both.",
}

STATUS_MESSAGES: Final[dict[int, tuple[str, dict[str, str]]]] = {
    HTTPStatus.BAD_REQUEST: ("bad_request", BAD_REQUEST),
    HTTPStatus.UNAUTHORIZED: ("unauthenticated", UNAUTHENTICATED),
    HTTPStatus.FORBIDDEN: ("forbidden", FORBIDDEN),
    HTTPStatus.NOT_FOUND: ("not_found", NOT_FOUND),
    HTTPStatus.METHOD_NOT_ALLOWED: ("method_not_allowed", METHOD_NOT_ALLOWED),
    HTTPStatus.TOO_MANY_REQUESTS: ("too_many_requests", TOO_MANY_REQUESTS),
}


class ApiError(LocalizedError):
    """An error of the API layer itself, with the HTTP status it answers with."""

    status: int = HTTPStatus.UNPROCESSABLE_ENTITY


class LoginRefused(ApiError):
    """An EDS log-in that did not prove who the person is."""

    status = HTTPStatus.UNAUTHORIZED


def challenge_invalid() -> LoginRefused:
    return LoginRefused("challenge_invalid", CHALLENGE_INVALID)


class ChallengesExhausted(ApiError):
    """The client's address already holds the most unused, unexpired EDS log-in challenges it may."""

    status = HTTPStatus.TOO_MANY_REQUESTS

    def __init__(self) -> None:
        super().__init__("challenges_exhausted", CHALLENGES_EXHAUSTED)


def eds_login_refused(detail: str) -> LoginRefused:
    return LoginRefused("eds_not_confirmed", render_messages(EDS_LOGIN_REFUSED, detail=detail))


def eds_user_unknown() -> LoginRefused:
    return LoginRefused("user_unknown", EDS_USER_UNKNOWN)


class IdempotencyKeyInvalid(ApiError):
    status = HTTPStatus.BAD_REQUEST

    def __init__(self, limit: int) -> None:
        super().__init__("idempotency_key_invalid", render_messages(IDEMPOTENCY_KEY_INVALID, limit=limit))


class DocumentNotSigned(ApiError):
    status = HTTPStatus.NOT_FOUND

    def __init__(self) -> None:
        super().__init__("document_not_signed", DOCUMENT_NOT_SIGNED)


class DraftSubmitted(ApiError):
    status = HTTPStatus.CONFLICT

    def __init__(self) -> None:
        super().__init__("draft_submitted", DRAFT_SUBMITTED)


class RequestIdRequired(ApiError):
    status = HTTPStatus.BAD_REQUEST

    def __init__(self) -> None:
        super().__init__("request_id_required", REQUEST_ID_REQUIRED)


class RequestIdConflict(ApiError):
    status = HTTPStatus.BAD_REQUEST

    def __init__(self) -> None:
        super().__init__("request_id_conflict", REQUEST_ID_CONFLICT)


class IntakeNotSent(ApiError):
    """A State Corporation intake that ended without reaching the provider: no data, or no answer."""


def status_of(error: LocalizedError) -> int:
    """The HTTP status of a platform error.

    401 failed log-ins, 429 a throttled address, 409 refused transitions, 422 the rest.
    """
    if isinstance(error, ApiError):
        return error.status
    if isinstance(error, LoginThrottled):
        return HTTPStatus.TOO_MANY_REQUESTS
    if isinstance(error, AuthenticationFailed | AccountLocked):
        return HTTPStatus.UNAUTHORIZED
    if isinstance(error, TransitionNotAllowed):
        return HTTPStatus.CONFLICT
    return HTTPStatus.UNPROCESSABLE_ENTITY
