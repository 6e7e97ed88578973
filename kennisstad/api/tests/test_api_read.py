"""The read-only endpoints return what the database holds, filtered and paged, with ETags."""

import json

import pytest
from django.utils import timezone

from kennisstad.loket.models import PublishedAnswer
from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Participation, ProgressUpdate, Project, Section

from .conftest import PERIOD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_demo")]

# Fields the public pages never show; none of them may appear in the schema or an answer.
STAFF_ONLY = [
    "contact_email",
    "last_reminder_at",
    "version",
    "updated_by",
    "author",
    "asker",
    "email",
    "rejection_reason",
    "submitted_by",
    "question",
    "key_hash",
]


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_it_lists_the_agendas_with_their_counts(client):
    data = get(client, "/api/v1/agendas")

    assert data["count"] == 1
    agenda = data["items"][0]
    assert agenda["period"] == PERIOD
    assert agenda["projects"] == Project.objects.filter(agenda__period=PERIOD).count()
    assert agenda["sections"] == Section.objects.filter(agenda__period=PERIOD).count()


def test_it_lists_the_themes_of_an_agenda_in_order(client):
    data = get(client, f"/api/v1/agendas/{PERIOD}/sections")

    expected = list(Section.objects.filter(agenda__period=PERIOD).order_by("position", "number"))
    assert [item["slug"] for item in data["items"]] == [section.slug for section in expected]
    assert data["items"][0]["url"].endswith(expected[0].get_absolute_url())


def test_an_unknown_agenda_is_a_json_404(client):
    response = client.get("/api/v1/agendas/1900-1901/sections")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_it_shows_a_project_with_its_participations_by_period_and_key(client):
    project = Project.objects.get(agenda__period=PERIOD, key="1a")

    data = get(client, f"/api/v1/projects/{PERIOD}/1a")

    assert data["id"] == project.pk
    assert data["title"] == project.title
    assert data["status"] == project.status
    expected = {
        (p.organisation.slug, p.role)
        for p in Participation.objects.filter(project=project).select_related("organisation")
    }
    assert {(p["organisation"], p["role"]) for p in data["participations"]} == expected


def test_the_project_list_pages_through_every_project_once(client):
    total = Project.objects.count()
    seen = []
    for offset in range(0, total, 25):
        data = get(client, "/api/v1/projects", limit=25, offset=offset)
        assert data["count"] == total
        seen += [item["id"] for item in data["items"]]

    assert sorted(seen) == sorted(Project.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen))


def test_the_page_size_is_capped(client):
    assert client.get("/api/v1/projects", {"limit": 101}).status_code == 422
    assert client.get("/api/v1/projects", {"offset": -1}).status_code == 422
    assert len(get(client, "/api/v1/projects", limit=100)["items"]) == min(100, Project.objects.count())


def test_it_filters_projects_by_organisation_with_its_units(client):
    organisation = Organisation.objects.filter(units__isnull=False).distinct().first()
    assert organisation is not None, "the demo has organisations with units"
    family = [organisation.pk, *organisation.units.values_list("pk", flat=True)]
    expected = set(
        Project.objects.filter(participations__organisation_id__in=family)
        .distinct()
        .values_list("pk", flat=True)
    )

    data = get(client, "/api/v1/projects", organisation=organisation.slug, limit=100)

    assert {item["id"] for item in data["items"]} == expected
    assert data["count"] == len(expected)


def test_it_filters_projects_by_organisation_and_role(client):
    organisation = Organisation.objects.get(slug="gemeente-leiden")
    expected = set(
        Participation.objects.filter(organisation=organisation, role="trekker").values_list(
            "project_id", flat=True
        )
    )

    data = get(client, "/api/v1/projects", organisation=organisation.slug, role="trekker", limit=100)

    assert {item["id"] for item in data["items"]} == expected
    assert 0 < len(expected) < Participation.objects.filter(organisation=organisation).count()


def test_it_filters_projects_by_theme_status_and_text(client):
    section = Section.objects.filter(agenda__period=PERIOD).first()
    in_section = get(client, "/api/v1/projects", section=section.slug, limit=100)
    assert {item["id"] for item in in_section["items"]} == set(
        Project.objects.filter(section=section).values_list("pk", flat=True)
    )

    status = Project.objects.values_list("status", flat=True).first()
    with_status = get(client, "/api/v1/projects", status=status, limit=100)
    assert with_status["count"] == Project.objects.filter(status=status).count()

    project = Project.objects.get(agenda__period=PERIOD, key="1a")
    word = project.title.split()[-1]
    found = get(client, "/api/v1/projects", q=word, limit=100)
    assert project.pk in {item["id"] for item in found["items"]}
    assert found["count"] == Project.objects.filter(title__icontains=word).count() or found["count"] >= 1

    assert client.get("/api/v1/projects", {"status": "onbekend"}).status_code == 422


def test_it_lists_organisations_with_aliases_and_units(client):
    organisation = Organisation.objects.filter(units__isnull=False).distinct().first()

    data = get(client, "/api/v1/organisations", q=organisation.name, limit=100)
    item = next(item for item in data["items"] if item["slug"] == organisation.slug)

    assert sorted(item["aliases"]) == sorted(organisation.aliases.values_list("text", flat=True))
    assert {unit["slug"] for unit in item["units"]} == set(organisation.units.values_list("slug", flat=True))
    assert get(client, f"/api/v1/organisations/{organisation.slug}")["name"] == organisation.name


