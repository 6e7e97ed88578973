"""No lost edits: optimistic concurrency for rows edited through forms.

A model that takes part has an integer ``version`` and an ``updated_by``. An edit form carries the
version it showed; saving first *claims* the next version with ``UPDATE … WHERE pk = … AND
version = …``. Of two saves that started from the same version the database lets exactly one
match: the other waits for the row lock (PostgreSQL) or the write lock (SQLite, IMMEDIATE
transactions) and then finds the version moved on. The loser gets ``EditConflict`` with the row as
it is now, so the form can show both versions and keep what was typed.

Writers without a form (the agenda import, bulk actions) call ``version_bump`` so forms that are
open become stale instead of overwriting what the writer changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The name of the hidden input that carries the version in admin change forms.
VERSION_FIELD = "_edit_version"


class EditConflict(Exception):
    """Someone saved the row after the form was opened; ``current`` is the row as it is now."""

    def __init__(self, current: models.Model):
        super().__init__(f"{type(current).__name__} {current.pk} is at version {current.version}")
        self.current = current


def _user_or_none(by):
    return by if getattr(by, "pk", None) is not None else None


def version_check(obj: models.Model, *, version: int) -> None:
    """Lock ``obj``'s row and raise ``EditConflict`` when it is no longer at ``version``.

    Call inside the transaction that will save: the lock keeps the row at this version until then.
    """
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if current.version != version:
        raise EditConflict(current)


def version_claim(obj: models.Model, *, version: int, by) -> None:
    """Move ``obj``'s row from ``version`` to the next one, or raise ``EditConflict``.

    The conditional UPDATE is the check itself, so it holds even without ``version_check`` first.
    Call it in the transaction that then saves ``obj``.
    """
    model, now = type(obj), timezone.now()
    with transaction.atomic():
        claimed = model._default_manager.filter(pk=obj.pk, version=version).update(
            version=version + 1, updated_by=_user_or_none(by), updated_at=now
        )
    if not claimed:
        raise EditConflict(model._default_manager.get(pk=obj.pk))
    obj.version, obj.updated_by, obj.updated_at = version + 1, _user_or_none(by), now


def version_bump(obj: models.Model, *, by=None) -> None:
    """Record a change made without a form, so every form opened before it is refused."""
    model = type(obj)
    model._default_manager.filter(pk=obj.pk).update(
        version=F("version") + 1, updated_by=_user_or_none(by), updated_at=timezone.now()
    )
    obj.refresh_from_db(fields=["version", "updated_by", "updated_at"])


def conflict_message(conflict: EditConflict, *, subject: str) -> str:
    """“Iemand anders heeft dit project gewijzigd … door X om HH:MM. …” for a refused save."""
    current = conflict.current
    user = current.updated_by
    who = (user.get_full_name() or user.get_username()) if user else _("een import of bulkbewerking")
    when = timezone.localtime(current.updated_at)
    time = formats.time_format(when, "H:i")
    if when.date() == timezone.localdate():
        text = _(
            "Iemand anders heeft %(subject)s gewijzigd sinds u het opende, door %(user)s om %(time)s. "
            "Uw wijzigingen zijn niet opgeslagen."
        )
        return text % {"subject": subject, "user": who, "time": time}
    text = _(
        "Iemand anders heeft %(subject)s gewijzigd sinds u het opende, door %(user)s op %(date)s om "
        "%(time)s. Uw wijzigingen zijn niet opgeslagen."
    )
    return text % {"subject": subject, "user": who, "date": formats.date_format(when, "j F Y"), "time": time}


# --- showing both versions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One field (or one list of related rows) that differs: theirs is saved, yours was typed."""

    label: str
    theirs: list[str]
    yours: list[str]


def _display(model_field, value) -> str:
    if value is None or value == "":
        return _("(leeg)")
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(formats.localize(value))


def _comparable(value):
    if isinstance(value, models.Model):
        return value.pk
    return "" if value is None else value


