"""People, organizations and roles; the audit rows of log-ins and personal-data look-ups; OTPs and the SMS outbox.

Writes go through `services.py` (accounts, organizations, roles, personal-data log) and
`otp.py` (one-time passwords); reads shaped for screens are in `selectors.py`; who may see
what is in `access.py`.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qyzmet.identity.identifiers import InvalidIdentifier, bin_validate, iin_validate
from qyzmet.identity.office_hours import DEFAULT_OFFICE_HOURS

TWELVE_DIGITS = r"^[0-9]{12}$"
MOBILE_PATTERN = r"^\+7[0-9]{10}$"

DEFAULT_OPENS_AT: time = DEFAULT_OFFICE_HOURS.open
DEFAULT_CLOSES_AT: time = DEFAULT_OFFICE_HOURS.close
DEFAULT_LUNCH_STARTS_AT: time | None = DEFAULT_OFFICE_HOURS.lunch_start
DEFAULT_LUNCH_ENDS_AT: time | None = DEFAULT_OFFICE_HOURS.lunch_end


# Sent with `user=` after a saved password change (see `User.save`).
password_changed = Signal()


def validate_iin_field(value: str) -> None:
    """Django field validator: the IIN layout rules, with the message in the active language."""
    try:
        iin_validate(value)
    except InvalidIdentifier as error:
        raise ValidationError(error.message(get_language() or "kk"), code=error.code) from error


def validate_bin_field(value: str) -> None:
    """Django field validator: the BIN layout rules, with the message in the active language."""
    try:
        bin_validate(value)
    except InvalidIdentifier as error:
        raise ValidationError(error.message(get_language() or "kk"), code=error.code) from error


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, iin: str, password: str | None = None, **extra_fields: Any) -> User:
        user = self.model(iin=iin_validate(iin), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, iin: str, password: str | None = None, **extra_fields: Any) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(iin, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: a citizen, a member of staff, or both. Identified by IIN.

    Staff are users with `StaffRole` rows; a citizen applying for a service is any user.
    `is_staff` only means "may open the Django admin".
    """

    iin = models.CharField(_("IIN"), max_length=12, unique=True, validators=[validate_iin_field])
    surname = models.CharField(_("surname"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=12, blank=True, default="",
                              help_text=_("+7XXXXXXXXXX; needed for one-time passwords"))
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text=_("May log in to the Django admin."))
    created_at = models.DateTimeField(default=timezone.now)
    failed_login_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "iin"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["surname", "given_name"]

    class Meta:
        ordering = ["surname", "given_name", "iin"]
        constraints = [
            models.CheckConstraint(condition=Q(iin__regex=TWELVE_DIGITS), name="identity_user_iin_12_digits"),
            models.CheckConstraint(
                condition=Q(mobile="") | Q(mobile__regex=MOBILE_PATTERN), name="identity_user_mobile_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.iin})"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.surname, self.given_name, self.patronymic) if part)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.given_name

    @property
    def has_mobile(self) -> bool:
        return bool(self.mobile)

    def save(self, **kwargs: Any) -> None:
        """Save; a password set with `set_password` since the last save sends `password_changed`.

        Every way of changing a password (pages, admin, `changepassword`, services) ends here, so
        this is the one place that tells the rest of the platform (the API revokes the bearer tokens).
        Django's silent re-hash on log-in clears `_password` first and sends nothing.
        """
        changed = getattr(self, "_password", None) is not None and not self._state.adding
        super().save(**kwargs)
        if changed:
            password_changed.send(sender=User, user=self)

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


class OrganizationKind(models.TextChoices):
    OBLAST = "oblast", _("oblast (oblast akimat)")
    CITY_AKIMAT = "city_akimat", _("city akimat")
    DISTRICT_AKIMAT = "district_akimat", _("district akimat")
    EDUCATION_DEPARTMENT = "education_department", _("education department")
    EMPLOYMENT_SOCIAL_DEPARTMENT = "employment_social_department", _("employment and social programmes department")
    RURAL_AKIM_OFFICE = "rural_akim_office", _("office of a rural okrug akim")
    STATE_CORPORATION_BRANCH = "state_corporation_branch", _("State Corporation branch")


class Organization(models.Model):
    """A body in the tree oblast → district/city akimat → its departments and rural okrug akim offices.

    State Corporation branches hang under their oblast. `path` lists the codes from the root
    ("wko/wko-terekti/"), so a subtree is one `path__startswith` filter; it is set by
    `services.organization_create` and never edited afterwards.
    """

    Kind = OrganizationKind

    code = models.SlugField(max_length=64, unique=True)
    bin = models.CharField(_("BIN"), max_length=12, unique=True, validators=[validate_bin_field])
    name_kk = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=500, db_index=True, editable=False)
    opens_at = models.TimeField(default=DEFAULT_OPENS_AT)
    closes_at = models.TimeField(default=DEFAULT_CLOSES_AT)
    lunch_starts_at = models.TimeField(null=True, blank=True, default=DEFAULT_LUNCH_STARTS_AT)
    lunch_ends_at = models.TimeField(null=True, blank=True, default=DEFAULT_LUNCH_ENDS_AT)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=Q(bin__regex=TWELVE_DIGITS), name="identity_organization_bin_12_digits"),
            models.CheckConstraint(condition=Q(kind__in=OrganizationKind.values),
                                   name="identity_organization_kind_known"),
            models.CheckConstraint(condition=Q(opens_at__lt=models.F("closes_at")),
                                   name="identity_organization_opens_before_closing"),
            models.CheckConstraint(
                condition=Q(lunch_starts_at__isnull=True, lunch_ends_at__isnull=True)
                | Q(
                    lunch_starts_at__gte=models.F("opens_at"),
                    lunch_ends_at__gt=models.F("lunch_starts_at"),
                    closes_at__gte=models.F("lunch_ends_at"),
                ),
                name="identity_organization_lunch_within_hours",
            ),
        ]

    def __str__(self) -> str:
        return self.name_ru

    def name(self, language: str) -> str:
        names = {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en}
        return names.get(language) or self.name_ru


