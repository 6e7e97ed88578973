from django.urls import path

from . import backoffice, views

app_name = "portfolio"

urlpatterns = [
    path("thema/<str:period>/<slug:slug>/", views.theme, name="theme"),
    path("project/<str:period>/<str:key>/", views.project, name="project"),
    # Progress tracking in the back office; kennisstad/urls.py includes these before the admin.
    path("backoffice/voortgang/", backoffice.progress_list, name="progress_list"),
    path(
        "backoffice/voortgang/<str:period>/<str:key>/", backoffice.progress_project, name="progress_project"
    ),
    path("backoffice/voortgang/<str:period>/<str:key>/update/", backoffice.progress_add, name="progress_add"),
    path(
        "backoffice/voortgang/<str:period>/<str:key>/contact/",
        backoffice.progress_contact,
        name="progress_contact",
    ),
    path(
        "backoffice/voortgang/<str:period>/<str:key>/herinnering/",
        backoffice.progress_remind,
        name="progress_remind",
    ),
]
