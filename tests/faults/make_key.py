"""Run as `python -m tests.faults.make_key IIN [ORGANIZATION_CODE]`: issue (once) a person's demo signing key
from the test CA of QYZMET_VAR_DIR, register it in DATABASE_URL's database, print the key file's path."""

from __future__ import annotations

import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qyzmet.settings")
    django.setup()
    from django.utils import timezone

    from qyzmet.demo.keys import _key_file, demo_key_for
    from qyzmet.identity.models import Organization, User
    from qyzmet.signatures.profile import Purpose

    user = User.objects.get(iin=sys.argv[1])
    organization = Organization.objects.get(code=sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] else None
    demo_key_for(user, organization=organization, now=timezone.now())
    print(_key_file(user, organization, Purpose.SIGN))


if __name__ == "__main__":
    main()
