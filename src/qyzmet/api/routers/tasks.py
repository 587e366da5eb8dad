"""Tasks: my work queue, what a step needs, and completing it."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from qyzmet.api.auth import request_user
from qyzmet.api.schemas import (
    ErrorOut,
    TaskActionIn,
    TaskCompletedOut,
    TaskCompleteIn,
    TaskDetailOut,
    TaskOut,
    TaskPreviewOut,
)
from qyzmet.api.selectors import task_completed_view, task_detail, task_queue_rows, task_signing_preview
from qyzmet.cases.access import task_get_for_staff
from qyzmet.cases.services import TaskAction, task_complete

router = Router(tags=["tasks"])


def _action(payload: TaskActionIn, signatures: dict[str, str] | None = None) -> TaskAction:
    return TaskAction(branch=payload.branch, decision=payload.decision, ground=payload.ground,
                      documents=tuple(payload.documents), details=payload.details, signatures=signatures or {})


@router.get("", response=list[TaskOut])
def task_list_api(request: HttpRequest) -> list[dict[str, Any]]:
    """Open tasks I may act on (my roles, in my organizations), soonest deadline first."""
    return task_queue_rows(request_user(request), now=timezone.now())


@router.get("/{task_id}", response={200: TaskDetailOut, 401: ErrorOut, 404: ErrorOut})
def task_get_api(request: HttpRequest, task_id: int) -> dict[str, Any]:
    """The task with its branches, decisions and their documents, and for signing steps the bytes to sign."""
    user = request_user(request)
    return task_detail(task_get_for_staff(task_id=task_id, user=user), user=user, now=timezone.now())


@router.post("/{task_id}/preview", response={200: TaskPreviewOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut,
                                             409: ErrorOut})
def task_preview_api(request: HttpRequest, task_id: int, payload: TaskActionIn) -> dict[str, Any]:
    """The documents (exact bytes, base64) that completing with this action needs signed; nothing is written."""
    user = request_user(request)
    return task_signing_preview(task_get_for_staff(task_id=task_id, user=user), user=user, action=_action(payload))


@router.post("/{task_id}/complete", response={200: TaskCompletedOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut,
                                              409: ErrorOut})
def task_complete_api(request: HttpRequest, task_id: int, payload: TaskCompleteIn) -> dict[str, Any]:
    """Complete the task as its step says; 409 with the reason when the action is not allowed (nothing changes)."""
    user = request_user(request)
    task = task_get_for_staff(task_id=task_id, user=user)
    now = timezone.now()
    next_task = task_complete(task=task, actor=user, action=_action(payload, payload.signatures), now=now)
    return task_completed_view(task, next_task, now=now)
