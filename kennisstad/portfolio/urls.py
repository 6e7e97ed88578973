from django.urls import path

from . import backoffice, comparison_views, views

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
    # Comparing two agendas: which projects continued, which are new, which ended.
    path("backoffice/agendas/vergelijken/", comparison_views.agenda_compare, name="agenda_compare"),
    path(
        "backoffice/agendas/vergelijken/<str:period>/<str:key>/bevestigen/",
        comparison_views.lineage_confirm,
        name="lineage_confirm",
    ),
    path(
        "backoffice/agendas/vergelijken/<str:period>/<str:key>/corrigeren/",
        comparison_views.lineage_set,
        name="lineage_set",
    ),
    path(
        "backoffice/agendas/vergelijken/<str:period>/<str:key>/voorstel/",
        comparison_views.lineage_clear,
        name="lineage_clear",
    ),
]
