from django.urls import path

from qyzmet.public import views

app_name = "web"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("services/<slug:service_id>/", views.service_detail, name="service"),
    path("services/<slug:service_id>/<slug:channel>/diagram.svg", views.service_diagram, name="diagram"),
    path("services/<slug:service_id>/<slug:channel>/interaction.svg", views.service_interaction, name="interaction"),
    path("services/<slug:service_id>/<slug:channel>/process.bpmn", views.service_bpmn, name="bpmn"),
    path("services/<slug:service_id>/regulation.<str:output_format>", views.service_regulation, name="regulation"),
]
