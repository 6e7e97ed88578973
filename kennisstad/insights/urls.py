from django.urls import path

from .views import figures, reports

app_name = "insights"

urlpatterns = [
    path("backoffice/rapporten/", reports.reports, name="reports"),
    path("cijfers/", figures.figures, name="figures"),
    path("cijfers/<slug:slug>.csv", figures.figures_csv, name="figures_csv"),
]
