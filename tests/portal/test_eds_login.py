"""Log in with an EDS authentication key at /login/eds/: a challenge bound to the browser session, signed in NCALayer.

The signatures here are made in Python with demo keys of the test CA, exactly the bytes the page
asks NCALayer to sign (the base64 in `data-eds-sign`).
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from qyzmet.api.models import AuthChallenge
from qyzmet.demo.keys import demo_key_for, demo_sign
from qyzmet.identity.models import User
from qyzmet.portal.eds_login import SESSION_KEY
from qyzmet.signatures import pki
from qyzmet.signatures.pki import KeyBundle
from qyzmet.signatures.profile import Holder, Purpose
from qyzmet.signatures.services import certificate_record_issued, pki_default

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]

CITIZEN = "880314412019"
NO_ACCOUNT_IIN = "871008401427"
SIGN_DATA = re.compile(r'data-eds-sign="([^"]+)" data-eds-key="AUTHENTICATION"')


def page_challenge(client: Client, path: str = "/ru/login/eds/") -> bytes:
    """Open the page and return the exact bytes it asks NCALayer to sign."""
    response = client.get(path)
    assert response.status_code == 200
    found = SIGN_DATA.search(response.content.decode())
    assert found is not None
    return base64.b64decode(found.group(1))


def signed(bundle: KeyBundle, content: bytes) -> str:
    return base64.b64encode(demo_sign(bundle, content, at=timezone.now())).decode("ascii")


def key(iin: str, purpose: Purpose) -> KeyBundle:
    return demo_key_for(User.objects.get(iin=iin), purpose=purpose, now=timezone.now())


def logged_in_iin(client: Client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).iin if user_id else None


def test_the_page_asks_to_sign_a_fresh_challenge_kept_in_the_session(client: Client) -> None:
    # when
    response = client.get("/ru/login/eds/")
    content = response.content.decode()

    # then
    held = client.session[SESSION_KEY]
    challenge = held["challenge"]
    assert challenge.startswith("qyzmet-auth:")
    stored = AuthChallenge.objects.get(value=challenge, used_at=None)
    assert stored.client_hash == hashlib.sha256(held["secret"].encode()).hexdigest()
    assert held["secret"] not in {stored.client_hash, stored.value}
    assert "data-eds-form" in content and 'role="alert"' in content
    assert base64.b64decode(SIGN_DATA.search(content).group(1)).decode() == challenge  # type: ignore[union-attr]
    assert "Вход по ключу ЭЦП" in content


def test_a_signature_with_the_authentication_key_logs_the_citizen_in(client: Client) -> None:
    # given
    challenge = page_challenge(client)

    # when
    response = client.post("/ru/login/eds/", {"signature": signed(key(CITIZEN, Purpose.AUTH), challenge)})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/ru/cabinet/"
    assert logged_in_iin(client) == CITIZEN
    assert AuthChallenge.objects.get(value=challenge.decode()).used_at is not None
    assert client.get("/ru/cabinet/").status_code == 200


def test_a_signing_key_is_refused_with_a_message_in_the_page_language(client: Client) -> None:
    challenge = page_challenge(client)

    response = client.post("/ru/login/eds/", {"signature": signed(key(CITIZEN, Purpose.SIGN), challenge)})

    assert response.status_code == 401
    assert "Для входа использован ключ подписи; выберите ключ аутентификации (AUTH)." in response.content.decode()
    assert logged_in_iin(client) is None


def test_a_signer_without_an_account_is_told_to_register(client: Client) -> None:
    # given: an authentication key of the test CA for an IIN nobody registered
    authority, now = pki_default(), timezone.now()
    private_key = pki.key_generate()
    certificate = pki.certificate_issue(
        authority, holder=Holder(iin=NO_ACCOUNT_IIN, surname="ТЕСТОВА", first_name="АЙГЕРИМ"),
        purpose=Purpose.AUTH, public_key=private_key.public_key(), base_url="http://127.0.0.1:8000", now=now)
    certificate_record_issued(pki=authority, certificate=certificate, purpose=Purpose.AUTH, now=now)
    bundle = KeyBundle(key=private_key, certificate=certificate, chain=authority.chain)
    challenge = page_challenge(client, "/login/eds/")

    # when
    response = client.post("/login/eds/", {"signature": signed(bundle, challenge)})

    # then
    assert response.status_code == 401
    assert "Бұл ЖСН-мен есептік жазба жоқ. Алдымен тіркеліңіз." in response.content.decode()
    assert logged_in_iin(client) is None


def test_an_expired_challenge_is_refused_and_a_new_one_is_shown(client: Client) -> None:
    # given: the page was opened six minutes ago (a challenge lives five)
    opened = datetime.now(UTC) - timedelta(minutes=6)
    with time_machine.travel(opened, tick=False):
        challenge = page_challenge(client, "/en/login/eds/")
    bundle = key(CITIZEN, Purpose.AUTH)

    # when
    response = client.post("/en/login/eds/", {"signature": signed(bundle, challenge)})

    # then
    content = response.content.decode()
    assert response.status_code == 401
    assert "The log-in challenge is unknown, used or expired. Request a new one." in content
    assert client.session[SESSION_KEY]["challenge"] != challenge.decode()
    assert logged_in_iin(client) is None


def test_a_challenge_shown_to_another_browser_does_not_log_this_one_in(client: Client) -> None:
    # given: the citizen signs what another browser was shown
    page_challenge(client)
    elsewhere = page_challenge(Client())

    # when
    response = client.post("/ru/login/eds/", {"signature": signed(key(CITIZEN, Purpose.AUTH), elsewhere)})

    # then
    assert response.status_code == 401
    assert "Вход по ЭЦП не подтверждён" in response.content.decode()
    assert logged_in_iin(client) is None


def test_a_signature_cannot_be_replayed(client: Client) -> None:
    challenge = page_challenge(client)
    signature = signed(key(CITIZEN, Purpose.AUTH), challenge)
    assert client.post("/ru/login/eds/", {"signature": signature}).status_code == 302
    client.post("/ru/logout/")

    again = client.post("/ru/login/eds/", {"signature": signature})

    assert again.status_code == 401
    assert logged_in_iin(client) is None


def test_only_a_local_next_address_is_followed(client: Client) -> None:
    bundle = key(CITIZEN, Purpose.AUTH)
    challenge = page_challenge(client, "/ru/login/eds/?next=/ru/cabinet/%23cases")
    local = client.post("/ru/login/eds/", {"signature": signed(bundle, challenge), "next": "/ru/cabinet/#cases"})
    other = Client()
    challenge = page_challenge(other)
    external = other.post("/ru/login/eds/", {"signature": signed(bundle, challenge), "next": "https://evil.test/"})

    assert local["Location"] == "/ru/cabinet/#cases"
    assert external["Location"] == "/ru/cabinet/"


def test_an_empty_signature_changes_nothing(client: Client) -> None:
    page_challenge(client)

    response = client.post("/ru/login/eds/", {"signature": ""})

    assert response.status_code == 401
    assert logged_in_iin(client) is None
