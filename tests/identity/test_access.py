"""Each access rule once, with the personas of conftest.py (Aliya: clerk of district A; Bolat: clerk of
district B; Dana: the oblast's quality monitor; Chingiz: a citizen)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse

from qyzmet.identity.access import (
    NotFound,
    access_organization_for_staff,
    is_in_subtree,
    organizations_visible_to,
    organizations_where_role,
    roles_read_once_per_request,
    staff_roles_in,
    user_has_role,
)
from qyzmet.identity.models import Organization, Role, User
from qyzmet.identity.services import staff_role_grant, staff_role_revoke
from tests.identity.conftest import NOW, Personas, Tree


@pytest.mark.django_db
def test_staff_roles_in_lists_the_roles_held_in_exactly_that_organization(tree: Tree, personas: Personas) -> None:
    # given
    staff_role_grant(user=personas.aliya_clerk_a, organization=tree.district_a, role=Role.EXECUTOR, now=NOW)

    # then
    assert staff_roles_in(personas.aliya_clerk_a, tree.district_a) == {"office_clerk", "executor"}
    assert staff_roles_in(personas.aliya_clerk_a, tree.department_a) == frozenset()
    assert staff_roles_in(personas.chingiz_citizen, tree.district_a) == frozenset()


@pytest.mark.django_db
def test_user_has_role_only_where_the_role_was_granted(tree: Tree, personas: Personas) -> None:
    assert user_has_role(personas.aliya_clerk_a, Role.OFFICE_CLERK, tree.district_a)
    assert not user_has_role(personas.aliya_clerk_a, Role.HEAD, tree.district_a)
    assert not user_has_role(personas.aliya_clerk_a, Role.OFFICE_CLERK, tree.district_b)
    assert not user_has_role(personas.dana_monitor, Role.QUALITY_MONITOR, tree.district_a)


@pytest.mark.django_db
def test_is_in_subtree_follows_the_tree_and_includes_the_organization_itself(tree: Tree) -> None:
    assert is_in_subtree(tree.department_a, tree.oblast)
    assert is_in_subtree(tree.rural_a, tree.district_a)
    assert is_in_subtree(tree.district_a, tree.district_a)
    assert not is_in_subtree(tree.district_b, tree.district_a)
    assert not is_in_subtree(tree.oblast, tree.district_a)
    assert not is_in_subtree(tree.district_a, tree.other_oblast)


@pytest.mark.django_db
def test_a_clerk_gets_her_own_district(tree: Tree, personas: Personas) -> None:
    # when
    organization = access_organization_for_staff(personas.aliya_clerk_a, tree.district_a.pk, role=Role.OFFICE_CLERK)

    # then
    assert organization == tree.district_a


@pytest.mark.django_db
def test_a_clerk_of_another_district_is_refused_as_if_it_did_not_exist(tree: Tree, personas: Personas) -> None:
    # given
    missing_id = Organization.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000

    # when
    with pytest.raises(NotFound) as not_yours:
        access_organization_for_staff(personas.bolat_clerk_b, tree.district_a.pk)
    with pytest.raises(NotFound) as not_there:
        access_organization_for_staff(personas.bolat_clerk_b, missing_id)
    with pytest.raises(NotFound):
        access_organization_for_staff(personas.bolat_clerk_b, "not-a-number")  # type: ignore[arg-type]

    # then
    assert type(not_yours.value) is type(not_there.value)
    assert str(not_yours.value) == f"organization {tree.district_a.pk}"


@pytest.mark.django_db
def test_a_clerk_sees_only_her_own_organization_not_the_ones_below_or_beside_it(
    tree: Tree, personas: Personas,
) -> None:
    assert list(organizations_visible_to(personas.aliya_clerk_a)) == [tree.district_a]


@pytest.mark.django_db
def test_a_role_not_held_is_refused_even_in_the_own_organization(tree: Tree, personas: Personas) -> None:
    with pytest.raises(NotFound):
        access_organization_for_staff(personas.aliya_clerk_a, tree.district_a.pk, role=Role.HEAD)


@pytest.mark.django_db
def test_a_quality_monitor_of_an_oblast_sees_its_whole_subtree_and_nothing_else(
    tree: Tree, personas: Personas,
) -> None:
    # when
    visible = set(organizations_visible_to(personas.dana_monitor))

    # then
    assert visible == {tree.oblast, tree.district_a, tree.department_a, tree.rural_a, tree.district_b}
    assert access_organization_for_staff(personas.dana_monitor, tree.rural_a.pk, role=Role.QUALITY_MONITOR)
    assert set(organizations_where_role(personas.dana_monitor, Role.OFFICE_CLERK)) == set()
    with pytest.raises(NotFound):
        access_organization_for_staff(personas.dana_monitor, tree.other_oblast.pk)


@pytest.mark.django_db
def test_a_citizen_and_an_anonymous_visitor_see_no_organization(tree: Tree, personas: Personas) -> None:
    # then
    for outsider in (personas.chingiz_citizen, AnonymousUser()):
        assert list(organizations_visible_to(outsider)) == []
        with pytest.raises(NotFound):
            access_organization_for_staff(outsider, tree.district_a.pk)


@pytest.mark.django_db
def test_a_deactivated_member_of_staff_loses_every_organization(tree: Tree, personas: Personas) -> None:
    # given
    User.objects.filter(pk=personas.aliya_clerk_a.pk).update(is_active=False)
    aliya = User.objects.get(pk=personas.aliya_clerk_a.pk)

    # then
    assert staff_roles_in(aliya, tree.district_a) == frozenset()
    with pytest.raises(NotFound):
        access_organization_for_staff(aliya, tree.district_a.pk)


def _in_one_request[T](work: Callable[[], T]) -> T:
    """Run `work` as a view behind the middleware that reads roles once per request."""
    answers: list[T] = []

    def view(request: HttpRequest) -> HttpResponse:
        answers.append(work())
        return HttpResponse()

    roles_read_once_per_request(view)(HttpRequest())
    return answers[0]


@pytest.mark.django_db
def test_within_one_request_the_roles_are_read_once(tree: Tree, personas: Personas,
                                                    django_assert_num_queries: Any) -> None:
    aliya = personas.aliya_clerk_a

    def three_checks() -> tuple[bool, bool, frozenset[str]]:
        with django_assert_num_queries(1):
            return (user_has_role(aliya, Role.OFFICE_CLERK, tree.district_a),
                    user_has_role(aliya, Role.OFFICE_CLERK, tree.district_b),
                    staff_roles_in(aliya, tree.district_a))

    assert _in_one_request(three_checks) == (True, False, {"office_clerk"})


@pytest.mark.django_db
def test_a_role_granted_or_withdrawn_within_a_request_is_seen_by_the_rest_of_it(tree: Tree,
                                                                                personas: Personas) -> None:
    aliya = personas.aliya_clerk_a

    def grant_then_revoke() -> list[bool]:
        seen = [user_has_role(aliya, Role.EXECUTOR, tree.district_a)]
        staff_role_grant(user=aliya, organization=tree.district_a, role=Role.EXECUTOR, now=NOW)
        seen.append(user_has_role(aliya, Role.EXECUTOR, tree.district_a))
        staff_role_revoke(user=aliya, organization=tree.district_a, role=Role.EXECUTOR)
        seen.append(user_has_role(aliya, Role.EXECUTOR, tree.district_a))
        return seen

    assert _in_one_request(grant_then_revoke) == [False, True, False]


@pytest.mark.django_db
def test_outside_a_request_every_check_reads_the_roles_again(tree: Tree, personas: Personas) -> None:
    aliya = personas.aliya_clerk_a
    assert not user_has_role(aliya, Role.EXECUTOR, tree.district_a)

    staff_role_grant(user=aliya, organization=tree.district_a, role=Role.EXECUTOR, now=NOW)

    assert user_has_role(aliya, Role.EXECUTOR, tree.district_a)
