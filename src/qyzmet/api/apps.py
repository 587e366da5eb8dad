from typing import Any

from django.apps import AppConfig


def _password_changed(sender: Any, user: Any, **kwargs: Any) -> None:
    from django.utils import timezone

    from qyzmet.api.services import tokens_revoke_for_user

    tokens_revoke_for_user(user=user, now=timezone.now())


class ApiConfig(AppConfig):
    name = "qyzmet.api"
    label = "api"
    verbose_name = "REST API: tokens, log-in challenges and application drafts"

    def ready(self) -> None:
        from qyzmet.identity.models import password_changed

        # A new password ends every bearer token issued under the old one (sessions end by Django's hash check).
        password_changed.connect(_password_changed, dispatch_uid="api-revoke-tokens-on-password-change")
