"""The log-in pages: one answer for unknown IIN, wrong password and a locked account; EDS challenges per address."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from qyzmet.api.errors import CHALLENGES_EXHAUSTED
from qyzmet.api.models import AuthChallenge
from qyzmet.api.services import CHALLENGES_PER_ADDRESS
from qyzmet.core.i18n import in_language
from qyzmet.identity.demo import DEMO_PASSWORD
from qyzmet.identity.models import LoginAttempt
from qyzmet.portal.eds_login import SESSION_KEY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]

CITIZEN = "880314412019"
UNKNOWN_IIN = "800416300257"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _login_page(iin: str, password: str) -> tuple[int, str]:
    response = Client().post("/ru/login/", {"username": iin, "password": password})
    return response.status_code, CSRF.sub("", response.content.decode()).replace(iin, "IIN")


def test_unknown_iin_wrong_password_and_locked_account_show_the_same_page() -> None:
    # given: the citizen's account is locked by five failures
    wrong = _login_page(CITIZEN, "wrong-password")
    for _ in range(4):
        _login_page(CITIZEN, "wrong-password")
    locked = _login_page(CITIZEN, DEMO_PASSWORD)

    # when
    unknown = _login_page(UNKNOWN_IIN, DEMO_PASSWORD)

    # then
    assert wrong[0] == unknown[0] == locked[0] == 200
    assert wrong[1] == unknown[1] == locked[1]
    assert LoginAttempt.objects.filter(iin=CITIZEN, outcome="locked").count() == 1


def test_an_address_with_twenty_open_challenges_gets_a_message_and_no_new_challenge(client: Client) -> None:
    # given
    for _ in range(CHALLENGES_PER_ADDRESS):
        assert Client().get("/ru/login/eds/", REMOTE_ADDR="203.0.113.7").status_code == 200

    # when
    response = client.get("/ru/login/eds/", REMOTE_ADDR="203.0.113.7")

    # then
    assert response.status_code == 429
    assert in_language(CHALLENGES_EXHAUSTED, "ru") in response.content.decode()
    assert SESSION_KEY not in client.session
    assert AuthChallenge.objects.count() == CHALLENGES_PER_ADDRESS
