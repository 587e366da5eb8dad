"""Fixtures of the back-office tests: the API tests' package data (catalogue, demo people, back-dated CA)
and the clock, plus the staff personas of the pages.

Cases are filed through the intake services (the same the pages call), never written by hand.
"""

from __future__ import annotations

from typing import Final

import pytest
from django.test import Client

from qyzmet.identity.demo import DEMO_PASSWORD
from tests.api.conftest import api_ca, api_data, api_registries, clock, registry

__all__ = ["api_ca", "api_data", "api_registries", "clock", "registry"]

# Terekti district akimat (West Kazakhstan): the provider's office of wko-2015-patronat-payment.
TEREKTI_CLERK: Final = "791111432251"
TEREKTI_HEAD: Final = "821030403117"
TEREKTI_EXECUTOR: Final = "840824470130"
# Burli district akimat: another district of the same oblast, which must never see Terekti's cases.
BURLI_CLERK: Final = "830125411202"
# Bukhar-Zhyrau district (Karaganda): the Doskey rural okrug akim's office and the district's employment department.
DOSKEY_SPECIALIST: Final = "930414371241"
DOSKEY_AKIM: Final = "821030391635"
DOSKEY_EXECUTOR: Final = "890804468357"
BUKHAR_ZHYRAU_CLERK: Final = "910328309235"
BUKHAR_ZHYRAU_HEAD: Final = "951218438346"
BUKHAR_ZHYRAU_EXECUTOR: Final = "880301379538"
APPLICANT: Final = "880314412019"


@pytest.fixture
def data(api_data: None, clock: object, db: None) -> None:
    """The package's catalogue and demo people, the clock stopped on a Tuesday morning."""


def login(client: Client, iin: str) -> Client:
    response = client.post("/login/", {"username": iin, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client
