"""Restoring an object to an earlier version: a new change, so the history keeps everything."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kennisstad.search.services import index_projects, reindex_organisation

from .models import HistoryAction
from .recording import recording
from .selectors import RESTORABLE, model_label, participations_at, tracked_fields


def _user_or_none(by):
    return by if getattr(by, "pk", None) is not None else None


def state_write(model, record, *, by) -> models.Model:
    """Put the object in the state of ``record`` (a historical row): updated, or created again.

    Shared with ``ingest.services.import_run_undo``; the caller sets the recording context.
    """
    obj = model._default_manager.filter(pk=record.id).first()
    exists = obj is not None
    if not exists:
        obj = model(pk=record.id)
    for f in tracked_fields(model):
        if f.primary_key or f.name in ("version", "updated_by", "updated_at"):
            continue
        if f.name == "created_at" and exists:
            continue
        setattr(obj, f.attname, getattr(record, f.attname))
    if any(f.name == "version" for f in model._meta.concrete_fields):
        # A new version: forms opened on the object before the restore are refused, not applied.
        obj.version = (obj.version if exists else record.version) + 1
        obj.updated_by = _user_or_none(by)
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ValidationError(
            _("%(object)s kan niet worden teruggezet: %(reason)s")
            % {"object": obj._meta.verbose_name, "reason": " ".join(error.messages)}
        ) from error
    obj.save()
    return obj


def _participations_restore(project, record, *, by) -> None:
    participation = apps.get_model("portfolio.participation")
    wanted = participations_at(record)
    wanted_ids = {r.id for r in wanted}
    wanted_keys = {(r.organisation_id, r.role): r.id for r in wanted}
    for current in participation.objects.filter(project=project):
        # A row with the place (organisation, role) of a wanted one but another id goes too.
        if (
            current.pk not in wanted_ids
            or wanted_keys.get((current.organisation_id, current.role)) != current.pk
        ):
            current.delete()
    for r in wanted:
        state_write(participation, r, by=by)


def index_after_change(obj) -> None:
    """Bring the search index up to date with ``obj`` after it was restored or undone."""
    label = model_label(type(obj))
    if label == "portfolio.project":
        index_projects([obj])
    elif label == "portfolio.participation":
        index_projects([obj.project])
    elif label == "organisations.organisation":
        reindex_organisation(obj)
    elif label == "organisations.alias":
        reindex_organisation(obj.organisation)


@transaction.atomic
def object_restore(*, model, record, by) -> models.Model:
    """Restore the object to the version of ``record``; a project gets its participations of then too.

    Raises ValidationError when that version cannot be saved now (e.g. its organisation is gone).
    """
    label = model_label(model)
    if label not in RESTORABLE:
        raise ValidationError(_("Van dit soort gegevens kan geen versie worden teruggezet."))
    when = formats.date_format(timezone.localtime(record.history_date), "j F Y, H:i")
    reason = _("Teruggezet naar de versie van %(when)s") % {"when": when}
    with recording(by=by, action=HistoryAction.RESTORE, reason=reason):
        obj = state_write(model, record, by=by)
        if label == "portfolio.project":
            _participations_restore(obj, record, by=by)
        index_after_change(obj)
    return obj
