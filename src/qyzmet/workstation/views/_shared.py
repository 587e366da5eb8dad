"""What the workstation's views share: the operator check, messages in the page's language, redirects."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import active_language
from qyzmet.identity.models import Organization, User
from qyzmet.workstation import selectors

P = ParamSpec("P")
DeskView = Callable[Concatenate[HttpRequest, User, Organization, P], HttpResponse]


def error_text(error: LocalizedError) -> str:
    """The domain error's message in the page's language."""
    return error.message(active_language())


def url_or_none(name: str, *args: object) -> str | None:
    """The address of another app's page, or None where that app does not offer it (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def operator_required[**P](view: DeskView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Logged in, and an operator at a State Corporation branch (403 with a message otherwise).

    The branch is the one named by `branch` (GET or POST) among the user's branches (404 for
    another), or their first.
    """
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        user = request.user
        assert isinstance(user, User)
        branches = selectors.operator_branches(user)
        if not branches.exists():
            return render(request, "workstation/forbidden.html", status=403)
        code = request.POST.get("branch") or request.GET.get("branch")
        branch = branches.filter(code=code).first() if code else branches.first()
        if branch is None:
            raise Http404(f"branch {code}")
        return view(request, user, branch, *args, **kwargs)
    return wrapped


def redirect_to(name: str, branch: Organization, *args: object) -> HttpResponse:
    """Post/redirect/get to a desk page of the same branch."""
    return redirect(f"{reverse(f'workstation:{name}', args=args)}?branch={branch.code}")
