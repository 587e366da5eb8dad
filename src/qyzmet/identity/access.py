"""Who may see and act for which organization. Later modules call these everywhere.

The rules:
* a member of staff acts only in the organizations where they hold a role, and only in
  the role they hold there (a clerk of one district never sees another district's bodies);
* a quality monitor or an administrator of an organization also sees its whole subtree
  (an oblast's monitor sees every district, department and office in the oblast);
* a citizen without staff roles, an inactive user and an anonymous visitor see none.

`access_*` functions raise NotFound both for "does not exist" and for "not yours", so a
caller cannot tell the two apart.

Every rule here starts from `held_roles`: one query for the user's roles, read once per request
(`roles_read_once_per_request`, a middleware) and again whenever a role is granted or withdrawn.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import reduce
from typing import Final

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse

from qyzmet.core.errors import NotFound
from qyzmet.identity.models import Organization, Role, StaffRole, User

__all__ = [
    "SUBTREE_ROLES",
    "HeldRole",
    "NotFound",
    "access_organization_for_staff",
    "held_roles",
    "is_in_subtree",
    "organizations_visible_to",
    "organizations_where_role",
    "roles_read_once_per_request",
    "staff_roles_in",
    "user_has_role",
]

# Roles whose holder sees the organization's whole subtree, not only the organization itself.
SUBTREE_ROLES: Final = frozenset({Role.QUALITY_MONITOR, Role.ADMINISTRATOR})


@dataclass(frozen=True, slots=True)
class HeldRole:
    """A role the user holds, where, and that organization's place in the tree."""

    organization_id: int
    role: str
    path: str


# The roles read in this request, by user id; None outside a request (the engine, the worker, the
# CLI and direct calls in tests read them every time).
_read_this_request: ContextVar[dict[int, tuple[HeldRole, ...]] | None] = ContextVar("held_roles", default=None)


def held_roles(user: User | AnonymousUser) -> tuple[HeldRole, ...]:
    """The staff roles `user` holds (none for citizens, inactive users and anonymous visitors).

    Within a request they are read once: a page asks "may this person do that here?" several times
    (the header's links, the access check, each panel), and each asking was a query of its own.
    """
    if not user.is_authenticated or not user.is_active:
        return ()
    read = _read_this_request.get()
    if read is not None and user.pk in read:
        return read[user.pk]
    # order_by(): the roles' default ordering would join the users' table for nothing.
    held = tuple(HeldRole(organization_id, role, path) for organization_id, role, path in
                 StaffRole.objects.filter(user_id=user.pk).order_by()
                 .values_list("organization_id", "role", "organization__path"))
    if read is not None:
        read[user.pk] = held
    return held


@contextmanager
def _roles_read_once() -> Iterator[None]:
    token = _read_this_request.set({})
    try:
        yield
    finally:
        _read_this_request.reset(token)


def _roles_changed(sender: type[StaffRole], **kwargs: object) -> None:
    """A role granted or withdrawn in this request is seen by the rest of it."""
    read = _read_this_request.get()
    if read is not None:
        read.clear()


post_save.connect(_roles_changed, sender=StaffRole, dispatch_uid="identity.access.roles_changed.save")
post_delete.connect(_roles_changed, sender=StaffRole, dispatch_uid="identity.access.roles_changed.delete")


def roles_read_once_per_request(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: within one request, `held_roles` reads a user's roles once."""

    def middleware(request: HttpRequest) -> HttpResponse:
        with _roles_read_once():
            return get_response(request)

    return middleware


def staff_roles_in(user: User | AnonymousUser, organization: Organization) -> frozenset[str]:
    """The roles `user` holds in exactly this organization (none for citizens and inactive users)."""
    return frozenset(held.role for held in held_roles(user) if held.organization_id == organization.pk)


def user_has_role(user: User | AnonymousUser, role: str, organization: Organization) -> bool:
    """Whether `user` holds `role` in exactly this organization (a monitor's subtree does not count)."""
    wanted = Role(role)
    return any(held.role == wanted and held.organization_id == organization.pk for held in held_roles(user))


def is_in_subtree(organization: Organization, ancestor: Organization) -> bool:
    """Whether `organization` is `ancestor` or lies below it. No query: compares the stored paths."""
    return organization.path.startswith(ancestor.path)


def _organizations_for(held: Iterable[HeldRole]) -> QuerySet[Organization]:
    conditions = [Q(path__startswith=h.path) if h.role in SUBTREE_ROLES else Q(pk=h.organization_id) for h in held]
    if not conditions:  # no role held: an empty queryset, which callers can tell without a query
        return Organization.objects.none()
    return Organization.objects.filter(reduce(operator.or_, conditions))


def organizations_visible_to(user: User | AnonymousUser) -> QuerySet[Organization]:
    """Every organization `user` may see as staff: where they hold a role, plus subtrees of SUBTREE_ROLES."""
    return _organizations_for(held_roles(user))


def organizations_where_role(user: User | AnonymousUser, role: str) -> QuerySet[Organization]:
    """The organizations where `user` may act as `role` (with the subtree for SUBTREE_ROLES)."""
    wanted = Role(role)
    return _organizations_for(held for held in held_roles(user) if held.role == wanted)


def access_organization_for_staff(
    user: User | AnonymousUser, organization_id: int, role: str | None = None,
) -> Organization:
    """Fetch an organization `user` may see (and act in as `role`, when given); NotFound otherwise."""
    visible = organizations_visible_to(user) if role is None else organizations_where_role(user, role)
    try:
        return visible.get(pk=organization_id)
    except (Organization.DoesNotExist, ValueError, TypeError):  # a malformed id is as absent as a missing one
        raise NotFound(f"organization {organization_id}") from None
