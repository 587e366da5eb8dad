"""Telling the applicant what an event means for them: the engine calls it where the event is written.

Part of the case engine; `qyzmet.cases.services` re-exports every name.
"""

from __future__ import annotations

from datetime import datetime

from qyzmet.audit.checkpoints import case_events_written_then
from qyzmet.cases.models import CaseEvent


def _applicant_tell(event: CaseEvent, *, now: datetime) -> None:
    """Tell the applicant what the event just recorded means for them, if it matters (once: notifications).

    An event an engine operation keeps to insert at its end is told then: the notification names its row.
    """
    from qyzmet.notifications.services import event_notify  # it imports the cases models

    if event.pk is not None:
        event_notify(event, now=now)
    else:
        case_events_written_then(lambda: event_notify(event, now=now))
