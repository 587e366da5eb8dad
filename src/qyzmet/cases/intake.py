"""Intake through the provider's office, the portal and the rural okrug akim; refusal to accept.

Each intake checks what its channel's regulation says (a provider of the service, the clerk's
role, the applicant's EDS or one-time password, the rural-akim condition), then hands a `Filing`
to `case_file`. A failed check raises an `IntakeRefused` (kk/ru/en) and creates nothing; an
incomplete package gets a receipt of refusal to accept and no case, where the regulation lets
the party that took it refuse.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from qyzmet.cases import errors
from qyzmet.cases.assignment import RoutingError, provider_is_suitable, rural_akim_offices
from qyzmet.cases.idempotency import receipt_by_key
from qyzmet.cases.models import Case, Receipt
from qyzmet.cases.numbers import number_next
from qyzmet.cases.services import Filing, case_file
from qyzmet.catalog.models import ServiceVersion
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.selectors import definition_of_version
from qyzmet.core.i18n import LANGUAGES, Message, in_language, render_messages
from qyzmet.identity.access import user_has_role
from qyzmet.identity.models import Organization, OrganizationKind, User
from qyzmet.identity.otp import otp_verify
from qyzmet.signatures.backends import get_verifier
from qyzmet.signatures.canonical import canonical_json

EDS_NOT_CONFIRMED: Final = _("The service is refused because the EDS is not confirmed: {detail}")
CONFIRMATION_NOT_OFFERED: Final = _("Confirmation by '{confirmation}' is not offered for this service")
NOT_STAFF_HERE: Final = _("You do not hold the role '{role}' in '{organization}'")
REFUSAL_TO_ACCEPT_NOT_GIVEN: Final = _(
    "The regulation of this service provides no refusal to accept: the package is accepted as it is and checked by "
    "the provider"
)
REFUSAL_TO_ACCEPT_NOT_BY: Final = _("Under the regulation {party} may not refuse to accept; only {parties} may")
PARTIES: Final[dict[str, Message]] = {
    "provider": _("the provider"),
    "state_corporation": _("the State Corporation"),
    "rural_akim": _("the rural okrug akim's office"),
}
# Who takes (and so may refuse) an application on each channel; a regulation's `refusal_to_accept.by`
# names provider and/or state_corporation, so the rural akim's office never refuses on its own.
CHANNEL_PARTY: Final = {
    "provider_office": "provider",
    "portal": "provider",
    "state_corporation": "state_corporation",
    "rural_akim": "rural_akim",
}
CHANNEL_ROLE: Final = {
    "provider_office": "office_clerk",
    "portal": "office_clerk",
    "state_corporation": "sc_operator",
    "rural_akim": "akim_office_specialist",
}
PACKAGE_INCOMPLETE: Final = _("The package is incomplete: {missing}. Refuse to accept it and give the receipt.")
ORIGINALS_NOT_COMPARED: Final = _("The copies must be compared with the originals and the originals returned")


def _refused(code: str, templates: Message, **values: str) -> errors.IntakeRefused:
    return errors.IntakeRefused(code, render_messages(templates, **values))


def _definition(version: ServiceVersion) -> ServiceDefinition:
    return definition_of_version(version)


def _ensure_channel(definition: ServiceDefinition, channel: str) -> None:
    if channel not in {c.code.value for c in definition.channels}:
        raise errors.channel_unavailable(channel)


def _ensure_role(user: User, role: str, organization: Organization) -> None:
    if not user_has_role(user, role, organization):
        raise _refused("not_staff_here", NOT_STAFF_HERE, role=role, organization=organization.code)


def provider_ensure_suitable(definition: ServiceDefinition, provider: Organization) -> None:
    """Refuse (IntakeRefused provider_unsuitable) an organization that is not among the service's providers."""
    if not provider_is_suitable(definition, provider):
        raise errors.provider_unsuitable(provider.code)


