"""Reading the history of records: timelines with readable differences, and what was deleted.

The historical rows are django-simple-history's (``Model.history``); each also says which import
run wrote it and whether it restored an earlier version (``kennisstad.history.models``).
"""

from __future__ import annotations

import datetime
import difflib
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import HistoryAction

# The models with a history page, by "<app_label>.<model_name>".
TRACKED = (
    "portfolio.project",
    "portfolio.participation",
    "organisations.organisation",
    "organisations.alias",
    "loket.question",
)
# A question's workflow goes through loket.services (events, e-mails to the asker): its history is
# for reading only.
RESTORABLE = frozenset(TRACKED) - {"loket.question"}
# What the list of deleted objects offers to bring back (participations come back with their project).
DELETABLE = ("portfolio.project", "organisations.organisation", "organisations.alias")
# Bookkeeping every change touches, or derived from another field: not worth a line in a diff.
HIDDEN_FIELDS = frozenset({"id", "updated_at", "version", "updated_by", "created_at", "normalised"})
# A project's participations changed in the same save (the admin saves inline rows after the
# project, an import writes them after it; a deletion removes them just before the project).
SAME_CHANGE_WINDOW = datetime.timedelta(seconds=5)
# Text longer than this is compared word by word.
LONG_TEXT = 80


def history_model(label: str) -> type[models.Model] | None:
    """The tracked model for "<app_label>.<model_name>", or None."""
    if label not in TRACKED:
        return None
    return apps.get_model(label)


def model_label(model) -> str:
    return model._meta.label_lower


def tracked_fields(model) -> list[models.Field]:
    """The model's fields that its history keeps, in model order."""
    kept = {f.name for f in model.history.model._meta.fields}
    return [f for f in model._meta.concrete_fields if f.name in kept]


def shown_fields(model) -> list[models.Field]:
    return [f for f in tracked_fields(model) if f.name not in HIDDEN_FIELDS]


# --- displaying values -------------------------------------------------------------------------


class RelatedNames:
    """The str() of foreign-key targets, loaded in one query per related model."""

    def __init__(self):
        self._wanted: dict[type[models.Model], set] = defaultdict(set)
        self._names: dict[tuple[type[models.Model], object], str] = {}

    def want(self, model, rows) -> None:
        for f in shown_fields(model):
            if f.is_relation:
                for row in rows:
                    value = getattr(row, f.attname, None)
                    if value is not None:
                        self._wanted[f.related_model].add(value)

    def _load(self, related) -> None:
        ids = self._wanted.pop(related, set())
        if not ids:
            return
        queryset = related._default_manager.all()
        if related._meta.label_lower == "portfolio.group":
            queryset = queryset.select_related("section")
        found = queryset.in_bulk(ids)
        for pk, obj in found.items():
            self._names[(related, pk)] = str(obj)
        missing = ids - set(found)
        if missing and hasattr(related, "history"):
            # Deleted since: the name it had when it was deleted.
            for record in related.history.filter(id__in=missing).order_by(
                "id", "-history_date", "-history_id"
            ):
                self._names.setdefault((related, record.id), str(record.instance))

    def name(self, related, pk) -> str:
        if (related, pk) not in self._names:
            self._wanted[related].add(pk)
            self._load(related)
        return self._names.get(
            (related, pk),
            _("%(model)s %(pk)s (verwijderd)") % {"model": related._meta.verbose_name, "pk": pk},
        )


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def display_value(model_field: models.Field, value, names: RelatedNames) -> str:
    if _is_empty(value):
        return _("(leeg)")
    if model_field.is_relation:
        return names.name(model_field.related_model, value)
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "j F Y, H:i")
    return str(formats.localize(value))


def word_diff(old: str, new: str) -> SafeString:
    """``old`` → ``new`` as one text, removed words in <del>, added words in <ins>."""
    a, b = old.split(), new.split()
    removed = f'<span class="visually-hidden">{escape(_("verwijderd:"))} </span>'
    added = f'<span class="visually-hidden">{escape(_("toegevoegd:"))} </span>'
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(escape(" ".join(a[i1:i2])))
            continue
        # Screen readers do not announce <del>/<ins>: a hidden word says what happened.
        if tag in ("delete", "replace"):
            parts.append(f"<del>{removed}{escape(' '.join(a[i1:i2]))}</del>")
        if tag in ("insert", "replace"):
            parts.append(f"<ins>{added}{escape(' '.join(b[j1:j2]))}</ins>")
    return mark_safe(" ".join(parts))  # noqa: S308 - every word is escaped above


