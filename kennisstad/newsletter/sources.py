"""What an issue can be composed from: published news, progress updates and upcoming events.

Each source returns ``Candidate``s, frozen copies of what the subscriber will read, so that an
issue stays as it was sent whatever happens to the news item or update afterwards.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from kennisstad.lib.mail import absolute_url
from kennisstad.news.markdown import plain_text
from kennisstad.news.models import Event, NewsItem
from kennisstad.portfolio.models import ProgressUpdate

TEXT_WORDS = 60


@dataclass(frozen=True)
class Candidate:
    kind: str  # IssueItem.Kind
    source_id: int
    title: str
    text: str
    url: str
    date: datetime.date


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).words(TEXT_WORDS)


def news_items(*, start: datetime.date, end: datetime.date) -> list[Candidate]:
    """News published in the period (dates in the site's time zone)."""
    items = NewsItem.objects.filter(
        status=NewsItem.Status.PUBLISHED,
        published_at__date__gte=start,
        published_at__date__lte=end,
        published_at__lte=timezone.now(),
    ).order_by("-published_at", "-pk")
    return [
        Candidate(
            kind="news",
            source_id=item.pk,
            title=item.title,
            text=_short(item.lead or plain_text(item.body)),
            url=absolute_url(item.get_absolute_url()),
            date=timezone.localdate(item.published_at),
        )
        for item in items
    ]


def progress_updates(*, start: datetime.date, end: datetime.date) -> list[Candidate]:
    """Progress updates dated in the period, titled with their project."""
    updates = (
        ProgressUpdate.objects.filter(date__gte=start, date__lte=end)
        .select_related("project__agenda")
        .order_by("-date", "-created_at", "-pk")
    )
    return [
        Candidate(
            kind="update",
            source_id=update.pk,
            title=f"{update.project.code} {update.project.title}",
            text=_short(update.text),
            url=absolute_url(update.project.get_absolute_url()),
            date=update.date,
        )
        for update in updates
    ]


def upcoming_events(*, start: datetime.date, end: datetime.date) -> list[Candidate]:
    """Published events that have not ended by ``start`` and begin before ``end``."""
    events = Event.objects.filter(
        is_published=True, ends_at__date__gte=start, starts_at__date__lte=end
    ).order_by("starts_at", "pk")
    candidates = []
    for event in events:
        starts = timezone.localtime(event.starts_at)
        when = starts.strftime("%d-%m-%Y") if event.all_day else starts.strftime("%d-%m-%Y %H:%M")
        details = [when, event.place] if event.place else [when]
        if event.online_url:
            details.append(_("online"))
        description = _short(plain_text(event.description))
        candidates.append(
            Candidate(
                kind="event",
                source_id=event.pk,
                title=event.title,
                text=" · ".join(details) + (f"\n{description}" if description else ""),
                url=absolute_url(event.get_absolute_url()),
                date=starts.date(),
            )
        )
    return candidates


def candidates(*, start: datetime.date, end: datetime.date, events_until: datetime.date) -> list[Candidate]:
    """Everything for an issue about ``start``–``end``, in the order an issue shows it: news,
    then progress updates, then events up to ``events_until``."""
    return [
        *news_items(start=start, end=end),
        *progress_updates(start=start, end=end),
        *upcoming_events(start=end, end=events_until),
    ]
