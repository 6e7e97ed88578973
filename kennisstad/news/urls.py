from django.conf import settings
from django.conf.urls.static import static
from django.urls import path

from . import feeds, views

app_name = "news"

urlpatterns = [
    path("nieuws/", views.news_list, name="list"),
    path("nieuws/feed/rss/", feeds.NewsRss(), name="feed_rss"),
    path("nieuws/feed/atom/", feeds.NewsAtom(), name="feed_atom"),
    path("nieuws/<slug:slug>/", views.news_detail, name="detail"),
    path("evenementen/", views.event_list, name="events"),
    path("evenementen/geweest/", views.past_event_list, name="past_events"),
    path("evenementen/agenda.ics", views.calendar_ics, name="calendar_ics"),
    path("evenementen/<slug:slug>.ics", views.event_ics, name="event_ics"),
    path("evenementen/<slug:slug>/", views.event_detail, name="event"),
    path("voortgang/feed/rss/", feeds.ProgressRss(), name="progress_rss"),
    path("voortgang/feed/atom/", feeds.ProgressAtom(), name="progress_atom"),
    path("thema/<str:period>/<slug:slug>/nieuws/feed/rss/", feeds.ThemeNewsRss(), name="theme_feed_rss"),
    path("thema/<str:period>/<slug:slug>/nieuws/feed/atom/", feeds.ThemeNewsAtom(), name="theme_feed_atom"),
    path(
        "thema/<str:period>/<slug:slug>/voortgang/feed/rss/",
        feeds.ThemeProgressRss(),
        name="theme_progress_rss",
    ),
    path(
        "thema/<str:period>/<slug:slug>/voortgang/feed/atom/",
        feeds.ThemeProgressAtom(),
        name="theme_progress_atom",
    ),
]

# Uploaded news images: Django serves them only when DEBUG (static() gives nothing otherwise); in
# production the reverse proxy serves MEDIA_ROOT at MEDIA_URL.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
