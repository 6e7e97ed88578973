from django.urls import path

from . import views

app_name = "portfolio"

urlpatterns = [
    path("thema/<str:period>/<slug:slug>/", views.theme, name="theme"),
    path("project/<str:period>/<str:key>/", views.project, name="project"),
]
