"""Django admin for the identity models: people, organizations and roles editable; audit rows read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.http import HttpRequest

from qyzmet.identity.models import (
    LoginAttempt,
    OneTimePassword,
    Organization,
    PersonalDataAccess,
    SignUpAttempt,
    SmsOutbox,
    StaffRole,
    User,
)


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ["organization"]


class IdentityUserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("iin", "surname", "given_name", "patronymic", "mobile")


class IdentityUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    # Django's own forms are bound to auth.User; these are the same forms for identity.User.
    form = IdentityUserChangeForm
    add_form = IdentityUserCreationForm
    ordering = ["surname", "given_name"]
    list_display = ["iin", "surname", "given_name", "patronymic", "mobile", "is_active", "locked_until"]
    search_fields = ["iin", "surname", "given_name", "mobile"]
    list_filter = ["is_active", "is_staff"]
    readonly_fields = ["last_login", "created_at", "failed_login_count"]
    inlines = [StaffRoleInline]
    fieldsets = (
        (None, {"fields": ["iin", "password"]}),
        ("Person", {"fields": ["surname", "given_name", "patronymic", "mobile"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "failed_login_count", "locked_until"]}),
        ("Dates", {"fields": ["last_login", "created_at"]}),
    )
    add_fieldsets = (
        (None, {"classes": ["wide"], "fields": [
            "iin", "surname", "given_name", "patronymic", "mobile", "password1", "password2",
        ]}),
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit and delivery rows: viewable, never added, changed or deleted by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ru", "kind", "bin", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name_ru", "name_kk", "bin"]
    readonly_fields = ["path"]

    def get_readonly_fields(self, request: HttpRequest, obj: Organization | None = None) -> list[str]:
        # The code and parent make up `path`, which the subtree rules rely on: fixed once created.
        return ["path", "code", "parent"] if obj is not None else ["path"]

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        if not change:
            obj.path = f"{obj.parent.path if obj.parent else ''}{obj.code}/"
        super().save_model(request, obj, form, change)


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "granted_at"]
    list_filter = ["role"]
    search_fields = ["user__iin", "user__surname", "organization__code"]
    autocomplete_fields = ["user", "organization"]


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "iin", "outcome", "user"]
    list_filter = ["outcome"]
    search_fields = ["iin"]


@admin.register(SignUpAttempt)
class SignUpAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "iin", "outcome", "address"]
    list_filter = ["outcome"]
    search_fields = ["iin", "address"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "subject_iin", "actor", "source", "purpose", "reference"]
    list_filter = ["source"]
    search_fields = ["subject_iin", "reference"]


@admin.register(OneTimePassword)
class OneTimePasswordAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "mobile", "purpose", "expires_at", "attempts_used", "consumed_at"]
    exclude = ["code_hash"]


@admin.register(SmsOutbox)
class SmsOutboxAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to", "text"]
    search_fields = ["to"]
