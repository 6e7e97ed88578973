"""The kennismakelaar's pages: compose an issue, preview it, send a test, send it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kennisstad.accounts.roles import is_kennismakelaar
from kennisstad.lib.access import back_office_required

from . import services
from .forms import IssueForm, IssueItemForm, SendForm, TestMailForm
from .models import Issue

kennismakelaar_required = back_office_required(is_kennismakelaar)


def _item_forms(issue: Issue, data=None) -> list[tuple]:
    return [
        (
            item,
            IssueItemForm(
                data, prefix=f"item-{item.pk}", initial={"included": item.included, "position": item.position}
            ),
        )
        for item in issue.items.all()
    ]


def _issue_page(request, issue: Issue, *, status=200, **forms):
    context = {
        "issue": issue,
        "is_draft": issue.status == Issue.Status.DRAFT,
        "issue_form": forms.get("issue_form")
        or IssueForm(initial={"title": issue.title, "intro": issue.intro}),
        "item_forms": forms.get("item_forms") or _item_forms(issue),
        "test_form": forms.get("test_form") or TestMailForm(initial={"email": request.user.email}),
        "send_form": forms.get("send_form") or SendForm(),
        "counts": services.delivery_counts(issue),
        "subscribers": services.subscriber_counts(),
    }
    return render(request, "newsletter/backoffice/issue.html", context, status=status)


@kennismakelaar_required
@require_GET
def issue_list(request):
    issues = Issue.objects.select_related("created_by")
    context = {"issues": issues, "subscribers": services.subscriber_counts()}
    return render(request, "newsletter/backoffice/list.html", context)


@kennismakelaar_required
@require_POST
def issue_new(request):
    issue = services.issue_create(by=request.user)
    messages.success(request, _("De nieuwsbrief is aangemaakt met het nieuws van de afgelopen twee weken."))
    return redirect("newsletter:issue", issue.pk)


@kennismakelaar_required
@require_http_methods(["GET", "POST"])
def issue(request, pk: int):
    issue = get_object_or_404(Issue, pk=pk)
    if request.method == "GET":
        return _issue_page(request, issue)
    issue_form = IssueForm(request.POST)
    item_forms = _item_forms(issue, request.POST)
    if not issue_form.is_valid() or not all(form.is_valid() for _item, form in item_forms):
        return _issue_page(request, issue, status=400, issue_form=issue_form, item_forms=item_forms)
    items = {
        item.pk: (form.cleaned_data["included"], form.cleaned_data["position"]) for item, form in item_forms
    }
    try:
        services.issue_update(issue=issue, items=items, **issue_form.cleaned_data)
    except ValidationError as error:
        issue_form.add_error(None, error)
        return _issue_page(request, issue, status=400, issue_form=issue_form, item_forms=item_forms)
    messages.success(request, _("De nieuwsbrief is opgeslagen."))
    return redirect("newsletter:issue", issue.pk)


@kennismakelaar_required
@require_GET
def issue_preview(request, pk: int):
    issue = get_object_or_404(Issue, pk=pk)
    context = {
        "issue": issue,
        "items": services.included_items(issue),
        "intro_paragraphs": services.intro_paragraphs(issue),
    }
    return render(request, "newsletter/backoffice/preview.html", context)


@kennismakelaar_required
@require_POST
def issue_test(request, pk: int):
    issue = get_object_or_404(Issue, pk=pk)
    form = TestMailForm(request.POST)
    if not form.is_valid():
        return _issue_page(request, issue, status=400, test_form=form)
    services.issue_send_test(
        issue=issue, to=form.cleaned_data["email"], language=form.cleaned_data["language"]
    )
    messages.success(
        request, _("De testmail is verstuurd naar %(email)s.") % {"email": form.cleaned_data["email"]}
    )
    return redirect("newsletter:issue", issue.pk)


@kennismakelaar_required
@require_POST
def issue_send(request, pk: int):
    issue = get_object_or_404(Issue, pk=pk)
    form = SendForm(request.POST)
    if not form.is_valid():
        return _issue_page(request, issue, status=400, send_form=form)
    try:
        services.issue_start_sending(issue=issue)
    except ValidationError as error:
        form.add_error(None, error)
        return _issue_page(request, issue, status=400, send_form=form)
    messages.success(
        request,
        _(
            "De nieuwsbrief wordt verstuurd, in porties, door de geplande taak. Je kunt ook hieronder zelf een portie versturen."
        ),
    )
    return redirect("newsletter:issue", issue.pk)


@kennismakelaar_required
@require_POST
def issue_send_batch(request, pk: int):
    """One batch now, for a site without the scheduled job (one batch keeps the request short)."""
    issue = get_object_or_404(Issue, pk=pk)
    result = services.issue_send_batch(issue=issue)
    messages.success(
        request,
        _("%(sent)d e-mail(s) verstuurd, %(failed)d mislukt.")
        % {"sent": result.sent, "failed": result.failed},
    )
    return redirect("newsletter:issue", issue.pk)
