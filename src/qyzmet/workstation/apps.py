from django.apps import AppConfig


class WorkstationConfig(AppConfig):
    name = "qyzmet.workstation"
    label = "workstation"
    verbose_name = "State Corporation workstation"
