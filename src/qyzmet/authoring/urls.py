from django.urls import path

from qyzmet.authoring import views

app_name = "authoring"

urlpatterns = [
    path("", views.draft_list, name="drafts"),
    path("<int:pk>/", views.draft_view, name="draft"),
    path("<int:pk>/check/", views.draft_check_view, name="check"),
    path("<int:pk>/publish/", views.draft_publish_view, name="publish"),
    path("versions/<slug:slug>/diff/", views.version_diff, name="diff"),
    path("versions/<slug:slug>/<int:number>/", views.version_view, name="version"),
    path("versions/<slug:slug>/<int:number>/new-draft/", views.draft_new, name="new"),
    path("versions/<slug:slug>/<int:number>/bpmn/", views.version_bpmn, name="bpmn"),
    path("standard-lists/<slug:slug>/", views.standard_lists_edit, name="standard_lists"),  # faithful (issue 14)
]
