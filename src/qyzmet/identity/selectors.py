"""Reads of the identity module, shaped for screens, the API and other modules."""

from __future__ import annotations

from django.db.models import QuerySet

from qyzmet.identity.models import Organization, PersonalDataAccess, Role, SmsOutbox, StaffRole
from qyzmet.identity.office_hours import OfficeHours


def organization_office_hours(organization: Organization) -> OfficeHours:
    """The organization's working-day hours and lunch break as a plain value."""
    return OfficeHours(
        open=organization.opens_at, close=organization.closes_at,
        lunch_start=organization.lunch_starts_at, lunch_end=organization.lunch_ends_at,
    )


def organization_subtree(organization: Organization) -> QuerySet[Organization]:
    """The organization and everything below it, in tree order."""
    return Organization.objects.filter(path__startswith=organization.path).order_by("path")


def organization_ancestors(organization: Organization) -> list[Organization]:
    """The organizations above this one, root first (the oblast first for a district)."""
    codes = organization.path.rstrip("/").split("/")[:-1]
    by_code = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    return [by_code[code] for code in codes]


def staff_list_for_organization(*, organization: Organization, role: str | None = None) -> QuerySet[StaffRole]:
    """Who works in exactly this organization (in one role, when given), with their user rows loaded."""
    roles = StaffRole.objects.filter(organization=organization).select_related("user")
    return roles if role is None else roles.filter(role=Role(role))


def personal_data_access_list_for_subject(*, subject_iin: str) -> QuerySet[PersonalDataAccess]:
    """Every recorded look-up of this person's data, newest first, with the actor loaded."""
    return PersonalDataAccess.objects.filter(subject_iin=subject_iin.strip()).select_related("actor")


def sms_outbox_list(*, to: str | None = None, limit: int = 20) -> list[SmsOutbox]:
    """The latest messages of the outbox SMS back-end (for one number, when given), newest first."""
    messages = SmsOutbox.objects.all() if to is None else SmsOutbox.objects.filter(to=to)
    return list(messages.order_by("-created_at", "-pk")[:limit])
