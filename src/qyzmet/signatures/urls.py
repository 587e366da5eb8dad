"""Endpoints of the test CA, mounted at /pki/ (the addresses its certificates carry)."""

from django.urls import URLPattern, path

from qyzmet.signatures import views

app_name = "signatures"
urlpatterns: list[URLPattern] = [
    path("crl/<slug:name>.crl", views.crl_view, name="crl"),
    path("ca/<slug:name>.crt", views.ca_certificate_view, name="ca-certificate"),
    path("tsp", views.tsp_view, name="tsp"),
    path("ocsp", views.ocsp_view, name="ocsp"),
    path("ocsp/", views.ocsp_view),
    path("ocsp/<path:encoded>", views.ocsp_view, name="ocsp-get"),
]
