"""Issue 6 for the newsletter: export, erasure (journalled, re-applied after a restore),
unsubscribing that survives a restore, and the retention of unconfirmed subscriptions."""

import datetime
import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kennisstad.lib import erasure_journal
from kennisstad.loket.models import Erasure
from kennisstad.newsletter import services
from kennisstad.newsletter.models import Delivery, Issue, Subscriber

pytestmark = pytest.mark.django_db

EMAIL = "joost@example.org"


def journal_lines():
    return [json.loads(line) for line in settings.ERASURE_JOURNAL.read_text().splitlines()]


def restore_row(row: dict) -> None:
    """Put a subscriber back as an older backup had it (the row, without the Erasure rows)."""
    Subscriber.objects.update_or_create(pk=row["id"], defaults={k: v for k, v in row.items() if k != "id"})
    Erasure.objects.all().delete()


def snapshot(subscriber) -> dict:
    return Subscriber.objects.filter(pk=subscriber.pk).values().get()


def data_url(subscriber) -> str:
    return reverse("newsletter:my_data", args=[services.link_token(subscriber)])


def test_the_data_page_shows_what_is_stored_privately(client, make_subscriber):
    subscriber = make_subscriber(email=EMAIL)

    response = client.get(data_url(subscriber))

    assert response.status_code == 200
    assert EMAIL in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "strict-origin"
    assert response["X-Robots-Tag"] == "noindex"


def test_it_exports_the_data_as_json(client, make_subscriber, statement):
    subscriber = make_subscriber(email=EMAIL, language="en")
    issue = Issue.objects.create(
        title="Nieuwsbrief 1", period_start=timezone.localdate(), period_end=timezone.localdate()
    )
    Delivery.objects.create(
        issue=issue, subscriber=subscriber, status=Delivery.Status.SENT, sent_at=timezone.now()
    )

    response = client.post(data_url(subscriber), {"action": "download"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["email"] == EMAIL
    assert data["language"] == "en"
    assert data["status"] == "confirmed"
    assert data["privacy_statement_version"] == statement.version
    assert [sent["title"] for sent in data["newsletters_sent"]] == ["Nieuwsbrief 1"]


def test_erasure_needs_the_box_ticked(client, make_subscriber):
    subscriber = make_subscriber(email=EMAIL)

    response = client.post(data_url(subscriber), {"action": "erase"})

    assert response.status_code == 400
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_it_erases_the_subscriber_and_journals_it_without_the_address(client, make_subscriber):
    subscriber = make_subscriber(email=EMAIL)
    issue = Issue.objects.create(
        title="N", period_start=timezone.localdate(), period_end=timezone.localdate()
    )
    delivery = Delivery.objects.create(issue=issue, subscriber=subscriber, status=Delivery.Status.SENT)
    url = data_url(subscriber)

    response = client.post(url, {"action": "erase", "confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("newsletter:erased")
    assert not Subscriber.objects.exists()
    delivery.refresh_from_db()
    assert delivery.subscriber is None
    [line] = journal_lines()
    assert line["reference"] == f"nieuwsbrief-{subscriber.pk}"
    assert line["reason"] == "request"
    assert line["email_hash"] == erasure_journal.email_hash(EMAIL)
    assert EMAIL not in settings.ERASURE_JOURNAL.read_text()
    assert Erasure.objects.get().reference == f"nieuwsbrief-{subscriber.pk}"
    # The link is dead now.
    assert client.get(url).status_code == 404


def test_an_erased_subscriber_stays_erased_after_a_restore(make_subscriber):
    subscriber = make_subscriber(email=EMAIL)
    before = snapshot(subscriber)
    services.subscriber_erase(subscriber=subscriber)
    restore_row(before)

    out = io.StringIO()
    call_command("reapply_erasures", stdout=out)

    assert not Subscriber.objects.exists()
    assert "Nieuwsbrief: 1 abonnee(s)" in out.getvalue()
    # The kennisloket's part restored the Erasure row from the journal.
    assert Erasure.objects.get().reference == f"nieuwsbrief-{before['id']}"
    assert services.erasures_reapply() == 0


def test_an_unsubscribed_address_is_removed_and_stays_removed_after_a_restore(client, make_subscriber):
    subscriber = make_subscriber(email=EMAIL)
    before = snapshot(subscriber)
    client.post(reverse("newsletter:unsubscribe", args=[services.link_token(subscriber)]))
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.email) == (Subscriber.Status.UNSUBSCRIBED, "")
    assert journal_lines()[0]["reason"] == "unsubscribe"
    restore_row(before)
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED

    assert services.erasures_reapply() == 1

    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.email) == (Subscriber.Status.UNSUBSCRIBED, "")


def test_a_restore_leaves_a_later_subscriber_with_the_same_number_alone(make_subscriber):
    subscriber = make_subscriber(email=EMAIL)
    number = subscriber.pk
    services.subscriber_erase(subscriber=subscriber)
    # After restoring an older backup the id counter is back: someone else gets the same number.
    make_subscriber(
        email="iemand.anders@example.org", id=number, created_at=timezone.now() + datetime.timedelta(1)
    )

    assert services.erasures_reapply() == 0
    assert Subscriber.objects.get().email == "iemand.anders@example.org"


def test_a_dry_run_changes_nothing(make_subscriber):
    subscriber = make_subscriber(email=EMAIL)
    before = snapshot(subscriber)
    services.subscriber_erase(subscriber=subscriber)
    restore_row(before)

    assert services.erasures_reapply(dry_run=True) == 1
    assert Subscriber.objects.exists()


def test_retention_removes_unconfirmed_subscriptions_after_the_set_time(make_subscriber, settings):
    settings.NEWSLETTER_PENDING_DAYS = 14
    old = timezone.now() - datetime.timedelta(days=15)
    expired = make_subscriber(email="oud@example.org", status=Subscriber.Status.PENDING, created_at=old)
    recent = make_subscriber(email="nieuw@example.org", status=Subscriber.Status.PENDING)
    confirmed = make_subscriber(email="lezer@example.org", created_at=old)

    out = io.StringIO()
    call_command("prune_newsletter_subscriptions", "--dry-run", stdout=out)
    assert "Proefdraai" in out.getvalue() and "1 onbevestigde aanmelding " in out.getvalue()
    assert Subscriber.objects.count() == 3

    out = io.StringIO()
    call_command("prune_newsletter_subscriptions", stdout=out)

    assert "Verwijderd: 1 onbevestigde aanmelding " in out.getvalue()
    assert set(Subscriber.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk}
    assert not Subscriber.objects.filter(pk=expired.pk).exists()
