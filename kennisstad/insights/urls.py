from django.urls import path

from .views import reports

app_name = "insights"

urlpatterns = [
    path("backoffice/rapporten/", reports.reports, name="reports"),
]
