"""How a request proves who it is: a bearer token (from /auth/token or /auth/eds) or a Django session.

A session request that changes something must carry the CSRF token (ninja's cookie check);
a request with neither a valid token nor a logged-in session is answered 401.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from qyzmet.api.selectors import token_user
from qyzmet.identity.models import User


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return token_user(token, now=timezone.now())


class SessionAuth(APIKeyCookie):
    """The Django session, checked for CSRF only when there is a logged-in user to protect."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # nobody logged in: nothing to forge, and the answer must be 401, not a CSRF 403
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user: Any = getattr(request, "user", None)
        if isinstance(user, User) and user.is_authenticated and user.is_active:
            return user
        return None


API_AUTH = [BearerTokenAuth(), SessionAuth()]


def request_user(request: HttpRequest) -> User:
    """The authenticated user of a request that passed API_AUTH."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise TypeError("request_user() on an endpoint without authentication")
    return user


def bearer_token(request: HttpRequest) -> str | None:
    """The raw bearer token of the request, if it came with one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
