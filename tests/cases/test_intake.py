"""Intake through each channel: its own checks, its refusals, its receipts; nothing half-made."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest

from qyzmet.cases.assignment import providers_for, rural_akim_offices, state_corporation_branches
from qyzmet.cases.errors import IntakeRefused, TransitionNotAllowed
from qyzmet.cases.intake import (
    REFUSAL_TO_ACCEPT_NOT_GIVEN,
    Applicant,
    Application,
    application_bytes,
    intake_office,
    intake_portal,
    intake_refuse,
    intake_rural_akim,
    portal_otp_purpose,
)
from qyzmet.cases.models import Case, CaseEvent, QueueEntry, Receipt, ResultDocument
from qyzmet.cases.selectors import queue_position
from qyzmet.cases.services import queue_direct_next, queue_direction_preview
from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.models import ServiceVersion
from qyzmet.core.i18n import render_messages
from qyzmet.demo.keys import demo_key_for, demo_sign
from qyzmet.identity.models import Organization, OrganizationKind, SmsOutbox, User
from qyzmet.identity.otp import otp_send
from tests.cases.conftest import START
from tests.cases.factories import CITIZEN_IIN as DEMO_APPLICANT_IIN
from tests.cases.factories import staff as staff_member
from tests.cases.helpers import direction_signed, queued_children

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]


def version_of(service_id: str) -> ServiceVersion:
    return ServiceVersion.objects.select_related("service").get(service__slug=service_id)


def citizen(iin: str = DEMO_APPLICANT_IIN) -> User:
    return User.objects.get(iin=iin)


def test_incomplete_package_gets_the_receipt_form_the_regulation_names_and_no_case() -> None:
    # given: camp referrals (S04) name Standard app. 2 for the refusal receipt
    definition = catalog_default().latest("wko-2019-camp-referrals")
    provider = providers_for(definition).first()
    assert provider is not None
    clerk = staff_member("office_clerk", provider)

    # when
    receipt = intake_refuse(
        version=version_of(definition.id),
        channel="provider_office",
        organization=provider,
        applicant=Applicant(DEMO_APPLICANT_IIN, "Test"),
        grounds=["expired_documents"],
        missing=["медицинская справка"],
        actor=clerk,
        now=START,
    )

    # then
    assert receipt.kind == Receipt.Kind.REFUSAL_TO_ACCEPT and receipt.form == "Standard app. 2"
    assert receipt.missing == ["медицинская справка"]
    assert not Case.objects.exists()


def test_refusal_to_accept_with_the_same_idempotency_key_gives_one_receipt() -> None:
    # given: the guardian allowance (S11) lets the State Corporation refuse to accept
    definition = catalog_default().latest("wko-2019-guardian-allowance")
    branch = state_corporation_branches(definition).first()
    assert branch is not None
    arguments = {
        "version": version_of(definition.id),
        "channel": "state_corporation",
        "organization": branch,
        "applicant": Applicant(DEMO_APPLICANT_IIN, "Test"),
        "grounds": ["incomplete_package"],
        "missing": [],
        "actor": staff_member("sc_operator", branch),
        "now": START,
        "idempotency_key": "refusal-1",
    }

    # when
    first = intake_refuse(**arguments)  # type: ignore[arg-type]
    second = intake_refuse(**arguments)  # type: ignore[arg-type]

    # then
    assert first.pk == second.pk and first.form == "Standard app. 3"
    assert Receipt.objects.count() == 1


def test_office_intake_gives_the_receipt_of_acceptance_with_its_number() -> None:
    # given: Jambyl's foster-care placement gives a қолхат, originals compared and returned
    definition = catalog_default().latest("jambyl-2015-patronat-placement")
    provider = providers_for(definition).first()
    assert provider is not None
    clerk = staff_member("office_clerk", provider)
    person = Applicant(DEMO_APPLICANT_IIN, "Test")

    # when: first without confirming the originals, then with
    with pytest.raises(IntakeRefused) as refused:
        intake_office(
            version=version_of(definition.id),
            provider=provider,
            clerk=clerk,
            applicant=person,
            application=Application(),
            originals_compared=False,
            now=START,
        )
    case = intake_office(
        version=version_of(definition.id),
        provider=provider,
        clerk=clerk,
        applicant=person,
        application=Application(),
        originals_compared=True,
        now=START,
    )

    # then
    assert refused.value.code == "originals_not_compared"
    receipt = Receipt.objects.get(case=case)
    assert receipt.kind == Receipt.Kind.ACCEPTANCE and receipt.number.startswith(provider.code.upper())
    assert Case.objects.count() == 1


def test_a_clerk_of_another_organization_cannot_register() -> None:
    # given
    definition = catalog_default().latest("jambyl-2015-patronat-placement")
    providers = list(providers_for(definition)[:2])
    outsider = staff_member("office_clerk", providers[1])

    # when
    with pytest.raises(IntakeRefused) as refused:
        intake_office(
            version=version_of(definition.id),
            provider=providers[0],
            clerk=outsider,
            applicant=Applicant(DEMO_APPLICANT_IIN, "Test"),
            application=Application(),
            originals_compared=True,
            now=START,
        )

    # then
    assert refused.value.code == "not_staff_here"
    assert not Case.objects.exists()


def test_portal_refuses_a_signature_by_someone_else_with_its_own_message() -> None:
    # given: the application of one citizen signed with another citizen's key
    definition = catalog_default().latest("wko-2019-minors-property-certificates")
    provider = providers_for(definition).first()
    assert provider is not None
    applicant, other = citizen(), citizen("791102333026")
    application = Application(form={"child": "Test"})
    content = application_bytes(
        version=version_of(definition.id), provider=provider, applicant_iin=applicant.iin, application=application
    )
    signature = base64.b64encode(demo_sign(demo_key_for(other, now=START), content, at=START)).decode()

    # when
    with pytest.raises(IntakeRefused) as refused:
        intake_portal(
            version=version_of(definition.id),
            provider=provider,
            applicant=applicant,
            application=application,
            signature=signature,
            now=START,
        )

    # then
    assert refused.value.code == "eds_not_confirmed"
    assert "IIN_MISMATCH" in refused.value.message("ru")
    assert refused.value.message("kk").startswith("ЭЦҚ түпнұсқалығының расталмауына")
    assert not Case.objects.exists()


def test_portal_accepts_a_one_time_password_where_the_regulation_allows_it() -> None:
    # given: camp referrals (S04) allow EDS or a one-time password
    definition = catalog_default().latest("wko-2019-camp-referrals")
    provider = providers_for(definition).first()
    assert provider is not None
    applicant = citizen()
    application = Application(form={"camp": "Ak Zhaiyk"})
    purpose = portal_otp_purpose(
        version=version_of(definition.id), provider=provider, applicant=applicant, application=application
    )
    otp_send(user=applicant, purpose=purpose, now=START)
    code = re.search(r"\b(\d{6})\b", SmsOutbox.objects.get(to=applicant.mobile).text).group(1)  # type: ignore[union-attr]

    # when
    case = intake_portal(
        version=version_of(definition.id),
        provider=provider,
        applicant=applicant,
        application=application,
        otp_code=code,
        now=START + timedelta(minutes=1),
    )

    # then
    assert case.confirmation == "otp" and case.channel == "portal"


def test_portal_refuses_a_one_time_password_where_the_regulation_gives_only_eds() -> None:
    # given: school meals (S13) name only the EDS
    definition = catalog_default().latest("wko-2019-school-meals")
    provider = providers_for(definition).first()
    assert provider is not None

    # when
    with pytest.raises(IntakeRefused) as refused:
        intake_portal(
            version=version_of(definition.id),
            provider=provider,
            applicant=citizen(),
            application=Application(),
            otp_code="123456",
            now=START,
        )

    # then
    assert refused.value.code == "confirmation_not_offered"
    assert not Case.objects.exists()


def test_rural_akim_route_only_where_no_provider_sits_at_the_residence() -> None:
    # given: targeted social assistance (S17) offers the akim's route only under that condition
    definition = catalog_default().latest("karaganda-2015-targeted-social-assistance")
    provider = providers_for(definition).first()
    assert provider is not None
    office = rural_akim_offices(provider).first()
    assert office is not None
    specialist = staff_member("akim_office_specialist", office)
    city = Organization.objects.get(code="karaganda-city")
    arguments = {
        "version": version_of(definition.id),
        "akim_office": office,
        "provider": provider,
        "specialist": specialist,
        "applicant": Applicant(DEMO_APPLICANT_IIN, "Test"),
        "application": Application(),
        "now": START,
    }

    # when
    with pytest.raises(IntakeRefused) as refused:
        intake_rural_akim(residence=city, **arguments)  # type: ignore[arg-type]
    case = intake_rural_akim(residence=office, **arguments)  # type: ignore[arg-type]

    # then
    assert refused.value.code == "channel_condition_not_met"
    assert case.intake_office == office and Case.objects.count() == 1


def test_channel_the_regulation_does_not_name_is_refused() -> None:
    # given: the child's-opinion decision (S16) is office only
    definition = catalog_default().latest("wko-2019-child-opinion-decision")
    provider = providers_for(definition).first()
    assert provider is not None

    # when
    with pytest.raises(IntakeRefused) as refused:
        intake_portal(
            version=version_of(definition.id),
            provider=provider,
            applicant=citizen(),
            application=Application(),
            signature="AAAA",
            now=START,
        )

    # then
    assert refused.value.code == "channel_unavailable"


def test_same_idempotency_key_never_makes_two_cases() -> None:
    # given
    definition = catalog_default().latest("wko-2019-child-opinion-decision")
    provider = providers_for(definition).first()
    assert provider is not None
    clerk = staff_member("office_clerk", provider)
    arguments = {
        "version": version_of(definition.id),
        "provider": provider,
        "clerk": clerk,
        "applicant": Applicant(DEMO_APPLICANT_IIN, "Test"),
        "application": Application(),
        "originals_compared": True,
        "now": START,
        "idempotency_key": "office-42",
    }

    # when
    first = intake_office(**arguments)  # type: ignore[arg-type]
    second = intake_office(**arguments)  # type: ignore[arg-type]

    # then
    assert first.pk == second.pk and Case.objects.count() == 1


def _refusal(service_id: str, channel: str, organization: Organization, actor: User,
             grounds: tuple[str, ...] = ("incomplete_package",)) -> Receipt:
    return intake_refuse(
        version=version_of(service_id),
        channel=channel,
        organization=organization,
        applicant=Applicant(DEMO_APPLICANT_IIN, "Test"),
        grounds=list(grounds),
        missing=["справка"],
        actor=actor,
        now=START,
    )


def test_the_provider_may_not_refuse_where_the_regulation_gives_that_to_the_state_corporation() -> None:
    # given: the guardian allowance (S11): "by: [state_corporation]"; its portal applications go to the provider
    definition = catalog_default().latest("wko-2019-guardian-allowance")
    provider = providers_for(definition).first()
    assert provider is not None

    # when
    with pytest.raises(IntakeRefused) as refused:
        _refusal(definition.id, "portal", provider, staff_member("office_clerk", provider))

    # then
    assert refused.value.code == "refusal_to_accept_not_by_party"
    assert refused.value.message("en") == (
        "Under the regulation the provider may not refuse to accept; only the State Corporation may"
    )
    assert refused.value.message("ru") == (
        "По регламенту в приеме отказывает не услугодатель, а только Государственная корпорация"
    )
    assert not Receipt.objects.exists()


def test_the_state_corporation_may_not_refuse_where_the_regulation_gives_that_to_the_provider() -> None:
    # given: guardianship establishment (S08): "by: [provider]", though it is offered at the State Corporation
    definition = catalog_default().latest("wko-2019-guardianship-establishment")
    branch = state_corporation_branches(definition).first()
    assert branch is not None

    # when
    with pytest.raises(IntakeRefused) as refused:
        _refusal(definition.id, "state_corporation", branch, staff_member("sc_operator", branch))

    # then
    assert refused.value.code == "refusal_to_accept_not_by_party"
    assert refused.value.message("en") == (
        "Under the regulation the State Corporation may not refuse to accept; only the provider may"
    )
    assert not Receipt.objects.exists()


def test_without_a_refusal_rule_the_package_is_accepted_as_it_is_and_the_provider_checks_it() -> None:
    # given: Jambyl's adoption candidates name no refusal to accept
    definition = catalog_default().latest("jambyl-2015-adoption-candidates")
    assert definition.refusal_to_accept is None
    provider = providers_for(definition).first()
    assert provider is not None

    # when
    with pytest.raises(IntakeRefused) as refused:
        _refusal(definition.id, "provider_office", provider, staff_member("office_clerk", provider))

    # then
    assert refused.value.code == "refusal_to_accept_not_given"
    assert dict(refused.value.messages) == render_messages(REFUSAL_TO_ACCEPT_NOT_GIVEN)
    assert "checked by the provider" in refused.value.message("en")
    assert not Receipt.objects.exists()


def test_refusal_to_accept_only_on_the_grounds_of_the_regulation() -> None:
    # given: the preschool queue lets the State Corporation refuse an incomplete package, nothing else
    definition = catalog_default().latest("pavlodar-2016-preschool-queue")
    branch = state_corporation_branches(definition).first()
    assert branch is not None

    # when
    with pytest.raises(TransitionNotAllowed) as refused:
        _refusal(definition.id, "state_corporation", branch, staff_member("sc_operator", branch),
                 grounds=("expired_documents",))

    # then
    assert refused.value.code == "transition_not_allowed.decision_required"
    assert refused.value.message("en") == "This action is not allowed: choose the decision: incomplete_package"
    assert not Receipt.objects.exists()


# --- the provider must provide the service ------------------------------------------------------------


def test_office_intake_at_an_organization_that_does_not_provide_the_service_is_refused() -> None:
    # given: a West Kazakhstan district's clerk, asked to register a Jambyl service
    definition = catalog_default().latest("jambyl-2015-patronat-placement")
    terekti = Organization.objects.get(code="wko-terekti")

    # when
    with pytest.raises(IntakeRefused) as refused:
        intake_office(
            version=version_of(definition.id),
            provider=terekti,
            clerk=staff_member("office_clerk", terekti),
            applicant=Applicant(DEMO_APPLICANT_IIN, "Test"),
            application=Application(),
            originals_compared=True,
            now=START,
        )

    # then
    assert refused.value.code == "provider_unsuitable"
    assert refused.value.message("en") == "'wko-terekti' does not provide this service"
    assert not Case.objects.exists() and not Receipt.objects.exists()


def test_portal_intake_to_an_organization_that_does_not_provide_the_service_is_refused() -> None:
    # given: a correctly signed application, addressed to a Karaganda organization for a WKO service
    definition = catalog_default().latest("wko-2019-minors-property-certificates")
    outsider = providers_for(catalog_default().latest("karaganda-2015-child-allowance")).first()
    assert outsider is not None
    applicant = citizen()
    application = Application(form={"child": "Test"})
    content = application_bytes(
        version=version_of(definition.id), provider=outsider, applicant_iin=applicant.iin, application=application
    )
    signature = base64.b64encode(demo_sign(demo_key_for(applicant, now=START), content, at=START)).decode()

    # when
    with pytest.raises(IntakeRefused) as refused:
        intake_portal(
            version=version_of(definition.id),
            provider=outsider,
            applicant=applicant,
            application=application,
            signature=signature,
            now=START,
        )

    # then
    assert refused.value.code == "provider_unsuitable"
    assert refused.value.message("ru") == f"«{outsider.code}» не оказывает эту услугу"
    assert not Case.objects.exists()


def _rural_arguments(definition_id: str, provider: Organization, office: Organization) -> dict[str, object]:
    return {
        "version": version_of(definition_id),
        "akim_office": office,
        "provider": provider,
        "specialist": staff_member("akim_office_specialist", office),
        "applicant": Applicant(DEMO_APPLICANT_IIN, "Test"),
        "application": Application(),
        "residence": office,
        "now": START,
    }


def test_rural_akim_intake_through_an_office_outside_the_providers_akimat_is_refused() -> None:
    # given: an akim's office with a specialist, under another akimat than the provider's
    definition = catalog_default().latest("karaganda-2015-targeted-social-assistance")
    provider = providers_for(definition).first()
    assert provider is not None
    elsewhere = (
        Organization.objects.filter(kind=OrganizationKind.RURAL_AKIM_OFFICE, staff_roles__role="akim_office_specialist")
        .exclude(pk__in=rural_akim_offices(provider))
        .first()
    )
    assert elsewhere is not None

    # when
    with pytest.raises(IntakeRefused) as refused:
        intake_rural_akim(**_rural_arguments(definition.id, provider, elsewhere))  # type: ignore[arg-type]

    # then
    assert refused.value.code == "provider_unsuitable"
    assert refused.value.message("en") == f"'{elsewhere.code}' does not provide this service"
    assert not Case.objects.exists()


def test_rural_akim_intake_for_an_organization_that_does_not_provide_the_service_is_refused() -> None:
    # given: the akim's office is the right kind, but the named provider is not a provider of the service
    definition = catalog_default().latest("karaganda-2015-targeted-social-assistance")
    provider = providers_for(definition).first()
    assert provider is not None
    office = rural_akim_offices(provider).filter(staff_roles__role="akim_office_specialist").first()
    assert office is not None
    terekti = Organization.objects.get(code="wko-terekti")

    # when
    with pytest.raises(IntakeRefused) as refused:
        intake_rural_akim(**_rural_arguments(definition.id, terekti, office))  # type: ignore[arg-type]

    # then
    assert refused.value.code == "provider_unsuitable"
    assert refused.value.message("en") == "'wko-terekti' does not provide this service"
    assert not Case.objects.exists()


# --- the preschool queue ------------------------------------------------------------------------------


def _nothing_directed(entries: list[QueueEntry]) -> None:
    assert [QueueEntry.objects.get(pk=e.pk).status for e in entries] == ["waiting"] * len(entries)
    assert not ResultDocument.objects.filter(document_id="direction").exists()
    assert not CaseEvent.objects.filter(kind="queue_directed").exists()


def test_preschool_queue_positions_move_as_children_are_directed() -> None:
    # given: three children queued in one locality and age group
    cases = queued_children(3)
    entries = [QueueEntry.objects.get(case=c) for c in cases]
    assert [queue_position(e) for e in entries] == [1, 2, 3]
    locality = cases[0].provider
    clerk = staff_member("office_clerk", locality)
    now = START + timedelta(days=2)

    # when: a place frees and the clerk signs the direction of the first child
    preview = queue_direction_preview(locality=locality, group="3-4", actor=clerk)
    directed = queue_direct_next(
        locality=locality, group="3-4", actor=clerk, signatures=direction_signed(locality, clerk, now), now=now
    )

    # then
    assert preview is not None and preview.case.pk == cases[0].pk and list(preview.documents) == ["direction"]
    assert directed is not None and directed.pk == cases[0].pk
    direction = directed.documents.get(kind="direction")
    assert directed.status == "issued"
    assert (direction.signed_by, direction.signed_at, direction.issued_at) == (clerk, now, now)
    assert bytes(direction.content) == preview.documents["direction"]
    assert [queue_position(QueueEntry.objects.get(pk=e.pk)) for e in entries] == [None, 1, 2]
    assert CaseEvent.objects.filter(case=directed, kind="document_signed", data__document="direction").count() == 1


def test_a_direction_without_the_clerks_signature_is_refused_and_nothing_is_written() -> None:
    # given
    cases = queued_children(1)
    locality = cases[0].provider

    # when
    with pytest.raises(TransitionNotAllowed) as refused:
        queue_direct_next(locality=locality, group="3-4", actor=staff_member("office_clerk", locality),
                          signatures={}, now=START + timedelta(days=2))

    # then
    assert refused.value.code == "transition_not_allowed.signature_required"
    _nothing_directed([QueueEntry.objects.get(case=cases[0])])


def test_a_direction_signed_by_someone_else_is_refused_and_nothing_is_written() -> None:
    # given: the direction signed with the applicant's key instead of the clerk's
    cases = queued_children(1)
    locality = cases[0].provider
    now = START + timedelta(days=2)

    # when
    with pytest.raises(TransitionNotAllowed) as refused:
        queue_direct_next(locality=locality, group="3-4", actor=staff_member("office_clerk", locality),
                          signatures=direction_signed(locality, citizen(), now, as_staff=False), now=now)

    # then
    assert refused.value.code == "transition_not_allowed.signature_invalid"
    assert refused.value.message("en").endswith("the EDS of 'direction' is not confirmed: IIN_MISMATCH")
    _nothing_directed([QueueEntry.objects.get(case=cases[0])])


def test_a_signature_of_another_childs_direction_directs_nobody() -> None:
    # given: the first child is directed; the second would be next
    cases = queued_children(2)
    locality = cases[0].provider
    clerk = staff_member("office_clerk", locality)
    now = START + timedelta(days=2)
    first_signatures = direction_signed(locality, clerk, now)
    queue_direct_next(locality=locality, group="3-4", actor=clerk, signatures=first_signatures, now=now)

    # when: the first child's signed direction is sent again, without an idempotency key
    with pytest.raises(TransitionNotAllowed) as refused:
        queue_direct_next(locality=locality, group="3-4", actor=clerk, signatures=first_signatures, now=now)

    # then
    assert refused.value.message("en").endswith("is not confirmed: CONTENT_TAMPERED")
    assert QueueEntry.objects.get(case=cases[1]).status == "waiting"
    assert ResultDocument.objects.filter(document_id="direction").count() == 1


def test_the_same_idempotency_key_directs_one_child() -> None:
    # given
    cases = queued_children(2)
    locality = cases[0].provider
    clerk = staff_member("office_clerk", locality)
    now = START + timedelta(days=2)
    arguments = {"locality": locality, "group": "3-4", "actor": clerk, "now": now,
                 "signatures": direction_signed(locality, clerk, now), "idempotency_key": "direct-7"}

    # when
    first = queue_direct_next(**arguments)  # type: ignore[arg-type]
    second = queue_direct_next(**arguments)  # type: ignore[arg-type]

    # then
    assert first is not None and second is not None and first.pk == second.pk == cases[0].pk
    assert QueueEntry.objects.get(case=cases[0]).direction_key == "direct-7"
    assert QueueEntry.objects.get(case=cases[1]).status == "waiting"
    assert CaseEvent.objects.filter(kind="queue_directed").count() == 1


def test_only_the_localitys_clerk_sees_or_directs_the_next_child() -> None:
    # given
    cases = queued_children(1)
    locality = cases[0].provider
    definition = catalog_default().latest("pavlodar-2016-preschool-queue")
    other = providers_for(definition).exclude(pk=locality.pk).first()
    assert other is not None
    outsider = staff_member("office_clerk", other)

    # when
    with pytest.raises(TransitionNotAllowed) as preview_refused:
        queue_direction_preview(locality=locality, group="3-4", actor=outsider)
    with pytest.raises(TransitionNotAllowed) as direct_refused:
        queue_direct_next(locality=locality, group="3-4", actor=outsider, signatures={}, now=START)

    # then
    assert preview_refused.value.code == direct_refused.value.code == "transition_not_allowed.wrong_role"
    _nothing_directed([QueueEntry.objects.get(case=cases[0])])
