"""Log-in and authentication: tokens after IIN and password or an EDS challenge, sessions with CSRF, 401s."""

from __future__ import annotations

import base64
import secrets
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from qyzmet.api.models import ApiToken, AuthChallenge
from qyzmet.api.services import CHALLENGE_LIFETIME, TOKEN_LIFETIME
from qyzmet.core.i18n import in_language, render_messages
from qyzmet.identity.demo import DEMO_PASSWORD
from qyzmet.identity.models import LoginAttempt, Organization, User
from qyzmet.identity.services import ACCOUNT_LOCKED_MESSAGES, INVALID_CREDENTIALS_MESSAGES, LOCKOUT_THRESHOLD
from qyzmet.signatures.profile import Purpose
from tests.api.helpers import API, APPLICANT_IIN, ApiClient, key_for, sign_b64, user

LANGUAGES = {"kk", "ru", "en"}


def _login(client: Client, iin: str, password: str) -> object:
    return client.post(f"{API}/auth/token", {"iin": iin, "password": password}, content_type="application/json")


def _eds_login(api: ApiClient, person: User, *, purpose: Purpose = Purpose.AUTH) -> object:
    issued = api.ok(api.get(None, "/auth/challenge"))
    signature = sign_b64(key_for(person, purpose=purpose), issued["challenge"].encode())
    return _eds_post(api, issued["challenge"], issued["challenge_id"], signature)


def _eds_post(api: ApiClient, challenge: str, challenge_id: str, signature: str) -> Any:
    return api.post(None, "/auth/eds", {"challenge": challenge, "challenge_id": challenge_id, "signature": signature})


@pytest.mark.django_db
def test_password_login_gives_a_bearer_token_stored_only_as_its_hash(api: ApiClient) -> None:
    # when
    response = _login(api.client, APPLICANT_IIN, DEMO_PASSWORD)

    # then
    body = api.ok(response, 201)
    assert body["token_type"] == "Bearer"
    assert body["user"]["iin"] == APPLICANT_IIN
    assert body["user"]["roles"] == []
    record = ApiToken.objects.get(user__iin=APPLICANT_IIN)
    assert record.method == ApiToken.Method.PASSWORD
    assert body["token"] not in record.key_hash
    assert record.expires_at == timezone.now() + TOKEN_LIFETIME
    assert LoginAttempt.objects.filter(iin=APPLICANT_IIN, outcome=LoginAttempt.Outcome.SUCCESS).count() == 1
    me = api.client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert api.ok(me)["iin"] == APPLICANT_IIN


@pytest.mark.django_db
def test_staff_login_lists_the_roles_held(api: ApiClient) -> None:
    clerk = User.objects.filter(staff_roles__role="office_clerk", staff_roles__organization__code="wko-terekti").get()

    body = api.ok(_login(api.client, clerk.iin, DEMO_PASSWORD), 201)

    assert {(r["role"], r["organization"]["code"]) for r in body["user"]["roles"]} == {("office_clerk", "wko-terekti")}


@pytest.mark.django_db
def test_wrong_password_is_401_with_the_identity_message_and_is_audited(api: ApiClient) -> None:
    response = _login(api.client, APPLICANT_IIN, "wrong-password")

    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials", "message": render_messages(INVALID_CREDENTIALS_MESSAGES)}
    assert not ApiToken.objects.exists()
    assert LoginAttempt.objects.filter(iin=APPLICANT_IIN, outcome=LoginAttempt.Outcome.INVALID_CREDENTIALS).count() == 1


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_for_the_right_password(api: ApiClient) -> None:
    for _ in range(LOCKOUT_THRESHOLD):
        _login(api.client, APPLICANT_IIN, "wrong-password")

    response = _login(api.client, APPLICANT_IIN, DEMO_PASSWORD)

    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "account_locked"
    assert set(body["message"]) == LANGUAGES
    assert body["message"]["en"].startswith(in_language(ACCOUNT_LOCKED_MESSAGES, "en").split("{")[0])
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_revoked_token_is_refused(api: ApiClient) -> None:
    token = api.ok(_login(api.client, APPLICANT_IIN, DEMO_PASSWORD), 201)["token"]
    headers = {"Authorization": f"Bearer {token}"}

    revoked = api.client.delete(f"{API}/auth/token", headers=headers)

    assert revoked.status_code == 204
    assert ApiToken.objects.get().revoked_at == timezone.now()
    after = api.client.get(f"{API}/cases", headers=headers)
    assert after.status_code == 401
    assert after.json()["code"] == "unauthenticated"


@pytest.mark.django_db
def test_expired_token_is_refused(api: ApiClient, clock: time_machine.Coordinates) -> None:
    token = api.ok(_login(api.client, APPLICANT_IIN, DEMO_PASSWORD), 201)["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get(f"{API}/cases", headers=headers).status_code == 200

    clock.shift(TOKEN_LIFETIME)

    assert api.client.get(f"{API}/cases", headers=headers).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), [
    ("get", "/cases"), ("get", "/cases/1"), ("get", "/tasks"), ("get", "/tasks/1"), ("post", "/tasks/1/complete"),
    ("post", "/applications"), ("post", "/intake/office"), ("post", "/intake/refusals"), ("get", "/documents/1"),
    ("get", "/documents/1/content"), ("get", "/receipts/R-1"), ("get", "/auth/me"), ("delete", "/auth/token"),
    ("post", "/intake/state-corporation"), ("post", "/intake/state-corporation/preview"),
    ("get", "/intake/state-corporation/SC-1"), ("post", "/queue/direct-next"), ("post", "/queue/direct-next/preview"),
])
def test_unauthenticated_requests_get_401(api: ApiClient, method: str, path: str) -> None:
    response = getattr(api.client, method)(f"{API}{path}", content_type="application/json")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert set(response.json()["message"]) == LANGUAGES
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_an_unknown_token_gets_401(api: ApiClient) -> None:
    response = api.client.get(f"{API}/cases", headers={"Authorization": "Bearer qz_not-a-token"})

    assert response.status_code == 401


