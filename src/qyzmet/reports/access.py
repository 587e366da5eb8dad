"""Who may read which reports: heads, akims, akimat members, quality monitors and administrators.

* a head sees the organization where they are head, with everything below it (a district akimat's
  head sees the district, its departments and rural okrug offices; a department's head that department);
* an akim sees their rural okrug's office; an akimat member their district or city;
* a quality monitor or an administrator sees their whole oblast;
* anyone else (a clerk, an executor, an operator, a citizen, an anonymous visitor) sees no report.

`report_scope_for_user` raises NotFound both for "no report for you" and for an organization
outside what the user may see, so a head cannot tell another district's numbers exist.
"""

from __future__ import annotations

from typing import Final

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from qyzmet.core.errors import NotFound
from qyzmet.identity.access import held_roles, is_in_subtree
from qyzmet.identity.models import Organization, Role, User
from qyzmet.reports.scope import ReportScope

REPORT_ROLES: Final = frozenset({Role.HEAD, Role.AKIM, Role.AKIMAT, Role.QUALITY_MONITOR, Role.ADMINISTRATOR})


def may_read_reports(user: User | AnonymousUser) -> bool:
    """Whether the user may read any report (the header links to the reports only then)."""
    return any(held.role in REPORT_ROLES for held in held_roles(user))


def report_roots_for_user(user: User | AnonymousUser) -> list[Organization]:
    """The topmost organizations whose subtrees the user may report on (none for those without a report role)."""
    where = {held.organization_id for held in held_roles(user) if held.role in REPORT_ROLES}
    if not where:
        return []
    organizations = sorted(Organization.objects.filter(pk__in=where), key=lambda o: o.path)
    roots: list[Organization] = []
    for organization in organizations:
        if not any(is_in_subtree(organization, root) for root in roots):
            roots.append(organization)
    return roots


def report_organizations_for_user(user: User | AnonymousUser) -> QuerySet[Organization]:
    """Every organization the user may narrow a report to, in tree order."""
    roots = report_roots_for_user(user)
    condition = Q(pk__in=[])
    for root in roots:
        condition |= Q(path__startswith=root.path)
    return Organization.objects.filter(condition).order_by("path")


def report_scope_for_user(
    *, user: User | AnonymousUser, organization_id: int | None = None, service: str | None = None
) -> ReportScope:
    """The scope of a report the user asked for: their own organizations, or one of them (NotFound otherwise)."""
    roots = report_roots_for_user(user)
    if not roots:
        raise NotFound("reports")
    if organization_id is None:
        return ReportScope(paths=tuple(root.path for root in roots), service=service or None)
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None or not any(is_in_subtree(organization, root) for root in roots):
        raise NotFound(f"organization {organization_id}")
    return ReportScope(paths=(organization.path,), service=service or None)
