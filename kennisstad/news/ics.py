"""Events as iCalendar (RFC 5545), for calendar apps to download or subscribe to."""

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

from .markdown import plain_text
from .models import Event

PRODID = "-//Kennisstad//Nieuws en evenementen//NL"


def absolute_url(path: str) -> str:
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/"))


def _vevent(event: Event, stamp) -> icalendar.Event:
    zone = ZoneInfo(settings.TIME_ZONE)
    component = icalendar.Event()
    component.add("uid", f"{event.uid}@kennisstad")
    component.add("dtstamp", stamp)
    component.add("sequence", event.sequence)
    component.add("last-modified", event.updated_at)
    if event.all_day:
        # Whole days: DTEND is the day after the last one (RFC 5545, 3.6.1).
        component.add("dtstart", event.starts_at.astimezone(zone).date())
        component.add("dtend", event.ends_at.astimezone(zone).date() + timedelta(days=1))
    else:
        # Local time with TZID, so a recurring reader shows 14:00 in Leiden whatever the DST.
        component.add("dtstart", event.starts_at.astimezone(zone))
        component.add("dtend", event.ends_at.astimezone(zone))
    component.add("summary", event.title)
    description = plain_text(event.description)
    if event.online_url:
        description = f"{description}\n\n{event.online_url}".strip()
    if description:
        component.add("description", description)
    if event.place:
        component.add("location", event.place)
    component.add("url", absolute_url(event.get_absolute_url()))
    return component


def calendar(events: Iterable[Event], *, name: str) -> bytes:
    """A VCALENDAR with ``events`` and the Europe/Amsterdam VTIMEZONE they refer to."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for event in events:
        cal.add_component(_vevent(event, stamp))
    cal.add_missing_timezones()
    return cal.to_ical()
