from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "qyzmet.cases"
    label = "cases"
    verbose_name = "Cases, tasks and the event log"
