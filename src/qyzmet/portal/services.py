"""Writes of the citizen portal: sign-up checked against ГБД ФЛ, and attachments stored by their SHA-256.

The portal adds no engine rule: the account is made by `identity.services.citizen_register`,
the person is looked up by `gateway.services.registry_lookup` (which logs the personal-data
access), drafts and submissions are the API's domain functions.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import render_messages
from qyzmet.gateway.clients.registry import Person
from qyzmet.gateway.registries import GBD_FL
from qyzmet.gateway.services import registry_lookup
from qyzmet.identity.identifiers import iin_validate, mobile_normalise
from qyzmet.identity.models import SignUpAttempt, User
from qyzmet.identity.services import AccountExists, citizen_register

SIGN_UP_PURPOSE: Final = "portal sign-up: checking the IIN and name against ГБД ФЛ"
IIN_NOT_AVAILABLE: Final = _("This IIN cannot be registered. Log in, or restore access to your account.")
NAME_MISMATCH: Final = _("The IIN and the surname, name and patronymic do not match the State database of individuals.")
REGISTRY_DOWN: Final = _(
    "The State database of individuals does not answer now, so your data cannot be checked. No account was created. "
    "Please try again later."
)
SIGN_UP_THROTTLED: Final = _(
    "Too many refused sign-ups from this address. No account was created. Try again in an hour, or ask at a "
    "State Corporation office."
)
# Refused sign-ups (an IIN with a wrong name, or one that has an account) from one address in the window
# before the address is refused: enough for a family signing up at one computer with typos, too few to probe IINs.
SIGN_UP_REFUSAL_LIMIT: Final = 10
SIGN_UP_WINDOW: Final = timedelta(hours=1)
FILE_TYPE: Final = _("The file '{name}' is refused: only PDF, JPEG or PNG files may be attached.")
FILE_TOO_LARGE: Final = _("The file '{name}' is refused: it must not be larger than {limit} MB.")
FILE_EMPTY: Final = _("The file '{name}' is empty.")

# The first bytes of each accepted type: the type is what the bytes are, not what the name or browser says.
SIGNATURES: Final = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
NAME_MAX_LENGTH: Final = 200


class SignUpRefused(LocalizedError):
    """The sign-up cannot go on: nothing was created."""


class AttachmentRefused(LocalizedError):
    """A file that may not be attached: nothing was stored."""


# --- sign-up -----------------------------------------------------------------------------------------------


def _name_key(value: str) -> str:
    """A name as compared with the registry: case, ё/е, hyphens and spaces do not matter."""
    text = unicodedata.normalize("NFC", value).casefold().replace("ё", "е")
    return " ".join(re.sub(r"[\s\-‐–]+", " ", text).split())


def _names_match(person: Person, *, surname: str, given_name: str, patronymic: str) -> bool:
    typed = (_name_key(surname), _name_key(given_name), _name_key(patronymic))
    for language in ("kk", "ru"):
        known = tuple(_name_key(part.get(language) or part.get("ru") or "")
                      for part in (person.surname, person.name, person.patronymic))
        if typed == known:
            return True
    return False


def _person_of(iin: str, *, now: datetime) -> Person | None:
    result = registry_lookup(registry=GBD_FL, identifier=iin, actor=None, purpose=SIGN_UP_PURPOSE, now=now)
    if result.is_found:
        return Person.from_payload(result.records[0])
    if result.is_not_found:
        return None
    raise SignUpRefused("registry_unavailable", REGISTRY_DOWN)


def citizen_sign_up(
    *, iin: str, surname: str, given_name: str, patronymic: str, password: str, mobile: str, now: datetime,
    address: str | None = None,
) -> User:
    """Open a citizen's account once ГБД ФЛ confirms the IIN and the name.

    Everything typed is checked before the registry is asked (InvalidIdentifier, InvalidMobile,
    Django's ValidationError for a weak password). Whether the IIN has an account is told only to
    someone who typed its holder's name as the registry has it: an IIN with an account and an
    unknown IIN both give name_mismatch otherwise, so the form cannot be used to find who has an
    account. An address (the client's IP) with SIGN_UP_REFUSAL_LIMIT refused sign-ups within
    SIGN_UP_WINDOW is refused before the registry is asked (sign_up_throttled). Raises
    SignUpRefused (sign_up_throttled, name_mismatch, iin_not_available, registry_unavailable), and
    then creates no account. Not atomic on purpose: the attempt row stays written when it raises.
    Side effects: the look-up's gateway log and personal-data access rows; a SignUpAttempt row;
    the new account.
    """
    iin = iin_validate(iin)
    if mobile.strip():
        mobile_normalise(mobile)
    validate_password(password, User(iin=iin, surname=surname, given_name=given_name, patronymic=patronymic))
    if address is not None and _sign_up_refusals(address, now) >= SIGN_UP_REFUSAL_LIMIT:
        _sign_up_record(iin, SignUpAttempt.Outcome.THROTTLED, now=now, address=address)
        raise SignUpRefused("sign_up_throttled", SIGN_UP_THROTTLED)
    try:
        person = _person_of(iin, now=now)
    except SignUpRefused:
        _sign_up_record(iin, SignUpAttempt.Outcome.REGISTRY_UNAVAILABLE, now=now, address=address)
        raise
    if person is None or not _names_match(person, surname=surname, given_name=given_name, patronymic=patronymic):
        _sign_up_record(iin, SignUpAttempt.Outcome.NAME_MISMATCH, now=now, address=address)
        raise SignUpRefused("name_mismatch", NAME_MISMATCH)
    try:
        user = citizen_register(iin=iin, password=password, surname=surname, given_name=given_name,
                                patronymic=patronymic, mobile=mobile, now=now)
    except AccountExists:
        _sign_up_record(iin, SignUpAttempt.Outcome.IIN_NOT_AVAILABLE, now=now, address=address)
        raise SignUpRefused("iin_not_available", IIN_NOT_AVAILABLE) from None
    _sign_up_record(iin, SignUpAttempt.Outcome.CREATED, now=now, address=address)
    return user


REFUSALS_COUNTED: Final = (SignUpAttempt.Outcome.NAME_MISMATCH, SignUpAttempt.Outcome.IIN_NOT_AVAILABLE)


def _sign_up_refusals(address: str, now: datetime) -> int:
    return SignUpAttempt.objects.filter(address=address, at__gt=now - SIGN_UP_WINDOW,
                                        outcome__in=REFUSALS_COUNTED).count()


def _sign_up_record(iin: str, outcome: str, *, now: datetime, address: str | None) -> None:
    SignUpAttempt.objects.create(iin=iin, outcome=outcome, at=now, address=address)


# --- attachments ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it: its name, declared type and bytes."""

    name: str
    content: bytes
    document: str = ""  # the application's attachment id it is for ('' for the free list)


def _display_name(name: str) -> str:
    """The original file name, kept only to be shown: no folders, no control characters, bounded length."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return cleaned[:NAME_MAX_LENGTH] or "file"


def _content_type(content: bytes) -> str | None:
    for magic, content_type in SIGNATURES:
        if content.startswith(magic):
            return content_type
    return None


def attachment_check(upload: Upload, *, max_bytes: int) -> str:
    """The file's real type (from its first bytes); AttachmentRefused for an empty, oversized or other file."""
    name = _display_name(upload.name)
    if not upload.content:
        raise AttachmentRefused("file_empty", render_messages(FILE_EMPTY, name=name))
    if len(upload.content) > max_bytes:
        limit = f"{max_bytes / (1024 * 1024):g}"
        raise AttachmentRefused("file_too_large", render_messages(FILE_TOO_LARGE, name=name, limit=limit))
    content_type = _content_type(upload.content)
    if content_type is None:
        raise AttachmentRefused("file_type", render_messages(FILE_TYPE, name=name))
    return content_type


def _write_once(directory: Path, sha256: str, content: bytes) -> None:
    path = directory / sha256[:2] / sha256
    if path.exists():
        return  # content-addressed: the same bytes are already there
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def attachments_store(uploads: Iterable[Upload]) -> list[dict[str, Any]]:
    """Check every file, then store them all under settings.QYZMET_UPLOAD_DIR named by their SHA-256.

    One refused file refuses the lot (AttachmentRefused) and nothing is written. Returns what an
    application lists of each: the original name (shown, never used as a path), SHA-256, size,
    the type read from the bytes and, where given, the attachment id it is for.
    Side effects: writes the files (a file with the same bytes is written once).
    """
    uploads = list(uploads)
    max_bytes = int(settings.QYZMET_UPLOAD_MAX_BYTES)
    checked = [(upload, attachment_check(upload, max_bytes=max_bytes)) for upload in uploads]
    directory = Path(settings.QYZMET_UPLOAD_DIR)
    stored = []
    for upload, content_type in checked:
        sha256 = hashlib.sha256(upload.content).hexdigest()
        _write_once(directory, sha256, upload.content)
        entry: dict[str, Any] = {"name": _display_name(upload.name), "sha256": sha256, "size": len(upload.content),
                                 "content_type": content_type}
        if upload.document:
            entry["document"] = upload.document
        stored.append(entry)
    return stored
