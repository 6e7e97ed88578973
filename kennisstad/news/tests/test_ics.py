"""The calendar feeds, parsed back the way a calendar app reads them."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from kennisstad.news import services

from .conftest import AMSTERDAM, in_days, make_event

pytestmark = pytest.mark.django_db


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_an_event_is_a_complete_vevent(client, world):
    event = make_event(
        "symposium",
        title="Symposium wonen",
        starts_at=datetime.datetime(2026, 6, 12, 14, 0, tzinfo=AMSTERDAM),
        place="Pieterskerk, Leiden",
        description="Met **sprekers** uit de stad.",
        online_url="https://meet.example/x",
    )

    calendar = parse(client.get(reverse("news:event_ics", kwargs={"slug": "symposium"})))

    assert calendar["VERSION"] == "2.0" and "Kennisstad" in calendar["PRODID"]
    assert calendar["X-WR-CALNAME"] == "Symposium wonen"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    [vevent] = calendar.walk("VEVENT")
    assert vevent["UID"] == f"{event.uid}@kennisstad"
    assert vevent["SUMMARY"] == "Symposium wonen"
    assert vevent["LOCATION"] == "Pieterskerk, Leiden"
    assert vevent["DESCRIPTION"] == "Met sprekers uit de stad.\n\nhttps://meet.example/x"
    assert vevent["URL"] == "http://127.0.0.1:8000/evenementen/symposium/"
    assert "DTSTAMP" in vevent
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert start == datetime.datetime(2026, 6, 12, 14, 0, tzinfo=AMSTERDAM)
    assert start.utcoffset() == datetime.timedelta(hours=2)  # summer time
    assert vevent["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert end - start == datetime.timedelta(hours=2)


def test_times_across_the_change_to_winter_time_stay_right(client, world):
    # Summer time ends on Sunday 25 October 2026 at 03:00 (then 02:00): the night is an hour longer.
    make_event(
        "nachtwake",
        starts_at=datetime.datetime(2026, 10, 24, 22, 0, tzinfo=AMSTERDAM),
        ends_at=datetime.datetime(2026, 10, 25, 8, 0, tzinfo=AMSTERDAM),
    )

    [vevent] = parse(client.get(reverse("news:event_ics", kwargs={"slug": "nachtwake"}))).walk("VEVENT")

    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert start.utcoffset() == datetime.timedelta(hours=2)
    assert end.utcoffset() == datetime.timedelta(hours=1)
    assert (start.hour, end.hour) == (22, 8)
    # Python subtracts wall-clock times within one zone; in real time the night lasts 11 hours.
    assert end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC) == datetime.timedelta(hours=11)
    assert start.astimezone(datetime.UTC) == datetime.datetime(2026, 10, 24, 20, 0, tzinfo=datetime.UTC)


def test_an_all_day_event_has_dates_with_the_day_after_as_end(client, world):
    make_event(
        "congres",
        starts_at=datetime.datetime(2026, 3, 28, 9, 0, tzinfo=AMSTERDAM),
        ends_at=datetime.datetime(2026, 3, 29, 17, 0, tzinfo=AMSTERDAM),
        all_day=True,
    )

    [vevent] = parse(client.get(reverse("news:event_ics", kwargs={"slug": "congres"}))).walk("VEVENT")

    assert vevent.decoded("DTSTART") == datetime.date(2026, 3, 28)
    assert vevent.decoded("DTEND") == datetime.date(2026, 3, 30)


def test_the_whole_calendar_has_upcoming_and_recent_published_events(client, world):
    make_event("morgen", starts_at=in_days(1))
    make_event("vorige-maand", starts_at=in_days(-30))
    make_event("vorig-jaar", starts_at=in_days(-200))
    make_event("concept", starts_at=in_days(2), is_published=False)

    calendar = parse(client.get(reverse("news:calendar_ics")))

    assert sorted(str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")) == [
        "Evenement morgen",
        "Evenement vorige-maand",
    ]
    assert "evenementen" in calendar["X-WR-CALNAME"]


def test_moving_an_event_raises_its_sequence_and_keeps_its_uid(world):
    event = make_event("verhuisd", starts_at=in_days(5))
    uid = event.uid

    event.title = "Nieuwe titel"
    services.event_save(event=event)
    assert event.sequence == 0

    event.starts_at += datetime.timedelta(hours=1)
    event.ends_at += datetime.timedelta(hours=1)
    services.event_save(event=event)
    event.refresh_from_db()
    assert event.sequence == 1 and event.uid == uid


def test_a_slug_that_a_calendar_path_uses_is_refused(world):
    from django.core.exceptions import ValidationError

    event = make_event("x", starts_at=in_days(5))
    event.slug = "agenda"
    with pytest.raises(ValidationError):
        services.event_save(event=event)
