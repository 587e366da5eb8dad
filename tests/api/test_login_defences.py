"""Defences of the log-ins: same answers for unknown IINs, address throttling, tokens end with the password,
EDS challenges bound to the client that asked and limited per address."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.forms import SetPasswordForm
from django.utils import timezone

from qyzmet.api.models import ApiToken, AuthChallenge
from qyzmet.api.services import CHALLENGE_LIFETIME, CHALLENGES_PER_ADDRESS
from qyzmet.core.i18n import render_messages
from qyzmet.identity.demo import DEMO_PASSWORD
from qyzmet.identity.models import LoginAttempt
from qyzmet.identity.services import INVALID_CREDENTIALS_MESSAGES, LOCKOUT_THRESHOLD, LOGIN_THROTTLED_MESSAGES
from qyzmet.signatures.profile import Purpose
from tests.api.helpers import API, APPLICANT_IIN, OTHER_CITIZEN_IIN, ApiClient, key_for, sign_b64, user

UNKNOWN_IIN = "800416300257"  # a valid IIN without an account
ADDRESS = "203.0.113.7"


def _login(api: ApiClient, iin: str, password: str, address: str = "127.0.0.1") -> Any:
    return api.client.post(f"{API}/auth/token", {"iin": iin, "password": password},
                           content_type="application/json", REMOTE_ADDR=address)


def _challenge(api: ApiClient, address: str = "127.0.0.1") -> Any:
    return api.client.get(f"{API}/auth/challenge", REMOTE_ADDR=address)


def _eds(api: ApiClient, challenge: str, challenge_id: str, signature: str) -> Any:
    return api.post(None, "/auth/eds", {"challenge": challenge, "challenge_id": challenge_id, "signature": signature})


@pytest.mark.django_db
def test_an_unknown_iin_and_a_wrong_password_get_the_same_answers_up_to_the_lock(api: ApiClient) -> None:
    # when
    known = [_login(api, APPLICANT_IIN, "wrong-password") for _ in range(LOCKOUT_THRESHOLD + 1)]
    unknown = [_login(api, UNKNOWN_IIN, "wrong-password") for _ in range(LOCKOUT_THRESHOLD + 1)]

    # then: 4 × invalid credentials, then "locked" (same text, same moment) for both
    def shape(responses: list[Any]) -> list[tuple[int, str, dict[str, str]]]:
        return [(r.status_code, r.json()["code"], r.json()["message"]) for r in responses]

    assert shape(known) == shape(unknown)
    assert shape(known)[0] == (401, "invalid_credentials", dict(render_messages(INVALID_CREDENTIALS_MESSAGES)))
    assert [code for _, code, _ in shape(unknown)] == ["invalid_credentials"] * 4 + ["account_locked"] * 2


@pytest.mark.django_db
def test_twenty_failures_from_one_address_answer_429_there_and_nowhere_else(api: ApiClient) -> None:
    # given: twenty failures from one address, four per IIN (so no IIN is locked)
    for iin in [f"80041630025{d}" for d in range(5)]:
        for _ in range(4):
            _login(api, iin, "wrong-password", ADDRESS)

    # when
    throttled = _login(api, APPLICANT_IIN, DEMO_PASSWORD, ADDRESS)
    elsewhere = _login(api, APPLICANT_IIN, DEMO_PASSWORD, "198.51.100.20")

    # then
    assert throttled.status_code == 429
    assert throttled.json() == {"code": "login_throttled", "message": dict(render_messages(LOGIN_THROTTLED_MESSAGES))}
    assert elsewhere.status_code == 201
    assert ApiToken.objects.count() == 1
    assert LoginAttempt.objects.filter(address=ADDRESS, outcome="throttled").count() == 1


@pytest.mark.django_db
def test_a_password_change_revokes_every_token_of_that_person_only(api: ApiClient) -> None:
    # given: two tokens of the applicant, one of another citizen
    tokens = [api.ok(_login(api, APPLICANT_IIN, DEMO_PASSWORD), 201)["token"] for _ in range(2)]
    other = api.ok(_login(api, OTHER_CITIZEN_IIN, DEMO_PASSWORD), 201)["token"]
    applicant = user(APPLICANT_IIN)

    # when: the password changes through Django's form (what the admin and password pages use)
    new = "a-new-long-passphrase"
    form = SetPasswordForm(applicant, {"new_password1": new, "new_password2": new})
    assert form.is_valid(), form.errors
    form.save()

    # then
    for token in tokens:
        assert api.client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert api.client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200
    assert ApiToken.objects.filter(user=applicant, revoked_at=timezone.now()).count() == 2
    assert ApiToken.objects.filter(revoked_at=None).count() == 1


@pytest.mark.django_db
def test_a_saved_set_password_revokes_tokens_but_other_saves_do_not(api: ApiClient) -> None:
    # given
    api.ok(_login(api, APPLICANT_IIN, DEMO_PASSWORD), 201)
    applicant = user(APPLICANT_IIN)

    # when: an unrelated save, then a password change saved
    applicant.given_name = applicant.given_name + " "
    applicant.save()
    untouched = ApiToken.objects.filter(revoked_at=None).count()
    applicant.set_password("another-long-passphrase")
    applicant.save(update_fields=["password"])

    # then
    assert untouched == 1
    assert ApiToken.objects.filter(revoked_at=None).count() == 0


@pytest.mark.django_db
def test_a_challenge_works_only_with_the_id_it_was_issued_with(api: ApiClient) -> None:
    # given: a signed challenge, its id known only to the client that asked
    issued = api.ok(_challenge(api))
    signature = sign_b64(key_for(user(APPLICANT_IIN), purpose=Purpose.AUTH), issued["challenge"].encode())
    someone_else = api.ok(_challenge(api))

    # when
    foreign = _eds(api, issued["challenge"], someone_else["challenge_id"], signature)
    missing = api.post(None, "/auth/eds", {"challenge": issued["challenge"], "signature": signature})
    own = _eds(api, issued["challenge"], issued["challenge_id"], signature)

    # then: refused without using the challenge up; its own client then logs in
    assert foreign.status_code == 401
    assert foreign.json()["code"] == "challenge_invalid"
    assert missing.status_code == 400
    assert own.status_code == 201
    assert ApiToken.objects.count() == 1
    stored = AuthChallenge.objects.get(value=issued["challenge"])
    assert issued["challenge_id"] not in {stored.client_hash, stored.value}


@pytest.mark.django_db
def test_one_address_may_hold_twenty_open_challenges(api: ApiClient, clock: time_machine.Coordinates) -> None:
    # given
    assert CHALLENGES_PER_ADDRESS == 20
    opened = [_challenge(api, ADDRESS) for _ in range(20)]

    # when
    refused = _challenge(api, ADDRESS)
    elsewhere = _challenge(api, "198.51.100.20")
    clock.move_to(timezone.now() + CHALLENGE_LIFETIME + timedelta(seconds=1))
    after_expiry = _challenge(api, ADDRESS)

    # then
    assert [r.status_code for r in opened] == [200] * 20
    assert refused.status_code == 429
    assert refused.json()["code"] == "challenges_exhausted"
    assert set(refused.json()["message"]) == {"kk", "ru", "en"}
    assert elsewhere.status_code == 200
    assert after_expiry.status_code == 200
    assert AuthChallenge.objects.filter(address=ADDRESS).count() == 21
