"""Results that arrived at the branch for pick-up, and handing them over."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from qyzmet.cases.errors import TransitionNotAllowed
from qyzmet.core.errors import LocalizedError, NotFound
from qyzmet.identity.models import Organization, User
from qyzmet.workstation import selectors
from qyzmet.workstation.forms import HandOverForm
from qyzmet.workstation.services import Recipient, result_hand_over
from qyzmet.workstation.views._shared import error_text, operator_required, redirect_to, url_or_none


@require_GET
@operator_required
def results(request: HttpRequest, operator: User, branch: Organization) -> HttpResponse:
    """Results that arrived at the branch and wait for their applicant."""
    return render(request, "workstation/results.html",
                  {"branch": branch, "tasks": selectors.results_awaiting_hand_over(branch)})


@require_http_methods(["GET", "POST"])
@operator_required
def result_hand_over_view(request: HttpRequest, operator: User, branch: Organization, task_id: int) -> HttpResponse:
    """Hand one result over: who came for it; completes the case's hand-over step."""
    try:
        task = selectors.hand_over_task_get(operator=operator, task_id=task_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    form = HandOverForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            result_hand_over(task=task, operator=operator, now=timezone.now(), recipient=Recipient(
                iin=data["recipient_iin"], name=data["recipient_name"], power_of_attorney=data["power_of_attorney"]))
        except (LocalizedError, TransitionNotAllowed) as exc:
            form.add_error(None, error_text(exc))
            status = 422
        else:
            messages.success(request, _("Result of case %(number)s handed over.") % {"number": task.case.number})
            return redirect_to("results", task.organization or branch)
    elif request.method == "POST":
        status = 422
    documents = [(document, url_or_none("documents:download", document.pk, "pdf"))
                 for document in task.case.documents.filter(intermediate=False)]
    context = {"branch": task.organization or branch, "task": task, "form": form, "documents": documents}
    return render(request, "workstation/result_hand_over.html", context, status=status)
