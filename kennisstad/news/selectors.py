"""Reading news, events and progress updates for the public pages, feeds and calendars."""

from datetime import timedelta

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import ProgressUpdate, Project, Section

from .models import Event, NewsItem

# The whole calendar (agenda.ics) keeps past events this long, so a subscriber still sees last month.
CALENDAR_PAST_DAYS = 90
FEED_SIZE = 50


def published_news() -> QuerySet[NewsItem]:
    return NewsItem.objects.filter(
        status=NewsItem.Status.PUBLISHED, published_at__lte=timezone.now()
    ).order_by("-published_at", "-pk")


def news_list(*, thema: str | None = None) -> QuerySet[NewsItem]:
    items = published_news().prefetch_related("sections")
    if thema:
        items = items.filter(sections__slug=thema).distinct()
    return items


def news_detail(slug: str) -> NewsItem:
    return get_object_or_404(
        published_news().prefetch_related("sections__agenda", "projects__agenda", "organisations"), slug=slug
    )


def _about(queryset: QuerySet, subject) -> QuerySet:
    """What is linked to a theme, a project or an organisation (an organisation's units count too)."""
    if isinstance(subject, Section):
        return queryset.filter(sections=subject)
    if isinstance(subject, Project):
        return queryset.filter(projects=subject)
    if isinstance(subject, Organisation):
        family = Organisation.objects.filter(pk=subject.pk) | Organisation.objects.filter(parent=subject)
        return queryset.filter(organisations__in=family.values("pk")).distinct()
    raise TypeError(f"No news about {type(subject).__name__}")


def news_about(subject, *, limit: int = 5) -> list[NewsItem]:
    return list(_about(published_news(), subject)[:limit])


def latest_news(*, limit: int = 3) -> list[NewsItem]:
    return list(published_news()[:limit])


def published_events() -> QuerySet[Event]:
    return Event.objects.filter(is_published=True)


def upcoming_events() -> QuerySet[Event]:
    return published_events().filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")


def past_events() -> QuerySet[Event]:
    return published_events().filter(ends_at__lt=timezone.now()).order_by("-starts_at", "-pk")


def upcoming_events_about(subject, *, limit: int = 3) -> list[Event]:
    return list(_about(upcoming_events(), subject)[:limit])


def event_detail(slug: str) -> Event:
    return get_object_or_404(
        published_events().prefetch_related("sections__agenda", "organisations", "projects__agenda"),
        slug=slug,
    )


def calendar_events() -> QuerySet[Event]:
    since = timezone.now() - timedelta(days=CALENDAR_PAST_DAYS)
    return published_events().filter(ends_at__gte=since).order_by("starts_at", "pk")


def theme(period: str, slug: str) -> Section:
    return get_object_or_404(Section.objects.select_related("agenda"), agenda__period=period, slug=slug)


def progress_updates(*, section: Section | None = None) -> list[ProgressUpdate]:
    updates = ProgressUpdate.objects.select_related("project__agenda", "project__section")
    if section is not None:
        updates = updates.filter(project__section=section)
    return list(updates.order_by("-created_at", "-pk")[:FEED_SIZE])


def news_feed_items(*, section: Section | None = None) -> list[NewsItem]:
    items = published_news()
    if section is not None:
        items = items.filter(sections=section)
    return list(items[:FEED_SIZE])
