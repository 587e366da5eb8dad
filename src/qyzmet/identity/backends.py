"""A Django authentication back-end that goes through `citizen_authenticate`, lockout and audit included.

Django's default ModelBackend checks the password only: no lockout, no LoginAttempt row.
To route the admin log-in (and `django.contrib.auth.authenticate`) through the rules, set
AUTHENTICATION_BACKENDS = ["qyzmet.identity.backends.IinLockoutBackend"].
Every refusal (unknown IIN, wrong password, locked account, throttled address) returns None, so
the log-in form shows one and the same message for all of them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils import timezone

from qyzmet.identity.addresses import client_address
from qyzmet.identity.models import User
from qyzmet.identity.services import AccountLocked, AuthenticationFailed, LoginThrottled, citizen_authenticate


class IinLockoutBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any,
    ) -> User | None:
        iin = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if iin is None or password is None:
            return None
        try:
            user = citizen_authenticate(iin=iin, password=password, now=timezone.now(),
                                        address=client_address(request) if request is not None else None)
        except (AuthenticationFailed, AccountLocked, LoginThrottled):
            return None
        return user if self.user_can_authenticate(user) else None