def _ensure_akim_office_under(provider: Organization, akim_office: Organization) -> None:
    """The rural akim's office must lie under the provider's akimat (it forwards the application there)."""
    try:
        offices = rural_akim_offices(provider)
    except RoutingError:
        raise errors.provider_unsuitable(akim_office.code) from None
    if not offices.filter(pk=akim_office.pk).exists():
        raise errors.provider_unsuitable(akim_office.code)


def _ensure_may_refuse(definition: ServiceDefinition, channel: str) -> list[str]:
    """The grounds on which the party taking applications on `channel` may refuse to accept (IntakeRefused if none)."""
    rule = definition.refusal_to_accept
    if rule is None:
        raise _refused("refusal_to_accept_not_given", REFUSAL_TO_ACCEPT_NOT_GIVEN)
    party = CHANNEL_PARTY[channel]
    if party not in rule.by:
        parties = {language: ", ".join(in_language(PARTIES[p], language) for p in rule.by) for language in LANGUAGES}
        raise errors.IntakeRefused(
            "refusal_to_accept_not_by_party",
            render_messages(REFUSAL_TO_ACCEPT_NOT_BY, party=PARTIES[party], parties=parties),
        )
    return list(rule.grounds)


def package_check(
    definition: ServiceDefinition, channel: str, *, required: Sequence[str], presented: Iterable[int]
) -> list[str]:
    """The Standard's p.9 list as the intake checklist: the required documents whose box was not ticked.

    `required` is the list in the desk's language (catalog.selectors.standard_lists_for), `presented`
    the indexes ticked. Where the regulation lets the party taking applications on `channel` refuse
    to accept, a gap is PackageIncomplete (nothing is filed; the clerk refuses with the receipt);
    elsewhere the package is accepted as it is and the gaps are returned. An empty list checks nothing.
    """
    ticked = set(presented)
    missing = [item for index, item in enumerate(required) if index not in ticked]
    rule = definition.refusal_to_accept
    if missing and rule is not None and CHANNEL_PARTY[channel] in rule.by:
        raise errors.PackageIncomplete(render_messages(PACKAGE_INCOMPLETE, missing="; ".join(missing)), missing)
    return missing


def package_documents(required: Sequence[str], presented: Iterable[int], named: Iterable[str]) -> list[str]:
    """The package's document list: the ticked required documents first, then the others the clerk named."""
    ticked = set(presented)
    checked = [item for index, item in enumerate(required) if index in ticked]
    return checked + [name for name in named if name not in checked]


@dataclass(frozen=True)
class Applicant:
    iin: str
    name: str
    user: User | None = None
    representative_iin: str = ""


@dataclass(frozen=True)
class Application:
    """The form data and attachments (name and SHA-256 of each file) of an application, and the
    applicant's language (kk, ru or en; empty: Kazakh), in which the result documents are issued."""

    form: dict[str, Any] = field(default_factory=dict)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    language: str = ""

    @property
    def case_language(self) -> str:
        return self.language if self.language in Case.Language.values else Case.Language.KAZAKH


def application_bytes(
    *, version: ServiceVersion, provider: Organization, applicant_iin: str, application: Application
) -> bytes:
    """The exact bytes an applicant signs on the portal (canonical JSON)."""
    return canonical_json(
        {
            "service": version.service.slug,
            "version": version.version,
            "provider": provider.bin,
            "applicant": applicant_iin,
            "form": application.form,
            "attachments": application.attachments,
        }
    )


# --- refusal to accept ------------------------------------------------------------------------------


