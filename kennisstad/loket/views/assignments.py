"""Leren met de Stad: the public list and page of assignments with the interest form, and the
broker's list and page where interests are read, one is chosen and progress is recorded.

Every POST calls one service; a refusal (ValidationError) re-renders the page with the message
and what was typed.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kennisstad.accounts.services import log_personal_data_access
from kennisstad.lib.paging import page_number, page_url
from kennisstad.lib.ratelimit import too_many

from .. import assignment_selectors as selectors
from .. import services
from ..assignment_forms import (
    AssignmentEditForm,
    AssignmentFilterForm,
    ChooseInterestForm,
    InterestForm,
    ProgressForm,
)
from ..models import Assignment
from .access import broker_required

BACKOFFICE_PAGE_SIZE = 50
# The forms of the broker's assignment page, by the value of their hidden "action" field.
BACKOFFICE_FORMS = {"edit": AssignmentEditForm, "choose": ChooseInterestForm, "progress": ProgressForm}


def _render_page_or_fragment(request, template: str, fragment: str, context: dict, status: int = 200):
    """HTMX requests get only the named fragment of the page."""
    if request.headers.get("HX-Request") == "true":
        template = f"{template}#{fragment}"
    return render(request, template, context, status=status)


# --- public ----------------------------------------------------------------------------------


@require_GET
def assignments(request):
    form = AssignmentFilterForm(
        request.GET, sections=selectors.filter_sections(), districts=selectors.filter_districts()
    )
    filters = form.filters()
    page = selectors.assignment_list_page(filters=filters, page_number=page_number(request))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "previous_url": page_url(request, page.page_number - 1) if page.page_number > 1 else None,
        "next_url": page_url(request, page.page_number + 1) if page.page_number < page.page_count else None,
    }
    return _render_page_or_fragment(request, "loket/assignments/list.html", "assignment-list", context)


@require_http_methods(["GET", "POST"])
def assignment(request, pk: int):
    assignment = selectors.public_assignment(pk)
    statement = services.current_privacy_statement()
    is_open = assignment.status == Assignment.Status.OPEN
    form = InterestForm() if is_open else None
    refusal = ""
    status = 200
    if request.method == "POST":
        limited = too_many(
            scope="loket-interest",
            request=request,
            limit=settings.LOKET_POSTS_PER_HOUR,
            window_seconds=3600,
        )
        form = InterestForm(request.POST)
        if limited:
            form.is_valid()
            form.add_error(
                None,
                _("Je hebt het afgelopen uur te vaak een formulier verstuurd. Probeer het later opnieuw."),
            )
            status = 429
        elif not is_open:
            form = None
            refusal = _("Deze opgave is niet meer open voor aanmeldingen.")
            status = 409
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.interest_register(
                    assignment=assignment,
                    name=data["name"],
                    email=data["email"],
                    role=data["role"],
                    institution=data["institution"],
                    message=data["message"],
                    privacy_statement=statement,
                    consent=data["consent"],
                    language=translation.get_language() or settings.LANGUAGE_CODE,
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                return redirect(f"{assignment.get_absolute_url()}?aangemeld=1#aanmelden")
        else:
            status = 400
    context = {
        "assignment": assignment,
        "updates": list(assignment.updates.all()),
        "form": form,
        "refusal": refusal,
        "registered": request.method == "GET" and request.GET.get("aangemeld") == "1",
        "privacy_url": statement.get_absolute_url() if statement else reverse("loket:privacy"),
    }
    return render(request, "loket/assignments/detail.html", context, status=status)


# --- the broker's back office ----------------------------------------------------------------


@broker_required
@require_GET
def backoffice_list(request):
    status = request.GET.get("status", "")
    status = status if status in Assignment.Status.values else ""
    counts = selectors.backoffice_status_counts()
    page = Paginator(selectors.backoffice_assignments(status=status), BACKOFFICE_PAGE_SIZE).get_page(
        page_number(request)
    )
    status_links = [
        {"label": _("Alle"), "count": sum(counts.values()), "url": "?", "current": not status},
        *[
            {"label": label, "count": counts[value], "url": f"?status={value}", "current": value == status}
            for value, label in Assignment.Status.choices
        ],
    ]
    context = {
        "status": status,
        "status_links": status_links,
        "page": page,
        "assignments": page.object_list,
        "page_number": page.number,
        "page_count": page.paginator.num_pages,
        "previous_url": page_url(request, page.previous_page_number()) if page.has_previous() else None,
        "next_url": page_url(request, page.next_page_number()) if page.has_next() else None,
    }
    return _render_page_or_fragment(request, "loket/assignments/backoffice_list.html", "results", context)


@broker_required
@require_http_methods(["GET", "POST"])
def backoffice_detail(request, pk: int):
    assignment = selectors.backoffice_assignment(pk)
    forms = {action: form_class(assignment=assignment) for action, form_class in BACKOFFICE_FORMS.items()}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in BACKOFFICE_FORMS:
            messages.error(request, _("Onbekende actie."))
            return redirect(reverse("loket:backoffice_assignment", args=[pk]))
        form = forms[action] = BACKOFFICE_FORMS[action](request.POST, assignment=assignment)
        if form.is_valid():
            try:
                notice = _handle(action, assignment, form.cleaned_data, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
                # A refused change may have been set on the instance before it was checked.
                assignment = selectors.backoffice_assignment(pk)
            else:
                messages.success(request, notice)
                return redirect(reverse("loket:backoffice_assignment", args=[pk]))
        status = 400
    interests = list(assignment.interests.all())
    if any(interest.name or interest.email for interest in interests):
        log_personal_data_access(request, subject=f"aanmeldingen voor opgave {assignment.pk}", obj=assignment)
    context = {
        "assignment": assignment,
        "interests": interests,
        "updates": list(assignment.updates.all()),
        "edit_form": forms["edit"],
        "choose_form": forms["choose"],
        "progress_form": forms["progress"],
        "can_choose": assignment.status in (Assignment.Status.OPEN, Assignment.Status.ASSIGNED),
    }
    return render(request, "loket/assignments/backoffice_detail.html", context, status=status)


def _handle(action: str, assignment: Assignment, data: dict, *, by) -> str:
    """Run the service behind one of the page's forms; returns the message to show."""
    if action == "edit":
        services.assignment_update(assignment=assignment, by=by, **data)
        return _("De opgave is bijgewerkt.")
    if action == "choose":
        interest = data["interest"]
        services.assignment_choose_interest(assignment=assignment, interest=interest, by=by)
        return _("Toegewezen aan %(name)s; die krijgt hierover een e-mail.") % {"name": interest.name}
    services.assignment_record_progress(
        assignment=assignment,
        text=data["text"],
        by=by,
        status=data["status"],
        result=data["result"],
        result_url=data["result_url"],
        public=not data["internal"],
    )
    return _("De voortgang is vastgelegd.")
