"""The broker's inbox: the list of questions and one question's page with its workflow forms.

Every POST calls one service; a refusal (ValidationError) re-renders the question page with the
message and what was typed, status 400.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kennisstad.accounts.services import log_personal_data_access
from kennisstad.lib.paging import page_number, page_url

from .. import selectors, services
from ..inbox_forms import (
    AnswerForm,
    AssignForm,
    DueDateForm,
    InboxFilterForm,
    MakeAssignmentForm,
    NoteForm,
    PublishForm,
    StatusForm,
)
from ..models import PublishedAnswer, Question
from .access import broker_required

PAGE_SIZE = 50
PUBLISHABLE = (Question.Status.BEANTWOORD, Question.Status.AFGESLOTEN)


# --- the list --------------------------------------------------------------------------------


@broker_required
def inbox(request):
    counts = selectors.inbox_status_counts()
    form = InboxFilterForm(request.GET or None, counts=counts)
    filters = form.filters()
    questions = selectors.inbox_questions(
        status=filters["status"],
        overdue=filters["overdue"],
        handler=request.user if filters["mine"] else None,
        query=filters["query"],
    )
    page = Paginator(questions, PAGE_SIZE).get_page(page_number(request))
    status_links = [
        (selectors.OPEN, _("Open"), counts[selectors.OPEN]),
        *[(value, label, counts[value]) for value, label in Question.Status.choices],
        (selectors.ALL, _("Alle"), counts[selectors.ALL]),
    ]
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "questions": page.object_list,
        "counts": counts,
        "status_links": [
            {
                "label": label,
                "count": count,
                "url": f"?status={value}",
                "current": value == filters["status"] and not filters["overdue"],
            }
            for value, label, count in status_links
        ],
        "page_number": page.number,
        "page_count": page.paginator.num_pages,
        "previous_url": page_url(request, page.previous_page_number()) if page.has_previous() else None,
        "next_url": page_url(request, page.next_page_number()) if page.has_next() else None,
    }
    template = "loket/backoffice/inbox.html"
    if request.headers.get("HX-Request") == "true":
        template += "#results"
    return render(request, template, context)


# --- one question ----------------------------------------------------------------------------


def _get_question(reference: str) -> Question:
    question = selectors.question_for_broker(reference)
    if question is None:
        raise Http404
    return question


def _initial_section(suggestions):
    for suggestion in suggestions:
        if suggestion.project is not None:
            return suggestion.project.section_id
    return None


def _question_page(request, question: Question, *, status: int = 200, **bound_forms):
    """The question page; ``bound_forms`` replace the empty forms (a form with errors)."""
    suggestions = selectors.question_suggestions(question)
    allowed = services.allowed_statuses(question)
    section = _initial_section(suggestions)
    text = "\n\n".join(filter(None, [question.question, question.background]))
    forms = {
        "status_form": StatusForm(question=question, allowed=allowed),
        "assign_form": AssignForm(
            initial={
                "organisation": question.assigned_organisation_id,
                "contact": question.assigned_contact,
                "handler": question.handler_id,
            }
        ),
        "due_form": DueDateForm(initial={"due_date": question.due_date}),
        "answer_form": AnswerForm(initial={"answer": question.answer}),
        "note_form": NoteForm(),
        "assignment_form": MakeAssignmentForm(
            initial={
                "title": Truncator(question.question).words(12),
                "description": text,
                "section": section,
                "district": question.district_id if question.district and question.district.active else None,
            }
        ),
        "publish_form": None,
    }
    if question.status in PUBLISHABLE:
        forms["publish_form"] = PublishForm(
            initial={
                "title": question.question[:300],
                "answer": question.answer,
                "section": section,
                "projects": [s.project.pk for s in suggestions if s.project is not None],
                "organisations": [question.assigned_organisation_id]
                if question.assigned_organisation_id
                else [],
            }
        )
    forms.update(bound_forms)
    # The page shows the asker's name and e-mail address (once they are removed, nothing is left to log).
    if question.asker_name or question.asker_email:
        log_personal_data_access(request, subject=f"vraag {question.reference}", obj=question)
    context = {
        "question": question,
        "suggestions": suggestions,
        "similar_answers": selectors.question_similar_answers(question),
        "history": selectors.question_history(question),
        "allowed_statuses": allowed,
        "assignments": list(question.assignments.all()),
        "published_answer": PublishedAnswer.objects.filter(question=question).first(),
        **forms,
    }
    return render(request, "loket/backoffice/question.html", context, status=status)


@broker_required
def question(request, reference: str):
    return _question_page(request, _get_question(reference))


def _add_service_error(form, error: ValidationError) -> None:
    """A refusal from a service, on the field it names when the form has that field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _refused(request, reference: str, form_name: str, form, error: ValidationError):
    _add_service_error(form, error)
    # Read the question again: a refused service rolled back, but may have touched the instance.
    return _question_page(request, _get_question(reference), status=400, **{form_name: form})


