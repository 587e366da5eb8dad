"""The catalogue in the Django admin: the Standard's p.9/p.10 lists an administrator keeps (ADR 0025).

Stored versions are not editable here: a regulation changes by loading its next version (ADR 0019).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from qyzmet.catalog.models import StandardList
from qyzmet.catalog.services import standard_list_save


@admin.register(StandardList)
class StandardListAdmin(admin.ModelAdmin[StandardList]):
    list_display = ("service", "kind", "source", "updated_at", "updated_by")
    list_filter = ("kind",)
    search_fields = ("service__slug", "source")
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request: HttpRequest, obj: StandardList, form: Any, change: bool) -> None:
        # through the one writer, so that the edit is in the Standard lists' revision log
        saved = standard_list_save(
            service_id=obj.service.slug, kind=obj.kind, items_kk=obj.items_kk, items_ru=obj.items_ru,
            items_en=obj.items_en, source=obj.source,
            actor=request.user if request.user.is_authenticated else None, now=timezone.now(),
        )
        obj.pk, obj.updated_at, obj.updated_by = saved.pk, saved.updated_at, saved.updated_by
