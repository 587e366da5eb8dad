"""The demo data: complete for every seed, valid numbers, idempotent."""

from __future__ import annotations

from collections import Counter

import pytest

from qyzmet.identity.demo import CITIZENS, DEMO_PASSWORD, ORGANIZATIONS, bin_for, demo_people, load_demo
from qyzmet.identity.identifiers import bin_is_valid, iin_hints, iin_is_valid
from qyzmet.identity.models import Organization, OrganizationKind, Role, StaffRole, User
from qyzmet.identity.services import citizen_authenticate
from tests.identity.conftest import NOW

OBLASTS = {"wko", "jambyl", "karaganda", "pavlodar"}


def _counts() -> tuple[int, int, int]:
    return Organization.objects.count(), User.objects.count(), StaffRole.objects.count()


@pytest.mark.django_db
def test_loading_the_demo_twice_creates_nothing_the_second_time() -> None:
    # given
    first = load_demo()
    before = _counts()

    # when
    second = load_demo()

    # then
    assert _counts() == before
    # one role per (organization, role) of the spec, plus the second administrator of each oblast
    oblasts = sum(1 for s in ORGANIZATIONS if "administrator" in s.roles)
    assert oblasts == 4
    assert before == (len(ORGANIZATIONS), len(demo_people()), sum(len(s.roles) for s in ORGANIZATIONS) + oblasts)
    assert first.startswith(f"{len(ORGANIZATIONS)} organizations, {len(demo_people())} people")
    assert second == f"already loaded ({len(ORGANIZATIONS)} organizations, {len(demo_people())} people)"


def test_every_demo_iin_and_bin_is_valid_and_unique() -> None:
    iins = [p.iin for p in demo_people()]
    bins = [bin_for(s.code, branch=s.kind == OrganizationKind.STATE_CORPORATION_BRANCH) for s in ORGANIZATIONS]
    assert all(iin_is_valid(iin) for iin in iins) and len(set(iins)) == len(iins)
    assert all(bin_is_valid(b) for b in bins) and len(set(bins)) == len(bins)


def test_demo_iins_agree_with_the_sex_of_the_names() -> None:
    for person in demo_people():
        female = person.patronymic.endswith("қызы")
        assert iin_hints(person.iin).sex == ("F" if female else "M"), person


@pytest.mark.django_db
def test_each_seed_oblast_has_providers_rural_akims_a_state_corporation_branch_and_every_role() -> None:
    # when
    load_demo()

    # then
    for oblast in Organization.objects.filter(kind=OrganizationKind.OBLAST):
        subtree = Organization.objects.filter(path__startswith=oblast.path)
        kinds = Counter(subtree.values_list("kind", flat=True))
        roles = set(StaffRole.objects.filter(organization__in=subtree).values_list("role", flat=True))
        providers = StaffRole.objects.filter(organization__in=subtree, role=Role.OFFICE_CLERK)
        assert kinds[OrganizationKind.STATE_CORPORATION_BRANCH] == 1, oblast.code
        assert kinds[OrganizationKind.RURAL_AKIM_OFFICE] >= 1, oblast.code
        assert providers.values("organization").distinct().count() >= 2, oblast.code
        assert roles == set(Role.values), oblast.code
    assert set(Organization.objects.filter(parent=None).values_list("code", flat=True)) == OBLASTS


@pytest.mark.django_db
def test_every_provider_has_a_clerk_a_head_and_an_executor() -> None:
    # when
    load_demo()

    # then
    for organization_id in StaffRole.objects.filter(role=Role.OFFICE_CLERK).values_list("organization", flat=True):
        roles = set(StaffRole.objects.filter(organization_id=organization_id).values_list("role", flat=True))
        assert {Role.OFFICE_CLERK, Role.HEAD, Role.EXECUTOR} <= roles


@pytest.mark.django_db
def test_demo_citizens_log_in_with_the_documented_password_and_one_has_no_mobile() -> None:
    # given
    load_demo()

    # then
    for citizen in CITIZENS:
        assert citizen_authenticate(iin=citizen.iin, password=DEMO_PASSWORD, now=NOW).iin == citizen.iin
    assert [c.mobile for c in CITIZENS].count("") == 1
    assert not StaffRole.objects.filter(user__iin__in=[c.iin for c in CITIZENS]).exists()