@dataclass
class Change:
    label: str
    old: str
    new: str
    # Long texts: one text with <del>/<ins> instead of old and new.
    diff: SafeString | None = None


def changes_between(model, before, after, names: RelatedNames) -> list[Change]:
    """The shown fields that differ between two states (rows or historical rows) of one object.

    ``before`` None: the object was new, so every field with a value is listed.
    """
    changes = []
    for f in shown_fields(model):
        new = getattr(after, f.attname)
        old = getattr(before, f.attname) if before is not None else None
        if before is None and _is_empty(new):
            continue
        if before is not None and old == new:
            continue
        label = str(f.verbose_name)
        label = label[:1].upper() + label[1:]
        change = Change(label, display_value(f, old, names), display_value(f, new, names))
        if (
            isinstance(f, models.TextField)
            or len(str(old or "")) > LONG_TEXT
            or len(str(new or "")) > LONG_TEXT
        ) and isinstance(new, str):
            change.diff = word_diff(str(old or ""), new)
        changes.append(change)
    return changes


# --- timelines ---------------------------------------------------------------------------------


@dataclass
class Entry:
    record: models.Model
    when: datetime.datetime
    who: str
    kind: str
    kind_code: str
    reason: str
    changes: list[Change] = field(default_factory=list)
    # For a participation in a project's timeline: "UL (trekker)".
    subject: str = ""
    restorable: bool = False

    @property
    def history_id(self) -> int:
        return self.record.history_id


KIND_LABELS = {"+": "aangemaakt", "~": "gewijzigd", "-": "verwijderd"}


def _kind(record) -> tuple[str, str]:
    if record.history_action == HistoryAction.RESTORE:
        return "hersteld", _("hersteld")
    if record.history_action == HistoryAction.UNDO:
        return "ongedaan", _("import ongedaan gemaakt")
    if record.import_run_id is not None:
        return "import", _("via import")
    return {
        "+": ("aangemaakt", _("aangemaakt")),
        "~": ("gewijzigd", _("gewijzigd")),
        "-": ("verwijderd", _("verwijderd")),
    }[record.history_type]


def _who(record) -> str:
    if record.history_user_id is not None and record.history_user is not None:
        return record.history_user.get_username()
    if record.import_run_id is not None:
        return _("import %(run)s") % {"run": record.import_run}
    return _("systeem")


def _history(model, **filters):
    return list(
        model.history.filter(**filters)
        .select_related("history_user", "import_run")
        .order_by("history_date", "history_id")
    )


def _entries(model, records, names: RelatedNames, *, restorable: bool, subject=None) -> list[Entry]:
    entries, previous = [], {}
    for record in records:
        before = previous.get(record.id)
        if before is not None and before.history_type == "-":
            before = None
        code, kind = _kind(record)
        entries.append(
            Entry(
                record=record,
                when=record.history_date,
                who=_who(record),
                kind=kind,
                kind_code=code,
                reason=record.history_change_reason or "",
                changes=[] if record.history_type == "-" else changes_between(model, before, record, names),
                subject=subject(record) if subject else "",
                restorable=restorable,
            )
        )
        previous[record.id] = record
    return entries


def participation_subject(record, names: RelatedNames) -> str:
    from kennisstad.organisations.models import Organisation
    from kennisstad.portfolio.models import Role

    return f"{names.name(Organisation, record.organisation_id)} ({Role(record.role).label})"


def object_timeline(model, pk) -> list[Entry]:
    """Every recorded change of one object, newest first; a project's includes its participations."""
    label = model_label(model)
    names = RelatedNames()
    records = _history(model, id=pk)
    names.want(model, records)
    entries = _entries(model, records, names, restorable=label in RESTORABLE)
    if label == "portfolio.project":
        participation = apps.get_model("portfolio.participation")
        part_records = _history(participation, project_id=pk)
        names.want(participation, part_records)
        entries += _entries(
            participation,
            part_records,
            names,
            restorable=False,
            subject=lambda record: participation_subject(record, names),
        )
    entries.sort(key=lambda entry: (entry.when, entry.subject == "", entry.history_id), reverse=True)
    # The latest state of the object is what it is now: restoring it would change nothing.
    for entry in entries:
        if not entry.subject:
            if entry.record.history_type != "-":
                entry.restorable = False
            break
    return entries


