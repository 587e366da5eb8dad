"""The SMS gateway seam: a Protocol, the default outbox back-end, and the setting that picks one.

`settings.QYZMET_SMS_BACKEND` names a class with a no-argument constructor. The default,
`OutboxSmsBackend`, sends nothing: it stores each message in the `SmsOutbox` table, in the
caller's transaction, so the demo can show codes on screen and tests can read them. A
back-end that talks to a real operator should send after commit
(`transaction.on_commit`), so a rolled-back code is never delivered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from qyzmet.identity.models import SmsOutbox

DEFAULT_SMS_BACKEND = "qyzmet.identity.sms.OutboxSmsBackend"


@runtime_checkable
class SmsGateway(Protocol):
    def send(self, *, to: str, text: str, now: datetime) -> None:
        """Deliver `text` to the mobile number `to` (+7XXXXXXXXXX)."""


class OutboxSmsBackend:
    """Stores messages in `SmsOutbox` instead of sending them (development, demo, tests)."""

    def send(self, *, to: str, text: str, now: datetime) -> None:
        SmsOutbox.objects.create(to=to, text=text, created_at=now)


def sms_backend() -> SmsGateway:
    """The back-end named by `settings.QYZMET_SMS_BACKEND` (the outbox when unset)."""
    backend_class = import_string(getattr(settings, "QYZMET_SMS_BACKEND", DEFAULT_SMS_BACKEND))
    backend: SmsGateway = backend_class()
    return backend
