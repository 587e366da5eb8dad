from django.apps import AppConfig


class AuthoringConfig(AppConfig):
    """Regulations from a published text to a running version: import, edit, review, four-eyes publication."""

    name = "qyzmet.authoring"
    label = "authoring"
    default_auto_field = "django.db.models.BigAutoField"
