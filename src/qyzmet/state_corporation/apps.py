from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "qyzmet.state_corporation"
    label = "hall"
    verbose_name = "State Corporation operational hall"

    def ready(self) -> None:
        # The gateway resumes an intake whose registry answered late by this name (it never imports the hall).
        from qyzmet.gateway.continuations import continuation_register
        from qyzmet.state_corporation.services.intake import SC_INTAKE_CONTINUATION, sc_intake_continue

        continuation_register(SC_INTAKE_CONTINUATION, sc_intake_continue)
