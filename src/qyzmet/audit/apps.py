from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "qyzmet.audit"
    label = "audit"
    verbose_name = "Tamper-evident records"
