"""Writes of the identity module: accounts, log-in, organizations, staff roles, the personal-data log.

One-time passwords are in `otp.py` (re-exported here). Every function takes `now`; none
reads the clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final, NoReturn

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qyzmet.audit.chain import PD_ACCESS, log_append
from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import render_messages
from qyzmet.identity.identifiers import bin_validate, iin_validate, mobile_normalise
from qyzmet.identity.models import (
    LoginAttempt,
    Organization,
    OrganizationKind,
    PersonalDataAccess,
    Role,
    StaffRole,
    User,
)
from qyzmet.identity.office_hours import DEFAULT_OFFICE_HOURS, OfficeHours
from qyzmet.identity.otp import otp_send, otp_verify

__all__ = [
    "AccountExists",
    "AccountLocked",
    "AuthenticationFailed",
    "LoginThrottled",
    "RoleNotAllowed",
    "citizen_authenticate",
    "citizen_register",
    "organization_create",
    "otp_send",
    "otp_verify",
    "personal_data_access_payload",
    "personal_data_access_record",
    "staff_role_grant",
    "staff_role_revoke",
    "user_mobile_link",
    "user_mobile_unlink",
]

LOCKOUT_THRESHOLD: Final = 5
LOCKOUT_DURATION: Final = timedelta(minutes=15)
# Failed log-ins from one client address (any IINs) that make it wait until the window moves on.
ADDRESS_FAILURE_LIMIT: Final = 20
ADDRESS_WINDOW: Final = timedelta(minutes=15)
FAILED_OUTCOMES: Final = (LoginAttempt.Outcome.INVALID_CREDENTIALS, LoginAttempt.Outcome.LOCKED_NOW)

INVALID_CREDENTIALS_MESSAGES: Final = _("Wrong IIN or password.")
ACCOUNT_LOCKED_MESSAGES: Final = _("Too many failed attempts: the account is locked until {until}.")
LOGIN_THROTTLED_MESSAGES: Final = _("Too many failed log-in attempts from this address. Try again later.")
ACCOUNT_EXISTS_MESSAGES: Final = _("An account with this IIN already exists.")
ROLE_NOT_ALLOWED_MESSAGES: Final = _("The role '{role}' cannot be held in an organization of kind '{kind}'.")

# Roles bound to one kind of body; every other role may be held anywhere.
ROLE_ORGANIZATION_KINDS: Final[dict[str, frozenset[str]]] = {
    Role.SC_OPERATOR: frozenset({OrganizationKind.STATE_CORPORATION_BRANCH}),
    Role.AKIM: frozenset({OrganizationKind.RURAL_AKIM_OFFICE}),
    Role.AKIM_OFFICE_SPECIALIST: frozenset({OrganizationKind.RURAL_AKIM_OFFICE}),
    Role.AKIMAT: frozenset({OrganizationKind.OBLAST, OrganizationKind.DISTRICT_AKIMAT, OrganizationKind.CITY_AKIMAT}),
}


class AuthenticationFailed(LocalizedError):
    """Unknown IIN, wrong password or inactive account: deliberately the same error for all three."""

    def __init__(self) -> None:
        super().__init__("invalid_credentials", INVALID_CREDENTIALS_MESSAGES)


class AccountLocked(LocalizedError):
    """Too many failed attempts; `until` is when the next attempt will be heard."""

    def __init__(self, until: datetime) -> None:
        shown = timezone.localtime(until).strftime("%d.%m.%Y %H:%M")
        super().__init__("account_locked", render_messages(ACCOUNT_LOCKED_MESSAGES, until=shown))
        self.until = until


class LoginThrottled(LocalizedError):
    """Too many failed log-ins from the client's address, whatever the IINs tried."""

    def __init__(self) -> None:
        super().__init__("login_throttled", LOGIN_THROTTLED_MESSAGES)


class AccountExists(LocalizedError):
    def __init__(self) -> None:
        super().__init__("account_exists", ACCOUNT_EXISTS_MESSAGES)


class RoleNotAllowed(LocalizedError):
    def __init__(self, role: str, kind: str) -> None:
        super().__init__("role_not_allowed", render_messages(ROLE_NOT_ALLOWED_MESSAGES, role=role, kind=kind))


def citizen_register(
    *, iin: str, password: str, surname: str, given_name: str, patronymic: str = "", mobile: str = "",
    now: datetime,
) -> User:
    """Create an account for a person identified by IIN, with a password and optionally a mobile number.

    Raises InvalidIdentifier, InvalidMobile, AccountExists, or Django's ValidationError for a weak password.
    Side effects: none beyond the new user row.
    """
    user = User(
        iin=iin_validate(iin), surname=surname.strip(), given_name=given_name.strip(),
        patronymic=patronymic.strip(), mobile=mobile_normalise(mobile) if mobile.strip() else "", created_at=now,
    )
    if User.objects.filter(iin=user.iin).exists():
        raise AccountExists()
    validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError as error:  # registered concurrently
        raise AccountExists() from error
    return user


