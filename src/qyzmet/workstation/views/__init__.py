"""The State Corporation hall in the browser: parse, check access, call one hall service or selector.

Public: the ticket kiosk, the printed ticket and the hall display (no personal data on them).
Operators (role sc_operator at a State Corporation branch): the desk with the window and the
queue, the intake signed with the operator's EDS, the intakes list, and the results to hand over.
"""

from qyzmet.workstation.views.desk import call_next, desk, ticket_done, ticket_missed, window_close, window_open
from qyzmet.workstation.views.intake import (
    intake,
    intake_detail,
    intake_providers,
    intake_refuse,
    intake_retry,
    intake_submit,
    intakes,
)
from qyzmet.workstation.views.public import display, display_board, kiosk, ticket
from qyzmet.workstation.views.results import result_hand_over_view, results

__all__ = [
    "call_next", "desk", "display", "display_board", "intake", "intake_detail", "intake_providers", "intake_refuse",
    "intake_retry", "intake_submit", "intakes", "kiosk", "result_hand_over_view", "results", "ticket", "ticket_done",
    "ticket_missed", "window_close", "window_open",
]