def test_it_filters_organisations_by_kind(client):
    data = get(client, "/api/v1/organisations", kind="universiteit", limit=100)

    assert data["count"] == Organisation.objects.filter(kind="universiteit").count()
    assert {item["kind"] for item in data["items"]} == {"universiteit"}


def test_it_lists_progress_updates_by_project_and_date(client):
    all_updates = get(client, "/api/v1/progress-updates")
    assert all_updates["count"] == ProgressUpdate.objects.count() == 3

    of_1a = get(client, "/api/v1/progress-updates", project=f"{PERIOD}/1a")
    assert [item["text"] for item in of_1a["items"]] == ["Tweede bijeenkomst.", "Eerste bijeenkomst."]
    assert get(client, f"/api/v1/projects/{PERIOD}/1a/updates")["items"] == of_1a["items"]

    since = (timezone.localdate() - timezone.timedelta(days=20)).isoformat()
    recent = get(client, "/api/v1/progress-updates", since=since)
    assert {item["text"] for item in recent["items"]} == {"Tweede bijeenkomst.", "Start."}


def test_it_shows_only_published_answers(client):
    data = get(client, "/api/v1/questions")

    assert data["count"] == PublishedAnswer.objects.filter(is_published=True).count() == 1
    answer = data["items"][0]
    assert answer["title"] == "Waar vind ik cijfers over gezondheid?"
    assert answer["projects"] == [f"{PERIOD}/1a"]
    hidden = PublishedAnswer.objects.get(is_published=False)
    assert client.get(f"/api/v1/questions/{hidden.slug}").status_code == 404


def test_it_shows_only_published_news_and_events(client):
    from kennisstad.news.models import Event, NewsItem

    now = timezone.now()
    NewsItem.objects.create(
        title="Open", slug="open", body="Tekst", status=NewsItem.Status.PUBLISHED, published_at=now
    )
    NewsItem.objects.create(title="Concept", slug="concept", body="Tekst", status=NewsItem.Status.DRAFT)
    Event.objects.create(
        title="Lezing",
        slug="lezing",
        starts_at=now,
        ends_at=now + timezone.timedelta(hours=2),
        is_published=True,
    )
    Event.objects.create(title="Geheim", slug="geheim", starts_at=now, ends_at=now, is_published=False)

    assert [item["slug"] for item in get(client, "/api/v1/news")["items"]] == ["open"]
    assert client.get("/api/v1/news/concept").status_code == 404
    assert [item["slug"] for item in get(client, "/api/v1/events")["items"]] == ["lezing"]
    assert [item["slug"] for item in get(client, "/api/v1/events", when="upcoming")["items"]] == ["lezing"]
    assert get(client, "/api/v1/events", when="past")["items"] == []


def _keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def test_no_staff_only_field_is_in_the_schema_or_any_answer(client):
    schema = get(client, "/api/v1/openapi.json")
    properties = {
        name
        for component in schema["components"]["schemas"].values()
        for name in component.get("properties", {})
    }
    answers = [
        get(client, url)
        for url in [
            "/api/v1/projects",
            "/api/v1/organisations",
            "/api/v1/progress-updates",
            "/api/v1/questions",
            f"/api/v1/projects/{PERIOD}/1a",
        ]
    ]
    keys = set(_keys(answers))
    export = json.loads(client.get(f"/api/v1/agendas/{PERIOD}/export.json").content)

    for field in STAFF_ONLY:
        assert field not in properties, field
        assert field not in keys, field
        assert field not in set(_keys(export)), field
    assert "contact" not in keys


def test_a_get_carries_an_etag_and_a_repeat_gets_304(client):
    first = client.get("/api/v1/projects", {"limit": 5})
    etag = first["ETag"]

    again = client.get("/api/v1/projects", {"limit": 5}, HTTP_IF_NONE_MATCH=etag)
    other = client.get("/api/v1/projects", {"limit": 6}, HTTP_IF_NONE_MATCH=etag)

    assert etag.startswith('"')
    assert again.status_code == 304
    assert again.content == b""
    assert other.status_code == 200 and other["ETag"] != etag
    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    assert first["Access-Control-Allow-Origin"] == "*"


def test_the_etag_changes_when_the_data_does(client):
    before = client.get(f"/api/v1/projects/{PERIOD}/1a")["ETag"]
    Project.objects.filter(agenda__period=PERIOD, key="1a").update(title="Nieuwe titel")

    after = client.get(f"/api/v1/projects/{PERIOD}/1a", HTTP_IF_NONE_MATCH=before)

    assert after.status_code == 200
    assert after.json()["title"] == "Nieuwe titel"


def test_pages_outside_the_api_get_no_api_headers(client):
    response = client.get("/")

    assert "Access-Control-Allow-Origin" not in response
    assert "ETag" not in response


def test_the_list_endpoints_take_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get("/api/v1/projects", {"limit": 100})
    with django_assert_max_num_queries(8):
        client.get("/api/v1/organisations", {"limit": 100})


def test_the_docs_page_lists_every_endpoint_and_passes_the_csp_scan(client):
    from kennisstad.tests.test_security import INLINE

    response = client.get("/api/v1/docs")
    schema = get(client, "/api/v1/openapi.json")

    assert response.status_code == 200
    text = response.content.decode()
    for path in schema["paths"]:
        assert path in text
    assert INLINE.findall(text) == []
    assert client.get("/api/").url == "/api/v1/docs"