class Role(models.TextChoices):
    """Staff roles. The first seven are the codes the regulation catalogue uses (catalog.schema.Role)."""

    OFFICE_CLERK = "office_clerk", _("office clerk")
    HEAD = "head", _("head")
    EXECUTOR = "executor", _("responsible executor")
    SC_OPERATOR = "sc_operator", _("State Corporation operator")
    AKIM_OFFICE_SPECIALIST = "akim_office_specialist", _("specialist of the rural akim's office")
    AKIM = "akim", _("akim")
    AKIMAT = "akimat", _("akimat (collegial body)")
    QUALITY_MONITOR = "quality_monitor", _("quality monitor")
    ADMINISTRATOR = "administrator", _("administrator")


class StaffRole(models.Model):
    """`user` holds `role` in `organization`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="staff_roles")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField()

    class Meta:
        ordering = ["organization__path", "role", "user__iin"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="identity_staffrole_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="identity_staffrole_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user.iin} {self.role} @ {self.organization.code}"


class LoginAttempt(models.Model):
    """One row per password log-in attempt, whatever the outcome (written by `citizen_authenticate`)."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("success")
        INVALID_CREDENTIALS = "invalid_credentials", _("invalid credentials")
        LOCKED = "locked", _("refused: account locked")
        LOCKED_NOW = "locked_now", _("invalid credentials; account now locked")
        THROTTLED = "throttled", _("refused: too many failures from this address")

    iin = models.CharField(max_length=32, help_text=_("as typed, cut to 32 characters"))
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="login_attempts")
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    at = models.DateTimeField(db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, help_text=_("the client's IP address"))

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["user", "at"], name="identity_login_user_at"),
            models.Index(fields=["iin", "at"], name="identity_login_iin_at"),
            models.Index(fields=["address", "at"], name="identity_login_address_at"),
        ]

    def __str__(self) -> str:
        return f"{self.iin} {self.outcome} {self.at:%Y-%m-%d %H:%M}"


class SignUpAttempt(models.Model):
    """One row per portal sign-up that reached the registry check, or was refused for its address's attempts.

    The rows throttle an address that probes IINs (`portal.services.citizen_sign_up`) and tell the
    security officer who tried to open which account.
    """

    class Outcome(models.TextChoices):
        CREATED = "created", _("account opened")
        NAME_MISMATCH = "name_mismatch", _("refused: the name does not match the registry")
        IIN_NOT_AVAILABLE = "iin_not_available", _("refused: the IIN already has an account")
        REGISTRY_UNAVAILABLE = "registry_unavailable", _("refused: the registry did not answer")
        THROTTLED = "throttled", _("refused: too many refused sign-ups from this address")

    iin = models.CharField(max_length=12)
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    at = models.DateTimeField()
    address = models.GenericIPAddressField(null=True, blank=True, help_text=_("the client's IP address"))

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["address", "at"], name="identity_signup_address_at")]

    def __str__(self) -> str:
        return f"{self.iin} {self.outcome} {self.at:%Y-%m-%d %H:%M}"


class PersonalDataAccess(models.Model):
    """Append-only log of who looked up whose personal data, why, and from where (Law 94-V).

    Written by `services.personal_data_access_record`; never updated or deleted (on PostgreSQL a
    trigger refuses both), and hash-chained row to row so `qyzmet audit verify` sees any change.
    """

    subject_iin = models.CharField(max_length=12, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="personal_data_accesses", help_text=_("empty: an automated process"))
    purpose = models.TextField()
    source = models.CharField(max_length=64, help_text=_("e.g. gbd_fl (the State database of individuals)"))
    reference = models.CharField(max_length=128, blank=True, help_text=_("e.g. the application number"))
    at = models.DateTimeField()
    # Hash chain over the whole log (qyzmet.audit.chain): an edited, deleted or reordered row shows.
    chain_position = models.PositiveBigIntegerField(unique=True, null=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject_iin", "at"], name="identity_pda_subject_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_iin__regex=TWELVE_DIGITS), name="identity_pda_subject_12_digits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_iin} from {self.source} at {self.at:%Y-%m-%d %H:%M}"


class OneTimePassword(models.Model):
    """A one-time code sent by SMS, bound to a user, a number and a purpose; only its HMAC is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="one_time_passwords")
    mobile = models.CharField(max_length=12)
    purpose = models.CharField(max_length=128)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts_used = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["mobile", "created_at"], name="identity_otp_mobile_created"),
            models.Index(fields=["user", "purpose", "created_at"], name="identity_otp_user_purpose"),
        ]

    def __str__(self) -> str:
        return f"OTP {self.pk} for {self.mobile}"


class SmsOutbox(models.Model):
    """Messages of the default SMS back-end: stored, not sent, so the demo can show them on screen."""

    to = models.CharField(max_length=12)
    text = models.TextField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "SMS outbox message"

    def __str__(self) -> str:
        return f"to {self.to} at {self.created_at:%Y-%m-%d %H:%M}"
