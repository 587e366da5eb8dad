from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "qyzmet.portal"
    label = "portal"
    verbose_name = "Citizen portal"