def user_mobile_link(*, user: User, mobile: str) -> User:
    """Link a mobile number (any usual spelling, stored as +7XXXXXXXXXX) to the account.

    Codes already sent to another number stop working (`otp_verify` checks the number).
    Side effects: updates the user row.
    """
    user.mobile = mobile_normalise(mobile)
    user.save(update_fields=["mobile"])
    return user


def user_mobile_unlink(*, user: User) -> User:
    """Remove the mobile number; one-time passwords are then refused. Side effects: updates the user row."""
    user.mobile = ""
    user.save(update_fields=["mobile"])
    return user


def citizen_authenticate(*, iin: str, password: str, now: datetime, address: str | None = None) -> User:
    """Check an IIN and password; return the user, or raise AuthenticationFailed / AccountLocked / LoginThrottled.

    Unknown IIN, wrong password and inactive account give the same error, cost the same password
    hashing and lock the same way after LOCKOUT_THRESHOLD consecutive failures, so no answer tells
    whether an IIN has an account. The lockout is atomic: each attempt on a real account first takes
    one of the LOCKOUT_THRESHOLD slots with a conditional UPDATE and only then checks the password,
    so parallel guesses can never have more than LOCKOUT_THRESHOLD passwords evaluated before the
    lock. `address` (the client's IP) is throttled too: ADDRESS_FAILURE_LIMIT failures from one
    address within ADDRESS_WINDOW refuse every further attempt from it until the window moves on.
    Not atomic on purpose: the audit row and the failure count must stay written when the error
    propagates, so do not call it inside a transaction that a failure rolls back.
    Side effects: writes one LoginAttempt row per call; updates the failure count, the lock
    and `last_login`.
    """
    typed = iin.strip()[:32]
    if address is not None and _address_failures(address, now) >= ADDRESS_FAILURE_LIMIT:
        _login_attempt_record(iin=typed, user=None, outcome=LoginAttempt.Outcome.THROTTLED, now=now, address=address)
        raise LoginThrottled()
    user = User.objects.filter(iin=typed).first()
    if user is None or not user.is_active:
        make_password(password)  # same cost as a real check, so timing does not reveal the IIN is unknown
        _unknown_failure(typed=typed, user=user, now=now, address=address)
    if not _slot_take(user, now):
        user.refresh_from_db(fields=["locked_until"])
        until = user.locked_until if user.is_locked(now) and user.locked_until else now + LOCKOUT_DURATION
        _login_attempt_record(iin=typed, user=user, outcome=LoginAttempt.Outcome.LOCKED, now=now, address=address)
        raise AccountLocked(until)
    if not user.check_password(password):
        _login_failure(user=user, typed=typed, now=now, address=address)
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None, last_login=now)
    user.failed_login_count, user.locked_until, user.last_login = 0, None, now
    _login_attempt_record(iin=typed, user=user, outcome=LoginAttempt.Outcome.SUCCESS, now=now, address=address)
    return user


def _slot_take(user: User, now: datetime) -> bool:
    """Count this attempt as a failure before the password is checked, if the account is open; one UPDATE.

    The row lock the UPDATE takes serialises parallel attempts: once LOCKOUT_THRESHOLD slots are
    taken (finished failures or checks still running) every further attempt is refused unchecked.
    A success gives all slots back.
    """
    return bool(User.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now), pk=user.pk, failed_login_count__lt=LOCKOUT_THRESHOLD,
    ).update(failed_login_count=F("failed_login_count") + 1))


def _login_failure(*, user: User, typed: str, now: datetime, address: str | None) -> NoReturn:
    until = now + LOCKOUT_DURATION
    # Only the attempt that finds every slot taken matches; resetting the count lets the lock expire cleanly.
    locked = User.objects.filter(pk=user.pk, failed_login_count__gte=LOCKOUT_THRESHOLD).update(
        failed_login_count=0, locked_until=until,
    )
    if locked:
        _login_attempt_record(iin=typed, user=user, outcome=LoginAttempt.Outcome.LOCKED_NOW, now=now,
                              address=address)
        raise AccountLocked(until)
    _login_attempt_record(iin=typed, user=user, outcome=LoginAttempt.Outcome.INVALID_CREDENTIALS, now=now,
                          address=address)
    raise AuthenticationFailed()


