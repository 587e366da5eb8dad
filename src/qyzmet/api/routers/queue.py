"""Waiting lists (the preschool queue): directing the first child to a freed place."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from qyzmet.api.auth import request_user
from qyzmet.api.schemas import CaseSummaryOut, ErrorOut, QueueDirectIn
from qyzmet.api.selectors import organization_get
from qyzmet.cases.models import Case
from qyzmet.cases.services import queue_direct_next

router = Router(tags=["queue"])


@router.post("/direct-next", response={200: CaseSummaryOut, 204: None, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut,
                                       409: ErrorOut})
def queue_direct_next_api(request: HttpRequest, payload: QueueDirectIn) -> Case | Status[None]:
    """The locality's clerk directs the first waiting child of an age group; 204 when nobody is waiting."""
    case = queue_direct_next(locality=organization_get(payload.locality), age_group=payload.age_group,
                             actor=request_user(request), now=timezone.now())
    return case if case is not None else Status(204, None)
