from django.urls import path
from django.views.generic import RedirectView

from . import views
from .api import api

# No app_name: django-ninja reverses its own routes as "v1:…" from the root.
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api_docs"), name="api_index"),
    path("v1/docs", views.docs, name="api_docs"),
    path("v1/", api.urls),
]
