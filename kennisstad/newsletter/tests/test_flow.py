"""The done-when story of issue 7: opt in, receive a composed issue, unsubscribe in one click."""

import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kennisstad.lib.mail import absolute_url
from kennisstad.news import services as news_services
from kennisstad.news.models import Event, NewsItem
from kennisstad.newsletter import services
from kennisstad.newsletter.models import Delivery, Issue, Subscriber
from kennisstad.portfolio import services as portfolio_services
from kennisstad.portfolio.tests.factories import ProjectFactory

from .utils import link_in

pytestmark = pytest.mark.django_db

EMAIL = "Sanne.Bakker@Example.org"


@pytest.fixture
def broker(client, kennismakelaar):
    client.force_login(kennismakelaar)
    return client


@pytest.fixture
def sources(kennismakelaar):
    """A progress update, a news item and an event from the last days, and older ones that must
    stay out."""
    today = timezone.localdate()
    project = ProjectFactory(title="Samen tegen eenzaamheid")
    portfolio_services.progress_update_add(
        project=project,
        date=today - datetime.timedelta(days=3),
        text="Tien buurthuizen doen mee.",
        by=kennismakelaar,
    )
    portfolio_services.progress_update_add(
        project=project, date=today - datetime.timedelta(days=40), text="Oude update.", by=kennismakelaar
    )
    news_services.news_save(
        item=NewsItem(
            title="Nieuwe kennisagenda gepresenteerd",
            slug="nieuwe-kennisagenda",
            lead="De alliantie presenteert haar plannen.",
            body="Tekst",
            status=NewsItem.Status.PUBLISHED,
        ),
        by=kennismakelaar,
    )
    starts = timezone.now() + datetime.timedelta(days=10)
    news_services.event_save(
        event=Event(
            title="Kennisfestival Leiden",
            slug="kennisfestival",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=3),
            place="Stadsgehoorzaal",
            is_published=True,
        )
    )
    return project


def test_a_subscriber_opts_in_receives_an_issue_and_unsubscribes_in_one_click(
    client, broker, sources, mailoutbox, django_capture_on_commit_callbacks
):
    # The form: the consent box is not ticked in advance.
    page = BeautifulSoup(client.get(reverse("newsletter:subscribe")).content, "html.parser")
    consent = page.find("input", attrs={"name": "consent"})
    assert consent is not None and not consent.has_attr("checked")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("newsletter:subscribe"),
            {"email": EMAIL, "language": "nl", "consent": "on", "website": ""},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletter:subscribe_sent")
    [confirmation] = mailoutbox
    assert confirmation.to == [EMAIL]
    confirm_path = link_in(confirmation.body, "bevestigen")

    # A GET (a mail scanner) confirms nothing; the button does.
    assert client.get(confirm_path).status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert client.post(confirm_path).status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.privacy_statement_id is not None and subscriber.consent_at is not None

    # The kennismakelaar composes: everything of the last two weeks is pre-selected.
    response = broker.post(reverse("newsletter:issue_new"))
    issue = Issue.objects.get()
    assert response["Location"] == reverse("newsletter:issue", args=[issue.pk])
    titles = {item.kind: item.title for item in issue.items.all()}
    assert titles == {
        "news": "Nieuwe kennisagenda gepresenteerd",
        "update": f"{sources.code} Samen tegen eenzaamheid",
        "event": "Kennisfestival Leiden",
    }
    news, update, event = (issue.items.get(kind=kind) for kind in ("news", "update", "event"))
    response = broker.post(
        reverse("newsletter:issue", args=[issue.pk]),
        {
            "title": "Nieuwsbrief november",
            "intro": "Beste lezer,\n\nDit is het nieuws.",
            f"item-{news.pk}-position": "2",
            f"item-{news.pk}-included": "on",
            f"item-{update.pk}-position": "1",
            f"item-{update.pk}-included": "on",
            f"item-{event.pk}-position": "3",  # not ticked: left out
        },
    )
    assert response.status_code == 302
    preview = broker.get(reverse("newsletter:issue_preview", args=[issue.pk]))
    assert preview.status_code == 200
    content = preview.content.decode()
    assert "Tien buurthuizen doen mee." in content
    assert content.index("Tien buurthuizen") < content.index("Nieuwe kennisagenda")
    assert "Kennisfestival" not in content
    assert "Oude update" not in content

    # A test mail first: no unsubscribe header, marked as a test.
    broker.post(
        reverse("newsletter:issue_test", args=[issue.pk]), {"email": "km@example.org", "language": "nl"}
    )
    test_mail = mailoutbox[-1]
    assert test_mail.to == ["km@example.org"]
    assert test_mail.subject.startswith("[TEST]")
    assert "List-Unsubscribe" not in test_mail.extra_headers

    # Send: the page only marks it; the scheduled command sends.
    mailoutbox.clear()
    broker.post(reverse("newsletter:issue_send", args=[issue.pk]), {"confirm": "on"})
    assert Issue.objects.get().status == Issue.Status.SENDING
    assert mailoutbox == []
    call_command("send_newsletter", stdout=io.StringIO())

    [mail] = mailoutbox
    assert mail.to == [EMAIL]
    assert mail.subject == "Nieuwsbrief november"
    assert "Tien buurthuizen doen mee." in mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html"
    assert "Nieuwe kennisagenda gepresenteerd" in html and "Kennisfestival" not in html
    unsubscribe_path = link_in(mail.body, "afmelden")
    assert mail.extra_headers["List-Unsubscribe"] == f"<{absolute_url(unsubscribe_path)}>"
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link_in(mail.body, "mijn-gegevens")
    assert Issue.objects.get().status == Issue.Status.SENT
    assert Delivery.objects.get().status == Delivery.Status.SENT

    # One click from the mail program: a POST without cookies or CSRF token.
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        unsubscribe_path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.email == ""

    # A later issue does not reach them.
    mailoutbox.clear()
    later = services.issue_create(by=None)
    services.issue_start_sending(issue=later)
    services.issue_send(issue=later)
    assert mailoutbox == []
    assert Issue.objects.get(pk=later.pk).status == Issue.Status.SENT
