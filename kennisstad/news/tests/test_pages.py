"""The public pages of news and events, and the news on the home, theme, project and organisation pages."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from kennisstad.news.models import NewsItem

from .conftest import in_days, make_event, make_news

pytestmark = pytest.mark.django_db
Status = NewsItem.Status


def titles(response, selector: str) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [element.get_text(strip=True) for element in soup.select(selector)]


def test_the_list_shows_published_news_newest_first(client, world):
    make_news("oud", days_ago=5)
    make_news("nieuw", days_ago=1)
    make_news("concept", status=Status.DRAFT)
    make_news("ingediend", status=Status.SUBMITTED)

    response = client.get(reverse("news:list"))

    assert titles(response, ".news-card-title") == ["Bericht nieuw", "Bericht oud"]


def test_the_list_filters_by_theme(client, world):
    make_news("wonen", sections=[world["section"]])
    make_news("anders")

    response = client.get(reverse("news:list"), {"thema": world["section"].slug})

    assert titles(response, ".news-card-title") == ["Bericht wonen"]
    assert "Wonen en welzijn" in titles(response, "h1")[0]
    feed = reverse("news:theme_feed_atom", kwargs={"period": "2023-2027", "slug": "wonen-en-welzijn"})
    assert '<link rel="alternate" type="application/atom+xml"' in response.text and feed in response.text


def test_the_list_is_paginated(client, world):
    for number in range(12):
        make_news(f"bericht-{number}", days_ago=number + 1)

    first = client.get(reverse("news:list"))
    second = client.get(reverse("news:list"), {"pagina": 2})

    assert len(titles(first, ".news-card-title")) == 10
    assert titles(second, ".news-card-title") == ["Bericht bericht-10", "Bericht bericht-11"]


def test_a_published_item_shows_its_sanitised_text_and_links(client, world):
    make_news(
        "open-dag",
        body="Kom **langs**. <script>alert(1)</script>",
        sections=[world["section"]],
        projects=[world["project"]],
        organisations=[world["a"]],
    )

    response = client.get(reverse("news:detail", kwargs={"slug": "open-dag"}))

    assert response.status_code == 200
    assert "<strong>langs</strong>" in response.text
    assert "<script>alert" not in response.text
    assert world["project"].get_absolute_url() in response.text
    assert world["a"].get_absolute_url() in response.text


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.REJECTED])
def test_an_unpublished_item_is_not_found(client, world, status):
    make_news("verborgen", status=status)

    assert client.get(reverse("news:detail", kwargs={"slug": "verborgen"})).status_code == 404


def test_an_item_published_in_the_future_is_not_shown_yet(client, world):
    make_news("straks", days_ago=-2)

    assert client.get(reverse("news:detail", kwargs={"slug": "straks"})).status_code == 404
    assert titles(client.get(reverse("news:list")), ".news-card-title") == []


def test_the_image_has_its_alt_text(client, world):
    make_news("foto", image="news/2026/foto.jpg", image_alt="Studenten bij de Hortus")

    soup = BeautifulSoup(client.get(reverse("news:detail", kwargs={"slug": "foto"})).content, "html.parser")

    assert soup.select_one("img.news-image")["alt"] == "Studenten bij de Hortus"


def test_events_are_split_into_upcoming_and_past(client, world):
    make_event("later", starts_at=in_days(10))
    make_event("morgen", starts_at=in_days(1))
    make_event("vorige-week", starts_at=in_days(-7))
    make_event("concept", starts_at=in_days(2), is_published=False)

    upcoming = client.get(reverse("news:events"))
    past = client.get(reverse("news:past_events"))

    assert titles(upcoming, ".event-card-title") == ["Evenement morgen", "Evenement later"]
    assert titles(past, ".event-card-title") == ["Evenement vorige-week"]
    assert reverse("news:calendar_ics") in upcoming.text


def test_an_event_page_shows_time_place_and_calendar_link(client, world):
    make_event(
        "symposium", starts_at=in_days(3, hour=14), place="Pieterskerk", online_url="https://meet.example/x"
    )

    response = client.get(reverse("news:event", kwargs={"slug": "symposium"}))

    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("time")["datetime"].endswith(("+01:00", "+02:00"))
    assert "14:00" in soup.select_one("time").get_text()
    assert "Pieterskerk" in response.text
    assert reverse("news:event_ics", kwargs={"slug": "symposium"}) in response.text


def test_an_unpublished_event_is_not_found(client, world):
    make_event("concept", starts_at=in_days(2), is_published=False)

    assert client.get(reverse("news:event", kwargs={"slug": "concept"})).status_code == 404
    assert client.get(reverse("news:event_ics", kwargs={"slug": "concept"})).status_code == 404


def test_the_menu_links_news_and_events(client, world):
    response = client.get(reverse("home"))

    nav = BeautifulSoup(response.content, "html.parser").select_one(".site-nav")
    hrefs = [a["href"] for a in nav.select("a")]
    assert reverse("news:list") in hrefs and reverse("news:events") in hrefs


def test_the_home_page_shows_the_latest_three_items_and_upcoming_events(client, world):
    for number in range(4):
        make_news(f"bericht-{number}", days_ago=number + 1)
    make_news("concept", status=Status.DRAFT)
    make_event("morgen", starts_at=in_days(1))

    response = client.get(reverse("home"))

    assert titles(response, ".news-card-title") == [
        "Bericht bericht-0",
        "Bericht bericht-1",
        "Bericht bericht-2",
    ]
    assert titles(response, ".event-card-title") == ["Evenement morgen"]


def test_the_theme_page_shows_its_news_events_and_feeds(client, world):
    make_news("wonen", sections=[world["section"]])
    make_news("anders")
    make_event("wonen-event", starts_at=in_days(4), sections=[world["section"]])

    response = client.get(world["section"].get_absolute_url())

    assert titles(response, ".news-card-title") == ["Bericht wonen"]
    assert titles(response, ".event-card-title") == ["Evenement wonen-event"]
    kwargs = {"period": "2023-2027", "slug": "wonen-en-welzijn"}
    assert reverse("news:theme_feed_atom", kwargs=kwargs) in response.text
    assert reverse("news:theme_progress_atom", kwargs=kwargs) in response.text


def test_the_project_page_shows_its_news(client, world):
    make_news("project", projects=[world["project"]])
    make_news("anders")

    response = client.get(world["project"].get_absolute_url())

    assert titles(response, ".news-card-title") == ["Bericht project"]


def test_the_organisation_page_shows_its_news_and_its_units_news(client, world):
    make_news("eigen", organisations=[world["a"]], days_ago=2)
    make_news("faculteit", organisations=[world["unit"]], days_ago=1)
    make_news("ander", organisations=[world["b"]])
    make_event("a-event", starts_at=in_days(2), organisations=[world["a"]])

    response = client.get(world["a"].get_absolute_url())

    assert titles(response, ".news-card-title") == ["Bericht faculteit", "Bericht eigen"]
    assert titles(response, ".event-card-title") == ["Evenement a-event"]


def test_pages_without_news_show_no_news_section(client, world):
    response = client.get(world["section"].get_absolute_url())

    assert 'id="related-news-title"' not in response.text


def test_the_news_list_runs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for number in range(10):
        make_news(f"bericht-{number}", sections=[world["section"]])

    with django_assert_max_num_queries(8):
        client.get(reverse("news:list"))
