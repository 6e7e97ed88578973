"""The history pages of the back office: one object's timeline, restoring a version, deleted objects."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kennisstad.lib.access import back_office_required

from . import selectors, services


def _is_back_office_user(user) -> bool:
    return user.is_active and user.is_staff


back_office_user_required = back_office_required(_is_back_office_user)


def _may(user, label: str, action: str, obj) -> bool:
    if label == "loket.question":
        # The inbox is the broker's; a question's history is too, and nobody restores it here.
        return action == "view" and user.has_perm("loket.handle_question")
    app_label, model_name = label.split(".")
    try:
        return user.has_perm(f"{app_label}.{action}_{model_name}", obj)
    except ObjectDoesNotExist:
        # A deleted participation of a deleted project: no project to judge it by.
        return False


def _object_for(request, label: str, pk: int, action: str):
    """The model, the object (or its last state when deleted) and whether it exists; 404 / 403."""
    model = selectors.history_model(label)
    if model is None:
        raise Http404
    obj, exists = selectors.object_or_last_state(model, pk)
    if obj is None:
        raise Http404
    if not _may(request.user, label, action, obj):
        raise PermissionDenied
    return model, obj, exists


def history_url(label: str, pk) -> str:
    return reverse("history:object", kwargs={"label": label, "pk": pk})


def _object_url(label: str, obj, exists: bool) -> str:
    """Where the object itself is edited: the inbox for a question, else its admin change page."""
    if not exists:
        return ""
    if label == "loket.question":
        return reverse("loket:inbox_question", kwargs={"reference": obj.reference})
    try:
        return reverse(f"admin:{label.replace('.', '_')}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


@require_GET
@back_office_user_required
def object_history(request, label: str, pk: int):
    model, obj, exists = _object_for(request, label, pk, "view")
    entries = selectors.object_timeline(model, pk)
    may_restore = label in selectors.RESTORABLE and _may(request.user, label, "change", obj)
    return render(
        request,
        "history/object.html",
        {
            "label": label,
            "obj": obj,
            "name": selectors.object_name(obj),
            "model_name": model._meta.verbose_name,
            "exists": exists,
            "object_url": _object_url(label, obj, exists),
            "entries": entries,
            "may_restore": may_restore,
        },
    )


@require_http_methods(["GET", "POST"])
@back_office_user_required
def object_restore(request, label: str, pk: int, history_id: int):
    if label not in selectors.RESTORABLE:
        raise Http404
    model, obj, exists = _object_for(request, label, pk, "change")
    record = selectors.object_record(model, pk, history_id)
    if record is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            services.object_restore(model=model, record=record, by=request.user)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, _("De versie is teruggezet; dat staat nu ook in de geschiedenis."))
            return redirect(history_url(label, pk))
    return render(
        request,
        "history/restore.html",
        {
            "label": label,
            "obj": obj,
            "name": selectors.object_name(obj),
            "model_name": model._meta.verbose_name,
            "exists": exists,
            "record": record,
            "preview": selectors.restore_preview(model, record),
            "error": error,
        },
        status=400 if error else 200,
    )


@require_GET
@back_office_user_required
def deleted_list(request):
    items = [
        item for item in selectors.deleted_objects() if _may(request.user, item.label, "view", item.instance)
    ]
    return render(request, "history/deleted.html", {"items": items})
