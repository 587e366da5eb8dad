from django.urls import path

from qyzmet.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("regulations/", views.regulation_list, name="regulations"),
    path("regulations/<slug:service_id>/", views.regulation_compare, name="regulation"),
    path("tasks/", views.task_queue, name="tasks"),
]
