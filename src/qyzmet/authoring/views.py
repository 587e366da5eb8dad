"""The regulation authoring pages: upload an act, edit a draft with live checks, compare, publish with EDS."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qyzmet.authoring.errors import AuthoringRefused
from qyzmet.authoring.models import RegulationDraft
from qyzmet.authoring.services import (
    DraftCheck,
    administered_jurisdictions,
    content_bytes,
    definition_changes,
    draft_check,
    draft_from_version,
    draft_publish,
    draft_save,
    drafts_from_act,
    latest_version,
)
from qyzmet.catalog.diagrams.bpmn import bpmn_document
from qyzmet.catalog.diagrams.svg import diagram_svg
from qyzmet.catalog.errors import VersionRefused
from qyzmet.catalog.models import ServiceVersion, StandardList
from qyzmet.catalog.render import regulation_document, render_html
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.selectors import definition_of_version
from qyzmet.catalog.services import standard_list_save
from qyzmet.core.i18n import LANGUAGES, active_language
from qyzmet.identity.models import User

MAX_UPLOAD = 2 * 1024 * 1024


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _draft_for(request: HttpRequest, pk: int) -> RegulationDraft:
    """The draft if the user administers its oblast; 404 otherwise (never says which)."""
    draft = get_object_or_404(RegulationDraft.objects.select_related("base_version", "created_by", "updated_by"), pk=pk)
    if draft.jurisdiction not in administered_jurisdictions(_user(request)):
        raise Http404
    return draft


def _version_for(request: HttpRequest, slug: str, number: int) -> ServiceVersion:
    version = get_object_or_404(ServiceVersion.objects.select_related("service"), service__slug=slug, version=number)
    if str(version.definition.get("jurisdiction")) not in administered_jurisdictions(_user(request)):
        raise Http404
    return version


def _check_context(check: DraftCheck, draft: RegulationDraft, language: str, channel: str | None) -> dict[str, Any]:
    definition: ServiceDefinition | None = check.definition
    channels = [c.code.value for c in definition.channels] if definition else []
    shown = channel if channel in channels else (channels[0] if channels else None)
    changes = []
    if definition is not None and draft.base_version is not None:
        changes = definition_changes(draft.base_version.definition, definition.model_dump(mode="json", by_alias=True))
    return {
        "check": check,
        "channels": channels,
        "channel": shown,
        "diagram": diagram_svg(definition, shown, language) if definition and shown else "",
        "regulation_html": render_html(regulation_document(definition, language, diagrams=False), language)
        if definition
        else "",
        "changes": changes,
        "base": draft.base_version,
    }


@require_http_methods(["GET", "POST"])
@login_required
def draft_list(request: HttpRequest) -> HttpResponse:
    """My oblasts' drafts; upload an act's text to draft its regulations, or start from a current version."""
    user = _user(request)
    jurisdictions = administered_jurisdictions(user)
    if not jurisdictions:
        raise Http404
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("act")
        try:
            if upload is not None:
                if upload.size is None or upload.size > MAX_UPLOAD:
                    raise ValueError(_("The file is larger than 2 MB."))
                text = upload.read().decode("utf-8")
                name = upload.name or "act.txt"
            else:
                text, name = request.POST.get("text", ""), "pasted.txt"
            if not text.strip():
                raise ValueError(_("Choose a text file of the act or paste its text."))
            drafts = drafts_from_act(text=text, name=name, author=user, now=timezone.now())
        except UnicodeDecodeError:
            error = _("The file is not UTF-8 text. Save the act as plain text (UTF-8) and try again.")
        except ValueError as exc:
            error = str(exc)
        except AuthoringRefused as exc:
            error = exc.message(active_language())
        else:
            messages.success(request, _("Drafts made from the text: %(count)d.") % {"count": len(drafts)})
            return redirect("authoring:draft", pk=drafts[0].pk)
    visible = RegulationDraft.objects.filter(jurisdiction__in=jurisdictions)
    visible = visible.select_related("created_by", "base_version")
    versions = (
        ServiceVersion.objects.select_related("service").order_by("service__slug", "-version")
    )
    latest: dict[str, ServiceVersion] = {}
    for version in versions:
        if str(version.definition.get("jurisdiction")) in jurisdictions:
            latest.setdefault(version.service.slug, version)
    return render(
        request,
        "authoring/drafts.html",
        {"drafts": visible, "latest": list(latest.values()), "error": error},
        status=400 if error else 200,
    )


@require_POST
@login_required
def draft_new(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = _version_for(request, slug, number)
    try:
        draft = draft_from_version(version=version, author=_user(request), now=timezone.now())
    except AuthoringRefused as exc:
        raise Http404 from exc
    return redirect("authoring:draft", pk=draft.pk)


@require_http_methods(["GET", "POST"])
@login_required
def draft_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor: the content, its live check, diagram, text and changes; the publication form."""
    draft = _draft_for(request, pk)
    language = active_language()
    content = draft.content
    status = 200
    if request.method == "POST":
        content = request.POST.get("content", "")
        try:
            check = draft_save(draft=draft, content=content, actor=_user(request), now=timezone.now())
        except AuthoringRefused as exc:
            messages.error(request, exc.message(language))
            check, status = draft_check(content), 400
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("authoring:draft", pk=draft.pk)
    else:
        check = draft_check(content)
    user = _user(request)
    context = {
        "draft": draft,
        "content": content,
        "content_b64": base64.b64encode(content_bytes(draft)).decode(),
        "may_publish": draft.status == RegulationDraft.Status.DRAFT
        and user.pk not in (draft.created_by_id, draft.updated_by_id),
        **_check_context(check, draft, language, request.GET.get("channel")),
    }
    return render(request, "authoring/draft.html", context, status=status)


