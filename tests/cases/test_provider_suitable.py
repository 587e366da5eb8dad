"""Whether an organization provides a service: the intakes' one-query check says what the provider list says."""

from __future__ import annotations

from typing import Any

import pytest

from qyzmet.cases.assignment import provider_is_suitable, providers_for
from qyzmet.catalog.definitions import catalog_default
from qyzmet.identity.models import Organization, OrganizationKind, StaffRole
from qyzmet.identity.services import organization_create, staff_role_grant
from tests.cases.conftest import START

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]


def test_the_check_agrees_with_the_provider_list_for_every_service_and_organization() -> None:
    # given: every service of the catalogue and every demo organization (several oblasts, all kinds)
    organizations = list(Organization.objects.all())
    catalogue = catalog_default()
    definitions = [catalogue.latest(service_id) for service_id in catalogue.ids()]

    # when / then
    disagreements = [
        (definition.id, organization.code)
        for definition in definitions
        for organization in organizations
        if provider_is_suitable(definition, organization)
        != providers_for(definition).filter(pk=organization.pk).exists()
    ]
    assert disagreements == []
    assert any(definition.provider_unit is not None for definition in definitions)  # the preferred-unit rule ran


def test_a_provider_without_an_office_clerk_no_longer_provides_the_service() -> None:
    # given: a provider of a service, then its clerks leave
    definition = catalog_default().latest("wko-2019-school-transport")
    provider = providers_for(definition).first()
    assert provider is not None and provider_is_suitable(definition, provider)

    # when
    StaffRole.objects.filter(organization=provider, role="office_clerk").delete()

    # then
    assert not provider_is_suitable(definition, provider)


def test_where_the_regulation_prefers_a_unit_other_kinds_stop_providing_once_that_unit_has_a_clerk(
    django_assert_num_queries: Any,
) -> None:
    # given: school meals, which district and city akimats and education departments may provide and whose
    # regulation prefers the education department; the demo oblast has none, so an akimat provides
    definition = catalog_default().latest("wko-2019-school-meals")
    assert definition.provider_unit is not None and definition.provider_unit.value == "education_department"
    akimat = providers_for(definition).first()
    assert akimat is not None and akimat.kind == OrganizationKind.DISTRICT_AKIMAT
    with django_assert_num_queries(1):
        assert provider_is_suitable(definition, akimat)

    # when: the akimat gets an education department with a clerk
    department = organization_create(code=f"{akimat.code}-edu", bin="000000000000", name_kk="Білім бөлімі",
                                     name_ru="Отдел образования", kind=OrganizationKind.EDUCATION_DEPARTMENT,
                                     parent=akimat)
    clerk = StaffRole.objects.filter(organization=akimat, role="office_clerk").first()
    assert clerk is not None
    staff_role_grant(user=clerk.user, organization=department, role="office_clerk", now=START)

    # then: the department provides the service and the akimat no longer does
    with django_assert_num_queries(1):
        assert not provider_is_suitable(definition, akimat)
    assert provider_is_suitable(definition, department)
    assert list(providers_for(definition)) == [department]
