"""Reads of the notifications app, shaped for the personal cabinet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q

from qyzmet.core.i18n import active_language
from qyzmet.identity.models import User
from qyzmet.notifications.models import Notification
from qyzmet.notifications.services import notification_text


@dataclass(frozen=True)
class NotificationRow:
    """One line of the cabinet's notification list."""

    id: int
    kind: str
    text: str
    case_number: str | None
    case_id: int | None
    created_at: datetime
    sent_at: datetime | None
    channels: tuple[str, ...]


def notifications_for(
    user: User | AnonymousUser, *, limit: int = 50, language: str | None = None
) -> list[NotificationRow]:
    """The newest notifications to `user` (addressed to the account or to its IIN), in the active language.

    Nobody else's: an anonymous user gets an empty list.
    """
    if not isinstance(user, User):
        return []
    shown_in = language or active_language()
    rows = (
        Notification.objects.filter(Q(recipient=user) | Q(recipient__isnull=True, recipient_iin=user.iin))
        .only("kind", "params", "language", "case_id", "created_at", "sent_at", "channels")
        .annotate(number_of_case=F("case__number"))  # the case's number only, not its row with the form's JSON
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        NotificationRow(
            id=row.pk,
            kind=row.kind,
            text=notification_text(row, shown_in),
            case_number=row.number_of_case,
            case_id=row.case_id,
            created_at=row.created_at,
            sent_at=row.sent_at,
            channels=tuple(row.channels),
        )
        for row in rows
    ]