@pytest.mark.django_db
def test_eds_login_with_an_authentication_key_gives_a_token(api: ApiClient) -> None:
    citizen = user(APPLICANT_IIN)

    body = api.ok(_eds_login(api, citizen), 201)

    assert body["user"]["iin"] == APPLICANT_IIN
    assert ApiToken.objects.get().method == ApiToken.Method.EDS
    assert AuthChallenge.objects.get().used_at == timezone.now()


@pytest.mark.django_db
def test_eds_challenge_is_used_once(api: ApiClient) -> None:
    citizen = user(APPLICANT_IIN)
    issued = api.ok(api.get(None, "/auth/challenge"))
    challenge, challenge_id = issued["challenge"], issued["challenge_id"]
    signature = sign_b64(key_for(citizen, purpose=Purpose.AUTH), challenge.encode())
    api.ok(_eds_post(api, challenge, challenge_id, signature), 201)

    replay = _eds_post(api, challenge, challenge_id, signature)

    assert replay.status_code == 401
    assert replay.json()["code"] == "challenge_invalid"
    assert ApiToken.objects.count() == 1


@pytest.mark.django_db
def test_eds_challenge_expires(api: ApiClient, clock: time_machine.Coordinates) -> None:
    citizen = user(APPLICANT_IIN)
    issued = api.ok(api.get(None, "/auth/challenge"))
    challenge, challenge_id = issued["challenge"], issued["challenge_id"]
    signature = sign_b64(key_for(citizen, purpose=Purpose.AUTH), challenge.encode())
    clock.shift(CHALLENGE_LIFETIME + timedelta(seconds=1))

    response = _eds_post(api, challenge, challenge_id, signature)

    assert response.status_code == 401
    assert response.json()["code"] == "challenge_invalid"


@pytest.mark.django_db
def test_eds_login_refuses_a_signing_key(api: ApiClient) -> None:
    response = _eds_login(api, user(APPLICANT_IIN), purpose=Purpose.SIGN)

    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "eds_not_confirmed"
    assert set(body["message"]) == LANGUAGES
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_eds_login_refuses_a_signature_of_other_text(api: ApiClient) -> None:
    issued = api.ok(api.get(None, "/auth/challenge"))
    challenge, challenge_id = issued["challenge"], issued["challenge_id"]
    signature = sign_b64(key_for(user(APPLICANT_IIN), purpose=Purpose.AUTH), b"something else")

    response = _eds_post(api, challenge, challenge_id, signature)

    assert response.status_code == 401
    assert response.json()["code"] == "eds_not_confirmed"


@pytest.mark.django_db
def test_eds_login_needs_an_account_with_the_signers_iin(api: ApiClient) -> None:
    citizen = user(APPLICANT_IIN)
    bundle = key_for(citizen, purpose=Purpose.AUTH)
    issued = api.ok(api.get(None, "/auth/challenge"))
    challenge, challenge_id = issued["challenge"], issued["challenge_id"]
    signature = sign_b64(bundle, challenge.encode())
    User.objects.filter(pk=citizen.pk).update(is_active=False)

    response = _eds_post(api, challenge, challenge_id, signature)

    assert response.status_code == 401
    assert response.json()["code"] == "user_unknown"


@pytest.mark.django_db
def test_eds_login_refuses_a_malformed_signature(api: ApiClient) -> None:
    issued = api.ok(api.get(None, "/auth/challenge"))
    challenge, challenge_id = issued["challenge"], issued["challenge_id"]

    response = _eds_post(api, challenge, challenge_id, base64.b64encode(b"junk").decode())

    assert response.status_code == 401
    assert response.json()["code"] == "eds_not_confirmed"


@pytest.mark.django_db
def test_session_works_for_reads_and_needs_the_csrf_token_for_writes(api: ApiClient) -> None:
    # given: a browser logged in with the Django session, with CSRF checks on as in production
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user(APPLICANT_IIN))

    # when / then: reads pass
    assert browser.get(f"{API}/cases").status_code == 200

    # a write without the CSRF token is refused
    body = {"service": "wko-2019-school-transport", "provider": _oblast_id()}
    refused = browser.post(f"{API}/applications", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    assert set(refused.json()["message"]) == LANGUAGES

    # with the token it reaches the endpoint (which refuses the oblast akimat: it does not provide the service)
    token = secrets.token_hex(16)
    browser.cookies["csrftoken"] = token
    passed = browser.post(f"{API}/applications", {**body, "provider": _oblast_id()}, content_type="application/json",
                          headers={"X-CSRFToken": token})
    assert passed.status_code == 422
    assert passed.json()["code"] == "provider_unsuitable"


def _oblast_id() -> int:
    return Organization.objects.get(code="wko").pk
