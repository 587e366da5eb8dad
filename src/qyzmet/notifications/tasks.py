"""Background tasks of the notifications app (django.tasks)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from qyzmet.core.context import work_context
from qyzmet.notifications.services import notification_deliver


@task(queue_name="notifications")
def notification_send(notification_id: int, request_id: str = "") -> bool:
    """Deliver one notification (a no-op when it was delivered already).

    `request_id`: the id of the request that made it, so the delivery's log lines carry it too.
    """
    with work_context(request_id=request_id or None):
        return notification_deliver(notification_id=notification_id, now=timezone.now())
