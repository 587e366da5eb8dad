"""Citizen accounts: registration, mobile numbers, log-in with lockout and its audit rows."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_django.fixtures import Settings

from qyzmet.core.i18n import render_messages
from qyzmet.identity.identifiers import InvalidIdentifier, InvalidMobile
from qyzmet.identity.models import LoginAttempt, User
from qyzmet.identity.services import (
    INVALID_CREDENTIALS_MESSAGES,
    LOCKOUT_DURATION,
    LOCKOUT_THRESHOLD,
    AccountExists,
    AccountLocked,
    AuthenticationFailed,
    citizen_authenticate,
    citizen_register,
    user_mobile_link,
    user_mobile_unlink,
)
from tests.identity.conftest import NOW
from tests.identity.factories import PASSWORD, UserFactory

ALIYA_IIN = "871008401427"


def _fail(iin: str, times: int, *, now: datetime = NOW) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationFailed):
            citizen_authenticate(iin=iin, password="wrong password", now=now)


@pytest.mark.django_db
def test_registration_stores_an_argon2_hash_and_the_normalised_mobile(settings: Settings) -> None:
    # given
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]

    # when
    user = citizen_register(
        iin=" 871008401427 ", password=PASSWORD, surname="Нұрланова", given_name="Әлия",
        patronymic="Серікқызы", mobile="8 (701) 555-01-01", now=NOW,
    )

    # then
    stored = User.objects.get(pk=user.pk)
    assert stored.iin == ALIYA_IIN
    assert stored.password.startswith("argon2$")
    assert stored.check_password(PASSWORD)
    assert stored.mobile == "+77015550101"
    assert stored.full_name == "Нұрланова Әлия Серікқызы"
    assert stored.created_at == NOW


@pytest.mark.django_db
def test_registration_refuses_a_bad_iin_a_bad_mobile_a_weak_password_and_a_second_account() -> None:
    # given
    citizen_register(iin=ALIYA_IIN, password=PASSWORD, surname="Нұрланова", given_name="Әлия", now=NOW)

    # then
    with pytest.raises(InvalidIdentifier):
        citizen_register(iin="871008401428", password=PASSWORD, surname="А", given_name="Б", now=NOW)
    with pytest.raises(InvalidMobile):
        citizen_register(iin="760212350620", password=PASSWORD, surname="А", given_name="Б", mobile="123", now=NOW)
    with pytest.raises(ValidationError):
        citizen_register(iin="760212350620", password="password", surname="А", given_name="Б", now=NOW)
    with pytest.raises(AccountExists):
        citizen_register(iin=ALIYA_IIN, password=PASSWORD, surname="Нұрланова", given_name="Әлия", now=NOW)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_mobile_link_and_unlink() -> None:
    # given
    user = UserFactory()

    # when
    user_mobile_link(user=user, mobile="+7 747 555 01 04")

    # then
    assert User.objects.get(pk=user.pk).mobile == "+77475550104"
    user_mobile_unlink(user=user)
    assert User.objects.get(pk=user.pk).mobile == ""


@pytest.mark.django_db
def test_a_correct_password_logs_in_and_is_audited() -> None:
    # given
    user = UserFactory(iin=ALIYA_IIN)

    # when
    logged_in = citizen_authenticate(iin=ALIYA_IIN, password=PASSWORD, now=NOW)

    # then
    assert logged_in.pk == user.pk
    assert User.objects.get(pk=user.pk).last_login == NOW
    attempt = LoginAttempt.objects.get()
    assert (attempt.iin, attempt.user_id, attempt.outcome, attempt.at) == (
        ALIYA_IIN, user.pk, LoginAttempt.Outcome.SUCCESS, NOW,
    )


@pytest.mark.django_db
def test_unknown_iin_wrong_password_and_inactive_account_look_the_same() -> None:
    # given
    UserFactory(iin=ALIYA_IIN)
    UserFactory(iin="760212350620", inactive=True)

    # when
    errors = []
    for iin, password in [("800416300257", PASSWORD), (ALIYA_IIN, "wrong"), ("760212350620", PASSWORD)]:
        with pytest.raises(AuthenticationFailed) as raised:
            citizen_authenticate(iin=iin, password=password, now=NOW)
        errors.append((raised.value.code, dict(raised.value.messages)))

    # then
    assert errors == [("invalid_credentials", render_messages(INVALID_CREDENTIALS_MESSAGES))] * 3
    assert list(LoginAttempt.objects.order_by("pk").values_list("iin", "outcome")) == [
        ("800416300257", "invalid_credentials"), (ALIYA_IIN, "invalid_credentials"),
        ("760212350620", "invalid_credentials"),
    ]


@pytest.mark.django_db
def test_the_fifth_consecutive_failure_locks_the_account_for_fifteen_minutes() -> None:
    # given
    user = UserFactory(iin=ALIYA_IIN)
    _fail(ALIYA_IIN, 4)

    # when
    with pytest.raises(AccountLocked) as raised:
        citizen_authenticate(iin=ALIYA_IIN, password="wrong password", now=NOW)

    # then
    assert raised.value.until == NOW + timedelta(minutes=15)
    shown = timezone.localtime(NOW + timedelta(minutes=15)).strftime("%d.%m.%Y %H:%M")
    assert raised.value.messages["ru"] == (
        f"Слишком много неудачных попыток: учётная запись заблокирована до {shown}."
    )
    assert User.objects.get(pk=user.pk).locked_until == NOW + LOCKOUT_DURATION
    assert LoginAttempt.objects.filter(outcome=LoginAttempt.Outcome.LOCKED_NOW).count() == 1


@pytest.mark.django_db
def test_a_locked_account_refuses_even_the_right_password_until_the_lock_ends() -> None:
    # given
    UserFactory(iin=ALIYA_IIN)
    _fail(ALIYA_IIN, LOCKOUT_THRESHOLD - 1)
    with pytest.raises(AccountLocked):
        citizen_authenticate(iin=ALIYA_IIN, password="wrong password", now=NOW)

    # when
    with pytest.raises(AccountLocked) as during:
        citizen_authenticate(iin=ALIYA_IIN, password=PASSWORD, now=NOW + LOCKOUT_DURATION - timedelta(seconds=1))
    after = citizen_authenticate(iin=ALIYA_IIN, password=PASSWORD, now=NOW + LOCKOUT_DURATION)

    # then
    assert during.value.until == NOW + LOCKOUT_DURATION
    assert after.iin == ALIYA_IIN
    assert after.locked_until is None
    assert list(LoginAttempt.objects.order_by("-pk").values_list("outcome", flat=True)[:3]) == [
        "success", "locked", "locked_now",
    ]


@pytest.mark.django_db
def test_a_success_resets_the_failure_count() -> None:
    # given
    UserFactory(iin=ALIYA_IIN)
    _fail(ALIYA_IIN, LOCKOUT_THRESHOLD - 1)
    citizen_authenticate(iin=ALIYA_IIN, password=PASSWORD, now=NOW)

    # when
    _fail(ALIYA_IIN, LOCKOUT_THRESHOLD - 1)

    # then
    assert User.objects.get(iin=ALIYA_IIN).failed_login_count == LOCKOUT_THRESHOLD - 1
    assert User.objects.get(iin=ALIYA_IIN).locked_until is None


@pytest.mark.django_db
def test_failures_are_counted_in_the_database_not_on_a_stale_instance() -> None:
    # given: four failures were counted by other requests while this one held an old copy
    user = UserFactory(iin=ALIYA_IIN)
    User.objects.filter(pk=user.pk).update(failed_login_count=LOCKOUT_THRESHOLD - 1)

    # when
    with pytest.raises(AccountLocked):
        citizen_authenticate(iin=ALIYA_IIN, password="wrong password", now=NOW)

    # then
    assert user.failed_login_count == 0
    assert User.objects.get(pk=user.pk).locked_until == NOW + LOCKOUT_DURATION


@pytest.mark.django_db
def test_the_django_backend_goes_through_the_lockout(settings: Settings) -> None:
    # given
    settings.AUTHENTICATION_BACKENDS = ["qyzmet.identity.backends.IinLockoutBackend"]
    user = UserFactory(iin=ALIYA_IIN)

    # when
    accepted = authenticate(None, username=ALIYA_IIN, password=PASSWORD)
    refused = authenticate(None, username=ALIYA_IIN, password="wrong")

    # then
    assert accepted == user
    assert refused is None
    assert LoginAttempt.objects.count() == 2
