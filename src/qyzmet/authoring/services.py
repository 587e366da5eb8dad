"""Drafting, checking and four-eyes publication of regulation definitions.

Who may do what (one home, used by the pages and the CLI):
* an administrator of the oblast a regulation belongs to (its `jurisdiction`) drafts and edits it;
* another administrator of the same oblast publishes it by signing the exact content with their EDS;
  the author never approves their own draft;
* publication adds the next catalogue version (never changes a stored one); cases in flight keep theirs.
"""

from __future__ import annotations

import base64
import copy
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml
from django.db import transaction

from qyzmet.authoring import errors
from qyzmet.authoring.models import RegulationDraft
from qyzmet.catalog.importer import import_act
from qyzmet.catalog.importer.compare import STEP_FIELDS
from qyzmet.catalog.loader import Problem, load_text
from qyzmet.catalog.models import Service, ServiceVersion
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.services import version_publish
from qyzmet.identity.models import Organization, Role, StaffRole, User
from qyzmet.signatures.backends import get_verifier

# --- who may ----------------------------------------------------------------------------------


def administered_jurisdictions(user: User) -> set[str]:
    """Codes of the oblasts where `user` is an administrator."""
    held = StaffRole.objects.filter(user=user, role=Role.ADMINISTRATOR, organization__kind=Organization.Kind.OBLAST)
    return set(held.values_list("organization__code", flat=True))


def may_author(user: User, jurisdiction: str) -> bool:
    return jurisdiction in administered_jurisdictions(user)


def _ensure_may_author(user: User, jurisdiction: str) -> None:
    if not may_author(user, jurisdiction):
        raise errors.not_administrator(jurisdiction)


# --- drafts -------------------------------------------------------------------------------------


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


def _title(data: dict[str, Any]) -> str:
    titles = data.get("title") or {}
    language = (data.get("source") or {}).get("language") or "ru"
    return str(titles.get(language) or next(iter(titles.values()), "") or data.get("id") or "")


