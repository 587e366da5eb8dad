"""Parsing what the operator types at the window; the rules themselves are the hall's services."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qyzmet.core.i18n import active_language
from qyzmet.identity.identifiers import InvalidIdentifier, bin_validate, iin_validate
from qyzmet.state_corporation.errors import HallError
from qyzmet.state_corporation.services import IntakeSubmission, PowerOfAttorneyEntry

MAX_DOCUMENTS = 30
MAX_DOCUMENT_LENGTH = 200


def _identifier(value: str, validate: Any) -> str:
    if not value:
        return ""
    try:
        return str(validate(value))
    except InvalidIdentifier as exc:
        raise forms.ValidationError(exc.message(active_language())) from None


class DocumentsField(forms.Field):
    """The documents handed in: one per line in the textarea, one hidden input each on the signing page."""

    hidden_widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        lines = value if isinstance(value, list | tuple) else str(value or "").splitlines()
        documents = [" ".join(str(line).split()) for line in lines]
        documents = [document for document in documents if document]
        if len(documents) > MAX_DOCUMENTS or any(len(d) > MAX_DOCUMENT_LENGTH for d in documents):
            raise forms.ValidationError(_("At most %(count)d documents of at most %(length)d characters each.")
                                        % {"count": MAX_DOCUMENTS, "length": MAX_DOCUMENT_LENGTH})
        return documents


class IntakeForm(forms.Form):
    """Step 1 at the window: the service, the applicant (or representative) and the documents."""

    service = forms.ChoiceField(label=_("Service"))
    provider = forms.ChoiceField(label=_("Service provider"), required=False,
                                 help_text=_("Leave empty for the regulation's first provider."))
    applicant_iin = forms.CharField(label=_("Applicant's IIN"), max_length=12,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    applicant_bin = forms.CharField(label=_("Applicant's BIN (a legal entity)"), max_length=12, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    representative_iin = forms.CharField(label=_("Representative's IIN"), max_length=12, required=False,
                                         widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                       "autocomplete": "off"}))
    poa_number = forms.CharField(label=_("Power of attorney number"), max_length=64, required=False)
    poa_notarised = forms.BooleanField(label=_("The power of attorney is notarised"), required=False)
    documents = DocumentsField(label=_("Documents handed in (one per line)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, services: list[tuple[str, str]], providers: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("request_key", str(uuid.uuid4()))
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = services  # type: ignore[attr-defined]
        self.fields["provider"].choices = [("", "—"), *providers]  # type: ignore[attr-defined]

    def clean_applicant_iin(self) -> str:
        return _identifier(self.cleaned_data["applicant_iin"], iin_validate)

    def clean_applicant_bin(self) -> str:
        return _identifier(self.cleaned_data["applicant_bin"], bin_validate)

    def clean_representative_iin(self) -> str:
        return _identifier(self.cleaned_data["representative_iin"], iin_validate)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("representative_iin") and not data.get("poa_number"):
            self.add_error("poa_number", HallError("power_of_attorney_required").message(active_language()))
        return data

    def submission(self, request_id: str) -> IntakeSubmission:
        """The hall's submission for these fields (the same bytes to sign at both steps)."""
        data = self.cleaned_data
        representative = data["representative_iin"]
        power = PowerOfAttorneyEntry(data["poa_number"].strip(), data["poa_notarised"]) if representative else None
        return IntakeSubmission(
            request_id=request_id, service_id=data["service"], applicant_iin=data["applicant_iin"],
            applicant_bin=data["applicant_bin"], representative_iin=representative, power_of_attorney=power,
            provider_code=data["provider"], documents=tuple(data["documents"]), language=active_language(),
        )


class IntakeSignForm(IntakeForm):
    """Step 2: the same fields, carried in hidden inputs, with the operator's detached CMS (base64)."""

    documents = DocumentsField(required=False, widget=forms.MultipleHiddenInput)
    signature = forms.CharField(required=False, widget=forms.HiddenInput)


class HandOverForm(forms.Form):
    """Who came for the result."""

    recipient_iin = forms.CharField(label=_("Recipient's IIN"), max_length=12,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    recipient_name = forms.CharField(label=_("Recipient's full name"), max_length=300, required=False)
    power_of_attorney = forms.CharField(label=_("Power of attorney number (for a representative)"),
                                        max_length=64, required=False)

    def clean_recipient_iin(self) -> str:
        return _identifier(self.cleaned_data["recipient_iin"], iin_validate)


class WindowOpenForm(forms.Form):
    number = forms.IntegerField(label=_("Window number"), min_value=1, max_value=999)


class RefusalForm(forms.Form):
    """Refusing to accept an incomplete or expired package (where the regulation lets the branch refuse)."""

    service = forms.ChoiceField(label=_("Service"))
    applicant_iin = forms.CharField(label=_("Applicant's IIN"), max_length=12,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    applicant_name = forms.CharField(label=_("Applicant's full name"), max_length=300)
    missing = DocumentsField(label=_("Documents missing (one per line)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    expired = DocumentsField(label=_("Documents expired (one per line)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("request_key", str(uuid.uuid4()))
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = services  # type: ignore[attr-defined]

    def clean_applicant_iin(self) -> str:
        return _identifier(self.cleaned_data["applicant_iin"], iin_validate)
