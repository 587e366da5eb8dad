"""Log-in throttling: unknown IINs lock like accounts, one address may fail only so often, the backend hides why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.utils import timezone
from pytest_django.fixtures import Settings

from qyzmet.core.i18n import render_messages
from qyzmet.identity.addresses import client_address
from qyzmet.identity.models import LoginAttempt
from qyzmet.identity.services import (
    LOGIN_THROTTLED_MESSAGES,
    AccountLocked,
    AuthenticationFailed,
    LoginThrottled,
    citizen_authenticate,
)
from tests.identity.conftest import NOW
from tests.identity.factories import PASSWORD, UserFactory

ACCOUNT_IIN = "871008401427"
UNKNOWN_IIN = "800416300257"  # a valid IIN nobody registered
ADDRESS = "203.0.113.7"
OTHER_ADDRESS = "198.51.100.20"


def _outcomes(iin: str, times: int, *, address: str | None = None) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []
    for _ in range(times):
        try:
            citizen_authenticate(iin=iin, password="wrong password", now=NOW, address=address)
        except AccountLocked as locked:
            seen.append((locked.code, locked.until))
        except AuthenticationFailed as failed:
            seen.append((failed.code, None))
    return seen


@pytest.mark.django_db
def test_an_unknown_iin_answers_exactly_like_an_account_under_repeated_failures() -> None:
    # given
    UserFactory(iin=ACCOUNT_IIN)
    until = NOW + timedelta(minutes=15)  # the regulation of the lockout: 5 failures, 15 minutes
    expected = [("invalid_credentials", None)] * 4 + [("account_locked", until)] * 2

    # when
    account = _outcomes(ACCOUNT_IIN, 6)
    unknown = _outcomes(UNKNOWN_IIN, 6)

    # then
    assert account == expected
    assert unknown == expected
    assert list(LoginAttempt.objects.filter(iin=UNKNOWN_IIN).order_by("pk").values_list("outcome", flat=True)) == [
        "invalid_credentials", "invalid_credentials", "invalid_credentials", "invalid_credentials",
        "locked_now", "locked",
    ]


@pytest.mark.django_db
def test_an_unknown_iin_lock_ends_after_fifteen_minutes_like_an_account_lock() -> None:
    # given
    _outcomes(UNKNOWN_IIN, 5)

    # when
    with pytest.raises(AccountLocked):
        citizen_authenticate(iin=UNKNOWN_IIN, password=PASSWORD, now=NOW + timedelta(minutes=14, seconds=59))
    with pytest.raises(AuthenticationFailed) as after:
        citizen_authenticate(iin=UNKNOWN_IIN, password=PASSWORD, now=NOW + timedelta(minutes=15))

    # then
    assert after.value.code == "invalid_credentials"


@pytest.mark.django_db
def test_twenty_failures_from_one_address_refuse_it_even_the_right_password_while_others_still_log_in() -> None:
    # given: twenty wrong passwords from one address, spread over five IINs (four each: no account locks)
    people = [UserFactory() for _ in range(5)]
    for person in people:
        _outcomes(person.iin, 4, address=ADDRESS)

    # when
    with pytest.raises(LoginThrottled) as throttled:
        citizen_authenticate(iin=people[0].iin, password=PASSWORD, now=NOW + timedelta(minutes=1), address=ADDRESS)
    elsewhere = citizen_authenticate(iin=people[1].iin, password=PASSWORD, now=NOW + timedelta(minutes=1),
                                     address=OTHER_ADDRESS)
    later = citizen_authenticate(iin=people[0].iin, password=PASSWORD, now=NOW + timedelta(minutes=15),
                                 address=ADDRESS)

    # then
    assert throttled.value.code == "login_throttled"
    assert dict(throttled.value.messages) == render_messages(LOGIN_THROTTLED_MESSAGES)
    assert throttled.value.messages["ru"] == (
        "Слишком много неудачных попыток входа с этого адреса. Повторите попытку позже."
    )
    assert elsewhere == people[1]
    assert later == people[0]
    assert LoginAttempt.objects.filter(address=ADDRESS, outcome="throttled").count() == 1


@pytest.mark.django_db
def test_nineteen_failures_from_one_address_are_not_yet_throttled() -> None:
    # given
    people = [UserFactory() for _ in range(5)]
    for person in people[:4]:
        _outcomes(person.iin, 4, address=ADDRESS)
    _outcomes(people[4].iin, 3, address=ADDRESS)

    # when
    user = citizen_authenticate(iin=people[4].iin, password=PASSWORD, now=NOW, address=ADDRESS)

    # then
    assert user == people[4]


@pytest.mark.django_db
def test_the_backend_reads_the_address_and_refuses_a_throttled_one_silently(settings: Settings) -> None:
    # given
    settings.AUTHENTICATION_BACKENDS = ["qyzmet.identity.backends.IinLockoutBackend"]
    person = UserFactory()
    LoginAttempt.objects.bulk_create(
        LoginAttempt(iin=UNKNOWN_IIN, outcome="invalid_credentials", at=timezone.now(), address=ADDRESS)
        for _ in range(20)
    )
    request = RequestFactory().post("/login/", REMOTE_ADDR=ADDRESS)

    # when
    refused = authenticate(request, username=person.iin, password=PASSWORD)

    # then
    assert refused is None
    assert LoginAttempt.objects.filter(address=ADDRESS, outcome="throttled").count() == 1


def test_the_client_address_comes_from_the_configured_header(settings: Settings) -> None:
    factory = RequestFactory()
    assert client_address(factory.get("/", REMOTE_ADDR="203.0.113.7")) == "203.0.113.7"
    assert client_address(factory.get("/", REMOTE_ADDR="not an address")) is None
    forwarded = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_address(forwarded) == "10.0.0.1"
    settings.QYZMET_CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    assert client_address(forwarded) == "203.0.113.9"
