from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from kennisstad.portfolio import views as portfolio_views

admin.site.site_header = _("Kennisstad backoffice")
admin.site.site_title = _("Kennisstad backoffice")
admin.site.index_title = _("Agenda, organisaties en import")

urlpatterns = [
    path("", portfolio_views.home, name="home"),
    path("", include("kennisstad.portfolio.urls")),
    path("organisaties/", include("kennisstad.organisations.urls")),
    path("zoeken/", include("kennisstad.search.urls")),
    # The open-data API (reads, exports, partners' progress updates) and its documentation.
    path("api/", include("kennisstad.api.urls")),
    path("", include("kennisstad.news.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the admin: the broker's inbox lives under /backoffice/kennisloket/.
    path("", include("kennisstad.loket.urls")),
    path("", include("kennisstad.insights.urls")),
    # The newsletter: /nieuwsbrief/ and its back office under /backoffice/nieuwsbrief/.
    path("", include("kennisstad.newsletter.urls")),
    # Password reset and invitations for back-office users (also before the admin's catch-all).
    path("backoffice/wachtwoord/", include("kennisstad.accounts.urls")),
    # Two-factor login: set up, check, backup codes (before the admin's catch-all too).
    path("backoffice/tweestaps/", include("kennisstad.accounts.two_factor_urls")),
    # The history of records, with diffs and restore (before the admin's catch-all too).
    path("backoffice/geschiedenis/", include("kennisstad.history.urls")),
    path("backoffice/", admin.site.urls),
]
