"""Sending in batches, with a record per subscriber, resuming without double mails."""

import io
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kennisstad.newsletter import services
from kennisstad.newsletter.models import Delivery, Issue, IssueItem, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(kennismakelaar):
    issue = Issue.objects.create(
        title="Nieuwsbrief", period_start=timezone.localdate(), period_end=timezone.localdate()
    )
    IssueItem.objects.create(
        issue=issue,
        kind=IssueItem.Kind.UPDATE,
        source_id=1,
        title="Een update",
        text="Het gaat goed.",
        url="http://127.0.0.1:8000/",
        date=timezone.localdate(),
        position=1,
    )
    return issue


@pytest.fixture
def readers(make_subscriber):
    confirmed = [
        make_subscriber(email=f"lezer{n}@example.org", language="nl" if n % 2 else "en") for n in range(7)
    ]
    make_subscriber(email="wacht@example.org", status=Subscriber.Status.PENDING)
    make_subscriber(email="", status=Subscriber.Status.UNSUBSCRIBED)
    return confirmed


def recipients(mailoutbox) -> list[str]:
    return [mail.to[0] for mail in mailoutbox]


def test_it_sends_in_batches_to_confirmed_subscribers_only(issue, readers, mailoutbox):
    services.issue_start_sending(issue=issue)

    first = services.issue_send_batch(issue=issue, batch_size=3)

    assert (first.sent, first.done) == (3, False)
    assert Issue.objects.get().status == Issue.Status.SENDING
    total = services.issue_send(issue=issue, batch_size=3)
    assert (total.sent, total.failed, total.done) == (4, 0, True)
    assert sorted(recipients(mailoutbox)) == sorted(r.email for r in readers)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 7
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT and issue.sent_at is not None
    # Every mail has its own unsubscribe link.
    assert len({mail.extra_headers["List-Unsubscribe"] for mail in mailoutbox}) == 7


def test_a_resumed_send_mails_nobody_twice(issue, readers, mailoutbox):
    services.issue_start_sending(issue=issue)
    services.issue_send_batch(issue=issue, batch_size=4)
    # A crash after claiming one more subscriber but before sending: that row stays "pending".
    Delivery.objects.create(issue=issue, subscriber=readers[-1])

    call_command("send_newsletter", str(issue.pk), stdout=io.StringIO())
    call_command("send_newsletter", stdout=io.StringIO())

    sent = recipients(mailoutbox)
    assert len(sent) == len(set(sent)) == 6
    assert readers[-1].email not in sent
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 1
    assert Issue.objects.get().status == Issue.Status.SENT


def test_a_failed_mail_is_recorded_and_retried_in_a_later_run(issue, make_subscriber, mailoutbox):
    good = make_subscriber(email="goed@example.org")
    bad = make_subscriber(email="kapot@example.org")
    services.issue_start_sending(issue=issue)
    real = EmailBackend.send_messages

    def flaky(self, messages):
        if messages[0].to == [bad.email]:
            raise OSError("verbinding verbroken")
        return real(self, messages)

    with mock.patch.object(EmailBackend, "send_messages", flaky):
        result = services.issue_send(issue=issue)

    assert (result.sent, result.failed, result.done) == (1, 1, False)
    failed = Delivery.objects.get(subscriber=bad)
    assert failed.status == Delivery.Status.FAILED and "verbinding verbroken" in failed.error
    assert recipients(mailoutbox) == [good.email]
    # Still being sent: the next run (the server is back) retries the failed mail, and only that.
    assert Issue.objects.get().status == Issue.Status.SENDING

    services.issue_send(issue=issue)

    assert recipients(mailoutbox) == [good.email, bad.email]
    delivery = Delivery.objects.get(subscriber=bad)
    assert (delivery.status, delivery.attempts, delivery.error) == (Delivery.Status.SENT, 2, "")
    assert Issue.objects.get().status == Issue.Status.SENT


def test_an_address_that_keeps_failing_is_given_up_after_three_attempts(issue, make_subscriber, mailoutbox):
    make_subscriber(email="kapot@example.org")
    services.issue_start_sending(issue=issue)

    with mock.patch.object(EmailBackend, "send_messages", side_effect=OSError("onbekend adres")):
        for _run in range(services.MAX_ATTEMPTS):
            assert Issue.objects.get().status == Issue.Status.SENDING
            services.issue_send(issue=issue)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, services.MAX_ATTEMPTS)
    assert Issue.objects.get().status == Issue.Status.SENT


def test_an_erased_subscriber_does_not_stop_the_others(issue, make_subscriber, mailoutbox):
    erased = make_subscriber(email="weg@example.org")
    make_subscriber(email="blijft@example.org")
    services.issue_start_sending(issue=issue)
    services.issue_send_batch(issue=issue, batch_size=1)
    services.subscriber_erase(subscriber=erased)
    assert Delivery.objects.get().subscriber is None

    services.issue_send(issue=issue)

    assert recipients(mailoutbox) == ["weg@example.org", "blijft@example.org"]
    assert Issue.objects.get().status == Issue.Status.SENT


def test_a_draft_is_not_sent_and_an_empty_issue_cannot_start(issue, readers, mailoutbox):
    with pytest.raises(CommandError):
        call_command("send_newsletter", str(issue.pk), stdout=io.StringIO())
    assert services.issue_send(issue=issue).sent == 0
    issue.items.update(included=False)

    with pytest.raises(ValidationError):
        services.issue_start_sending(issue=issue)
    assert mailoutbox == []


def test_a_sent_issue_cannot_be_changed(issue):
    services.issue_start_sending(issue=issue)

    with pytest.raises(ValidationError):
        services.issue_update(issue=issue, title="Anders", intro="", items={})


def test_each_subscriber_gets_the_mail_in_their_language(issue, make_subscriber, mailoutbox):
    make_subscriber(email="en@example.org", language="en")
    services.issue_start_sending(issue=issue)

    services.issue_send(issue=issue)

    [mail] = mailoutbox
    html = (
        mail.alternatives[0].content if hasattr(mail.alternatives[0], "content") else mail.alternatives[0][0]
    )
    assert '<html lang="en">' in html
