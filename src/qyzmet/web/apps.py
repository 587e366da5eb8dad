from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "qyzmet.web"
    label = "web"
    verbose_name = "Public pages"
