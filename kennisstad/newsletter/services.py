"""Every change to the newsletter: subscribing, confirming, unsubscribing, erasure, retention,
composing issues and sending them. Views, commands and tests call these; nothing else saves
newsletter models.

Sending: "versturen" in the back office only marks an issue ``sending``; ``kennisstad
send_newsletter`` (cron, every few minutes) or the "volgende portie" button sends it in batches of
NEWSLETTER_BATCH_SIZE. A delivery row is claimed before each mail, so a crashed or concurrent
send never mails anyone twice, and running it again resumes where it stopped.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kennisstad.lib import erasure_journal
from kennisstad.lib.mail import absolute_url, send_templated_mail
from kennisstad.loket.models import Erasure, PrivacyStatement

from . import sources
from .models import Delivery, Issue, IssueItem, Subscriber

CONFIRM_SALT = "kennisstad.newsletter.confirm"
LINK_SALT = "kennisstad.newsletter.link"
ERASURE_PREFIX = "nieuwsbrief-"
PERIOD_DAYS = 14
EVENT_DAYS = 28
# A mail the server refused is tried again by later runs, up to this many times in all.
MAX_ATTEMPTS = 3


# --- links -----------------------------------------------------------------------------------


def _token(subscriber: Subscriber, salt: str) -> str:
    return signing.dumps({"s": subscriber.pk, "n": subscriber.nonce}, salt=salt, compress=True)


def _from_token(token: str, salt: str, max_age) -> Subscriber | None:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    return Subscriber.objects.filter(pk=payload.get("s"), nonce=payload.get("n")).first()


def confirm_token(subscriber: Subscriber) -> str:
    return _token(subscriber, CONFIRM_SALT)


def subscriber_from_confirm_token(token: str) -> Subscriber | None:
    """The subscriber a confirmation link is for; None when forged, expired or erased."""
    return _from_token(token, CONFIRM_SALT, timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS))


def link_token(subscriber: Subscriber) -> str:
    """The key in the unsubscribe and "mijn gegevens" links: valid as long as the row exists (an
    old newsletter must still unsubscribe), revoked by erasing the row."""
    return _token(subscriber, LINK_SALT)


def subscriber_from_link_token(token: str) -> Subscriber | None:
    return _from_token(token, LINK_SALT, None)


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("newsletter:unsubscribe", args=[link_token(subscriber)]))


def data_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("newsletter:my_data", args=[link_token(subscriber)]))


# --- subscribing -----------------------------------------------------------------------------


def _normalise(email: str) -> str:
    return email.strip()


def _send_confirmation(subscriber: Subscriber) -> None:
    link = absolute_url(reverse("newsletter:confirm", args=[confirm_token(subscriber)]))
    email, language = subscriber.email, subscriber.language
    context = {"confirm_link": link, "days": settings.NEWSLETTER_CONFIRM_DAYS}
    transaction.on_commit(
        lambda: send_templated_mail(
            template="newsletter/email/confirm", to=email, language=language, context=context
        )
    )


def subscribe(*, email: str, language: str, privacy_statement: PrivacyStatement) -> Subscriber | None:
    """Ask for a subscription; sends the confirmation link. Returns the pending subscriber, or None
    when the address is already confirmed (then nothing is sent: no second subscription, and the
    visitor sees the same answer either way)."""
    email = _normalise(email)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    now = timezone.now()
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
            if subscriber is not None and subscriber.status == Subscriber.Status.CONFIRMED:
                return None
            if subscriber is None:
                subscriber = Subscriber(email=email)
            subscriber.language = language
            subscriber.privacy_statement = privacy_statement
            subscriber.consent_at = now
            # The unique address is the database's to enforce: two requests at once end in IntegrityError.
            subscriber.full_clean(validate_constraints=False)
            subscriber.save()
            _send_confirmation(subscriber)
            return subscriber
    except IntegrityError:
        # The same address sent twice at once: the other request made the subscription.
        return None


@transaction.atomic
def subscriber_confirm(*, subscriber: Subscriber) -> Subscriber:
    if subscriber.status == Subscriber.Status.PENDING:
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])
    return subscriber


def _record_erasure(subscriber: Subscriber, *, reason: str) -> None:
    """As the kennisloket does: an Erasure row and a journal line (written before the commit), so
    restoring an older backup does not bring the address back (``erasures_reapply``)."""
    at = timezone.now()
    reference = f"{ERASURE_PREFIX}{subscriber.pk}"
    hashed = erasure_journal.email_hash(subscriber.email or "")
    Erasure.objects.create(reference=reference, email_hash=hashed, reason=reason, at=at)
    erasure_journal.append(reference=reference, email_hash=hashed, at=at, reason=reason)


def _unsubscribe(subscriber: Subscriber) -> None:
    subscriber.email = ""
    subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.save(update_fields=["email", "status", "unsubscribed_at"])


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber) -> Subscriber:
    """Stop all mail and remove the address at once (journalled like an erasure, so a restored
    backup does not subscribe the person again). Doing it twice changes nothing."""
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return subscriber
    _record_erasure(subscriber, reason="unsubscribe")
    _unsubscribe(subscriber)
    return subscriber


def subscriber_data(subscriber: Subscriber) -> dict:
    """Everything stored about a subscriber, machine-readable."""
    return {
        "email": subscriber.email,
        "language": subscriber.language,
        "status": subscriber.status,
        "subscribed": subscriber.created_at.isoformat(),
        "consent_given": subscriber.consent_at.isoformat(),
        "privacy_statement_version": subscriber.privacy_statement.version,
        "confirmed": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
        "unsubscribed": subscriber.unsubscribed_at.isoformat() if subscriber.unsubscribed_at else None,
        "newsletters_sent": [
            {"title": d.issue.title, "sent": d.sent_at.isoformat() if d.sent_at else None, "status": d.status}
            for d in subscriber.deliveries.select_related("issue").order_by("pk")
        ],
    }


@transaction.atomic
def subscriber_erase(*, subscriber: Subscriber) -> None:
    """Remove the subscriber altogether; the send records keep only that a mail went out."""
    _record_erasure(subscriber, reason="request")
    subscriber.delete()


def prune_pending(*, now=None, days: int | None = None, dry_run: bool = False) -> int:
    """Remove subscriptions not confirmed within ``days`` (NEWSLETTER_PENDING_DAYS). No journal
    line: a restored backup brings them back already expired, and the next run removes them."""
    now = now or timezone.now()
    days = settings.NEWSLETTER_PENDING_DAYS if days is None else days
    expired = Subscriber.objects.filter(
        status=Subscriber.Status.PENDING, created_at__lt=now - timedelta(days=days)
    )
    count = expired.count()
    if not dry_run:
        expired.delete()
    return count


def _same_person(subscriber: Subscriber, entry: erasure_journal.JournalEntry) -> bool:
    # After a restore the id counter is back too: a later subscriber may have the erased one's id.
    if subscriber.created_at > entry.at:
        return False
    return not subscriber.email or erasure_journal.email_hash(subscriber.email) == entry.email_hash


def erasures_reapply(*, dry_run: bool = False) -> int:
    """Erase or unsubscribe again every subscriber the erasure journal names (after a restore);
    returns how many rows changed. The kennisloket's ``erasures_reapply`` restores the Erasure
    rows of all journal lines, these included."""
    changed = 0
    with transaction.atomic():
        for entry in erasure_journal.read():
            number = entry.reference.removeprefix(ERASURE_PREFIX)
            if not entry.reference.startswith(ERASURE_PREFIX) or not number.isdigit():
                continue
            subscriber = Subscriber.objects.filter(pk=int(number)).first()
            if subscriber is None or not _same_person(subscriber, entry):
                continue
            if entry.reason == "request":
                subscriber.delete()
                changed += 1
            elif subscriber.status != Subscriber.Status.UNSUBSCRIBED:
                _unsubscribe(subscriber)
                changed += 1
        if dry_run:
            transaction.set_rollback(True)
    return changed


# --- composing -------------------------------------------------------------------------------


@transaction.atomic
def issue_create(*, by, today: datetime.date | None = None) -> Issue:
    """A draft about the last two weeks, with everything published in them pre-selected."""
    today = today or timezone.localdate()
    start = today - timedelta(days=PERIOD_DAYS - 1)
    issue = Issue.objects.create(
        title=_("Nieuwsbrief %(date)s") % {"date": today.strftime("%d-%m-%Y")},
        period_start=start,
        period_end=today,
        created_by=by,
    )
    found = sources.candidates(start=start, end=today, events_until=today + timedelta(days=EVENT_DAYS))
    IssueItem.objects.bulk_create(
        IssueItem(
            issue=issue,
            kind=c.kind,
            source_id=c.source_id,
            title=c.title[:300],
            text=c.text,
            url=c.url,
            date=c.date,
            position=position,
        )
        for position, c in enumerate(found, start=1)
    )
    return issue


def _editable(issue: Issue) -> None:
    if issue.status != Issue.Status.DRAFT:
        raise ValidationError(_("Deze nieuwsbrief wordt al verstuurd en kan niet meer worden gewijzigd."))


@transaction.atomic
def issue_update(*, issue: Issue, title: str, intro: str, items: dict[int, tuple[bool, int]]) -> Issue:
    """Change subject and intro, and per item (by pk) whether it is included and its position."""
    _editable(issue)
    issue.title = title
    issue.intro = intro
    issue.full_clean()
    issue.save(update_fields=["title", "intro"])
    for item in issue.items.all():
        if item.pk in items:
            item.included, item.position = items[item.pk]
            item.save(update_fields=["included", "position"])
    return issue


def intro_paragraphs(issue: Issue) -> list[str]:
    return [block.strip() for block in issue.intro.split("\n\n") if block.strip()]


def included_items(issue: Issue) -> list[IssueItem]:
    return list(issue.items.filter(included=True).order_by("position", "pk"))


# --- the message -----------------------------------------------------------------------------


def issue_message(
    *, issue: Issue, to: str, language: str, subscriber: Subscriber | None = None, items=None
) -> EmailMultiAlternatives:
    """The issue as one e-mail (plain text and HTML) in ``language``. For a subscriber it carries
    the RFC 8058 one-click unsubscribe headers; a test mail has no subscriber and no such links."""
    items = included_items(issue) if items is None else items
    context = {
        "issue": issue,
        "items": items,
        "intro_paragraphs": intro_paragraphs(issue),
        "language": language,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url(subscriber) if subscriber else "",
        "data_url": data_url(subscriber) if subscriber else "",
        "privacy_url": absolute_url(reverse("loket:privacy")),
        "is_test": subscriber is None,
    }
    with translation.override(language):
        text = render_to_string("newsletter/email/issue.txt", context)
        html = render_to_string("newsletter/email/issue.html", context)
        subject = issue.title if subscriber else _("[TEST] %(title)s") % {"title": issue.title}
    headers = {}
    if subscriber:
        headers = {
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def issue_send_test(*, issue: Issue, to: str, language: str) -> None:
    issue_message(issue=issue, to=to, language=language).send()


# --- sending ---------------------------------------------------------------------------------


@transaction.atomic
def issue_start_sending(*, issue: Issue) -> Issue:
    _editable(issue)
    if not included_items(issue):
        raise ValidationError(_("Er staat niets in deze nieuwsbrief; vink minstens één onderdeel aan."))
    issue.status = Issue.Status.SENDING
    issue.sending_started_at = timezone.now()
    issue.save(update_fields=["status", "sending_started_at"])
    return issue


def _recipients(issue: Issue, *, skip: set[int]):
    """Confirmed subscribers not yet mailed this issue, or whose mail failed fewer than
    MAX_ATTEMPTS times (a server that was down for a while)."""
    # Rows of erased subscribers (NULL) must stay out of the NOT IN: one NULL there matches nobody.
    handled = Delivery.objects.filter(issue=issue, subscriber__isnull=False).exclude(
        status=Delivery.Status.FAILED, attempts__lt=MAX_ATTEMPTS
    )
    return (
        Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED)
        .exclude(pk__in=skip)
        .exclude(pk__in=handled.values("subscriber"))
        .order_by("pk")
    )


def _claim(issue: Issue, subscriber: Subscriber) -> Delivery | None:
    """The delivery row for this mail, or None when another sender has it already."""
    failed = Delivery.objects.filter(
        issue=issue, subscriber=subscriber, status=Delivery.Status.FAILED, attempts__lt=MAX_ATTEMPTS
    )
    if failed.update(status=Delivery.Status.PENDING, error="", attempts=F("attempts") + 1):
        return Delivery.objects.get(issue=issue, subscriber=subscriber)
    try:
        with transaction.atomic():
            return Delivery.objects.create(issue=issue, subscriber=subscriber)
    except IntegrityError:
        return None


@dataclass
class BatchResult:
    sent: int = 0
    failed: int = 0
    done: bool = False


def issue_send_batch(
    *, issue: Issue, batch_size: int | None = None, skip: set[int] | None = None
) -> BatchResult:
    """Send the next batch of an issue that is being sent, over one connection. ``skip`` collects
    the subscribers that failed in this run, so one bad address is not retried in a loop."""
    batch_size = batch_size or settings.NEWSLETTER_BATCH_SIZE
    skip = set() if skip is None else skip
    result = BatchResult()
    issue.refresh_from_db()
    if issue.status != Issue.Status.SENDING:
        result.done = issue.status == Issue.Status.SENT
        return result
    items = included_items(issue)
    batch = list(_recipients(issue, skip=skip)[:batch_size])
    if batch:
        with mailers.default as connection:
            for subscriber in batch:
                delivery = _claim(issue, subscriber)
                if delivery is None:
                    continue
                message = issue_message(
                    issue=issue,
                    to=subscriber.email,
                    language=subscriber.language,
                    subscriber=subscriber,
                    items=items,
                )
                try:
                    connection.send_messages([message])
                except Exception as error:  # noqa: BLE001 - any transport error: record it, go on
                    delivery.status = Delivery.Status.FAILED
                    delivery.error = f"{type(error).__name__}: {error}"[:1000]
                    delivery.save(update_fields=["status", "error"])
                    skip.add(subscriber.pk)
                    result.failed += 1
                else:
                    delivery.status = Delivery.Status.SENT
                    delivery.sent_at = timezone.now()
                    delivery.save(update_fields=["status", "sent_at"])
                    result.sent += 1
    # Done when nobody is left, also not for a retry in a later run.
    if not _recipients(issue, skip=set()).exists():
        Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).update(
            status=Issue.Status.SENT, sent_at=timezone.now()
        )
        result.done = True
    return result


def issue_send(*, issue: Issue, batch_size: int | None = None) -> BatchResult:
    """Send all of an issue, batch after batch; safe to run again after a crash."""
    total, skip = BatchResult(), set()
    while True:
        batch = issue_send_batch(issue=issue, batch_size=batch_size, skip=skip)
        total.sent += batch.sent
        total.failed += batch.failed
        if batch.done or not (batch.sent or batch.failed):
            total.done = batch.done
            return total


def issues_sending():
    return Issue.objects.filter(status=Issue.Status.SENDING).order_by("sending_started_at", "pk")


def delivery_counts(issue: Issue) -> dict:
    counts = issue.deliveries.aggregate(
        sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
        pending=Count("pk", filter=Q(status=Delivery.Status.PENDING)),
    )
    counts["waiting"] = _recipients(issue, skip=set()).count() if issue.status == Issue.Status.SENDING else 0
    return counts


def subscriber_counts() -> dict:
    return Subscriber.objects.aggregate(
        confirmed=Count("pk", filter=Q(status=Subscriber.Status.CONFIRMED)),
        pending=Count("pk", filter=Q(status=Subscriber.Status.PENDING)),
    )
