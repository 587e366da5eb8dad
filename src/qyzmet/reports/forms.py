"""The report filter: a period of filing dates, an organization within the user's reach, a service."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qyzmet.catalog.models import Service
from qyzmet.identity.models import Organization

DEFAULT_DAYS = 30
LONGEST_PERIOD_DAYS = 366


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    # A plain number, not a choice: an organization outside the user's reach is refused by the access check
    # (404, as for anything "not yours"), not by the form.
    organization = forms.IntegerField(label=_("Organization"), required=False, widget=forms.Select)
    service = forms.ChoiceField(label=_("Service"), required=False)

    def __init__(
        self, data: Any, *, organizations: QuerySet[Organization], language: str, today: date, **kwargs: Any
    ) -> None:
        defaults = {"date_from": (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat(), "date_to": today.isoformat()}
        merged = {**defaults, **{key: value for key, value in data.items() if value}}
        super().__init__(merged, **kwargs)
        widget = self.fields["organization"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = [("", _("All that I may see"))] + [
            (o.pk, ("— " * (o.path.count("/") - 1)) + o.name(language)) for o in organizations
        ]
        service_field = self.fields["service"]
        assert isinstance(service_field, forms.ChoiceField)
        title = f"title_{language}"
        service_field.choices = [("", _("All services"))] + [
            (s.slug, getattr(s, title) or s.title_ru) for s in Service.objects.order_by("slug")
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        if start and end and (end - start).days >= LONGEST_PERIOD_DAYS:
            raise forms.ValidationError(_("A report covers at most 366 days."))
        return cleaned
