"""Background tasks of the notifications app (django.tasks)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from qyzmet.notifications.services import notification_deliver


@task(queue_name="notifications")
def notification_send(notification_id: int) -> bool:
    """Deliver one notification (a no-op when it was delivered already)."""
    return notification_deliver(notification_id=notification_id, now=timezone.now())
