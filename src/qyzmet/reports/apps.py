from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "qyzmet.reports"
    label = "reports"
    verbose_name = "Quality reports"
