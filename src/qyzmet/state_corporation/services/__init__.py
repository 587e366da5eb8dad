"""Writes of the operational hall: the electronic queue (`queue`) and the operator's intake (`intake`)."""

from qyzmet.state_corporation.services.intake import (
    SC_INTAKE_CONTINUATION,
    IntakeSubmission,
    PowerOfAttorneyEntry,
    intake_message,
    sc_intake_continue,
    sc_intake_refuse,
    sc_intake_resume,
    sc_intake_submit,
    sc_request_document,
)
from qyzmet.state_corporation.services.queue import (
    hall_window_close,
    hall_window_open,
    sc_operator_ensure,
    ticket_call_next,
    ticket_finish,
    ticket_issue,
    ticket_no_show,
)

__all__ = [
    "SC_INTAKE_CONTINUATION",
    "IntakeSubmission",
    "PowerOfAttorneyEntry",
    "hall_window_close",
    "hall_window_open",
    "intake_message",
    "sc_intake_continue",
    "sc_intake_refuse",
    "sc_intake_resume",
    "sc_intake_submit",
    "sc_operator_ensure",
    "sc_request_document",
    "ticket_call_next",
    "ticket_finish",
    "ticket_issue",
    "ticket_no_show",
]
