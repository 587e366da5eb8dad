"""Documents tests: the cases tests' CA and platform, with a fast password hasher for the logins."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases.conftest import _pki_settings, pki_directory, platform

__all__ = ["_pki_settings", "pki_directory", "platform"]

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_hashers(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS
