"""Writes of the API layer: tokens, EDS log-in, portal drafts, idempotent filing and directions.

Filing itself is the case engine's (`cases.intake`, `cases.services`) and, at the State
Corporation, the hall's (`state_corporation.services`: through the registries); these functions add what only
an API needs: a token per log-in, a draft that shows the applicant the bytes to sign, and an
`Idempotency-Key` that makes a retried request return what the first one made.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from django.db import transaction

from qyzmet.api import errors
from qyzmet.api.models import ApiToken, ApplicationDraft, AuthChallenge
from qyzmet.api.selectors import ServiceRef, draft_application, token_hash
from qyzmet.cases.errors import channel_unavailable
from qyzmet.cases.idempotency import case_by_key, case_directed_by, once, race_settled, receipt_by_key
from qyzmet.cases.intake import (
    Applicant,
    Application,
    intake_office,
    intake_portal,
    intake_refuse,
    intake_rural_akim,
    portal_otp_purpose,
    provider_ensure_suitable,
)
from qyzmet.cases.models import Case, Receipt
from qyzmet.cases.services import queue_direct_next
from qyzmet.core.i18n import LANGUAGES, render_messages
from qyzmet.gateway.messages import data_unavailable_messages
from qyzmet.identity.models import OneTimePassword, Organization, User
from qyzmet.identity.otp import otp_send
from qyzmet.identity.services import citizen_authenticate
from qyzmet.signatures.backends import get_verifier
from qyzmet.signatures.profile import Purpose
from qyzmet.state_corporation.errors import HallError
from qyzmet.state_corporation.models import Intake, IntakeStatus
from qyzmet.state_corporation.services import (
    IntakeSubmission,
    intake_message,
    sc_intake_submit,
    sc_operator_ensure,
    sc_request_document,
)

TOKEN_LIFETIME: Final = timedelta(hours=12)
TOKEN_PREFIX: Final = "qz_"
CHALLENGE_LIFETIME: Final = timedelta(minutes=5)
CHALLENGE_PREFIX: Final = "qyzmet-auth:"
# Unused, unexpired challenges one client address may hold (a hall's NAT serves many people at once).
CHALLENGES_PER_ADDRESS: Final = 20
IDEMPOTENCY_KEY_MAX_LENGTH: Final = 200
SC_REQUEST_ID_LENGTH: Final = 64  # hall.Intake.request_id


# --- tokens and log-in ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    """A new bearer token: `token` is shown once, only its hash is stored."""

    token: str
    record: ApiToken


def token_issue(*, user: User, method: str, now: datetime) -> IssuedToken:
    """Issue a bearer token for `user`. Side effects: writes an ApiToken (the hash only)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(user=user, key_hash=token_hash(token), method=method, created_at=now,
                                     expires_at=now + TOKEN_LIFETIME)
    return IssuedToken(token, record)


def token_login_password(*, iin: str, password: str, now: datetime, address: str | None = None) -> IssuedToken:
    """Log in with IIN and password (lockout, address throttling and the audit row included); issue a token.

    Raises AuthenticationFailed, AccountLocked or LoginThrottled. Side effects: a LoginAttempt row; the token.
    """
    user = citizen_authenticate(iin=iin, password=password, now=now, address=address)
    return token_issue(user=user, method=ApiToken.Method.PASSWORD, now=now)


def token_revoke(*, token: str, now: datetime) -> bool:
    """Revoke a bearer token; returns whether it was live. Side effects: sets `revoked_at`."""
    return bool(ApiToken.objects.filter(key_hash=token_hash(token), revoked_at=None).update(revoked_at=now))


def tokens_revoke_for_user(*, user: User, now: datetime) -> int:
    """Revoke every live bearer token of `user` (their password changed); returns how many.

    Called on `identity.models.password_changed` (see ApiConfig.ready). Side effects: sets `revoked_at`.
    """
    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=now)


@dataclass(frozen=True)
class IssuedChallenge:
    """A new EDS log-in challenge and the secret that binds it to the client that asked (shown once)."""

    record: AuthChallenge
    client_secret: str


def challenge_issue(*, now: datetime, address: str | None = None) -> IssuedChallenge:
    """A fresh random text to sign with an EDS authentication key, bound to a new client secret.

    Only the secret's hash is stored; the log-in must bring the secret back. Raises
    ChallengesExhausted when `address` already holds CHALLENGES_PER_ADDRESS unused, unexpired
    challenges. Side effects: writes an AuthChallenge.
    """
    if address is not None and AuthChallenge.objects.filter(
        address=address, used_at=None, expires_at__gt=now,
    ).count() >= CHALLENGES_PER_ADDRESS:
        raise errors.ChallengesExhausted()
    client_secret = secrets.token_urlsafe(24)
    record = AuthChallenge.objects.create(
        value=CHALLENGE_PREFIX + secrets.token_hex(24), client_hash=token_hash(client_secret), address=address,
        created_at=now, expires_at=now + CHALLENGE_LIFETIME,
    )
    return IssuedChallenge(record, client_secret)


def token_login_eds(*, challenge: str, client_secret: str, signature: str, now: datetime) -> IssuedToken:
    """Log in with a CMS signature of a server-issued challenge made with an EDS authentication key.

    Raises LoginRefused as `user_authenticate_eds`. Side effects: marks the challenge used; issues the token.
    """
    user = user_authenticate_eds(challenge=challenge, client_secret=client_secret, signature=signature, now=now)
    return token_issue(user=user, method=ApiToken.Method.EDS, now=now)


def user_authenticate_eds(*, challenge: str, client_secret: str, signature: str, now: datetime) -> User:
    """The person who signed a server-issued challenge (base64 CMS) with their EDS authentication key.

    The API gives them a token, the pages a session. Only the client the challenge was issued to
    (holding its `client_secret`) can use it; the attempt uses it up, whatever its outcome, so a
    signature cannot be replayed.
    Raises LoginRefused (unknown, used, expired or another client's challenge; signature not confirmed,
    e.g. a signing key instead of an authentication key; no account for the IIN). Side effects: marks
    the challenge used.
    """
    claimed = AuthChallenge.objects.filter(
        value=challenge, client_hash=token_hash(client_secret), used_at=None, expires_at__gt=now,
    ).update(used_at=now) if client_secret else 0
    if claimed != 1:
        raise errors.challenge_invalid()
    try:
        signature_bytes = base64.b64decode(signature, validate=True)
    except ValueError:
        raise errors.eds_login_refused("MALFORMED_CMS") from None
    verdict = get_verifier().verify(challenge.encode("utf-8"), signature_bytes, purpose=Purpose.AUTH, now=now)
    if not verdict.is_valid:
        details = {language: verdict.message(language) or verdict.code for language in LANGUAGES}
        messages = render_messages(errors.EDS_LOGIN_REFUSED, detail=details)
        raise errors.LoginRefused("eds_not_confirmed", messages)
    iin = verdict.signer.iin if verdict.signer else None
    user = User.objects.filter(iin=iin, is_active=True).first() if iin else None
    if user is None:
        raise errors.eds_user_unknown()
    return user


# --- idempotency ---------------------------------------------------------------------------------------


def idempotency_key_scoped(*, user: User, operation: str, key: str | None) -> str | None:
    """The stored form of a client's Idempotency-Key: bound to the user and the operation, so two
    clients that happen to pick the same key never see each other's results."""
    if key is None:
        return None
    if not (0 < len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH and key.isascii() and key.isprintable()):
        raise errors.IdempotencyKeyInvalid(IDEMPOTENCY_KEY_MAX_LENGTH)
    digest = hashlib.sha256(f"{user.pk}\n{operation}\n{key}".encode()).hexdigest()
    return f"api:{digest}"


def case_filed_once(*, idempotency_key: str | None, file: Callable[[], Case]) -> Case:
    """Run an intake unless the key already filed a case; return that case. Side effects: the intake's."""
    return once(idempotency_key, case_by_key, file)


def receipt_issued_once(*, idempotency_key: str | None, issue: Callable[[], Receipt]) -> Receipt:
    """Issue a refusal receipt unless the key already issued one; return that receipt."""
    return once(idempotency_key, receipt_by_key, issue)


# --- portal drafts -------------------------------------------------------------------------------------


def draft_create(*, service: ServiceRef, provider: Organization, applicant: User, application: Application,
                 now: datetime, idempotency_key: str | None = None) -> ApplicationDraft:
    """Prepare a portal application for `applicant` to sign; the same key returns the same draft.

    Raises IntakeRefused when the service has no portal channel or the provider does not provide it.
    Side effects: writes an ApplicationDraft.
    """
    if "portal" not in {c.code.value for c in service.definition.channels}:
        raise channel_unavailable("portal")
    provider_ensure_suitable(service.definition, provider)  # the intake checks it again; here it refuses early

    def create() -> ApplicationDraft:
        draft = ApplicationDraft.objects.create(
            applicant=applicant, service_version=service.version, provider=provider, form=application.form,
            attachments=application.attachments, language=application.case_language,
            idempotency_key=idempotency_key, created_at=now,
        )
        draft.refresh_from_db(fields=["form", "attachments"])  # sign exactly what the database gives back
        return draft

    return once(idempotency_key, lambda key: ApplicationDraft.objects.filter(idempotency_key=key).first(), create)


def draft_otp_send(*, draft: ApplicationDraft, now: datetime) -> OneTimePassword:
    """Send the applicant a one-time password bound to this draft's exact content.

    Raises DraftSubmitted, OtpMobileMissing or OtpRateLimited. Side effects: the code and its SMS.
    """
    if draft.case_id is not None:
        raise errors.DraftSubmitted()
    purpose = portal_otp_purpose(version=draft.service_version, provider=draft.provider,
                                 applicant=draft.applicant, application=draft_application(draft))
    return otp_send(user=draft.applicant, purpose=purpose, now=now)


def draft_submit(*, draft: ApplicationDraft, now: datetime, signature: str | None = None,
                 otp_code: str | None = None) -> Case:
    """Submit a draft through the portal intake (EDS or one-time password); a second submit returns the case.

    Raises IntakeRefused or an OTP error and creates nothing. Side effects: the case (see
    `intake_portal`); the draft records it.
    """
    if draft.case is not None:
        return draft.case
    if otp_code is not None:  # a wrong code's counted attempt must stay written when the intake refuses
        return _draft_submit(draft=draft, now=now, signature=signature, otp_code=otp_code)
    with transaction.atomic():  # one commit for the case and the draft's link to it
        return _draft_submit(draft=draft, now=now, signature=signature, otp_code=otp_code)


def _draft_submit(*, draft: ApplicationDraft, now: datetime, signature: str | None, otp_code: str | None) -> Case:
    # No look-up of the key first: the draft's own link (read with it) answers an earlier submit, and
    # `case_file` looks the key up inside its transaction; a twin racing past both gets the winner's case.
    key = f"api-draft:{draft.pk}"
    case = race_settled(key, case_by_key, lambda: intake_portal(
        version=draft.service_version, provider=draft.provider, applicant=draft.applicant,
        application=draft_application(draft), now=now, signature=signature, otp_code=otp_code, idempotency_key=key,
    ))
    ApplicationDraft.objects.filter(pk=draft.pk, case=None).update(case=case, submitted_at=now)
    return case


# --- staff intake --------------------------------------------------------------------------------------


def office_intake(*, service: ServiceRef, provider: Organization, clerk: User, applicant: Applicant,
                  application: Application, originals_compared: bool, now: datetime,
                  idempotency_key: str | None = None) -> Case:
    """`intake_office` once per idempotency key. Side effects: the intake's."""
    return case_filed_once(idempotency_key=idempotency_key, file=lambda: intake_office(
        version=service.version, provider=provider, clerk=clerk, applicant=applicant, application=application,
        originals_compared=originals_compared, now=now, idempotency_key=idempotency_key,
    ))


def rural_akim_intake(*, service: ServiceRef, akim_office: Organization, provider: Organization, specialist: User,
                      applicant: Applicant, application: Application, residence: Organization, now: datetime,
                      idempotency_key: str | None = None) -> Case:
    """`intake_rural_akim` once per idempotency key. Side effects: the intake's."""
    return case_filed_once(idempotency_key=idempotency_key, file=lambda: intake_rural_akim(
        version=service.version, akim_office=akim_office, provider=provider, specialist=specialist,
        applicant=applicant, application=application, residence=residence, now=now,
        idempotency_key=idempotency_key,
    ))


def refusal_issue(*, service: ServiceRef, channel: str, organization: Organization, applicant: Applicant,
                  grounds: list[str], missing: list[str], actor: User, now: datetime,
                  idempotency_key: str | None = None) -> Receipt:
    """`intake_refuse` (a receipt of refusal to accept, no case), once per idempotency key."""
    return receipt_issued_once(idempotency_key=idempotency_key, issue=lambda: intake_refuse(
        version=service.version, channel=channel, organization=organization, applicant=applicant, grounds=grounds,
        missing=missing, actor=actor, now=now, idempotency_key=idempotency_key,
    ))


# --- State Corporation intake ----------------------------------------------------------------------------


def sc_request_id(*, user: User, key: str) -> str:
    """The hall's request id for a client's request id (or Idempotency-Key): bound to the operator, so two
    operators who pick the same id never see each other's intakes. Raises IdempotencyKeyInvalid."""
    scoped = idempotency_key_scoped(user=user, operation="intake-sc", key=key)
    assert scoped is not None
    return scoped[:SC_REQUEST_ID_LENGTH]


def sc_request_preview(*, operator: User, branch: Organization, submission: IntakeSubmission) -> bytes:
    """The exact bytes of the request the operator signs (`sc_request_document`); nothing is written.

    Raises HallError (not_operator_here) unless the user is an operator of the branch.
    """
    sc_operator_ensure(operator, branch)
    return sc_request_document(submission=submission, branch=branch, operator=operator)


def sc_intake_take(*, operator: User, branch: Organization, submission: IntakeSubmission, signature: str,
                   now: datetime) -> Intake:
    """The State Corporation intake (`sc_intake_submit`) of a request signed with the operator's EDS (base64).

    Returns the intake: filed (its case), refused to accept (its receipt), or waiting for a registry
    (kept; the gateway's sweeper files it once the registry answers). The same request id returns
    the first intake. Raises HallError or InvalidIdentifier (nothing written), and IntakeNotSent
    for an intake that ended without reaching the provider ("data cannot be obtained", or the
    registry gave no answer). Side effects: the intake's (the Intake, gateway log rows, the case).
    """
    try:
        signature_bytes = base64.b64decode(signature, validate=True)
    except ValueError:
        raise HallError("signature_invalid", detail="MALFORMED_CMS") from None
    intake = once(submission.request_id, lambda key: Intake.objects.filter(request_id=key).first(),
                   lambda: sc_intake_submit(operator=operator, branch=branch, submission=submission,
                                            signature=signature_bytes, now=now))
    if intake.status in {IntakeStatus.NO_DATA, IntakeStatus.FAILED}:
        raise _intake_not_sent(intake)
    return intake


def _intake_not_sent(intake: Intake) -> errors.IntakeNotSent:
    messages = intake_message(intake) or data_unavailable_messages(intake.result_registry or "gbd_fl")
    code = "data_unavailable" if intake.status == IntakeStatus.NO_DATA else "registry_unavailable"
    return errors.IntakeNotSent(code, messages)


# --- waiting lists ---------------------------------------------------------------------------------------


def queue_directed_once(*, locality: Organization, group: str, actor: User, signatures: dict[str, str],
                        now: datetime, idempotency_key: str | None = None) -> Case | None:
    """`queue_direct_next` once per idempotency key: a retried request returns the child it directed.

    Side effects: the direction's (see `queue_direct_next`).
    """
    return once(idempotency_key, case_directed_by, lambda: queue_direct_next(
        locality=locality, group=group, actor=actor, signatures=signatures, now=now,
        idempotency_key=idempotency_key,
    ))
