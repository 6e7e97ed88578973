from django.urls import path

from . import views

app_name = "history"

urlpatterns = [
    path("verwijderd/", views.deleted_list, name="deleted"),
    path("<str:label>/<int:pk>/", views.object_history, name="object"),
    path("<str:label>/<int:pk>/terugzetten/<int:history_id>/", views.object_restore, name="restore"),
]
