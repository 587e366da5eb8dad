"""One-time passwords: only with a linked mobile; 6 digits, hashed, 5 minutes, 3 tries, rate-limited, by SMS."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from pytest_django.fixtures import Settings

from qyzmet.core.i18n import render_messages
from qyzmet.identity.models import OneTimePassword, SmsOutbox, User
from qyzmet.identity.otp import (
    MOBILE_MISSING_MESSAGES,
    OTP_LIFETIME,
    OtpAttemptsExhausted,
    OtpExpired,
    OtpMobileMissing,
    OtpNotFound,
    OtpRateLimited,
    OtpWrongCode,
    otp_send,
    otp_verify,
)
from qyzmet.identity.selectors import sms_outbox_list
from qyzmet.identity.services import user_mobile_link
from tests.identity.conftest import NOW
from tests.identity.factories import UserFactory

APPLICATION = "sha256:5f1c0d0e9a4b7e5c2d3f1a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d"
OTHER_APPLICATION = "sha256:0000000000000000000000000000000000000000000000000000000000000000"

SENT_MESSAGES: list[tuple[str, str]] = []


class RecordingSmsBackend:
    """A stand-in operator for the back-end setting test."""

    def send(self, *, to: str, text: str, now: datetime) -> None:
        SENT_MESSAGES.append((to, text))


def last_code(mobile: str) -> str:
    match = re.search(r"\b(\d{6})\b", sms_outbox_list(to=mobile, limit=1)[0].text)
    assert match is not None
    return match.group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.fixture
def applicant() -> User:
    return UserFactory(mobile="+77015550101")


@pytest.mark.django_db
def test_no_code_without_a_linked_mobile_number() -> None:
    # given
    gulnar = UserFactory(mobile="")

    # when
    with pytest.raises(OtpMobileMissing) as raised:
        otp_send(user=gulnar, purpose=APPLICATION, now=NOW)

    # then
    assert raised.value.code == "mobile_missing"
    assert raised.value.messages == render_messages(MOBILE_MISSING_MESSAGES)
    assert not OneTimePassword.objects.exists()
    assert not SmsOutbox.objects.exists()


@pytest.mark.django_db
def test_a_sent_code_is_six_digits_in_the_outbox_and_only_its_hash_is_stored(applicant: User) -> None:
    # when
    otp = otp_send(user=applicant, purpose=APPLICATION, now=NOW)

    # then
    message = SmsOutbox.objects.get()
    code = last_code("+77015550101")
    assert (message.to, message.created_at) == ("+77015550101", NOW)
    assert message.text == (
        f"Qyzmet: {code} — бір реттік құпия сөз / одноразовый пароль (5 мин). "
        "Ешкімге айтпаңыз / Никому не сообщайте."
    )
    stored = OneTimePassword.objects.get(pk=otp.pk)
    assert re.fullmatch(r"[0-9a-f]{64}", stored.code_hash) and code not in stored.code_hash
    assert (stored.mobile, stored.purpose, stored.expires_at) == ("+77015550101", APPLICATION, NOW + OTP_LIFETIME)


@pytest.mark.django_db
def test_the_right_code_is_accepted_once(applicant: User) -> None:
    # given
    otp_send(user=applicant, purpose=APPLICATION, now=NOW)
    code = last_code(applicant.mobile)

    # when
    accepted = otp_verify(user=applicant, purpose=APPLICATION, code=code, now=NOW + timedelta(minutes=1))

    # then
    assert accepted.consumed_at == NOW + timedelta(minutes=1)
    with pytest.raises(OtpNotFound):
        otp_verify(user=applicant, purpose=APPLICATION, code=code, now=NOW + timedelta(minutes=2))


@pytest.mark.django_db
def test_a_code_expires_after_five_minutes(applicant: User) -> None:
    # given
    otp_send(user=applicant, purpose=APPLICATION, now=NOW)
    code = last_code(applicant.mobile)

    # when
    with pytest.raises(OtpExpired) as raised:
        otp_verify(user=applicant, purpose=APPLICATION, code=code, now=NOW + timedelta(minutes=5))

    # then
    assert raised.value.messages["en"] == "The code has expired. Request a new one."
    assert otp_verify(user=applicant, purpose=APPLICATION, code=code, now=NOW + timedelta(minutes=4, seconds=59))


@pytest.mark.django_db
def test_wrong_codes_count_down_three_attempts_then_even_the_right_code_is_refused(applicant: User) -> None:
    # given
    otp_send(user=applicant, purpose=APPLICATION, now=NOW)
    code = last_code(applicant.mobile)

    # when
    left = []
    for _ in range(2):
        with pytest.raises(OtpWrongCode) as raised:
            otp_verify(user=applicant, purpose=APPLICATION, code=wrong(code), now=NOW)
        left.append((raised.value.attempts_left, raised.value.messages["ru"]))
    with pytest.raises(OtpAttemptsExhausted) as third:
        otp_verify(user=applicant, purpose=APPLICATION, code=wrong(code), now=NOW)

    # then
    assert left == [(2, "Неверный код. Осталось попыток: 2."), (1, "Неверный код. Осталось попыток: 1.")]
    assert third.value.messages["kk"] == "Әрекет саны таусылды. Жаңа код сұраңыз."
    with pytest.raises(OtpAttemptsExhausted):
        otp_verify(user=applicant, purpose=APPLICATION, code=code, now=NOW)
    assert OneTimePassword.objects.get().attempts_used == 3


@pytest.mark.django_db
def test_the_right_code_on_the_last_attempt_is_accepted(applicant: User) -> None:
    # given
    otp_send(user=applicant, purpose=APPLICATION, now=NOW)
    code = last_code(applicant.mobile)
    for _ in range(2):
        with pytest.raises(OtpWrongCode):
            otp_verify(user=applicant, purpose=APPLICATION, code=wrong(code), now=NOW)

    # when
    accepted = otp_verify(user=applicant, purpose=APPLICATION, code=code, now=NOW)

    # then
    assert accepted.attempts_used == 3 and accepted.consumed_at == NOW


@pytest.mark.django_db
def test_a_code_is_bound_to_its_purpose_and_superseded_by_a_newer_one(applicant: User) -> None:
    # given
    otp_send(user=applicant, purpose=APPLICATION, now=NOW)
    first = last_code(applicant.mobile)
    otp_send(user=applicant, purpose=APPLICATION, now=NOW + timedelta(minutes=1))
    second = last_code(applicant.mobile)

    # then
    with pytest.raises(OtpNotFound):
        otp_verify(user=applicant, purpose=OTHER_APPLICATION, code=second, now=NOW + timedelta(minutes=1))
    if first != second:
        with pytest.raises(OtpWrongCode):
            otp_verify(user=applicant, purpose=APPLICATION, code=first, now=NOW + timedelta(minutes=1))
    assert otp_verify(user=applicant, purpose=APPLICATION, code=second, now=NOW + timedelta(minutes=1))


@pytest.mark.django_db
def test_a_code_sent_to_a_number_since_replaced_is_refused(applicant: User) -> None:
    # given
    otp_send(user=applicant, purpose=APPLICATION, now=NOW)
    code = last_code(applicant.mobile)

    # when
    user_mobile_link(user=applicant, mobile="+77025550102")

    # then
    with pytest.raises(OtpNotFound):
        otp_verify(user=applicant, purpose=APPLICATION, code=code, now=NOW)


@pytest.mark.django_db
def test_a_number_gets_at_most_three_codes_in_ten_minutes(applicant: User) -> None:
    # given
    for minute in (0, 1, 2):
        otp_send(user=applicant, purpose=APPLICATION, now=NOW + timedelta(minutes=minute))

    # when
    with pytest.raises(OtpRateLimited) as raised:
        otp_send(user=applicant, purpose=APPLICATION, now=NOW + timedelta(minutes=3))

    # then
    assert raised.value.retry_at == NOW + timedelta(minutes=10)
    assert OneTimePassword.objects.count() == 3 and SmsOutbox.objects.count() == 3
    assert otp_send(user=applicant, purpose=APPLICATION, now=NOW + timedelta(minutes=10))


@pytest.mark.django_db
def test_a_number_gets_at_most_ten_codes_a_day(applicant: User) -> None:
    # given: one code every five minutes never trips the ten-minute limit
    for n in range(10):
        otp_send(user=applicant, purpose=APPLICATION, now=NOW + timedelta(minutes=5 * n))

    # when
    with pytest.raises(OtpRateLimited) as raised:
        otp_send(user=applicant, purpose=APPLICATION, now=NOW + timedelta(minutes=50))

    # then
    assert raised.value.retry_at == NOW + timedelta(days=1)
    assert otp_send(user=applicant, purpose=APPLICATION, now=NOW + timedelta(days=1))


@pytest.mark.django_db
def test_the_rate_limit_counts_the_number_not_the_account() -> None:
    # given: two accounts share one family phone
    mother = UserFactory(mobile="+77015550101")
    son = UserFactory(mobile="+77015550101")
    for minute in (0, 1, 2):
        otp_send(user=mother, purpose=APPLICATION, now=NOW + timedelta(minutes=minute))

    # then
    with pytest.raises(OtpRateLimited):
        otp_send(user=son, purpose=APPLICATION, now=NOW + timedelta(minutes=3))


@pytest.mark.django_db
def test_the_sms_backend_setting_chooses_where_codes_go(applicant: User, settings: Settings) -> None:
    # given
    settings.QYZMET_SMS_BACKEND = f"{__name__}.RecordingSmsBackend"
    SENT_MESSAGES.clear()

    # when
    otp_send(user=applicant, purpose=APPLICATION, now=NOW)

    # then
    assert [to for to, _ in SENT_MESSAGES] == ["+77015550101"]
    assert not SmsOutbox.objects.exists()
