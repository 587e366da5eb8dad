from django.urls import path

from qyzmet.web import views

app_name = "web"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
]
