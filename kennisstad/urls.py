from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("Kennisstad backoffice")
admin.site.site_title = _("Kennisstad backoffice")
admin.site.index_title = _("Agenda, organisaties en import")

urlpatterns = [
    path("backoffice/", admin.site.urls),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