@transaction.atomic
def intake_refuse(
    *,
    version: ServiceVersion,
    channel: str,
    organization: Organization,
    applicant: Applicant,
    grounds: list[str],
    missing: list[str],
    actor: User,
    now: datetime,
    idempotency_key: str | None = None,
) -> Receipt:
    """Refuse to accept an incomplete (or expired) package: a receipt of refusal, no case.

    Only the party the regulation's `refusal_to_accept.by` names may refuse (the provider on the
    office and portal channels, the State Corporation on its own), on the regulation's grounds;
    where the regulation gives no refusal to accept, the package is accepted as it is and the
    provider checks it. Refusals raise IntakeRefused (or TransitionNotAllowed for a ground the
    regulation does not give) and write nothing. The receipt follows the form the regulation
    names (Standard app. N), when it names one. Side effects: the Receipt; the applicant is notified.
    """
    existing = receipt_by_key(idempotency_key)
    if existing is not None:
        return existing
    definition = _definition(version)
    _ensure_channel(definition, channel)
    _ensure_role(actor, CHANNEL_ROLE[channel], organization)
    allowed = _ensure_may_refuse(definition, channel)
    unknown = [g for g in grounds if g not in allowed]
    if not grounds or unknown:
        raise errors.TransitionNotAllowed("decision_required", choices=", ".join(sorted(allowed)))
    rule = definition.refusal_to_accept
    form = rule.receipt.form if rule is not None and rule.receipt is not None and rule.receipt.form else ""
    receipt = Receipt.objects.create(
        number=number_next(organization=organization, series="X", now=now),
        kind=Receipt.Kind.REFUSAL_TO_ACCEPT,
        service_version=version,
        channel=channel,
        organization=organization,
        applicant_iin=applicant.iin,
        applicant_name=applicant.name,
        issued_by=actor,
        form=form,
        grounds=grounds,
        missing=missing,
        idempotency_key=idempotency_key,
        issued_at=now,
    )
    from qyzmet.notifications.services import receipt_notify  # it imports the cases models

    receipt_notify(receipt, now=now)
    return receipt


# --- provider's office ------------------------------------------------------------------------------


def intake_office(
    *,
    version: ServiceVersion,
    provider: Organization,
    clerk: User,
    applicant: Applicant,
    application: Application,
    originals_compared: bool,
    now: datetime,
    idempotency_key: str | None = None,
) -> Case:
    """A paper application handed in at the provider's office, registered by its clerk.

    The provider must be one of the service's providers. Where the regulation says copies are
    compared with originals and the originals returned, the clerk must confirm it. Side effects:
    the case, its first task and, where the regulation gives one, the receipt of acceptance with
    the incoming number.
    """
    definition = _definition(version)
    _ensure_channel(definition, "provider_office")
    provider_ensure_suitable(definition, provider)
    _ensure_role(clerk, "office_clerk", provider)
    receipt_rule = definition.acceptance_receipt
    if receipt_rule is not None and receipt_rule.originals_compared_and_returned and not originals_compared:
        raise _refused("originals_not_compared", ORIGINALS_NOT_COMPARED)
    filing = Filing(
        service_version=version,
        channel="provider_office",
        provider=provider,
        applicant_iin=applicant.iin,
        applicant_name=applicant.name,
        applicant=applicant.user,
        representative_iin=applicant.representative_iin,
        form=application.form,
        attachments=application.attachments,
        language=application.case_language,
        confirmation="paper",
        idempotency_key=idempotency_key,
    )
    return case_file(filing=filing, actor=clerk, now=now)


# --- portal -------------------------------------------------------------------------------------------


def _otp_purpose(content: bytes) -> str:
    return "application:" + hashlib.sha256(content).hexdigest()


def otp_purpose_of(content: bytes) -> str:
    """What a one-time password confirming exactly these signed bytes is bound to."""
    return _otp_purpose(content)


def portal_otp_purpose(
    *, version: ServiceVersion, provider: Organization, applicant: User, application: Application
) -> str:
    """What a one-time password for this application is bound to (send it with identity's otp_send)."""
    content = application_bytes(
        version=version, provider=provider, applicant_iin=applicant.iin, application=application
    )
    return _otp_purpose(content)