def _unknown_failure(*, typed: str, user: User | None, now: datetime, address: str | None) -> NoReturn:
    """A failure for an IIN without a usable account, locked like a real one (from the audit rows).

    Nothing can be guessed here, so counting the rows is enough; what matters is that the fifth
    failure answers "locked" exactly as it would for an account, and so tells nothing.
    """
    attempts = LoginAttempt.objects.filter(iin=typed)
    last_lock = attempts.filter(outcome=LoginAttempt.Outcome.LOCKED_NOW).order_by("-pk").first()
    if last_lock is not None and now < last_lock.at + LOCKOUT_DURATION:
        _login_attempt_record(iin=typed, user=user, outcome=LoginAttempt.Outcome.LOCKED, now=now, address=address)
        raise AccountLocked(last_lock.at + LOCKOUT_DURATION)
    since = attempts.filter(pk__gt=last_lock.pk) if last_lock is not None else attempts
    failures = since.filter(outcome=LoginAttempt.Outcome.INVALID_CREDENTIALS).count()
    if failures + 1 >= LOCKOUT_THRESHOLD:
        _login_attempt_record(iin=typed, user=user, outcome=LoginAttempt.Outcome.LOCKED_NOW, now=now,
                              address=address)
        raise AccountLocked(now + LOCKOUT_DURATION)
    _login_attempt_record(iin=typed, user=user, outcome=LoginAttempt.Outcome.INVALID_CREDENTIALS, now=now,
                          address=address)
    raise AuthenticationFailed()


def _address_failures(address: str, now: datetime) -> int:
    return LoginAttempt.objects.filter(
        address=address, at__gt=now - ADDRESS_WINDOW, outcome__in=FAILED_OUTCOMES,
    ).count()


def _login_attempt_record(
    *, iin: str, user: User | None, outcome: str, now: datetime, address: str | None = None,
) -> LoginAttempt:
    return LoginAttempt.objects.create(iin=iin, user=user, outcome=outcome, at=now, address=address)


def organization_create(
    *, code: str, bin: str, name_kk: str, name_ru: str, kind: str, parent: Organization | None = None,
    name_en: str = "", office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
) -> Organization:
    """Create an organization under `parent` (None: a root such as an oblast); the BIN must be valid.

    Side effects: none beyond the new row.
    """
    return Organization.objects.create(
        code=code, bin=bin_validate(bin), name_kk=name_kk, name_ru=name_ru, name_en=name_en,
        kind=OrganizationKind(kind), parent=parent, path=f"{parent.path if parent else ''}{code}/",
        opens_at=office_hours.open, closes_at=office_hours.close,
        lunch_starts_at=office_hours.lunch_start, lunch_ends_at=office_hours.lunch_end,
    )


def staff_role_grant(*, user: User, organization: Organization, role: str, now: datetime) -> StaffRole:
    """Let `user` act as `role` in `organization`; granting a role already held returns the existing row.

    Raises RoleNotAllowed when the role belongs to another kind of body (an SC operator outside
    a State Corporation branch, an akim outside a rural akim's office, …).
    Side effects: creates a StaffRole row.
    """
    role = Role(role)
    allowed_kinds = ROLE_ORGANIZATION_KINDS.get(role)
    if allowed_kinds is not None and organization.kind not in allowed_kinds:
        raise RoleNotAllowed(role.value, organization.kind)
    staff_role, _ = StaffRole.objects.get_or_create(
        user=user, organization=organization, role=role, defaults={"granted_at": now},
    )
    return staff_role


def staff_role_revoke(*, user: User, organization: Organization, role: str) -> bool:
    """Withdraw a role; returns whether the user held it. Side effects: deletes the StaffRole row."""
    deleted, _ = StaffRole.objects.filter(user=user, organization=organization, role=Role(role)).delete()
    return deleted > 0


def personal_data_access_record(
    *, subject_iin: str, actor: User | None, purpose: str, source: str, now: datetime, reference: str = "",
) -> PersonalDataAccess:
    """Log that `actor` (None: an automated process) looked up the personal data of `subject_iin`.

    Call it for every registry look-up (e.g. source="gbd_fl") with the purpose in words and,
    when there is one, the application number as `reference`. The subject IIN is recorded as
    given (12 digits) even if its check digit is wrong: a log must not refuse to record.
    Side effects: writes one PersonalDataAccess row.
    """
    subject = subject_iin.strip()
    if len(subject) != 12 or not (subject.isascii() and subject.isdigit()):
        raise ValueError(f"subject_iin must be 12 digits, got {subject_iin!r}")
    if not purpose.strip() or not source.strip():
        raise ValueError("a personal-data look-up needs a purpose and a source")
    row = PersonalDataAccess(subject_iin=subject, actor=actor, purpose=purpose.strip(), source=source.strip(),
                             reference=reference.strip(), at=now)
    return log_append(PD_ACCESS, row, personal_data_access_payload)


def personal_data_access_payload(row: PersonalDataAccess) -> dict[str, Any]:
    """What a personal-data access row's chain hash covers."""
    return {"subject": row.subject_iin, "actor": row.actor_id, "purpose": row.purpose, "source": row.source,
            "reference": row.reference, "at": row.at}