@require_POST
@login_required
def draft_check_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The check of the content being typed (htmx): nothing is saved."""
    draft = _draft_for(request, pk)
    content = request.POST.get("content", "")[:1_000_000]
    context = _check_context(draft_check(content), draft, active_language(), request.POST.get("channel"))
    return render(request, "authoring/_check.html", {"draft": draft, **context})


@require_POST
@login_required
def draft_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft_for(request, pk)
    try:
        version = draft_publish(
            draft=draft, approver=_user(request), signature=request.POST.get("signature", ""), now=timezone.now()
        )
    except (AuthoringRefused, VersionRefused) as exc:
        messages.error(request, exc.message(active_language()))
    else:
        messages.success(
            request,
            _("Published as version %(version)d of %(service)s.")
            % {"version": version.version, "service": version.service.slug},
        )
    return redirect("authoring:draft", pk=draft.pk)


@require_GET
@login_required
def version_diff(request: HttpRequest, slug: str) -> HttpResponse:
    """The semantic difference between two versions of a service (?from=N&to=M)."""
    try:
        first, second = int(request.GET.get("from", "")), int(request.GET.get("to", ""))
    except ValueError as exc:
        raise Http404 from exc
    old, new = _version_for(request, slug, first), _version_for(request, slug, second)
    changes = definition_changes(old.definition, new.definition)
    return render(request, "authoring/diff.html", {"slug": slug, "old": old, "new": new, "changes": changes})


@require_GET
@login_required
def version_bpmn(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A version's BPMN 2.0 for one channel (opens in bpmn.io / Camunda Modeler; the page shows it with bpmn-js)."""
    version = _version_for(request, slug, number)
    definition = definition_of_version(version)
    codes = [c.code.value for c in definition.channels]
    channel = request.GET.get("channel") or codes[0]
    if channel not in codes:
        raise Http404
    language = request.GET.get("lang") or active_language()
    if language not in LANGUAGES:
        raise Http404
    response = HttpResponse(bpmn_document(definition, channel, language), content_type="application/xml")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{slug}-v{number}-{channel}.bpmn"'
    return response


@require_GET
@login_required
def version_view(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """One stored version with its BPMN diagram drawn by bpmn-js, and links to compare it."""
    version = _version_for(request, slug, number)
    definition = definition_of_version(version)
    others = ServiceVersion.objects.filter(service=version.service).order_by("version")
    numbers = list(others.values_list("version", flat=True))
    latest = latest_version(slug)
    return render(
        request,
        "authoring/version.html",
        {
            "version": version,
            "definition": definition,
            "channels": [c.code.value for c in definition.channels],
            "others": numbers,
            "latest": latest,
        },
    )


# --- faithful (issue 14): the Standard's p.9/p.10 lists, kept by the oblast's administrators (ADR 0025) ---


@require_http_methods(["GET", "POST"])
@login_required
def standard_lists_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The Standard's documents required (p.9) and refusal grounds (p.10) of one service, for its oblast's
    administrators (404 for anyone else); each list is saved on its own."""
    latest = latest_version(slug)
    if latest is None or str(latest.definition.get("jurisdiction")) not in administered_jurisdictions(_user(request)):
        raise Http404
    definition = definition_of_version(latest)
    errors: list[str] = []
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in StandardList.Kind.values:
            raise Http404
        try:
            standard_list_save(
                service_id=slug, kind=kind, items_kk=request.POST.get("items_kk", ""),
                items_ru=request.POST.get("items_ru", ""), items_en=request.POST.get("items_en", ""),
                source=request.POST.get("source", ""), actor=_user(request), now=timezone.now(),
            )
        except ValidationError as exc:
            errors = [str(message) for message in exc.messages]
        else:
            messages.success(request, _("The list is saved; pages and intake use it from now on."))
            return redirect("authoring:standard_lists", slug=slug)
    rows = {row.kind: row for row in StandardList.objects.filter(service__slug=slug)}
    lists = [(kind, label, rows.get(kind), getattr(definition, kind)) for kind, label in StandardList.Kind.choices]
    return render(request, "authoring/standard_lists.html",
                  {"slug": slug, "title": definition.title.get(active_language()) or definition.title.ru,
                   "lists": lists, "errors": errors, "posted": request.POST if errors else {}},
                  status=422 if errors else 200)