def _normal(text: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def latest_version(slug: str) -> ServiceVersion | None:
    return ServiceVersion.objects.filter(service__slug=slug).order_by("-version").first()


def _service_for(imported: dict[str, Any]) -> Service | None:
    """The catalogue service whose title (in the act's language) is the imported regulation's."""
    title = _normal(_title(imported))
    language = (imported.get("source") or {}).get("language") or "ru"
    field = "title_kk" if language == "kk" else "title_ru"
    for service in Service.objects.filter(**{f"{field}__isnull": False}):
        if _normal(getattr(service, field)) == title:
            return service
    return None


def _step_lists(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    lists: dict[str, list[dict[str, Any]]] = {}
    for key, procedure in (data.get("procedures") or {}).items():
        lists[f"procedures.{key}.steps"] = procedure.get("steps") or []
    for index, channel in enumerate(data.get("channels") or []):
        for part in ("intake", "delivery"):
            if channel.get(part):
                lists[f"channels[{index}].{part}"] = channel[part]
    return lists


def _channel_index(data: dict[str, Any]) -> dict[str, int]:
    return {channel["code"]: index for index, channel in enumerate(data.get("channels") or [])}


def _overlay(current: dict[str, Any], imported: dict[str, Any], version: int) -> dict[str, Any]:
    """The current definition with what the new text says about each step, and `needs_review` where they differ.

    Steps are matched in order within each procedure and each channel's lists. A value the text
    gives differently replaces the current one and is listed for review (the reviewer confirms by
    removing the entry); a list of another length is kept as it is and listed for review.
    """
    draft = copy.deepcopy(current)
    draft["version"] = version
    draft["effective_to"] = None
    review: list[dict[str, str]] = [
        {"path": "effective_from", "reason": "the date this wording enters into force (the current version's is kept)"}
    ]
    imported_lists: dict[str, list[dict[str, Any]]] = {}
    for key, procedure in (imported.get("procedures") or {}).items():
        imported_lists[f"procedures.{key}.steps"] = procedure.get("steps") or []
    positions = _channel_index(draft)
    for channel in imported.get("channels") or []:
        if channel["code"] not in positions:
            review.append({"path": "channels", "reason": f"the text names the channel '{channel['code']}'"})
            continue
        for part in ("intake", "delivery"):
            if channel.get(part):
                imported_lists[f"channels[{positions[channel['code']]}].{part}"] = channel[part]
    for path, steps in _step_lists(draft).items():
        found = imported_lists.get(path)
        if found is None:
            continue
        if len(found) != len(steps):
            reason = f"the text has {len(found)} steps here, the current version {len(steps)}"
            review.append({"path": path, "reason": reason})
            continue
        for index, (step, read) in enumerate(zip(steps, found, strict=True)):
            for name in STEP_FIELDS:
                head, _, tail = name.partition(".")
                old = (step.get(head) or {}).get(tail) if tail else step.get(head)
                new = (read.get(head) or {}).get(tail) if tail else read.get(head)
                if new is None or new == old:
                    continue
                if tail:
                    step[head] = {**(step.get(head) or {}), tail: new}
                else:
                    step[head] = new
                reason = f"the text says {new!r}, the current version {old!r}"
                review.append({"path": f"{path}[{index}].{name}", "reason": reason})
            language = (imported.get("source") or {}).get("language") or "ru"
            action = (read.get("action") or {}).get(language)
            if action and (step.get("action") or {}).get(language) != action:
                step["action"] = {**(step.get("action") or {}), language: action}
    if review:
        draft["needs_review"] = review
    return draft


@transaction.atomic
def drafts_from_act(*, text: str, name: str, author: User, now: datetime) -> list[RegulationDraft]:
    """One draft per regulation of a published act: an amendment of the service it names, or a new service."""
    imported = import_act(text, seed=name)
    if not imported:
        raise errors.no_regulation_found()
    jurisdictions = administered_jurisdictions(author)
    drafts: list[RegulationDraft] = []
    for data in imported:
        service = _service_for(data)
        base = latest_version(service.slug) if service else None
        content = _overlay(base.definition, data, base.version + 1) if base is not None else data
        jurisdiction = str(content.get("jurisdiction") or "")
        if jurisdiction not in jurisdictions:
            raise errors.not_administrator(jurisdiction or "?")
        drafts.append(
            RegulationDraft.objects.create(
                service_slug=str(content.get("id") or "draft"), title=_title(content), jurisdiction=jurisdiction,
                base_version=base, source_name=name[:200], source_text=text, content=_dump(content),
                created_by=author, created_at=now, updated_by=author, updated_at=now,
            )
        )
    return drafts


@transaction.atomic
def draft_from_version(*, version: ServiceVersion, author: User, now: datetime) -> RegulationDraft:
    """A draft of the next version, starting from `version` as it stands."""
    data = copy.deepcopy(version.definition)
    jurisdiction = str(data.get("jurisdiction") or "")
    _ensure_may_author(author, jurisdiction)
    data["version"] = (latest_version(version.service.slug) or version).version + 1
    return RegulationDraft.objects.create(
        service_slug=version.service.slug, title=_title(data), jurisdiction=jurisdiction, base_version=version,
        content=_dump(data), created_by=author, created_at=now, updated_by=author, updated_at=now,
    )


@dataclass(frozen=True)
class DraftCheck:
    """What the content says: its problems (empty when publishable) and the definition when it parses."""

    problems: tuple[Problem, ...]
    definition: ServiceDefinition | None
    needs_review: tuple[dict[str, str], ...]

    @property
    def publishable(self) -> bool:
        return self.definition is not None and not self.problems and not self.needs_review


def draft_check(content: str) -> DraftCheck:
    """Parse, validate and lint the content as `qyzmet catalog validate` does; `needs_review` listed apart."""
    try:
        data = yaml.safe_load(content)
    except yaml.YAMLError:
        data = None
    review: list[dict[str, str]] = []
    if isinstance(data, dict) and isinstance(data.get("needs_review"), list):
        review = [entry for entry in data.pop("needs_review") if isinstance(entry, dict)]
        content = _dump(data)
    loaded = load_text(content, "draft.yaml")
    return DraftCheck(problems=loaded.problems, definition=loaded.definition, needs_review=tuple(review))


def _ensure_editable(draft: RegulationDraft, actor: User) -> None:
    if draft.status != RegulationDraft.Status.DRAFT:
        raise errors.not_a_draft()
    _ensure_may_author(actor, draft.jurisdiction)


@transaction.atomic
def draft_save(*, draft: RegulationDraft, content: str, actor: User, now: datetime) -> DraftCheck:
    """Store the edited content (problems and all: it is a draft) and return its check."""
    draft = RegulationDraft.objects.select_for_update().get(pk=draft.pk)
    _ensure_editable(draft, actor)
    if len(content.encode()) > 1_000_000:
        raise errors.content_too_large()
    check = draft_check(content)
    draft.content = content
    if check.definition is not None:
        draft.service_slug, draft.title = check.definition.id, _title(check.definition.model_dump(mode="json"))
        if check.definition.jurisdiction != draft.jurisdiction:
            raise errors.jurisdiction_changed(draft.jurisdiction)
    draft.updated_by, draft.updated_at = actor, now
    draft.save(update_fields=["content", "service_slug", "title", "updated_by", "updated_at"])
    return check


def content_bytes(draft: RegulationDraft) -> bytes:
    """The bytes an approver signs: the draft's content as stored."""
    return draft.content.encode("utf-8")


@transaction.atomic
def draft_publish(*, draft: RegulationDraft, approver: User, signature: str, now: datetime) -> ServiceVersion:
    """Publish the draft as the next version of its service, approved by a second administrator's EDS.

    Refused (nothing changed) when: it is not a draft; the approver is its author or the last one
    to edit it; the approver is not an administrator of its oblast; the content has problems or
    points left to review; the signature is missing, not valid, not the approver's, or over other bytes.
    """
    draft = RegulationDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != RegulationDraft.Status.DRAFT:
        raise errors.not_a_draft()
    if approver.pk in (draft.created_by_id, draft.updated_by_id):
        raise errors.four_eyes()
    _ensure_may_author(approver, draft.jurisdiction)
    check = draft_check(draft.content)
    if not check.publishable or check.definition is None:
        raise errors.not_publishable(len(check.problems), len(check.needs_review))
    try:
        cms = base64.b64decode(signature, validate=True)
    except ValueError as exc:
        raise errors.signature_invalid("base64") from exc
    if not cms:
        raise errors.signature_invalid("empty")
    verdict = get_verifier().verify(content_bytes(draft), cms, expected_iin=approver.iin, now=now)
    if not verdict.is_valid:
        raise errors.signature_invalid(verdict.code or "invalid")
    version = version_publish(definition=check.definition, now=now)
    draft.status = RegulationDraft.Status.PUBLISHED
    draft.approved_by, draft.approved_at = approver, now
    draft.signature, draft.content_sha256 = cms, hashlib.sha256(content_bytes(draft)).hexdigest()
    draft.published_version = version
    draft.save(
        update_fields=["status", "approved_by", "approved_at", "signature", "content_sha256", "published_version"]
    )
    return version


# --- what changed between two definitions -----------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One semantic difference: `kind` is added / removed / changed; `where` names the channel, procedure or step."""

    kind: str
    where: str
    field: str = ""
    old: Any = None
    new: Any = None


def _steps_by_id(data: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    lists: dict[str, dict[str, dict[str, Any]]] = {}
    for key, procedure in (data.get("procedures") or {}).items():
        lists[f"procedure {key}"] = {step["id"]: step for step in procedure.get("steps") or []}
    for channel in data.get("channels") or []:
        for part in ("intake", "delivery"):
            if channel.get(part):
                lists[f"{channel['code']} {part}"] = {step["id"]: step for step in channel[part]}
    return lists


def _duration_text(step: dict[str, Any]) -> str | None:
    duration = step.get("duration")
    return f"{duration['value']} {duration['unit']}" if duration else None


def definition_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Channels and steps added or removed; each step's role, organization and duration changed."""
    changes: list[Change] = []
    old_channels = {c["code"] for c in old.get("channels") or []}
    new_channels = {c["code"] for c in new.get("channels") or []}
    changes += [Change("added", f"channel {code}") for code in sorted(new_channels - old_channels)]
    changes += [Change("removed", f"channel {code}") for code in sorted(old_channels - new_channels)]
    old_lists, new_lists = _steps_by_id(old), _steps_by_id(new)
    for where in sorted(set(old_lists) | set(new_lists)):
        before, after = old_lists.get(where, {}), new_lists.get(where, {})
        changes += [Change("added", f"{where} / {step_id}") for step_id in after if step_id not in before]
        changes += [Change("removed", f"{where} / {step_id}") for step_id in before if step_id not in after]
        for step_id in [step_id for step_id in before if step_id in after]:
            a, b = before[step_id], after[step_id]
            for name, first, second in (
                ("role", a.get("role"), b.get("role")),
                ("organization", a.get("organization"), b.get("organization")),
                ("duration", _duration_text(a), _duration_text(b)),
            ):
                if first != second:
                    changes.append(Change("changed", f"{where} / {step_id}", name, first, second))
    return changes