def _back(question: Question, anchor: str = ""):
    return redirect(
        reverse("loket:inbox_question", args=[question.reference]) + (f"#{anchor}" if anchor else "")
    )


@broker_required
@require_POST
def question_status(request, reference: str):
    question = _get_question(reference)
    form = StatusForm(request.POST, question=question, allowed=services.allowed_statuses(question))
    if not form.is_valid():
        return _question_page(request, question, status=400, status_form=form)
    try:
        services.question_change_status(
            question=question,
            status=form.cleaned_data["status"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        if form.cleaned_data["status"] == Question.Status.NIET_PASSEND and not form.cleaned_data["reason"]:
            # The missing reason: show the message at the field that needs it.
            form.add_error("reason", error)
            return _question_page(request, _get_question(reference), status=400, status_form=form)
        return _refused(request, reference, "status_form", form, error)
    messages.success(request, _("De status is nu “%(status)s”.") % {"status": question.get_status_display()})
    return _back(question)


@broker_required
@require_POST
def question_assign(request, reference: str):
    question = _get_question(reference)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _question_page(request, question, status=400, assign_form=form)
    organisation, contact = form.cleaned_data["organisation"], form.cleaned_data["contact"] or ""
    handler = form.cleaned_data["handler"]
    try:
        if organisation != question.assigned_organisation or contact.strip() != question.assigned_contact:
            services.question_assign(
                question=question, organisation=organisation, contact=contact, by=request.user
            )
        if handler != question.handler:
            services.question_set_handler(question=question, handler=handler, by=request.user)
    except ValidationError as error:
        return _refused(request, reference, "assign_form", form, error)
    messages.success(request, _("De toewijzing is opgeslagen."))
    return _back(question)


@broker_required
@require_POST
def question_due(request, reference: str):
    question = _get_question(reference)
    form = DueDateForm(request.POST)
    if not form.is_valid():
        return _question_page(request, question, status=400, due_form=form)
    try:
        services.question_set_due_date(
            question=question, due_date=form.cleaned_data["due_date"], by=request.user
        )
    except ValidationError as error:
        return _refused(request, reference, "due_form", form, error)
    messages.success(request, _("De streefdatum is opgeslagen."))
    return _back(question)


@broker_required
@require_POST
def question_answer(request, reference: str):
    question = _get_question(reference)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _question_page(request, question, status=400, answer_form=form)
    try:
        services.question_set_answer(
            question=question, answer=form.cleaned_data["answer"] or "", by=request.user
        )
    except ValidationError as error:
        return _refused(request, reference, "answer_form", form, error)
    messages.success(request, _("Het antwoord is opgeslagen."))
    return _back(question, "workflow")


@broker_required
@require_POST
def question_note(request, reference: str):
    question = _get_question(reference)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _question_page(request, question, status=400, note_form=form)
    try:
        services.question_add_note(question=question, text=form.cleaned_data["text"], by=request.user)
    except ValidationError as error:
        return _refused(request, reference, "note_form", form, error)
    messages.success(request, _("De notitie is toegevoegd."))
    return _back(question, "history")


@broker_required
@require_POST
def question_rematch(request, reference: str):
    question = _get_question(reference)
    services.question_rematch(question=question, by=request.user)
    messages.success(request, _("De suggesties zijn bijgewerkt."))
    return _back(question, "suggestions")


@broker_required
@require_POST
def question_assignment(request, reference: str):
    question = _get_question(reference)
    form = MakeAssignmentForm(request.POST)
    if not form.is_valid():
        return _question_page(request, question, status=400, assignment_form=form)
    data = form.cleaned_data
    try:
        assignment = services.assignment_create(
            question=question,
            title=data["title"],
            description=data["description"],
            section=data["section"],
            district=data["district"],
            levels=data["levels"],
            size=data["size"],
            by=request.user,
        )
    except ValidationError as error:
        return _refused(request, reference, "assignment_form", form, error)
    messages.success(request, _("De opgave is aangemaakt."))
    return redirect("loket:backoffice_assignment", pk=assignment.pk)


@broker_required
@require_POST
def question_publish(request, reference: str):
    question = _get_question(reference)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _question_page(request, question, status=400, publish_form=form)
    data = form.cleaned_data
    try:
        published = services.answer_publish(
            question=question,
            title=data["title"],
            answer=data["answer"],
            section=data["section"],
            projects=data["projects"],
            organisations=data["organisations"],
            by=request.user,
        )
    except ValidationError as error:
        return _refused(request, reference, "publish_form", form, error)
    messages.success(request, _("De vraag staat in de kennisbank."))
    return redirect("loket:backoffice_answer", pk=published.pk)
