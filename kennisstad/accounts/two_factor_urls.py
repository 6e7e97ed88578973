"""Two-factor login pages under /backoffice/tweestaps/ (included before the admin's catch-all)."""

from django.urls import path

from . import two_factor_views as views

app_name = "two_factor"

urlpatterns = [
    path("", views.status, name="status"),
    path("instellen/", views.setup, name="setup"),
    path("controleren/", views.verify, name="verify"),
    path("reservecodes/", views.backup_codes, name="backup_codes"),
    path("uitzetten/", views.disable, name="disable"),
]
