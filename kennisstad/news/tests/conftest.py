import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from kennisstad.accounts.models import Role
from kennisstad.accounts.roles import assign_role
from kennisstad.news.models import Event, NewsItem
from kennisstad.portfolio.tests.factories import (
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
    SectionFactory,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def world(db):
    """A theme with a project, organisations A (with a unit) and B, and an editor of A."""
    section = SectionFactory(title="Wonen en welzijn", slug="wonen-en-welzijn")
    organisation_a = OrganisationFactory(name="Organisatie A", slug="a")
    unit = OrganisationFactory(name="A/FSW", slug="a-fsw", parent=organisation_a)
    organisation_b = OrganisationFactory(name="Organisatie B", slug="b")
    project = ProjectFactory(section=section, code="1a", key="1a", title="Studentenhuisvesting")
    ParticipationFactory(project=project, organisation=organisation_a)
    editor = get_user_model().objects.create_user("redacteur-a", "a@example.org", "x", is_staff=True)
    assign_role(editor, Role.REDACTEUR, [organisation_a])
    editor_b = get_user_model().objects.create_user("redacteur-b", "b@example.org", "x", is_staff=True)
    assign_role(editor_b, Role.REDACTEUR, [organisation_b])
    return {
        "section": section,
        "project": project,
        "a": organisation_a,
        "unit": unit,
        "b": organisation_b,
        "editor": editor,
        "editor_b": editor_b,
    }


def make_news(slug: str, *, status=NewsItem.Status.PUBLISHED, days_ago: int = 1, **fields) -> NewsItem:
    links = {name: fields.pop(name, []) for name in ("sections", "projects", "organisations")}
    item = NewsItem.objects.create(
        title=fields.pop("title", f"Bericht {slug}"),
        slug=slug,
        body=fields.pop("body", "Een **tekst** over het nieuws."),
        status=status,
        published_at=timezone.now() - datetime.timedelta(days=days_ago)
        if status == NewsItem.Status.PUBLISHED
        else None,
        **fields,
    )
    for name, values in links.items():
        getattr(item, name).set(values)
    return item


def make_event(slug: str, *, starts_at: datetime.datetime, hours: int = 2, **fields) -> Event:
    links = {name: fields.pop(name, []) for name in ("sections", "projects", "organisations")}
    event = Event.objects.create(
        title=fields.pop("title", f"Evenement {slug}"),
        slug=slug,
        starts_at=starts_at,
        ends_at=fields.pop("ends_at", starts_at + datetime.timedelta(hours=hours)),
        is_published=fields.pop("is_published", True),
        **fields,
    )
    for name, values in links.items():
        getattr(event, name).set(values)
    return event


def in_days(days: int, hour: int = 14) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=AMSTERDAM)
