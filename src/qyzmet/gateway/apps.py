from django.apps import AppConfig


class GatewayConfig(AppConfig):
    name = "qyzmet.gateway"
    label = "gateway"
    verbose_name = "E-government gateway"
