"""Intake through each channel: its own checks, its refusals, its receipts; nothing half-made."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest

from qyzmet.cases.errors import IntakeRefused
from qyzmet.cases.intake import (
    Applicant,
    Application,
    application_bytes,
    intake_office,
    intake_portal,
    intake_refuse,
    intake_rural_akim,
    portal_otp_purpose,
)
from qyzmet.cases.models import Case, QueueEntry, Receipt
from qyzmet.cases.routing import providers_for, rural_akim_offices
from qyzmet.cases.selectors import queue_position
from qyzmet.cases.services import queue_direct_next
from qyzmet.catalog.models import ServiceVersion
from qyzmet.catalog.registry import catalog_default
from qyzmet.demo.driver import DEMO_APPLICANT_IIN, case_drive, case_open, staff_member
from qyzmet.demo.keys import demo_key_for, demo_sign
from qyzmet.identity.models import Organization, SmsOutbox, User
from qyzmet.identity.otp import otp_send
from tests.cases.conftest import START

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
    # given
    definition = catalog_default().latest("wko-2019-guardian-allowance")
    provider = providers_for(definition).first()
    assert provider is not None
    clerk = staff_member("office_clerk", provider)
    arguments = {
        "version": version_of(definition.id),
        "channel": "portal",
        "organization": provider,
        "applicant": Applicant(DEMO_APPLICANT_IIN, "Test"),
        "grounds": ["incomplete_package"],
        "missing": [],
        "actor": clerk,
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


def test_preschool_queue_positions_move_as_children_are_directed() -> None:
    # given: three children queued in one locality and age group
    definition = catalog_default().latest("pavlodar-2016-preschool-queue")
    cases = []
    for minute in range(3):
        case = case_open(
            definition,
            "provider_office",
            now=START + timedelta(minutes=minute),
            form={"age_group": "3-4", "child_iin": f"2001010000{minute}"},
        )
        case_drive(case, now=START + timedelta(minutes=minute), outcome="queued")
        cases.append(case)
    entries = [QueueEntry.objects.get(case=c) for c in cases]
    assert [queue_position(e) for e in entries] == [1, 2, 3]

    # when: a place frees and the first child is directed
    directed = queue_direct_next(
        locality=cases[0].provider,
        age_group="3-4",
        actor=staff_member("office_clerk", cases[0].provider),
        now=START + timedelta(days=2),
    )

    # then
    assert directed is not None and directed.pk == cases[0].pk
    assert directed.status == "issued" and directed.documents.filter(kind="direction").exists()
    assert [queue_position(QueueEntry.objects.get(pk=e.pk)) for e in entries] == [None, 1, 2]
