"""Writes of the notifications app: record a notification once, deliver it once, catch up from the event log.

`notify` is what the engine calls at the points that matter, inside its own transaction (through
`event_notify` for an event it has just recorded and `receipt_notify` for a refusal at intake):
the row is written there (or found, when this (case, kind, key) was already said), and delivery
is enqueued as a background task only after the transaction commits. `case_events_notify`
derives the same notifications from the case event log, so nothing is missed when a caller did
not (or could not) notify, or a queue message was lost; the unique `dedup_key` and the
notification's source event make the two paths say each thing once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from qyzmet.cases.models import Case, CaseEvent, CaseStatus, Receipt, ResultDocument
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.selectors import definition_of_version_seen
from qyzmet.core import context
from qyzmet.core.i18n import LANGUAGES
from qyzmet.identity.models import User
from qyzmet.identity.sms import sms_backend
from qyzmet.notifications.models import Channel, Notification, NotificationContact, NotificationKind
from qyzmet.notifications.texts import grounds_text, notification_render, subject_for

logger = logging.getLogger(__name__)

RETRY_AFTER: Final = timedelta(minutes=1)
MAX_ATTEMPTS: Final = 10
# How far back the catch-up looks in the event log; older events were handled by earlier runs.
CATCH_UP_WINDOW: Final = timedelta(days=7)
EVENTS_TOLD: Final = Q(kind__in=("case_filed", "document_issued")) | Q(kind="case_closed", state_after=CaseStatus.ENDED)


def dedup_key_of(case: Case | None, kind: str, key: str) -> str:
    return f"{case.pk if case is not None else '-'}:{kind}:{key}"


def _channels_for(recipient: User | None, wanted: tuple[str, ...] | None) -> list[str]:
    channels = [Channel.CABINET.value]
    if recipient is not None and recipient.mobile:
        channels.append(Channel.SMS.value)
    if recipient is not None and NotificationContact.objects.filter(user=recipient).exists():
        channels.append(Channel.EMAIL.value)
    return [c for c in channels if wanted is None or c in wanted or c == Channel.CABINET]


def _language_of(case: Case | None) -> str:
    language = getattr(case, "language", "") if case is not None else ""
    return language if language in LANGUAGES else "kk"


def _send_enqueue(notification_id: int) -> None:
    from qyzmet.notifications.tasks import notification_send

    try:
        notification_send.enqueue(notification_id, request_id=context.request_id())
    except Exception:  # the queue is down: the periodic flush delivers it later
        logger.exception("could not enqueue notification %s; the flush will send it", notification_id)


def notify(
    *,
    kind: str,
    key: str,
    case: Case | None,
    recipient_iin: str,
    params: dict[str, Any],
    now: datetime,
    recipient: User | None = None,
    channels: tuple[str, ...] | None = None,
    source_event: CaseEvent | None = None,
    source_receipt: Receipt | None = None,
) -> Notification:
    """Record that (case, kind, key) is to be told to the recipient, once, and deliver it after commit.

    Call inside the caller's transaction. A second call with the same (case, kind, key), from a
    retry or another worker, returns the first row and enqueues nothing. Side effects: writes a
    Notification; on commit, enqueues `notification_send` (the periodic flush covers a lost one).
    """
    if recipient is None:
        recipient = User.objects.filter(iin=recipient_iin).first()
    dedup_key = dedup_key_of(case, kind, key)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, recipient_iin=recipient_iin, case=case, kind=kind, key=key,
                dedup_key=dedup_key, params=params, language=_language_of(case),
                channels=_channels_for(recipient, channels), created_at=now,
                source_event=source_event, source_receipt=source_receipt,
            )
    except IntegrityError:
        existing = Notification.objects.get(dedup_key=dedup_key)
        _sources_attach(existing, source_event, source_receipt)
        return existing
    transaction.on_commit(partial(_send_enqueue, notification.pk))
    return notification


def _sources_attach(notification: Notification, event: CaseEvent | None, receipt: Receipt | None) -> None:
    # The same thing said through the other path: remember the source so the catch-up skips it.
    if event is not None and notification.source_event_id is None:
        Notification.objects.filter(pk=notification.pk, source_event=None).update(source_event=event)
    if receipt is not None and notification.source_receipt_id is None:
        Notification.objects.filter(pk=notification.pk, source_receipt=None).update(source_receipt=receipt)


def notification_text(notification: Notification, language: str | None = None) -> str:
    """The notification's text in `language` (its own language when None)."""
    return notification_render(notification.kind, notification.params, language or notification.language)


def _deliver_channels(notification: Notification, text: str, *, now: datetime) -> dict[str, str]:
    delivered: dict[str, str] = {}
    recipient = notification.recipient
    if Channel.SMS in notification.channels and recipient is not None and recipient.mobile:
        sms_backend().send(to=recipient.mobile, text=text, now=now)
        delivered[Channel.SMS.value] = recipient.mobile
    contact = NotificationContact.objects.filter(user=recipient).first() if recipient is not None else None
    if Channel.EMAIL in notification.channels and contact is not None:
        send_mail(subject_for(notification.language), text, settings.DEFAULT_FROM_EMAIL, [contact.email])
        delivered[Channel.EMAIL.value] = contact.email
    return delivered


