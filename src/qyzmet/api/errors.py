"""Errors of the API layer and the HTTP status each error of the platform maps to.

Every error body is `{"code": "...", "message": {"kk": "...", "ru": "...", "en": "..."}}`
(validation errors add `"errors"`, the fields that failed). Messages are module constants.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Final

from django.utils.translation import gettext_lazy as _

from qyzmet.cases.errors import TransitionNotAllowed
from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import Message, render_messages
from qyzmet.identity.services import AccountLocked, AuthenticationFailed, LoginThrottled

UNAUTHENTICATED: Final = _("Log in first: the token is missing, expired or invalid.")
NOT_FOUND: Final = _("Not found.")
INVALID_INPUT: Final = _("The request is not valid: {fields}.")
BAD_REQUEST: Final = _("The request could not be read.")
FORBIDDEN: Final = _("Forbidden.")
CSRF_FAILED: Final = _("The CSRF check failed: a request made with a session needs the CSRF token.")
METHOD_NOT_ALLOWED: Final = _("Method not allowed.")
TOO_MANY_REQUESTS: Final = _("Too many requests. Try again later.")
CHALLENGE_INVALID: Final = _("The log-in challenge is unknown, used or expired. Request a new one.")
CHALLENGES_EXHAUSTED: Final = _("Too many log-in challenges are open for this address. Try again in a few minutes.")
EDS_LOGIN_REFUSED: Final = _("The EDS log-in is not confirmed: {detail}")
EDS_USER_UNKNOWN: Final = _("There is no account with this IIN. Register first.")
IDEMPOTENCY_KEY_INVALID: Final = _("The Idempotency-Key header must be 1 to {limit} printable ASCII characters.")
DOCUMENT_NOT_SIGNED: Final = _("The document is not signed yet.")
DRAFT_SUBMITTED: Final = _("The application is already submitted; no one-time password is needed.")
REQUEST_ID_REQUIRED: Final = _(
    "Give the request id (request_id or Idempotency-Key): the signed preview is bound to it."
)
PRESENTED_OUT_OF_RANGE: Final = _(
    "'presented' names a document the service's Standard p.9 list does not have: its {count} documents are "
    "numbered from 0 (GET /api/v1/services/{{id}}/standard-lists)."
)
REQUEST_ID_CONFLICT: Final = _("request_id and the Idempotency-Key header differ; give one, or the same in both.")

STATUS_MESSAGES: Final[dict[int, tuple[str, Message]]] = {
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


class PresentedOutOfRange(ApiError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY

    def __init__(self, count: int) -> None:
        super().__init__("presented_out_of_range", render_messages(PRESENTED_OUT_OF_RANGE, count=count))


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