def _model_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def form_differences(form: forms.BaseForm, current: models.Model) -> list[Difference]:
    """The fields of a model form where what was typed differs from the row as saved now."""
    differences = []
    for name, form_field in form.fields.items():
        model_field = _model_field(type(current), name)
        if model_field is None or not model_field.editable or model_field.many_to_many:
            continue
        theirs = getattr(current, name)
        if name in form.cleaned_data:
            yours = form.cleaned_data[name]
            if _comparable(theirs) == _comparable(yours):
                continue
            yours_text = _display(model_field, yours)
        else:  # not valid: show it as typed
            yours_text = str(form[name].value() or "") or _("(leeg)")
        differences.append(
            Difference(str(form_field.label or name), [_display(model_field, theirs)], [yours_text])
        )
    return differences


def _row_fields(formset) -> list[str]:
    skip = {"id", "DELETE", "ORDER", formset.fk.name}
    return [name for name in formset.form.base_fields if name not in skip]


def _describe_row(model, names, values) -> str:
    return " · ".join(_display(_model_field(model, name), values.get(name)) for name in names)


def formset_difference(formset, current: models.Model, label: str) -> Difference | None:
    """An inline formset's rows as saved now against the rows as submitted, when they differ."""
    names = _row_fields(formset)
    saved = formset.model._default_manager.filter(**{formset.fk.name: current})
    theirs = sorted(_describe_row(formset.model, names, {n: getattr(r, n) for n in names}) for r in saved)
    yours = []
    for row in formset.forms:
        data = getattr(row, "cleaned_data", None)
        if not data or data.get("DELETE") or (row.instance.pk is None and not row.has_changed()):
            continue
        yours.append(_describe_row(formset.model, names, data))
    yours.sort()
    if theirs == yours:
        return None
    return Difference(label, theirs or [_("(geen)")], yours or [_("(geen)")])


# --- the admin ---------------------------------------------------------------------------------


class _VersionCheckedForm:
    """Mixed into an admin change form: refuses it when the row moved on since it was opened."""

    conflict_subject = ""
    edit_conflict: EditConflict | None = None
    checked_version: int | None = None

    def clean(self):
        cleaned = super().clean()
        try:
            version = int(self.data.get(VERSION_FIELD, ""))
        except ValueError:
            raise ValidationError(
                _("Het formulier mist de versie waarmee het geopend is. Open de pagina opnieuw."),
                code="edit_version_missing",
            ) from None
        try:
            version_check(self.instance, version=version)
        except EditConflict as conflict:
            self.edit_conflict = conflict
            raise ValidationError(
                _(
                    "Niet opgeslagen: iemand anders heeft %(subject)s intussen gewijzigd. "
                    "Vergelijk beide versies bovenaan de pagina."
                )
                % {"subject": self.conflict_subject},
                code="edit_conflict",
            ) from None
        self.checked_version = version
        return cleaned


class ConflictCheckedAdmin:
    """ModelAdmin mixin: a change form saved after someone else saved the object is refused.

    The page then shows the fields (and inline rows) that differ, the saved version next to what
    was typed, and keeps the typed form with the new version, so saving again merges on purpose.
    Changing an inline row is an edit of the object too: every save of the change form claims a
    new version. The model needs ``version`` and ``updated_by`` fields.
    """

    change_form_template = "admin/concurrency/change_form.html"
    conflict_subject = gettext_lazy("dit object")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form_class
        return type(
            form_class.__name__,
            (_VersionCheckedForm, form_class),
            {"conflict_subject": str(self.conflict_subject)},
        )

    def save_model(self, request, obj, form, change):
        if change:
            version_claim(obj, version=form.checked_version, by=request.user)
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            form = context["adminform"].form
            conflict = getattr(form, "edit_conflict", None)
            if conflict is not None:
                current = conflict.current
                differences = form_differences(form, current)
                for inline in context.get("inline_admin_formsets", []):
                    label = str(inline.opts.verbose_name_plural).capitalize()
                    difference = formset_difference(inline.formset, current, label)
                    if difference is not None:
                        differences.append(difference)
                context["edit_conflict"] = {
                    "message": conflict_message(conflict, subject=str(self.conflict_subject)),
                    "differences": differences,
                }
                # The typed form now answers the version it was compared with.
                context["edit_version"] = current.version
            elif request.method == "POST":
                # Another error: keep the version the form was opened with, or it would go stale unseen.
                context["edit_version"] = request.POST.get(VERSION_FIELD, "")
            else:
                context["edit_version"] = obj.version
            context["edit_version_field"] = VERSION_FIELD
        return super().render_change_form(request, context, add, change, form_url, obj)
