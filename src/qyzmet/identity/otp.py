"""One-time passwords: the regulations' alternative to the electronic signature (EDS).

A code goes by SMS to the mobile number linked to the applicant's account, and only then:
no linked number, no code. Codes are 6 random digits (`secrets`), stored only as an HMAC
(SHA-256, keyed by SECRET_KEY) over the user, the number, the purpose and the code; they
expire after OTP_LIFETIME, allow OTP_MAX_ATTEMPTS tries, and a number receives at most the
OTP_RATE_LIMITS counts per sliding window. A code is bound to a purpose, such as the hash
of the application it confirms, and a newer code for the same purpose supersedes the
older one.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from typing import Final

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import render_messages
from qyzmet.identity.models import OneTimePassword, User
from qyzmet.identity.sms import sms_backend

OTP_DIGITS: Final = 6
OTP_LIFETIME: Final = timedelta(minutes=5)
OTP_MAX_ATTEMPTS: Final = 3
# (window, most codes one number may receive within it), checked in order.
OTP_RATE_LIMITS: Final[tuple[tuple[timedelta, int], ...]] = ((timedelta(minutes=10), 3), (timedelta(days=1), 10))
OTP_PURPOSE_MAX_LENGTH: Final = 128
OTP_HMAC_SALT: Final = "qyzmet.identity.otp"

SMS_TEXT: Final = (
    "Qyzmet: {code} — бір реттік құпия сөз / одноразовый пароль ({minutes} мин). "
    "Ешкімге айтпаңыз / Никому не сообщайте."
)

MOBILE_MISSING_MESSAGES: Final = _(
    "A one-time password needs a mobile number linked to the account. Link a number, or sign with an electronic "
    "digital signature."
)
RATE_LIMITED_MESSAGES: Final = _("Too many codes were requested for this number. Try again after {retry_at}.")
EXPIRED_MESSAGES: Final = _("The code has expired. Request a new one.")
WRONG_CODE_MESSAGES: Final = _("Wrong code. Attempts left: {attempts_left}.")
ATTEMPTS_EXHAUSTED_MESSAGES: Final = _("No attempts left. Request a new code.")
NOT_FOUND_MESSAGES: Final = _("There is no valid code. Request a new one.")


class OtpError(LocalizedError):
    """Any refusal of `otp_send` or `otp_verify`."""


class OtpMobileMissing(OtpError):
    def __init__(self) -> None:
        super().__init__("mobile_missing", MOBILE_MISSING_MESSAGES)


class OtpRateLimited(OtpError):
    def __init__(self, retry_at: datetime) -> None:
        shown = timezone.localtime(retry_at).strftime("%d.%m.%Y %H:%M")
        super().__init__("rate_limited", render_messages(RATE_LIMITED_MESSAGES, retry_at=shown))
        self.retry_at = retry_at


class OtpExpired(OtpError):
    def __init__(self) -> None:
        super().__init__("expired", EXPIRED_MESSAGES)


class OtpWrongCode(OtpError):
    def __init__(self, attempts_left: int) -> None:
        super().__init__("wrong_code", render_messages(WRONG_CODE_MESSAGES, attempts_left=attempts_left))
        self.attempts_left = attempts_left


class OtpAttemptsExhausted(OtpError):
    def __init__(self) -> None:
        super().__init__("attempts_exhausted", ATTEMPTS_EXHAUSTED_MESSAGES)


class OtpNotFound(OtpError):
    """No code was sent for this purpose, it was used already, or the number changed since."""

    def __init__(self) -> None:
        super().__init__("not_found", NOT_FOUND_MESSAGES)


def _checked_purpose(purpose: str) -> str:
    if not purpose or len(purpose) > OTP_PURPOSE_MAX_LENGTH:
        raise ValueError(f"an OTP purpose is 1–{OTP_PURPOSE_MAX_LENGTH} characters, e.g. an application hash")
    return purpose


def _code_hash(*, user_id: int, mobile: str, purpose: str, code: str) -> str:
    return salted_hmac(OTP_HMAC_SALT, f"{user_id}:{mobile}:{purpose}:{code}", algorithm="sha256").hexdigest()


def _ensure_within_rate_limits(*, mobile: str, now: datetime) -> None:
    for window, limit in OTP_RATE_LIMITS:
        sent = list(
            OneTimePassword.objects.filter(mobile=mobile, created_at__gt=now - window)
            .order_by("created_at").values_list("created_at", flat=True)
        )
        if len(sent) >= limit:
            # The number may receive again once enough of the oldest codes have left the window.
            raise OtpRateLimited(retry_at=sent[len(sent) - limit] + window)


@transaction.atomic
def otp_send(*, user: User, purpose: str, now: datetime) -> OneTimePassword:
    """Send a fresh one-time password for `purpose` to the user's linked mobile number.

    Raises OtpMobileMissing (no linked number) or OtpRateLimited (with `retry_at`).
    Side effects: writes a OneTimePassword row (the code's HMAC only) and hands the SMS to
    the back-end of settings.QYZMET_SMS_BACKEND (by default a SmsOutbox row).
    """
    purpose = _checked_purpose(purpose)
    # Locking the account serialises concurrent sends for it, so the rate limit is counted exactly.
    account = User.objects.select_for_update().get(pk=user.pk)
    if not account.mobile:
        raise OtpMobileMissing()
    _ensure_within_rate_limits(mobile=account.mobile, now=now)
    code = f"{secrets.randbelow(10**OTP_DIGITS):0{OTP_DIGITS}d}"
    otp = OneTimePassword.objects.create(
        user=account, mobile=account.mobile, purpose=purpose, created_at=now, expires_at=now + OTP_LIFETIME,
        code_hash=_code_hash(user_id=account.pk, mobile=account.mobile, purpose=purpose, code=code),
    )
    minutes = int(OTP_LIFETIME.total_seconds() // 60)
    sms_backend().send(to=account.mobile, text=SMS_TEXT.format(code=code, minutes=minutes), now=now)
    return otp


def otp_verify(*, user: User, purpose: str, code: str, now: datetime) -> OneTimePassword:
    """Check the latest code sent to `user` for `purpose`; on success mark it used and return it.

    Raises OtpNotFound (none sent, already used, or the number changed), OtpExpired,
    OtpWrongCode (with `attempts_left`) or OtpAttemptsExhausted. Every try is counted with
    a conditional update. Not atomic on purpose: a wrong try must stay counted when the
    error propagates, so do not call it inside a transaction that a failure rolls back.
    Side effects: increments `attempts_used`; sets `consumed_at` on success.
    """
    otp = OneTimePassword.objects.filter(user_id=user.pk, purpose=_checked_purpose(purpose)).first()
    current_mobile = User.objects.filter(pk=user.pk).values_list("mobile", flat=True).first()
    if otp is None or otp.consumed_at is not None or otp.mobile != current_mobile:
        raise OtpNotFound()
    if now >= otp.expires_at:
        raise OtpExpired()
    claimed = OneTimePassword.objects.filter(
        pk=otp.pk, consumed_at=None, attempts_used__lt=OTP_MAX_ATTEMPTS,
    ).update(attempts_used=F("attempts_used") + 1)
    if not claimed:
        otp.refresh_from_db(fields=["consumed_at"])
        raise OtpNotFound() if otp.consumed_at is not None else OtpAttemptsExhausted()
    expected = _code_hash(user_id=user.pk, mobile=otp.mobile, purpose=purpose, code=code.strip())
    if not hmac.compare_digest(otp.code_hash, expected):
        otp.refresh_from_db(fields=["attempts_used"])
        attempts_left = OTP_MAX_ATTEMPTS - otp.attempts_used
        raise OtpWrongCode(attempts_left) if attempts_left > 0 else OtpAttemptsExhausted()
    if not OneTimePassword.objects.filter(pk=otp.pk, consumed_at=None).update(consumed_at=now):
        raise OtpNotFound()  # the same code was accepted concurrently
    otp.consumed_at = now
    otp.refresh_from_db(fields=["attempts_used"])
    return otp
