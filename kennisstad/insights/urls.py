from django.urls import path

from .views import figures, network, reports

app_name = "insights"

urlpatterns = [
    path("backoffice/rapporten/", reports.reports, name="reports"),
    path("cijfers/", figures.figures, name="figures"),
    path("cijfers/<slug:slug>.csv", figures.figures_csv, name="figures_csv"),
    path("netwerk/", network.network, name="network"),
    path("netwerk/netwerk.svg", network.network_svg_download, name="network_svg"),
    path("netwerk/netwerk.png", network.network_png_download, name="network_png"),
    path("netwerk/netwerk.json", network.network_json, name="network_json"),
]
