"""Reading the kennisloket: the broker's inbox and what a question page shows.

Writes go through ``services``; these only read, with the joins a page needs done up front.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Participation, Project, Role, Section

from .models import CLOSED_STATUSES, PublishedAnswer, Question, QuestionEvent

# --- the inbox -------------------------------------------------------------------------------

OPEN = "open"
ALL = "alle"


def inbox_questions(*, status: str = OPEN, overdue: bool = False, handler=None, query: str = "") -> QuerySet:
    """The broker's list: "nieuw" first, then newest. ``status`` is a Question.Status value,
    "open" (everything not closed) or "alle"."""
    questions = Question.objects.select_related("district", "assigned_organisation", "handler")
    if status == OPEN or overdue:
        questions = questions.exclude(status__in=CLOSED_STATUSES)
    if status not in (OPEN, ALL) and status in Question.Status.values:
        questions = questions.filter(status=status)
    if overdue:
        questions = questions.filter(due_date__lt=timezone.localdate())
    if handler is not None:
        questions = questions.filter(handler=handler)
    query = query.strip()
    if query:
        questions = questions.filter(Q(question__icontains=query) | Q(reference__icontains=query))
    new_first = Case(When(status=Question.Status.NIEUW, then=Value(0)), default=Value(1))
    return questions.order_by(new_first, "-created_at", "-pk")


def inbox_status_counts() -> dict[str, int]:
    """How many questions there are in each status, plus "open", "alle" and "te_laat"."""
    rows = Question.objects.values("status").annotate(n=Count("pk")).order_by()
    counts = dict.fromkeys(Question.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    counts[ALL] = sum(counts[value] for value in Question.Status.values)
    counts[OPEN] = sum(
        n for value, n in counts.items() if value in Question.Status.values and value not in CLOSED_STATUSES
    )
    counts["te_laat"] = (
        Question.objects.exclude(status__in=CLOSED_STATUSES).filter(due_date__lt=timezone.localdate()).count()
    )
    return counts


# --- one question ----------------------------------------------------------------------------


def question_for_broker(reference: str) -> Question | None:
    return (
        Question.objects.select_related(
            "district",
            "privacy_statement",
            "assigned_organisation",
            "assigned_organisation__parent",
            "handler",
        )
        .filter(reference=reference)
        .first()
    )


@dataclass
class HistoryRow:
    at: object
    actor: str
    kind: str
    what: str
    before: str
    after: str
    text: str


def question_history(question: Question) -> list[HistoryRow]:
    """Every event of a question, oldest first, with status values shown as their labels."""
    labels = dict(Question.Status.choices)
    rows = []
    for event in question.events.select_related("actor").order_by("at", "pk"):
        before, after = event.before, event.after
        if event.kind in (QuestionEvent.Kind.STATUS, QuestionEvent.Kind.RECEIVED):
            before, after = str(labels.get(before, before)), str(labels.get(after, after))
        rows.append(
            HistoryRow(
                at=event.at,
                actor=event.actor.get_username() if event.actor else "",
                kind=event.kind,
                what=event.get_kind_display(),
                before=before,
                after=after,
                text=event.text,
            )
        )
    return rows


@dataclass
class ProjectSuggestion:
    key: str
    title: str
    score: float
    reason: str
    project: Project | None = None
    leads: list[Organisation] = field(default_factory=list)


def current_projects_by_key(keys) -> dict[str, Project]:
    """Projects of the current agenda by key, with their lead organisations (``lead_participations``)."""
    leads = (
        Participation.objects.filter(role=Role.TREKKER).select_related("organisation").order_by("position")
    )
    projects = (
        Project.objects.filter(agenda__is_current=True, key__in=list(keys))
        .select_related("agenda", "section")
        .prefetch_related(Prefetch("participations", queryset=leads, to_attr="lead_participations"))
    )
    return {project.key: project for project in projects}


def question_suggestions(question: Question) -> list[ProjectSuggestion]:
    """The stored suggestions, each with its project in the current agenda and the project's leads."""
    return project_suggestions(question.suggestions or [])


def project_suggestions(stored: list[dict]) -> list[ProjectSuggestion]:
    """Suggestions as the matcher gives them ({key, title, score, reason}), each with its project in
    the current agenda (None when it left the agenda) and the project's lead organisations; for the
    asker's pages, e-mails and the live suggestions while typing."""
    projects = current_projects_by_key(s["key"] for s in stored)
    suggestions = []
    for item in stored:
        project = projects.get(item["key"])
        suggestions.append(
            ProjectSuggestion(
                key=item["key"],
                title=project.title if project else item.get("title", ""),
                score=item.get("score") or 0.0,
                reason=item.get("reason", ""),
                project=project,
                leads=[p.organisation for p in project.lead_participations] if project else [],
            )
        )
    return suggestions


@dataclass
class SimilarAnswer:
    slug: str
    title: str
    score: float
    answer: PublishedAnswer | None


def question_similar_answers(question: Question) -> list[SimilarAnswer]:
    """Earlier published questions the matcher found, with their answers (if still there)."""
    stored = question.similar_questions or []
    answers = PublishedAnswer.objects.in_bulk([s.get("slug") for s in stored], field_name="slug")
    return [
        SimilarAnswer(
            slug=item.get("slug", ""),
            title=item.get("title", ""),
            score=item.get("score") or 0.0,
            answer=answers.get(item.get("slug")),
        )
        for item in stored
    ]


# --- choices for the broker's forms ---------------------------------------------------------


def organisations_for_choice() -> list[tuple[Organisation, int]]:
    """Organisations with their units right after them: (organisation, depth)."""
    organisations = list(Organisation.objects.order_by("name"))
    children: dict[int | None, list[Organisation]] = {}
    known = {o.pk for o in organisations}
    for organisation in organisations:
        parent = organisation.parent_id if organisation.parent_id in known else None
        children.setdefault(parent, []).append(organisation)
    ordered: list[tuple[Organisation, int]] = []
    seen: set[int] = set()

    def walk(parent, depth):
        for organisation in sorted(children.get(parent, []), key=lambda o: o.name.lower()):
            if organisation.pk in seen:
                continue
            seen.add(organisation.pk)
            ordered.append((organisation, depth))
            walk(organisation.pk, depth + 1)

    walk(None, 0)
    # Anything in a parent cycle is not reachable from the top; list it rather than lose it.
    ordered.extend((o, 0) for o in organisations if o.pk not in seen)
    return ordered


def brokers() -> QuerySet:
    """Staff users who may handle questions: the choices for "behandelaar"."""
    User = get_user_model()
    permission = Permission.objects.filter(codename="handle_question", content_type__app_label="loket")
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True) | Q(user_permissions__in=permission) | Q(groups__permissions__in=permission)
        )
        .distinct()
        .order_by("username")
    )


def current_sections() -> QuerySet:
    return Section.objects.filter(agenda__is_current=True).order_by("position", "number")


def current_projects() -> QuerySet:
    return Project.objects.filter(agenda__is_current=True).select_related("agenda").order_by("key")
