from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "qyzmet.appeals"
    label = "appeals"
    verbose_name = "Appeals (complaints about a case)"
