"""Run as `python -m tests.worker.killed_setup`: a citizen and one notification to deliver, enqueued on commit."""

from __future__ import annotations

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qyzmet.settings")
    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from qyzmet.identity.models import User
    from qyzmet.notifications.services import notify

    citizen = User.objects.create_user(
        "880314412019", "demo-password-2025", surname="Тестов", given_name="Ерлан", mobile="+77010000001"
    )
    with transaction.atomic():
        notification = notify(
            kind="refused_at_intake", key="X-1", case=None, recipient=citizen, recipient_iin=citizen.iin,
            params={"number": "X-1", "service": {"ru": "Тест"}, "grounds": {"ru": "неполный пакет документов"}},
            now=timezone.now(),
        )
    print(notification.pk)


if __name__ == "__main__":
    main()
