from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "qyzmet.monitoring"
    label = "monitoring"
    verbose_name = "Deadline monitoring and escalation"
