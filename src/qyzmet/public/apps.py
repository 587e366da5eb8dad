from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "qyzmet.public"
    label = "web"
    verbose_name = "Public pages"
