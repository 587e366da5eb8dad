"""The applicant's language at filing reaches the case through every intake channel."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from qyzmet.cases.assignment import providers_for, rural_akim_offices
from qyzmet.cases.intake import Applicant, Application, intake_office, intake_portal, intake_rural_akim
from qyzmet.cases.models import Case
from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.models import ServiceVersion
from qyzmet.identity.models import SmsOutbox, User
from qyzmet.identity.otp import otp_send
from tests.cases.conftest import START
from tests.cases.factories import CITIZEN_IIN as DEMO_APPLICANT_IIN
from tests.cases.factories import staff as staff_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]


def version_of(service_id: str) -> ServiceVersion:
    return ServiceVersion.objects.select_related("service").get(service__slug=service_id)


def _office_case(application: Application, key: str) -> Case:
    definition = catalog_default().latest("jambyl-2015-patronat-placement")
    provider = providers_for(definition).first()
    assert provider is not None
    return intake_office(
        version=version_of(definition.id), provider=provider, clerk=staff_member("office_clerk", provider),
        applicant=Applicant(DEMO_APPLICANT_IIN, "Test"), application=application, originals_compared=True,
        now=START, idempotency_key=key,
    )


def test_office_case_keeps_the_applicants_language_and_defaults_to_kazakh() -> None:
    # when
    russian = _office_case(Application(language="ru"), "lang-ru")
    unspecified = _office_case(Application(), "lang-none")
    unknown = _office_case(Application(language="de"), "lang-de")

    # then
    assert russian.language == "ru"
    assert unspecified.language == "kk"
    assert unknown.language == "kk"
    assert Case.objects.get(pk=russian.pk).language == "ru"


def test_rural_akim_case_keeps_the_applicants_language() -> None:
    # given
    definition = catalog_default().latest("karaganda-2015-targeted-social-assistance")
    provider = providers_for(definition).first()
    assert provider is not None
    office = rural_akim_offices(provider).first()
    assert office is not None

    # when
    case = intake_rural_akim(
        version=version_of(definition.id), akim_office=office, provider=provider,
        specialist=staff_member("akim_office_specialist", office), applicant=Applicant(DEMO_APPLICANT_IIN, "Test"),
        application=Application(language="en"), residence=office, now=START,
    )

    # then
    assert case.language == "en"


def test_portal_case_keeps_the_applicants_language() -> None:
    # given: camp referrals (S04) allow a one-time password
    definition = catalog_default().latest("wko-2019-camp-referrals")
    provider = providers_for(definition).first()
    assert provider is not None
    applicant = User.objects.get(iin=DEMO_APPLICANT_IIN)
    application = Application(form={"camp": "Ak Zhaiyk"}, language="ru")
    from qyzmet.cases.intake import portal_otp_purpose

    purpose = portal_otp_purpose(
        version=version_of(definition.id), provider=provider, applicant=applicant, application=application
    )
    otp_send(user=applicant, purpose=purpose, now=START)
    code = re.search(r"\b(\d{6})\b", SmsOutbox.objects.get(to=applicant.mobile).text).group(1)  # type: ignore[union-attr]

    # when
    case = intake_portal(
        version=version_of(definition.id), provider=provider, applicant=applicant, application=application,
        otp_code=code, now=START + timedelta(minutes=1),
    )

    # then
    assert case.language == "ru"
