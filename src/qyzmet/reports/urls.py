from django.urls import path

from qyzmet.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_index, name="index"),
    path("export/<slug:table>.<str:file_format>", views.report_export, name="export"),
]
