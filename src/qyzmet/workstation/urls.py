from django.urls import path

from qyzmet.workstation import views

app_name = "workstation"
urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/window/open/", views.window_open, name="window_open"),
    path("desk/window/close/", views.window_close, name="window_close"),
    path("desk/call-next/", views.call_next, name="call_next"),
    path("desk/tickets/<int:ticket_id>/done/", views.ticket_done, name="ticket_done"),
    path("desk/tickets/<int:ticket_id>/no-show/", views.ticket_missed, name="ticket_no_show"),
    path("desk/intake/", views.intake, name="intake"),
    path("desk/intake/providers/", views.intake_providers, name="intake_providers"),
    path("desk/intake/submit/", views.intake_submit, name="intake_submit"),
    path("desk/intake/refuse/", views.intake_refuse, name="intake_refuse"),
    path("desk/intakes/", views.intakes, name="intakes"),
    path("desk/intakes/<str:number>/", views.intake_detail, name="intake_detail"),
    path("desk/intakes/<str:number>/retry/", views.intake_retry, name="intake_retry"),
    path("desk/results/", views.results, name="results"),
    path("desk/results/<int:task_id>/", views.result_hand_over_view, name="result_hand_over"),
    path("<slug:branch_code>/kiosk/", views.kiosk, name="kiosk"),
    path("<slug:branch_code>/tickets/<int:ticket_id>/", views.ticket, name="ticket"),
    path("<slug:branch_code>/display/", views.display, name="display"),
    path("<slug:branch_code>/display/board/", views.display_board, name="display_board"),
]
