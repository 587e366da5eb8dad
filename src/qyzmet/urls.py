"""Top-level URL configuration."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from qyzmet.api.main import api
from qyzmet.core import views as core_views

handler500 = "qyzmet.core.views.server_error"

urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("metrics/", core_views.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("pki/", include("qyzmet.signatures.urls")),
    path("api/v1/", api.urls),
    *i18n_patterns(
        path("admin/", admin.site.urls),
        path("backoffice/regulations/drafts/", include("qyzmet.authoring.urls")),
        path("backoffice/", include("qyzmet.backoffice.urls")),
        path("hall/", include("qyzmet.workstation.urls")),
        path("reports/", include("qyzmet.reports.urls")),
        path("", include("qyzmet.documents.urls")),
        path("", include("qyzmet.portal.urls")),
        path("", include("qyzmet.public.urls")),
        prefix_default_language=False,
    ),
]
