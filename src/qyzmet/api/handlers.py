"""Every error becomes `{"code", "message": {kk, ru, en}}` with its HTTP status."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from qyzmet.api import errors
from qyzmet.core.errors import LocalizedError, NotFound
from qyzmet.core.i18n import Message, render_messages

CSRF_FAILED_TEXT = "CSRF check Failed"


def _body(code: str, messages: Mapping[str, str] | Message, **extra: Any) -> dict[str, Any]:
    rendered = messages if isinstance(messages, Mapping) else render_messages(messages)
    return {"code": code, "message": dict(rendered), **extra}


def _field_name(location: list[Any] | tuple[Any, ...]) -> str:
    # ninja prefixes the parameter source and name ("body", "payload"); what the client sent starts after them.
    parts = [str(p) for p in location]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts and parts[0] in {"query", "path", "header", "form", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _validation_errors(exc: Any) -> list[dict[str, Any]]:
    return [{"field": _field_name(e.get("loc", ())), "type": e.get("type", ""), "detail": e.get("msg", "")}
            for e in exc.errors]


def handlers_register(api: NinjaAPI) -> None:
    """Register the exception handlers of the API on `api`.

    ninja types a handler's exception as "the class or an instance", hence `exc: Any` below.
    """

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def localized(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, errors.status_of(exc), _body(exc.code, exc.messages))

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, HTTPStatus.NOT_FOUND, _body("not_found", errors.NOT_FOUND))

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        details = _validation_errors(exc)
        fields = ", ".join(sorted({d["field"] for d in details})) or "body"
        body = _body("invalid_input", render_messages(errors.INVALID_INPUT, fields=fields), errors=details)
        return respond(request, HTTPStatus.BAD_REQUEST, body)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if exc.status_code == HTTPStatus.FORBIDDEN and str(exc) == CSRF_FAILED_TEXT:
            return respond(request, exc.status_code, _body("csrf_failed", errors.CSRF_FAILED))
        code, messages = errors.STATUS_MESSAGES.get(exc.status_code, ("bad_request", errors.BAD_REQUEST))
        return respond(request, exc.status_code, _body(code, messages))

    def unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        response = respond(request, HTTPStatus.UNAUTHORIZED, _body("unauthenticated", errors.UNAUTHENTICATED))
        response["WWW-Authenticate"] = 'Bearer realm="qyzmet"'
        return response

    def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, HTTPStatus.FORBIDDEN, _body("forbidden", errors.FORBIDDEN))

    api.add_exception_handler(LocalizedError, localized)
    api.add_exception_handler(NotFound, not_found)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(PermissionDenied, forbidden)
