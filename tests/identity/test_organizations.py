"""Organizations (tree, BIN, office hours), staff roles and the personal-data log."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.db import IntegrityError, transaction

from qyzmet.catalog.schema import Role as CatalogRole
from qyzmet.identity.identifiers import CODE_CHECK_DIGIT, InvalidIdentifier
from qyzmet.identity.models import Organization, OrganizationKind, PersonalDataAccess, Role, StaffRole
from qyzmet.identity.office_hours import DEFAULT_OFFICE_HOURS, OfficeHours
from qyzmet.identity.selectors import (
    organization_ancestors,
    organization_office_hours,
    organization_subtree,
    personal_data_access_list_for_subject,
    staff_list_for_organization,
)
from qyzmet.identity.services import (
    RoleNotAllowed,
    organization_create,
    personal_data_access_record,
    staff_role_grant,
    staff_role_revoke,
)
from tests.identity.conftest import NOW, Personas, Tree
from tests.identity.factories import UserFactory

CHINGIZ_IIN = "760212350620"


def test_role_codes_are_the_strings_the_regulation_catalogue_uses() -> None:
    staff_roles = {role.value for role in CatalogRole} - {"applicant", "system"}
    assert staff_roles <= set(Role.values)
    assert set(Role.values) == {
        "office_clerk", "head", "executor", "sc_operator", "akim_office_specialist", "akim", "akimat",
        "quality_monitor", "administrator",
    }


@pytest.mark.django_db
def test_an_organization_records_its_place_in_the_tree(tree: Tree) -> None:
    # then
    assert tree.department_a.path == "wko/wko-terekti/wko-terekti-education/"
    assert list(organization_subtree(tree.district_a)) == [tree.district_a, tree.department_a, tree.rural_a]
    assert organization_ancestors(tree.department_a) == [tree.oblast, tree.district_a]
    assert organization_ancestors(tree.oblast) == []


@pytest.mark.django_db
def test_an_organization_with_a_wrong_bin_is_not_created() -> None:
    # when
    with pytest.raises(InvalidIdentifier) as raised:
        organization_create(code="x", bin="940140000386", name_kk="x", name_ru="x", kind=OrganizationKind.OBLAST)

    # then
    assert raised.value.code == CODE_CHECK_DIGIT
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_office_hours_default_to_nine_to_half_past_six_with_lunch_from_one_to_half_past_two(tree: Tree) -> None:
    # when
    hours = organization_office_hours(tree.district_a)

    # then
    assert hours == OfficeHours(open=time(9, 0), close=time(18, 30), lunch_start=time(13, 0), lunch_end=time(14, 30))
    assert hours == DEFAULT_OFFICE_HOURS


@pytest.mark.django_db
def test_office_hours_may_be_set_and_may_have_no_lunch_break() -> None:
    # given
    no_lunch = OfficeHours(open=time(9, 0), close=time(20, 0), lunch_start=None, lunch_end=None)

    # when
    branch = organization_create(
        code="wko-sc", bin="950341000052", name_kk="ХҚО", name_ru="ЦОН", kind=OrganizationKind.STATE_CORPORATION_BRANCH,
        office_hours=no_lunch,
    )

    # then
    assert organization_office_hours(Organization.objects.get(pk=branch.pk)) == no_lunch


def test_office_hours_must_be_in_order() -> None:
    with pytest.raises(ValueError, match="not before closing"):
        OfficeHours(open=time(18, 0), close=time(9, 0), lunch_start=None, lunch_end=None)
    with pytest.raises(ValueError, match="not within"):
        OfficeHours(open=time(9, 0), close=time(18, 0), lunch_start=time(17, 30), lunch_end=time(18, 30))
    with pytest.raises(ValueError, match="both"):
        OfficeHours(open=time(9, 0), close=time(18, 0), lunch_start=time(13, 0), lunch_end=None)


@pytest.mark.django_db
def test_the_database_refuses_a_lunch_break_outside_office_hours(tree: Tree) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=tree.district_a.pk).update(lunch_starts_at=time(8, 0))


@pytest.mark.django_db
def test_granting_a_role_twice_keeps_one_row_and_revoking_removes_it(tree: Tree) -> None:
    # given
    user = UserFactory()

    # when
    first = staff_role_grant(user=user, organization=tree.district_a, role=Role.HEAD, now=NOW)
    second = staff_role_grant(user=user, organization=tree.district_a, role=Role.HEAD, now=NOW + timedelta(days=1))

    # then
    assert first.pk == second.pk and second.granted_at == NOW
    assert [s.user for s in staff_list_for_organization(organization=tree.district_a, role=Role.HEAD)] == [user]
    assert staff_role_revoke(user=user, organization=tree.district_a, role=Role.HEAD)
    assert not staff_role_revoke(user=user, organization=tree.district_a, role=Role.HEAD)
    assert not StaffRole.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "where"),
    [(Role.SC_OPERATOR, "district_a"), (Role.AKIM, "district_a"), (Role.AKIM_OFFICE_SPECIALIST, "department_a"),
     (Role.AKIMAT, "rural_a")],
)
def test_roles_bound_to_one_kind_of_body_are_refused_elsewhere(tree: Tree, role: Role, where: str) -> None:
    # given
    organization: Organization = getattr(tree, where)

    # when
    with pytest.raises(RoleNotAllowed) as raised:
        staff_role_grant(user=UserFactory(), organization=organization, role=role, now=NOW)

    # then
    assert raised.value.messages["en"] == (
        f"The role '{role.value}' cannot be held in an organization of kind '{organization.kind}'."
    )
    assert not StaffRole.objects.exists()


@pytest.mark.django_db
def test_personal_data_look_ups_are_logged_and_listed_per_subject(personas: Personas) -> None:
    # given
    personal_data_access_record(
        subject_iin=CHINGIZ_IIN, actor=personas.aliya_clerk_a, purpose="check the applicant's identity",
        source="gbd_fl", reference="WKO-2025-000123", now=NOW,
    )
    personal_data_access_record(
        subject_iin=CHINGIZ_IIN, actor=None, purpose="automatic family composition check", source="gbd_fl",
        now=NOW + timedelta(minutes=1),
    )
    personal_data_access_record(subject_iin="871008401427", actor=None, purpose="other", source="gbd_fl", now=NOW)

    # when
    look_ups = list(personal_data_access_list_for_subject(subject_iin=CHINGIZ_IIN))

    # then
    assert [(a.actor, a.purpose, a.reference, a.at) for a in look_ups] == [
        (None, "automatic family composition check", "", NOW + timedelta(minutes=1)),
        (personas.aliya_clerk_a, "check the applicant's identity", "WKO-2025-000123", NOW),
    ]


@pytest.mark.django_db
def test_a_look_up_needs_a_twelve_digit_subject_a_purpose_and_a_source() -> None:
    with pytest.raises(ValueError, match="12 digits"):
        personal_data_access_record(subject_iin="7602123506", actor=None, purpose="x", source="gbd_fl", now=NOW)
    with pytest.raises(ValueError, match="purpose"):
        personal_data_access_record(subject_iin=CHINGIZ_IIN, actor=None, purpose=" ", source="gbd_fl", now=NOW)
    assert not PersonalDataAccess.objects.exists()
