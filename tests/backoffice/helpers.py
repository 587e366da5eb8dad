"""Helpers of the back-office tests: filing through the intake services and acting through the pages."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import time_machine
from django.test import Client
from django.utils import timezone

from qyzmet.cases.intake import Applicant, Application, intake_office, intake_rural_akim
from qyzmet.cases.models import Case, Task
from qyzmet.catalog.models import ServiceVersion
from qyzmet.identity.models import Organization, User


def version_of(slug: str) -> ServiceVersion:
    return ServiceVersion.objects.select_related("service").filter(service__slug=slug).latest("version")


def office_case(slug: str, clerk_iin: str, *, applicant_iin: str = "880314412019") -> Case:
    """An application registered at the clerk's office through `intake_office`."""
    clerk = User.objects.get(iin=clerk_iin)
    provider = Organization.objects.get(staff_roles__user=clerk, staff_roles__role="office_clerk")
    applicant = User.objects.get(iin=applicant_iin)
    return intake_office(
        version=version_of(slug), provider=provider, clerk=clerk,
        applicant=Applicant(iin=applicant.iin, name=applicant.full_name, user=applicant),
        application=Application(form={"children": 1}, attachments=[
            {"name": "identity.pdf", "size": 20480, "sha256": "ab" * 32}]),
        originals_compared=True, now=timezone.now(),
    )


def rural_akim_case(slug: str, specialist_iin: str, provider_code: str) -> Case:
    """An application taken at the rural akim's office through `intake_rural_akim`."""
    specialist = User.objects.get(iin=specialist_iin)
    office = Organization.objects.get(staff_roles__user=specialist, staff_roles__role="akim_office_specialist")
    applicant = User.objects.get(iin="880314412019")
    return intake_rural_akim(
        version=version_of(slug), akim_office=office, provider=Organization.objects.get(code=provider_code),
        specialist=specialist, applicant=Applicant(iin=applicant.iin, name=applicant.full_name, user=applicant),
        application=Application(), residence=office, now=timezone.now(),
    )


def open_task(case: Case) -> Task:
    return Task.objects.get(case=case, status=Task.Status.OPEN)


def form_key(page: str) -> str:
    found = re.search(r'name="form_key" value="([^"]+)"', page)
    assert found is not None, "no form key on the page"
    return found.group(1)


def eds_inputs(page: str) -> dict[str, str]:
    """The hidden inputs the signing form asks NCALayer to sign: name -> base64 of the exact bytes."""
    return dict(re.findall(r'name="(signature:[^"]+)" data-eds-sign="([^"]+)"', page))


def act(client: Client, case: Case, task: Task, clock: time_machine.Coordinates, **fields: Any) -> Any:
    """Open the case page as the logged-in person, then post the task's form with `fields` (a minute later)."""
    page = client.get(f"/backoffice/cases/{case.pk}/")
    assert page.status_code == 200
    clock.shift(timedelta(minutes=1))
    body = {"form_key": form_key(page.content.decode()), **fields}
    return client.post(f"/backoffice/cases/{case.pk}/tasks/{task.pk}/", body)
