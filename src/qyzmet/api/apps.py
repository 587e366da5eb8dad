from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "qyzmet.api"
    label = "api"
    verbose_name = "REST API: tokens, log-in challenges and application drafts"
