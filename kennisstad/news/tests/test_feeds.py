"""The RSS and Atom feeds, parsed back with feedparser the way feed readers read them."""

import datetime

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from kennisstad.news.models import NewsItem
from kennisstad.portfolio.models import ProgressUpdate
from kennisstad.portfolio.tests.factories import ProjectFactory, SectionFactory

from .conftest import make_news

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def theme_kwargs(section):
    return {"period": section.agenda.period, "slug": section.slug}


@pytest.mark.parametrize("name, version", [("news:feed_rss", "rss20"), ("news:feed_atom", "atom10")])
def test_the_news_feed_has_published_items_with_absolute_links(client, world, name, version):
    make_news("oud", days_ago=3, body="Met **nadruk**.")
    make_news("nieuw", days_ago=1, lead="Kort & goed.")
    make_news("concept", status=NewsItem.Status.DRAFT)

    feed = parse(client, reverse(name))

    assert feed.version == version
    assert [entry.title for entry in feed.entries] == ["Bericht nieuw", "Bericht oud"]
    assert feed.entries[0].link == f"{SITE}/nieuws/nieuw/"
    assert "<strong>nadruk</strong>" in feed.entries[1].summary
    assert "Kort &amp; goed." in feed.entries[0].summary
    assert feed.feed.link.startswith(SITE)
    assert all(entry.link.startswith(SITE) for entry in feed.entries)


def test_the_theme_news_feed_has_only_the_themes_items(client, world):
    make_news("wonen", sections=[world["section"]])
    make_news("anders")

    feed = parse(client, reverse("news:theme_feed_atom", kwargs=theme_kwargs(world["section"])))

    assert [entry.title for entry in feed.entries] == ["Bericht wonen"]
    assert "Wonen en welzijn" in feed.feed.title


def test_an_unknown_theme_has_no_feed(client, world):
    url = reverse("news:theme_feed_atom", kwargs={"period": "2023-2027", "slug": "bestaat-niet"})

    assert client.get(url).status_code == 404


def add_update(project, text: str, days_ago: int) -> ProgressUpdate:
    return ProgressUpdate.objects.create(
        project=project,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        text=text,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


@pytest.mark.parametrize("name", ["news:progress_rss", "news:progress_atom"])
def test_the_progress_feed_has_the_latest_updates(client, world, name):
    add_update(world["project"], "Eerste stap gezet.", days_ago=5)
    add_update(world["project"], "Tweede stap gezet.", days_ago=1)

    feed = parse(client, reverse(name))

    assert [entry.summary for entry in feed.entries] == ["Tweede stap gezet.", "Eerste stap gezet."]
    assert feed.entries[0].title == "1a Studentenhuisvesting"
    assert feed.entries[0].link == SITE + world["project"].get_absolute_url()
    assert feed.entries[0].id != feed.entries[1].id


def test_the_progress_feed_stops_at_fifty(client, world):
    for number in range(52):
        add_update(world["project"], f"Stap {number}.", days_ago=number)

    feed = parse(client, reverse("news:progress_atom"))

    assert len(feed.entries) == 50 and feed.entries[0].summary == "Stap 0."


def test_the_theme_progress_feed_has_only_the_themes_projects(client, world):
    other = ProjectFactory(section=SectionFactory(title="Ander thema"), title="Elders")
    add_update(world["project"], "Hier.", days_ago=1)
    add_update(other, "Daar.", days_ago=1)

    feed = parse(client, reverse("news:theme_progress_rss", kwargs=theme_kwargs(world["section"])))

    assert [entry.summary for entry in feed.entries] == ["Hier."]


def test_every_page_points_feed_readers_to_the_feeds(client, world):
    response = client.get(reverse("home"))

    assert 'rel="alternate" type="application/atom+xml"' in response.text
    assert reverse("news:feed_atom") in response.text and reverse("news:progress_atom") in response.text
