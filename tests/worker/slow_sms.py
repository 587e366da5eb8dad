"""A test-only SMS back-end that writes to the outbox, says it started, then hangs (to be killed mid-task)."""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

from qyzmet.identity.models import SmsOutbox


class SlowOutboxSmsBackend:
    def send(self, *, to: str, text: str, now: datetime) -> None:
        SmsOutbox.objects.create(to=to, text=text, created_at=now)
        Path(os.environ["QYZMET_TEST_SMS_STARTED"]).touch()
        time.sleep(120)
