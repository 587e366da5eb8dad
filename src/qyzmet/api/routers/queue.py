"""Waiting lists: directing the first in line to a freed place, signed by the role the waiting list names."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Header, Router, Status

from qyzmet.api.auth import request_user
from qyzmet.api.schemas import CaseSummaryOut, ErrorOut, QueueDirectIn, QueueDirectionPreviewOut, QueueDirectPreviewIn
from qyzmet.api.selectors import organization_get, queue_direction_view
from qyzmet.api.services import idempotency_key_scoped, queue_directed_once
from qyzmet.cases.models import Case
from qyzmet.cases.services import queue_direction_preview

router = Router(tags=["queue"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post("/direct-next/preview", response={200: QueueDirectionPreviewOut, 204: None, **ERRORS})
def queue_direct_preview_api(request: HttpRequest, payload: QueueDirectPreviewIn) -> dict[str, Any] | Status[None]:
    """The child the next direction goes to, and the direction documents (exact bytes) to sign; nothing is written.

    204 when nobody is waiting; 409 for anyone but the locality's directing role (the office clerk).
    """
    preview = queue_direction_preview(locality=organization_get(payload.locality), group=payload.group,
                                      actor=request_user(request))
    return queue_direction_view(preview) if preview is not None else Status(204, None)


@router.post("/direct-next", response={200: CaseSummaryOut, 204: None, **ERRORS})
def queue_direct_next_api(request: HttpRequest, payload: QueueDirectIn,
                          idempotency_key: str | None = Header(None, alias="Idempotency-Key")
                          ) -> Case | Status[None]:
    """The locality's clerk directs the first waiting case of a group, signing the previewed direction.

    204 when nobody is waiting; 409 (nothing changes) without a valid EDS signature of the clerk over
    the direction the preview showed. A retry with the same Idempotency-Key returns the child it
    directed and directs nobody else.
    """
    actor = request_user(request)
    case = queue_directed_once(
        locality=organization_get(payload.locality), group=payload.group, actor=actor,
        signatures=payload.signatures, now=timezone.now(),
        idempotency_key=idempotency_key_scoped(user=actor, operation="queue-direct", key=idempotency_key),
    )
    return case if case is not None else Status(204, None)
