"""RSS and Atom feeds of the news and of the projects' progress updates, whole site and per theme.

Every link is absolute on SITE_URL, not on the request's host: feed readers keep the links, and the
host a proxy passes on need not be the public one.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _

from . import selectors
from .ics import absolute_url
from .markdown import render_markdown


class _AbsoluteFeed(Feed):
    feed_type = Rss201rev2Feed
    # The URL of this feed, by name, with the theme's arguments when there is one.
    url_name = ""

    def get_object(self, request, period: str | None = None, slug: str | None = None):
        return selectors.theme(period, slug) if slug else None

    def feed_url(self, obj):
        kwargs = {"period": obj.agenda.period, "slug": obj.slug} if obj else {}
        return absolute_url(reverse(self.url_name, kwargs=kwargs))

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())


class NewsRss(_AbsoluteFeed):
    url_name = "news:feed_rss"

    def title(self, obj):
        name = settings.SITE_NAME
        return (
            _("%(site)s: nieuws over %(theme)s") % {"site": name, "theme": obj.title}
            if obj
            else _("%(site)s: nieuws") % {"site": name}
        )

    def link(self, obj):
        url = reverse("news:list")
        return absolute_url(f"{url}?thema={obj.slug}" if obj else url)

    def description(self, obj):
        return _("Nieuws van de kennisalliantie.")

    def items(self, obj):
        return selectors.news_feed_items(section=obj)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        lead = format_html("<p>{}</p>", item.lead) if item.lead else ""
        return f"{lead}{render_markdown(item.body)}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_guid(self, item):
        return f"{absolute_url('/')}nieuws/{item.pk}"

    item_guid_is_permalink = False


class NewsAtom(NewsRss):
    feed_type = Atom1Feed
    url_name = "news:feed_atom"
    subtitle = NewsRss.description


class ThemeNewsRss(NewsRss):
    url_name = "news:theme_feed_rss"


class ThemeNewsAtom(NewsAtom):
    url_name = "news:theme_feed_atom"


class ProgressRss(_AbsoluteFeed):
    url_name = "news:progress_rss"

    def title(self, obj):
        name = settings.SITE_NAME
        return (
            _("%(site)s: voortgang in %(theme)s") % {"site": name, "theme": obj.title}
            if obj
            else _("%(site)s: voortgang van de projecten") % {"site": name}
        )

    def link(self, obj):
        return absolute_url(obj.get_absolute_url() if obj else reverse("home"))

    def description(self, obj):
        return _("De laatste voortgangsberichten van de projecten.")

    def items(self, obj):
        return selectors.progress_updates(section=obj)

    def item_title(self, item):
        return f"{item.project.code} {item.project.title}"

    def item_description(self, item):
        return item.text

    def item_link(self, item):
        return absolute_url(item.project.get_absolute_url())

    def item_pubdate(self, item):
        return item.created_at

    def item_guid(self, item):
        return f"{absolute_url('/')}voortgang/{item.pk}"

    item_guid_is_permalink = False


class ProgressAtom(ProgressRss):
    feed_type = Atom1Feed
    url_name = "news:progress_atom"
    subtitle = ProgressRss.description


class ThemeProgressRss(ProgressRss):
    url_name = "news:theme_progress_rss"


class ThemeProgressAtom(ProgressAtom):
    url_name = "news:theme_progress_atom"
