"""Who may see and act for which organization. Later modules call these everywhere.

The rules:
* a member of staff acts only in the organizations where they hold a role, and only in
  the role they hold there (a clerk of one district never sees another district's bodies);
* a quality monitor or an administrator of an organization also sees its whole subtree
  (an oblast's monitor sees every district, department and office in the oblast);
* a citizen without staff roles, an inactive user and an anonymous visitor see none.

`access_*` functions raise NotFound both for "does not exist" and for "not yours", so a
caller cannot tell the two apart.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Final

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from qyzmet.core.errors import NotFound
from qyzmet.identity.models import Organization, Role, StaffRole, User

__all__ = [
    "SUBTREE_ROLES",
    "NotFound",
    "access_organization_for_staff",
    "is_in_subtree",
    "organizations_visible_to",
    "organizations_where_role",
    "staff_roles_in",
    "user_has_role",
]

# Roles whose holder sees the organization's whole subtree, not only the organization itself.
SUBTREE_ROLES: Final = frozenset({Role.QUALITY_MONITOR, Role.ADMINISTRATOR})


def _roles_of(user: User | AnonymousUser) -> QuerySet[StaffRole]:
    if not user.is_authenticated or not user.is_active:
        return StaffRole.objects.none()
    return StaffRole.objects.filter(user_id=user.pk)


def staff_roles_in(user: User | AnonymousUser, organization: Organization) -> frozenset[str]:
    """The roles `user` holds in exactly this organization (none for citizens and inactive users)."""
    return frozenset(_roles_of(user).filter(organization_id=organization.pk).values_list("role", flat=True))


def user_has_role(user: User | AnonymousUser, role: str, organization: Organization) -> bool:
    """Whether `user` holds `role` in exactly this organization (a monitor's subtree does not count)."""
    return _roles_of(user).filter(organization_id=organization.pk, role=Role(role)).exists()


def is_in_subtree(organization: Organization, ancestor: Organization) -> bool:
    """Whether `organization` is `ancestor` or lies below it. No query: compares the stored paths."""
    return organization.path.startswith(ancestor.path)


def _organizations_for(held: QuerySet[StaffRole]) -> QuerySet[Organization]:
    # order_by(): the roles' default ordering would join the users' table for nothing.
    held_rows = held.order_by().values_list("organization_id", "role", "organization__path")
    conditions = [Q(path__startswith=path) if role in SUBTREE_ROLES else Q(pk=organization_id)
                  for organization_id, role, path in held_rows]
    if not conditions:  # no role held: an empty queryset, which callers can tell without a query
        return Organization.objects.none()
    return Organization.objects.filter(reduce(operator.or_, conditions))


def organizations_visible_to(user: User | AnonymousUser) -> QuerySet[Organization]:
    """Every organization `user` may see as staff: where they hold a role, plus subtrees of SUBTREE_ROLES."""
    return _organizations_for(_roles_of(user))


def organizations_where_role(user: User | AnonymousUser, role: str) -> QuerySet[Organization]:
    """The organizations where `user` may act as `role` (with the subtree for SUBTREE_ROLES)."""
    return _organizations_for(_roles_of(user).filter(role=Role(role)))


def access_organization_for_staff(
    user: User | AnonymousUser, organization_id: int, role: str | None = None,
) -> Organization:
    """Fetch an organization `user` may see (and act in as `role`, when given); NotFound otherwise."""
    visible = organizations_visible_to(user) if role is None else organizations_where_role(user, role)
    try:
        return visible.get(pk=organization_id)
    except (Organization.DoesNotExist, ValueError, TypeError):  # a malformed id is as absent as a missing one
        raise NotFound(f"organization {organization_id}") from None
