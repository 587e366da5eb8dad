"""Log in with an EDS authentication key: sign a fresh server challenge in NCALayer, get a session.

The challenge is issued by the same service the API uses (`challenge_issue`); it and the secret
that binds it are kept in this browser's session, so only a signature of the challenge shown to this
browser, sent from this browser, logs it in; the
signature is checked by the same domain function as the API's EDS log-in (`user_authenticate_eds`).
The page signs through the form contract of web/eds.js (`data-eds-key="AUTHENTICATION"`).
"""

from __future__ import annotations

import base64
from typing import Final

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from qyzmet.api.errors import ChallengesExhausted, LoginRefused
from qyzmet.api.services import challenge_issue, user_authenticate_eds
from qyzmet.core.i18n import active_language
from qyzmet.identity.addresses import client_address

SESSION_KEY: Final = "qyzmet_eds_login_challenge"
TEMPLATE: Final = "portal/login_eds.html"


@require_http_methods(["GET", "POST"])
def login_eds(request: HttpRequest) -> HttpResponse:
    """GET: a fresh challenge to sign. POST: the signature of it; a session for its signer, or why not."""
    error = ""
    if request.method == "POST":
        held = request.session.pop(SESSION_KEY, None)
        challenge, secret = (held.get("challenge", ""), held.get("secret", "")) if isinstance(held, dict) else ("", "")
        try:
            user = user_authenticate_eds(challenge=challenge, client_secret=secret,
                                         signature=request.POST.get("signature", ""), now=timezone.now())
        except LoginRefused as refused:
            error = refused.message(active_language())
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            return HttpResponseRedirect(_next_url(request))
    return _challenge_page(request, error=error)


def _challenge_page(request: HttpRequest, *, error: str) -> HttpResponse:
    try:
        issued = challenge_issue(now=timezone.now(), address=client_address(request))
    except ChallengesExhausted as exhausted:
        request.session.pop(SESSION_KEY, None)
        context = {"challenge": "", "challenge_b64": "", "error": exhausted.message(active_language()),
                   "next": _next_url(request)}
        return render(request, TEMPLATE, context, status=exhausted.status)
    challenge = issued.record.value
    request.session[SESSION_KEY] = {"challenge": challenge, "secret": issued.client_secret}
    context = {
        "challenge": challenge,
        "challenge_b64": base64.b64encode(challenge.encode("utf-8")).decode("ascii"),
        "error": error,
        "next": _next_url(request),
    }
    return render(request, TEMPLATE, context, status=401 if error else 200)


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return wanted
    return reverse("portal:cabinet")
