"""Cases: my cases (as applicant, or as staff), one case with its timeline, documents, receipts and queue place."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from qyzmet.api.auth import request_user
from qyzmet.api.schemas import CaseDetailOut, CaseSummaryOut, ErrorOut
from qyzmet.api.selectors import case_detail, case_list_for_user
from qyzmet.cases.access import case_get_for_user
from qyzmet.cases.models import Case, CaseStatus

router = Router(tags=["cases"])


@router.get("", response=list[CaseSummaryOut])
@paginate(LimitOffsetPagination)
def case_list_api(request: HttpRequest, status: CaseStatus | None = None) -> QuerySet[Case]:
    """The cases filed for my IIN and, for staff, the cases of the organizations I work in; newest first."""
    return case_list_for_user(request_user(request), status=status)


@router.get("/{case_id}", response={200: CaseDetailOut, 401: ErrorOut, 404: ErrorOut})
def case_get_api(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """One case with its timeline (deadlines, time used and left in working units), documents and receipts."""
    user = request_user(request)
    case = case_get_for_user(case_id=case_id, user=user)
    return CaseDetailOut.of(case_detail(case, user=user, now=timezone.now()))
