"""Personas of the identity tests.

In the West Kazakhstan oblast: Aliya, office clerk of district A (Terekti); Bolat, office
clerk of district B (Burli), who must be refused district A; Dana, the oblast's quality
monitor; Chingiz, a citizen with no staff role. District A has an education department
and a rural okrug akim office below it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from pytest_django.fixtures import Settings

from qyzmet.identity.models import Organization, OrganizationKind, Role, User
from qyzmet.identity.services import staff_role_grant
from tests.identity.factories import OrganizationFactory, UserFactory

NOW = datetime(2025, 3, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Settings) -> None:
    """Argon2 costs ~0.25 s a hash; tests that are not about the hasher use a fast one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Tree:
    oblast: Organization
    district_a: Organization
    department_a: Organization
    rural_a: Organization
    district_b: Organization
    other_oblast: Organization


@dataclass(frozen=True)
class Personas:
    aliya_clerk_a: User
    bolat_clerk_b: User
    dana_monitor: User
    chingiz_citizen: User


@pytest.fixture
def tree() -> Tree:
    oblast = OrganizationFactory(code="wko", kind=OrganizationKind.OBLAST)
    district_a = OrganizationFactory(code="wko-terekti", parent=oblast)
    return Tree(
        oblast=oblast,
        district_a=district_a,
        department_a=OrganizationFactory(
            code="wko-terekti-education", parent=district_a, kind=OrganizationKind.EDUCATION_DEPARTMENT,
        ),
        rural_a=OrganizationFactory(
            code="wko-terekti-fedorov", parent=district_a, kind=OrganizationKind.RURAL_AKIM_OFFICE,
        ),
        district_b=OrganizationFactory(code="wko-burli", parent=oblast),
        other_oblast=OrganizationFactory(code="pavlodar", kind=OrganizationKind.OBLAST),
    )


@pytest.fixture
def personas(tree: Tree) -> Personas:
    aliya = UserFactory(surname="Серікова", given_name="Әлия")
    bolat = UserFactory(surname="Омаров", given_name="Болат")
    dana = UserFactory(surname="Есенова", given_name="Дана")
    staff_role_grant(user=aliya, organization=tree.district_a, role=Role.OFFICE_CLERK, now=NOW)
    staff_role_grant(user=bolat, organization=tree.district_b, role=Role.OFFICE_CLERK, now=NOW)
    staff_role_grant(user=dana, organization=tree.oblast, role=Role.QUALITY_MONITOR, now=NOW)
    return Personas(
        aliya_clerk_a=aliya, bolat_clerk_b=bolat, dana_monitor=dana,
        chingiz_citizen=UserFactory(surname="Қасымов", given_name="Шыңғыс", with_mobile=True),
    )
