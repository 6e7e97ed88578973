"""Reading the knowledge base: published answers for the public pages and the broker's list.

Searching goes through ``kennisstad.search.selectors.search`` (kind "question"), so the
knowledge base finds stems, compounds and typos exactly like the site search, on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Project, Section
from kennisstad.search.models import SearchDocument
from kennisstad.search.selectors import Hit, search

from .models import PublishedAnswer

PAGE_SIZE = 20


def theme_options() -> list[tuple[str, str]]:
    """(slug, title) of the themes that published answers are about, in agenda order."""
    sections = (
        Section.objects.filter(pk__in=PublishedAnswer.objects.filter(is_published=True).values("section_id"))
        .select_related("agenda")
        .order_by("-agenda__is_current", "position", "number")
    )
    options: dict[str, str] = {}
    for section in sections:
        options.setdefault(section.slug, section.title)
    return list(options.items())


def published_answers(*, thema: str = "") -> QuerySet:
    answers = PublishedAnswer.objects.filter(is_published=True).select_related("section")
    if thema:
        answers = answers.filter(section__slug=thema)
    return answers.order_by("-published_at", "-pk")


@dataclass
class KnowledgePage:
    query: str
    thema: str
    answers: list[PublishedAnswer] = field(default_factory=list)  # when browsing
    hits: list[Hit] = field(default_factory=list)  # when searching
    corrections: dict[str, str] = field(default_factory=dict)
    total: int = 0
    page_number: int = 1
    has_next: bool = False


def knowledge_page(*, query: str, thema: str = "", page_number: int = 1) -> KnowledgePage:
    page_number = max(1, page_number)
    offset = (page_number - 1) * PAGE_SIZE
    if not query:
        answers = published_answers(thema=thema)
        total = answers.count()
        return KnowledgePage(
            query=query,
            thema=thema,
            answers=list(answers[offset : offset + PAGE_SIZE]),
            total=total,
            page_number=page_number,
            has_next=total > page_number * PAGE_SIZE,
        )
    results = search(
        query, thema=thema or None, soort=SearchDocument.Kind.QUESTION, limit=PAGE_SIZE, offset=offset
    )
    # The index follows every publish and unpublish; this only guards against a row deleted
    # behind the services' back, whose document would otherwise link to a missing page.
    live = set(
        PublishedAnswer.objects.filter(
            pk__in=[hit.object_id for hit in results.hits], is_published=True
        ).values_list("pk", flat=True)
    )
    return KnowledgePage(
        query=query,
        thema=thema,
        hits=[hit for hit in results.hits if hit.object_id in live],
        corrections=results.corrections,
        total=results.total,
        page_number=page_number,
        has_next=results.total > page_number * PAGE_SIZE,
    )


def public_answer(slug: str) -> PublishedAnswer:
    answer = (
        PublishedAnswer.objects.filter(slug=slug, is_published=True)
        .select_related("section__agenda")
        .prefetch_related(
            Prefetch(
                "projects",
                queryset=Project.objects.select_related("agenda").order_by(
                    "-agenda__is_current", "section__position", "position"
                ),
            ),
            Prefetch("organisations", queryset=Organisation.objects.order_by("name")),
        )
        .first()
    )
    if answer is None:
        raise Http404(_("Deze vraag staat niet (meer) in de kennisbank."))
    return answer


# --- the back office -------------------------------------------------------------------------


def backoffice_answers(*, published: str = "") -> QuerySet:
    answers = PublishedAnswer.objects.select_related("section", "question").annotate(
        project_count=Count("projects", distinct=True)
    )
    if published == "ja":
        answers = answers.filter(is_published=True)
    elif published == "nee":
        answers = answers.filter(is_published=False)
    return answers.order_by("-published_at", "-pk")


def backoffice_answer(pk: int) -> PublishedAnswer:
    answer = (
        PublishedAnswer.objects.select_related("section", "question")
        .prefetch_related("projects", "organisations")
        .filter(pk=pk)
        .first()
    )
    if answer is None:
        raise Http404(_("Deze vraag staat niet in de kennisbank."))
    return answer