def portal_confirm(
    definition: ServiceDefinition, content: bytes, *, applicant: User, signature: str | None, otp_code: str | None,
    now: datetime,
) -> str:
    """Check the applicant's EDS signature of `content`, or their one-time password bound to it; "eds" or "otp".

    Only the confirmations the portal channel offers are taken. A failure raises IntakeRefused
    with its own message (the OTP's errors are identity's).
    """
    offered = {c.value for c in definition.channel("portal").confirmation} or {"eds"}
    if signature is not None:
        if not offered & {"eds", "provider_eds"}:
            raise _refused("confirmation_not_offered", CONFIRMATION_NOT_OFFERED, confirmation="eds")
        try:
            signature_bytes = base64.b64decode(signature, validate=True)
        except ValueError:
            raise _refused("eds_not_confirmed", EDS_NOT_CONFIRMED, detail="MALFORMED_CMS") from None
        verdict = get_verifier().verify(content, signature_bytes, expected_iin=applicant.iin, now=now)
        if not verdict.is_valid:
            raise _refused("eds_not_confirmed", EDS_NOT_CONFIRMED, detail=verdict.code or "")
        return "eds"
    if otp_code is not None:
        if "otp" not in offered:
            raise _refused("confirmation_not_offered", CONFIRMATION_NOT_OFFERED, confirmation="otp")
        otp_verify(user=applicant, purpose=_otp_purpose(content), code=otp_code, now=now)
        return "otp"
    raise _refused("eds_not_confirmed", EDS_NOT_CONFIRMED, detail="NO_SIGNATURE")


def intake_portal(
    *,
    version: ServiceVersion,
    provider: Organization,
    applicant: User,
    application: Application,
    now: datetime,
    signature: str | None = None,
    otp_code: str | None = None,
    idempotency_key: str | None = None,
) -> Case:
    """A citizen's e-application, signed with their EDS or confirmed with a one-time password.

    The provider must be one of the service's providers. The portal's condition 2: the
    certificate's validity, its absence from the revocation lists and the IIN match (the signature
    verifier's checks); a failure refuses with its own message. Side effects: the case and its
    first tasks.
    """
    definition = _definition(version)
    _ensure_channel(definition, "portal")
    provider_ensure_suitable(definition, provider)
    content = application_bytes(
        version=version, provider=provider, applicant_iin=applicant.iin, application=application
    )
    confirmation = portal_confirm(
        definition, content, applicant=applicant, signature=signature, otp_code=otp_code, now=now
    )
    filing = Filing(
        service_version=version,
        channel="portal",
        provider=provider,
        applicant_iin=applicant.iin,
        applicant_name=applicant.full_name,
        applicant=applicant,
        form=application.form,
        attachments=application.attachments,
        language=application.case_language,
        confirmation=confirmation,
        idempotency_key=idempotency_key,
        signature=signature or "",
    )
    return case_file(filing=filing, actor=applicant, now=now)


# --- rural okrug akim ------------------------------------------------------------------------------


def intake_rural_akim(
    *,
    version: ServiceVersion,
    akim_office: Organization,
    provider: Organization,
    specialist: User,
    applicant: Applicant,
    application: Application,
    residence: Organization,
    now: datetime,
    idempotency_key: str | None = None,
) -> Case:
    """An application handed to the rural okrug akim's office, which forwards it to the provider.

    The provider must be one of the service's providers and the akim's office must lie under the
    provider's akimat. Offered only where the definition's condition holds: with
    `no_provider_at_residence`, the applicant must live in a rural okrug (where no provider sits),
    not in a district or city. Side effects: the case, its first task and, where the regulation
    gives one, the receipt of acceptance.
    """
    definition = _definition(version)
    _ensure_channel(definition, "rural_akim")
    provider_ensure_suitable(definition, provider)
    _ensure_akim_office_under(provider, akim_office)
    _ensure_role(specialist, "akim_office_specialist", akim_office)
    condition = definition.channel("rural_akim").condition
    if condition is not None and residence.kind != OrganizationKind.RURAL_AKIM_OFFICE:
        raise errors.condition_not_met()
    filing = Filing(
        service_version=version,
        channel="rural_akim",
        provider=provider,
        applicant_iin=applicant.iin,
        applicant_name=applicant.name,
        applicant=applicant.user,
        representative_iin=applicant.representative_iin,
        intake_office=akim_office,
        form={**application.form, "residence": residence.code},
        attachments=application.attachments,
        language=application.case_language,
        confirmation="paper",
        idempotency_key=idempotency_key,
    )
    return case_file(filing=filing, actor=specialist, now=now)
