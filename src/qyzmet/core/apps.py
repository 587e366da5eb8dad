from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qyzmet.core"
    label = "core"
    verbose_name = "Qyzmet core"
