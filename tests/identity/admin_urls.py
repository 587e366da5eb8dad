"""The admin on its own URL, for the admin tests (the project does not route it yet)."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
