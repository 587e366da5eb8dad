"""The catalogue in the Django admin: the Standard's p.9/p.10 lists an administrator keeps (ADR 0025).

Stored versions are not editable here: a regulation changes by loading its next version (ADR 0019).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from qyzmet.catalog.models import StandardList


@admin.register(StandardList)
class StandardListAdmin(admin.ModelAdmin[StandardList]):
    list_display = ("service", "kind", "source", "updated_at", "updated_by")
    list_filter = ("kind",)
    search_fields = ("service__slug", "source")
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request: HttpRequest, obj: StandardList, form: Any, change: bool) -> None:
        obj.updated_at = timezone.now()
        obj.updated_by = request.user if request.user.is_authenticated else None
        super().save_model(request, obj, form, change)
