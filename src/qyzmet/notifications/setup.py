"""`qyzmet setup` step: the demo citizen with a mobile number also gets e-mail (to the file outbox)."""

from __future__ import annotations

from typing import Final

from qyzmet.identity.models import User
from qyzmet.notifications.models import NotificationContact

DEMO_CONTACTS: Final = {"880314412019": "citizen-880314412019@example.kz"}


def load_demo_contacts() -> str:
    """Idempotent: one e-mail contact per demo citizen listed, when that citizen exists."""
    made = 0
    for iin, email in DEMO_CONTACTS.items():
        user = User.objects.filter(iin=iin).first()
        if user is not None:
            made += NotificationContact.objects.get_or_create(user=user, defaults={"email": email})[1]
    return f"{made} created"
