from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "qyzmet.worker"
    label = "worker"
    verbose_name = "Background work"
