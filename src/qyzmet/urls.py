"""Top-level URL configuration."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("pki/", include("qyzmet.signatures.urls")),
    *i18n_patterns(path("", include("qyzmet.web.urls")), prefix_default_language=False),
]
