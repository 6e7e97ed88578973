"""Published news and events are findable; anything else is not."""

import pytest
from django.urls import reverse

from kennisstad.news import services
from kennisstad.news.models import NewsItem
from kennisstad.search.models import SearchDocument, SearchTerm
from kennisstad.search.selectors import search
from kennisstad.search.services import rebuild_index

from .conftest import in_days, make_event, make_news

pytestmark = pytest.mark.django_db
Status = NewsItem.Status


def kinds(query: str, **filters) -> list[tuple[str, str]]:
    return [(hit.kind, hit.title) for hit in search(query, **filters).hits]


def submitted(world, **fields):
    item = make_news("zonnepanelen", status=Status.SUBMITTED, title="Zonnepanelen op het stadhuis", **fields)
    item.organisations.set([world["a"]])
    item.sections.set([world["section"]])
    return item


def test_a_submitted_item_is_not_findable(world):
    submitted(world)

    assert kinds("zonnepanelen") == []


def test_publishing_makes_an_item_findable_by_text_and_organisation(world, kennismakelaar):
    item = submitted(world, body="Het **dak** ligt vol energie.")

    services.news_publish(item=item, by=kennismakelaar)

    assert kinds("zonnepaneel") == [("news", "Zonnepanelen op het stadhuis")]
    assert ("news", "Zonnepanelen op het stadhuis") in kinds("energie")
    assert ("news", "Zonnepanelen op het stadhuis") in kinds("Organisatie A", soort="news")
    [hit] = search("zonnepanelen").hits
    assert hit.url == "/nieuws/zonnepanelen/" and hit.section_title == "Wonen en welzijn"
    assert SearchTerm.objects.filter(word="zonnepanelen").exists()


def test_rejecting_or_deleting_removes_the_item_and_its_words(world, kennismakelaar):
    item = submitted(world)
    services.news_publish(item=item, by=kennismakelaar)

    services.news_reject(item=item, by=kennismakelaar, reason="Toch niet.")
    assert kinds("zonnepanelen") == []
    assert not SearchTerm.objects.filter(word="zonnepanelen").exists()

    services.news_publish(item=item, by=kennismakelaar)
    services.news_delete(item=item)
    assert not SearchDocument.objects.filter(kind="news").exists()


def test_a_published_event_is_findable_and_an_unpublished_one_is_not(world):
    event = make_event(
        "hittestress", title="Debat over hittestress", starts_at=in_days(3), is_published=False
    )
    services.event_save(event=event)
    assert kinds("hittestress") == []

    event.is_published = True
    services.event_save(event=event)
    assert kinds("hittestress") == [("event", "Debat over hittestress")]

    event.is_published = False
    services.event_save(event=event)
    assert kinds("hittestress") == []


def test_rebuilding_the_index_keeps_published_news_and_events(world):
    make_news("zichtbaar", title="Groene daken")
    make_news("verborgen", title="Groene gevels", status=Status.DRAFT)
    make_event("markt", title="Groene markt", starts_at=in_days(2))

    counts = rebuild_index()

    assert (counts.news, counts.events) == (1, 1)
    assert sorted(kinds("groen")) == [("event", "Groene markt"), ("news", "Groene daken")]


def test_the_search_page_labels_news_and_events(client, world, kennismakelaar):
    services.news_publish(item=submitted(world), by=kennismakelaar)
    services.event_save(event=make_event("zon", title="Zonnepanelen kijken", starts_at=in_days(3)))

    response = client.get(reverse("search:search"), {"q": "zonnepanelen"})

    assert '<p class="meta">Nieuws · Wonen en welzijn</p>' in response.text
    assert '<p class="meta">Evenement</p>' in response.text
    soort = next(f for f in response.context["facet_links"] if f["name"] == "soort")
    assert {item["value"].value for item in soort["values"]} == {"news", "event"}
