"""`qyzmet notifications list [--iin IIN]`: what was said to whom, through which channels (the demo's outbox)."""

from __future__ import annotations

import argparse
from typing import Any

from qyzmet.core.i18n import LANGUAGES


def _list(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.conf import settings

    from qyzmet.notifications.models import Notification
    from qyzmet.notifications.services import notification_text

    rows = Notification.objects.select_related("case").order_by("-created_at", "-pk")
    if args.iin:
        rows = rows.filter(recipient_iin=args.iin)
    for row in rows[: args.limit]:
        sent = row.sent_at.isoformat(timespec="seconds") if row.sent_at else "not yet sent"
        via = ", ".join(f"{channel} {address}" for channel, address in row.delivered.items()) or "cabinet"
        print(f"{row.created_at.isoformat(timespec='seconds')}  {row.recipient_iin}  {row.kind:<17} {sent}  via {via}")
        print(f"    {notification_text(row, args.language)}")
    print(f"(e-mails are files under {settings.QYZMET_MAIL_OUTBOX} with the default back-end; SMS in the SMS outbox)")
    return 0


def register(subparsers: Any) -> None:
    notifications = subparsers.add_parser("notifications", help="notifications to applicants and staff")
    sub = notifications.add_subparsers(dest="notifications_command", required=True, parser_class=type(notifications))
    listing = sub.add_parser("list", help="the newest notifications and how they were delivered")
    listing.add_argument("--iin", default=None)
    listing.add_argument("--limit", type=int, default=20)
    listing.add_argument("--language", choices=LANGUAGES, default="ru")
    listing.set_defaults(handler=_list)
