from django.contrib.auth import views as auth_views
from django.urls import path

from qyzmet.appeals import views as appeals
from qyzmet.portal import eds_login, views

app_name = "portal"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="portal/login.html"), name="login"),
    path("login/eds/", eds_login.login_eds, name="login_eds"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("services/<slug:service_id>/apply/", views.apply, name="apply"),
    path("applications/<int:draft_id>/", views.draft_page, name="draft"),
    path("applications/<int:draft_id>/otp/", views.draft_otp, name="draft_otp"),
    path("applications/<int:draft_id>/submit/", views.draft_submit_view, name="draft_submit"),
    path("cabinet/", views.cabinet, name="cabinet"),
    path("cabinet/cases/<int:case_id>/", views.case_detail, name="case"),
    path("cabinet/cases/<int:case_id>/status/", views.case_status, name="case_status"),
    path("cabinet/cases/<int:case_id>/appeal/", appeals.cabinet_appeal, name="appeal"),
    path("cabinet/cases/<int:case_id>/appeal/otp/", appeals.cabinet_appeal_otp, name="appeal_otp"),
    path("cabinet/cases/<int:case_id>/appeal/submit/", appeals.cabinet_appeal_submit, name="appeal_submit"),
]
