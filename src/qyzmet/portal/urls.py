from django.contrib.auth import views as auth_views
from django.urls import path

from qyzmet.portal import eds_login, views

app_name = "portal"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="portal/login.html"), name="login"),
    path("login/eds/", eds_login.login_eds, name="login_eds"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("cabinet/", views.cabinet, name="cabinet"),
    path("cabinet/cases/<int:case_id>/", views.case_detail, name="case"),
    path("cabinet/documents/<int:document_id>/<str:part>", views.document_download, name="document"),
]