def notification_deliver(*, notification_id: int, now: datetime) -> bool:
    """Send the notification through its channels unless it was sent already; True if this call sent it.

    Holds the notification's row lock while sending, so two workers never both send it. The SMS
    outbox back-end writes in this transaction (exactly once); an external SMS or e-mail service
    is at-least-once: a worker killed after the send and before the commit sends again.
    Side effects: SMS and e-mail through the configured back-ends; sets `sent_at` and `delivered`.
    """
    Notification.objects.filter(pk=notification_id, sent_at=None).update(attempts=F("attempts") + 1)
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.sent_at is not None:
            return False
        notification.delivered = _deliver_channels(notification, notification_text(notification), now=now)
        notification.sent_at = now
        notification.save(update_fields=["delivered", "sent_at"])
    return True


def notifications_send_pending(*, now: datetime, batch: int = 200) -> int:
    """Deliver notifications still unsent a minute after they were made (a lost or failed queue message)."""
    pending = Notification.objects.filter(
        sent_at=None, created_at__lte=now - RETRY_AFTER, attempts__lt=MAX_ATTEMPTS
    ).values_list("pk", flat=True)[:batch]
    sent = 0
    for notification_id in list(pending):
        try:
            sent += notification_deliver(notification_id=notification_id, now=now)
        except Exception:  # one broken channel must not stop the others; it is tried again later
            logger.exception("notification %s could not be delivered", notification_id)
    return sent


# --- from the case event log ------------------------------------------------------------------------


def _definition_seen(case: Case) -> ServiceDefinition | None:
    """The case's parsed definition when this process already read its version (no query), else None."""
    if not case.definition_sha256:
        return None
    return definition_of_version_seen(case.service_version_id, case.definition_sha256)


def _service_title(case: Case) -> dict[str, str]:
    seen = _definition_seen(case)
    if seen is not None:
        return seen.title.as_dict()
    title: dict[str, str] = case.service_version.definition.get("title") or {}
    return {language: text for language, text in title.items() if text}


def _service_kind(case: Case) -> str | None:
    seen = _definition_seen(case)
    kind: str | None = seen.kind if seen is not None else case.service_version.definition.get("kind")
    return kind


def _case_params(case: Case, **extra: Any) -> dict[str, Any]:
    return {"number": case.number, "service": _service_title(case), **extra}


def event_notify(event: CaseEvent, *, now: datetime) -> Notification | None:
    """Tell the applicant what `event` means for them, if it matters (accepted, result ready, ended); once.

    The engine calls it right after it records the event, inside its transaction; the catch-up
    (`case_events_notify`) calls it for events nobody told. Returns None for events that say nothing.
    """
    from qyzmet.cases.expectations import case_expected_completion

    case = event.case
    if event.kind == "case_filed":
        expected = case_expected_completion(case)
        params = _case_params(case, expected=expected.isoformat() if expected else None)
        return _applicant_notify(case, NotificationKind.ACCEPTED, "filed", params, event=event, now=now)
    if event.kind == "document_issued" and _service_kind(case) != "appeal":
        # An appeal's decision is told as `appeal_decided` (upheld / rejected), not as a result.
        document_id = str(event.data.get("document", ""))
        document = ResultDocument.objects.filter(case=case, document_id=document_id).first()
        title = document.title if document is not None else document_id
        params = _case_params(case, document=title)
        return _applicant_notify(case, NotificationKind.RESULT_READY, document_id, params, event=event, now=now)
    if event.kind == "case_closed" and event.state_after == CaseStatus.ENDED:
        return _applicant_notify(case, NotificationKind.ENDED, "closed", _case_params(case), event=event, now=now)
    return None


def _applicant_notify(
    case: Case, kind: str, key: str, params: dict[str, Any], *, event: CaseEvent, now: datetime
) -> Notification:
    return notify(
        kind=kind, key=key, case=case, recipient_iin=case.applicant_iin, recipient=case.applicant,
        params=params, now=now, source_event=event,
    )


def receipt_notify(receipt: Receipt, *, now: datetime) -> Notification:
    """Tell the applicant that their documents were not accepted (a receipt of refusal to accept); once."""
    definition = receipt.service_version.definition
    params = {
        "number": receipt.number, "service": definition.get("title") or {}, "grounds": grounds_text(receipt.grounds),
    }
    return notify(
        kind=NotificationKind.REFUSED_AT_INTAKE, key=receipt.number, case=None, recipient_iin=receipt.applicant_iin,
        params=params, now=now, source_receipt=receipt,
    )


@dataclass(frozen=True)
class CatchUpReport:
    from_events: int = 0
    from_receipts: int = 0


def case_events_notify(*, now: datetime, batch: int = 500) -> CatchUpReport:
    """Notify applicants of what the event log and the refusal receipts of the last week say and nobody told them.

    Safe to run from several workers at once and again after a crash: each notification is
    unique per (case, kind, key). Side effects: Notification rows, enqueued deliveries.
    """
    since = now - CATCH_UP_WINDOW
    events = (
        CaseEvent.objects.filter(EVENTS_TOLD, at__gte=since, notification__isnull=True)
        .select_related("case__service_version", "case__applicant")
        .order_by("pk")[:batch]
    )
    told = 0
    for event in events:
        with transaction.atomic():
            told += event_notify(event, now=now) is not None
    receipts = Receipt.objects.filter(
        kind=Receipt.Kind.REFUSAL_TO_ACCEPT, issued_at__gte=since, notification__isnull=True
    ).select_related("service_version").order_by("pk")[:batch]
    refused = 0
    for receipt in receipts:
        with transaction.atomic():
            receipt_notify(receipt, now=now)
            refused += 1
    return CatchUpReport(from_events=told, from_receipts=refused)
