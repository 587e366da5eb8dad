"""The service catalogue: definitions in force, and who provides each service where."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from qyzmet.api.languages import request_language
from qyzmet.api.schemas import ErrorOut, LanguageIn, OrganizationOut, ServiceSummaryOut, StandardListsOut
from qyzmet.api.selectors import organization_get, rural_akim_offices_for, service_get, service_list
from qyzmet.cases.assignment import providers_for, state_corporation_branches
from qyzmet.catalog.definitions import definition_normalised
from qyzmet.catalog.selectors import standard_lists_for
from qyzmet.identity.models import Organization

router = Router(tags=["catalogue"])


@router.get("", auth=None, response=list[ServiceSummaryOut])
def service_list_api(request: HttpRequest) -> list[dict[str, Any]]:
    """Every service, as the version in force today."""
    return [ServiceSummaryOut.of(d) for d in service_list(on=timezone.localdate())]


@router.get("/{service_id}", auth=None, response={200: dict[str, Any], 404: ErrorOut})
def service_get_api(request: HttpRequest, service_id: str) -> dict[str, Any]:
    """The whole definition in force today, each channel with its flattened steps and shared budget."""
    return definition_normalised(service_get(service_id, on=timezone.localdate()).definition)


@router.get("/{service_id}/standard-lists", auth=None, response={200: StandardListsOut, 404: ErrorOut})
def service_standard_lists_api(request: HttpRequest, service_id: str,
                               language: LanguageIn | None = None) -> dict[str, Any]:
    """The Standard's p.9 documents required and p.10 refusal grounds in `language` (kk, ru or en; empty: the
    request's Accept-Language); the intake
    endpoints' `presented` are indexes into `documents_required.items` (the same order in every language)."""
    definition = service_get(service_id, on=timezone.localdate()).definition
    shown = standard_lists_for(definition, request_language(request, language))
    return {kind: {"items": list(listed.items), "source": listed.source, "administered": listed.administered}
            for kind, listed in shown.items()}


@router.get("/{service_id}/providers", auth=None, response={200: list[OrganizationOut], 404: ErrorOut})
def service_providers_api(request: HttpRequest, service_id: str) -> QuerySet[Organization]:
    """The organizations that provide the service (to file at their office or address on the portal)."""
    return providers_for(service_get(service_id, on=timezone.localdate()).definition)


@router.get("/{service_id}/state-corporation-branches", auth=None,
            response={200: list[OrganizationOut], 404: ErrorOut})
def service_branches_api(request: HttpRequest, service_id: str) -> QuerySet[Organization]:
    """The State Corporation branches that take applications for the service (its oblast's)."""
    definition = service_get(service_id, on=timezone.localdate()).definition
    if "state_corporation" not in {c.code.value for c in definition.channels}:
        return Organization.objects.none()
    return state_corporation_branches(definition)


@router.get("/{service_id}/rural-akim-offices", auth=None, response={200: list[OrganizationOut], 404: ErrorOut})
def service_rural_offices_api(request: HttpRequest, service_id: str,
                              provider: int = Query(..., description="The provider's id.")) -> QuerySet[Organization]:
    """The rural okrug akims' offices that take applications for the provider (where the channel exists)."""
    definition = service_get(service_id, on=timezone.localdate()).definition
    if "rural_akim" not in {c.code.value for c in definition.channels}:
        return Organization.objects.none()
    return rural_akim_offices_for(organization_get(provider))
