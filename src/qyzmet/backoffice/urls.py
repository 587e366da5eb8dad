from django.urls import path

from qyzmet.appeals import views as appeals
from qyzmet.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("regulations/", views.regulation_list, name="regulations"),
    path("regulations/<slug:service_id>/", views.regulation_compare, name="regulation"),
    path("tasks/", views.task_queue, name="tasks"),
    path("tasks/table/", views.task_queue_table, name="tasks_table"),
    path("cases/<int:case_id>/", views.case_view, name="case"),
    path("cases/<int:case_id>/tasks/<int:task_id>/", views.task_act, name="task_act"),
    path("intake/office/", views.intake_office_view, name="intake_office"),
    path("intake/rural-akim/", views.intake_rural_akim_view, name="intake_rural_akim"),
    path("intake/appeals/<int:case_id>/", appeals.office_register, name="appeal_register"),
    path("cases/<int:case_id>/tasks/<int:task_id>/appeal-decision/", appeals.decide, name="appeal_decide"),
]
