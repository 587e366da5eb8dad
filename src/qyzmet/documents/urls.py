from django.urls import path

from qyzmet.documents import views

app_name = "documents"
urlpatterns = [
    path("verify/<str:number>/", views.verify, name="verify"),
    path("documents/<int:document_id>/<str:part>/", views.download, name="download"),
    path("receipts/<str:number>/", views.receipt, name="receipt"),
]
