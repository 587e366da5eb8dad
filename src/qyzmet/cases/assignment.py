"""Which organization does a step, and which organizations may provide a service.

Staff roles resolve by who holds them in the regulation: State Corporation operators sit in the
branch that took the application, the rural akim's staff in the akim's office, the akimat above
the provider; the provider's clerk, head and executor in the provider (or, where the step says
`rural_akim`, in the akim's office).
"""

from __future__ import annotations

from typing import Final

from django.db.models import Q, QuerySet

from qyzmet.calendar import OfficeHours as CalendarOfficeHours
from qyzmet.cases.models import Case
from qyzmet.catalog.schema import ServiceDefinition, Step
from qyzmet.identity.models import Organization, OrganizationKind, StaffRole
from qyzmet.identity.selectors import organization_ancestors, organization_office_hours, organization_subtree

K = OrganizationKind
AKIMATS: Final = frozenset({K.DISTRICT_AKIMAT, K.CITY_AKIMAT})
PROVIDER_KINDS: Final[dict[str, frozenset[str]]] = {
    "local_executive_body": frozenset(
        {K.DISTRICT_AKIMAT, K.CITY_AKIMAT, K.EDUCATION_DEPARTMENT, K.EMPLOYMENT_SOCIAL_DEPARTMENT}
    ),
    "education_department": frozenset({K.EDUCATION_DEPARTMENT}),
    "education_organization": frozenset({K.EDUCATION_DEPARTMENT, K.DISTRICT_AKIMAT, K.CITY_AKIMAT}),
    "rural_akim": frozenset({K.RURAL_AKIM_OFFICE}),
    "unspecified": frozenset({K.DISTRICT_AKIMAT, K.CITY_AKIMAT, K.EDUCATION_DEPARTMENT}),
}


class RoutingError(LookupError):
    pass


def calendar_hours(organization: Organization) -> CalendarOfficeHours:
    """The organization's office hours as the calendar's value object (no lunch: an empty break)."""
    hours = organization_office_hours(organization)
    lunch_start = hours.lunch_start or hours.open
    lunch_end = hours.lunch_end or hours.open
    return CalendarOfficeHours(hours.open, hours.close, lunch_start, lunch_end)


def akimat_over(organization: Organization) -> Organization:
    """The district or city akimat that the organization is, or belongs to."""
    for candidate in [organization, *reversed(organization_ancestors(organization))]:
        if candidate.kind in AKIMATS:
            return candidate
    raise RoutingError(f"no district or city akimat above {organization.code}")


def organization_for_step(case: Case, step: Step) -> Organization:
    role = step.role.value
    if role == "sc_operator":
        if case.intake_office is None:
            raise RoutingError(f"case {case.number} has no State Corporation branch")
        return case.intake_office
    if role == "akimat":
        return akimat_over(case.provider)
    if role in {"akim_office_specialist", "akim"} or step.organization.value == "rural_akim":
        if case.intake_office is not None and case.intake_office.kind == K.RURAL_AKIM_OFFICE:
            return case.intake_office
        return case.provider
    return case.provider


def _provider_kinds(definition: ServiceDefinition) -> set[str]:
    return set().union(*(PROVIDER_KINDS[p.kind.value] for p in definition.providers))


def _preferred_kind(definition: ServiceDefinition) -> str | None:
    # The definition's `provider_unit` (data, ADR 0024) names the unit that takes the service among the kinds.
    return definition.provider_unit.value if definition.provider_unit is not None else None


def _candidates(oblast_path: str, kinds: set[str]) -> QuerySet[Organization]:
    with_clerks = StaffRole.objects.filter(role="office_clerk").values("organization_id")
    return Organization.objects.filter(path__startswith=oblast_path, kind__in=kinds, pk__in=with_clerks)


def providers_for(definition: ServiceDefinition) -> QuerySet[Organization]:
    """Organizations in the regulation's oblast that provide the service (and have an office clerk)."""
    oblast = Organization.objects.filter(code=definition.jurisdiction, parent=None).first()
    if oblast is None:
        return Organization.objects.none()
    candidates = _candidates(oblast.path, _provider_kinds(definition)).order_by("path")
    preferred = _preferred_kind(definition)
    if preferred and candidates.filter(kind=preferred).exists():
        return candidates.filter(kind=preferred)
    return candidates


def provider_is_suitable(definition: ServiceDefinition, provider: Organization) -> bool:
    """Whether `provider` is one of `providers_for(definition)`, asked in one query instead of three.

    The oblast is the root of the provider's path: paths are set once from the parent's
    (`identity.services.organization_create`), so a path that begins with the oblast's code lies in its
    subtree. The query reads the kinds of the organizations with an office clerk among the provider and,
    where the regulation prefers a unit the provider is not, that unit's organizations in the oblast.
    """
    kinds = _provider_kinds(definition)
    oblast_path = f"{definition.jurisdiction}/"
    if provider.kind not in kinds or not provider.path.startswith(oblast_path):
        return False
    preferred = _preferred_kind(definition)
    others = preferred is not None and preferred != provider.kind and preferred in kinds
    asked = Q(organization_id=provider.pk)
    if others:
        asked |= Q(organization__kind=preferred, organization__path__startswith=oblast_path)
    with_clerks = set(StaffRole.objects.filter(asked, role="office_clerk").order_by()
                      .values_list("organization__kind", flat=True).distinct())
    # provider.kind can only come from the provider itself, as the others are of another kind.
    return provider.kind in with_clerks and not (others and preferred in with_clerks)


def state_corporation_branches(definition: ServiceDefinition) -> QuerySet[Organization]:
    oblast = Organization.objects.filter(code=definition.jurisdiction, parent=None).first()
    if oblast is None:
        return Organization.objects.none()
    return organization_subtree(oblast).filter(kind=K.STATE_CORPORATION_BRANCH)


def rural_akim_offices(provider: Organization) -> QuerySet[Organization]:
    """The rural okrug akims' offices under the provider's akimat."""
    return organization_subtree(akimat_over(provider)).filter(kind=K.RURAL_AKIM_OFFICE)