def object_record(model, pk, history_id):
    """One historical row of the object, or None."""
    return model.history.filter(id=pk, history_id=history_id).select_related("history_user").first()


def object_or_last_state(model, pk):
    """The object as it is, else (deleted) as it was last recorded, else None; and whether it exists."""
    current = model._default_manager.filter(pk=pk).first()
    if current is not None:
        return current, True
    record = model.history.filter(id=pk).order_by("-history_date", "-history_id").first()
    return (record.instance if record else None), False


def object_name(obj) -> str:
    label = model_label(type(obj))
    if label == "portfolio.participation":
        names = RelatedNames()
        project = names.name(apps.get_model("portfolio.project"), obj.project_id)
        return _("%(participant)s in %(project)s") % {
            "participant": participation_subject(obj, names),
            "project": project,
        }
    if label == "loket.question":
        return obj.reference
    return str(obj)


# --- what a restore would change ---------------------------------------------------------------


def participations_at(record) -> list:
    """The historical rows of a project's participations as they stood with the project's ``record``.

    A deletion removes the participations just before the project: those removed in that moment
    count as still there. Otherwise the participations written in the same save follow the
    project's row (the admin saves inline rows after the project, an import after each project),
    up to the project's next change.
    """
    participation = apps.get_model("portfolio.participation")
    moment = record.history_date
    if record.history_type != "-":
        following = (
            type(record)
            .objects.filter(id=record.id, history_date__gt=record.history_date)
            .order_by("history_date")
            .values_list("history_date", flat=True)
            .first()
        )
        moment = min(moment + SAME_CHANGE_WINDOW, following) if following else moment + SAME_CHANGE_WINDOW
    latest = {}
    for row in participation.history.filter(project_id=record.id, history_date__lte=moment).order_by(
        "history_date", "history_id"
    ):
        latest[row.id] = row
    # A deletion record holds the row as it was when it went.
    deleted_with_project = record.history_date - SAME_CHANGE_WINDOW if record.history_type == "-" else None
    return [
        row
        for row in latest.values()
        if row.history_type != "-" or (deleted_with_project and row.history_date >= deleted_with_project)
    ]


@dataclass
class RestorePreview:
    changes: list[Change]
    participations_added: list[str]
    participations_removed: list[str]
    exists: bool

    @property
    def changes_anything(self) -> bool:
        return bool(
            not self.exists or self.changes or self.participations_added or self.participations_removed
        )


def restore_preview(model, record) -> RestorePreview:
    """What restoring ``record`` (a historical row) would change in the object as it is now."""
    names = RelatedNames()
    current = model._default_manager.filter(pk=record.id).first()
    changes = changes_between(model, current, record, names)
    added, removed = [], []
    if model_label(model) == "portfolio.project":
        participation = apps.get_model("portfolio.participation")
        wanted = {(r.organisation_id, r.role): r for r in participations_at(record)}
        now = {(p.organisation_id, p.role): p for p in participation.objects.filter(project_id=record.id)}
        added = sorted(participation_subject(wanted[key], names) for key in set(wanted) - set(now))
        removed = sorted(participation_subject(now[key], names) for key in set(now) - set(wanted))
    return RestorePreview(changes, added, removed, exists=current is not None)


# --- deleted objects ---------------------------------------------------------------------------


@dataclass
class DeletedObject:
    label: str
    model_name: str
    pk: int
    name: str
    deleted_at: datetime.datetime
    who: str
    history_id: int
    # The object as it was when it was deleted, for permission checks.
    instance: models.Model


def deleted_objects(labels=DELETABLE) -> list[DeletedObject]:
    """Projects, organisations and aliases that were deleted and are still gone, latest first."""
    result = []
    for label in labels:
        model = apps.get_model(label)
        seen = set()
        records = (
            model.history.filter(history_type="-")
            .exclude(id__in=model._default_manager.values("pk"))
            .select_related("history_user", "import_run")
            .order_by("-history_date", "-history_id")
        )
        for record in records:
            if record.id in seen:
                continue
            seen.add(record.id)
            instance = record.instance
            result.append(
                DeletedObject(
                    label=label,
                    model_name=str(model._meta.verbose_name),
                    pk=record.id,
                    name=str(instance) if label != "organisations.alias" else instance.text,
                    deleted_at=record.history_date,
                    who=_who(record),
                    history_id=record.history_id,
                    instance=instance,
                )
            )
    result.sort(key=lambda item: item.deleted_at, reverse=True)
    return result
