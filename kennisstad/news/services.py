"""Every change to news and events: writing, submitting, approving, rejecting; the search index follows."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kennisstad.accounts import roles
from kennisstad.search import services as search_services
from kennisstad.search.models import SearchDocument

from .models import Event, NewsItem

Status = NewsItem.Status
# A change in these makes calendar apps replace their copy of the event (SEQUENCE goes up).
EVENT_SCHEDULE_FIELDS = ("starts_at", "ends_at", "all_day", "place", "online_url")


def may_publish(user) -> bool:
    return user.has_perm("news.publish_newsitem")


@transaction.atomic
def news_save(*, item: NewsItem, by) -> NewsItem:
    """Save ``item`` as written by ``by``: the kennismakelaar sets the status itself; anyone else's
    item goes to the kennismakelaar for approval, under one of its own organisations."""
    if item.pk is None and item.author_id is None:
        item.author = by
    if not may_publish(by):
        if item.submitted_by_id not in roles.editor_organisation_ids(by):
            raise PermissionDenied(_("Dien nieuws in namens een van je eigen organisaties."))
        if item.pk is not None and NewsItem.objects.filter(pk=item.pk, status=Status.PUBLISHED).exists():
            raise PermissionDenied(_("Een gepubliceerd bericht wijzigt alleen de kennismakelaar."))
        item.status = Status.SUBMITTED
        item.published_at = None
    if item.status == Status.PUBLISHED and item.published_at is None:
        item.published_at = timezone.now()
    item.full_clean()
    item.save()
    news_sync_index(item)
    return item


@transaction.atomic
def news_publish(*, item: NewsItem, by) -> NewsItem:
    if not may_publish(by):
        raise PermissionDenied
    item.status = Status.PUBLISHED
    item.rejection_reason = ""
    if item.published_at is None:
        item.published_at = timezone.now()
    item.save(update_fields=["status", "rejection_reason", "published_at", "updated_at"])
    news_sync_index(item)
    return item


@transaction.atomic
def news_reject(*, item: NewsItem, by, reason: str) -> NewsItem:
    if not may_publish(by):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"rejection_reason": _("Geef een reden van afwijzing.")})
    item.status = Status.REJECTED
    item.rejection_reason = reason.strip()
    item.published_at = None
    item.save(update_fields=["status", "rejection_reason", "published_at", "updated_at"])
    news_sync_index(item)
    return item


@transaction.atomic
def news_delete(*, item: NewsItem) -> None:
    search_services.remove_document(SearchDocument.Kind.NEWS, item.pk)
    item.delete()


def news_sync_index(item: NewsItem) -> None:
    """A published item is findable; any other status has no search document. Call it again after the
    item's themes and organisations change (the admin saves those after the item)."""
    if item.status == Status.PUBLISHED:
        search_services.index_news([item])
    else:
        search_services.remove_document(SearchDocument.Kind.NEWS, item.pk)


@transaction.atomic
def event_save(*, event: Event) -> Event:
    if event.pk is not None:
        before = Event.objects.filter(pk=event.pk).values(*EVENT_SCHEDULE_FIELDS).first()
        if before and any(before[name] != getattr(event, name) for name in EVENT_SCHEDULE_FIELDS):
            event.sequence += 1
    event.full_clean()
    event.save()
    event_sync_index(event)
    return event


@transaction.atomic
def event_delete(*, event: Event) -> None:
    search_services.remove_document(SearchDocument.Kind.EVENT, event.pk)
    event.delete()


def event_sync_index(event: Event) -> None:
    if event.is_published:
        search_services.index_events([event])
    else:
        search_services.remove_document(SearchDocument.Kind.EVENT, event.pk)
