"""Reading assignments of Leren met de Stad for the public pages and the broker's back office.

The public reads never touch the interests (names, e-mail addresses of students) nor the
question an assignment came from (the asker's data).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from kennisstad.portfolio.models import Section

from .models import Assignment, AssignmentUpdate, District

PAGE_SIZE = 20
LEVEL_FIELDS = {"mbo": "for_mbo", "hbo": "for_hbo", "wo": "for_wo"}
PUBLIC_STATUS_FILTERS = {
    "open": [Assignment.Status.OPEN],
    "toegewezen": [Assignment.Status.ASSIGNED],
    "afgerond": [Assignment.Status.DONE],
    "alle": [Assignment.Status.OPEN, Assignment.Status.ASSIGNED, Assignment.Status.DONE],
}


def filter_sections() -> list[Section]:
    """The themes one can filter on: those of the current agenda."""
    return list(Section.objects.filter(agenda__is_current=True).order_by("position", "number"))


def filter_districts() -> list[District]:
    return list(District.objects.filter(active=True))


def public_assignments(
    *, status: str = "open", thema: str = "", niveau: str = "", omvang: str = "", wijk: str = ""
) -> QuerySet:
    assignments = Assignment.objects.filter(
        status__in=PUBLIC_STATUS_FILTERS.get(status, PUBLIC_STATUS_FILTERS["open"])
    )
    if thema:
        assignments = assignments.filter(section__slug=thema, section__agenda__is_current=True)
    if niveau in LEVEL_FIELDS:
        assignments = assignments.filter(**{LEVEL_FIELDS[niveau]: True})
    if omvang:
        assignments = assignments.filter(size=omvang)
    if wijk.isdigit():
        assignments = assignments.filter(district_id=int(wijk))
    return assignments.select_related("section__agenda", "district").order_by("-created_at", "-pk")


@dataclass
class AssignmentListPage:
    assignments: list[Assignment]
    total: int
    page_number: int
    page_count: int


def assignment_list_page(*, filters: dict[str, str], page_number: int = 1) -> AssignmentListPage:
    assignments = public_assignments(**filters)
    total = assignments.count()
    page_count = max(1, -(-total // PAGE_SIZE))
    page_number = min(max(1, page_number), page_count)
    start = (page_number - 1) * PAGE_SIZE
    return AssignmentListPage(list(assignments[start : start + PAGE_SIZE]), total, page_number, page_count)


def public_assignment(pk: int) -> Assignment:
    """An assignment for its public page, with its progress; a withdrawn one is gone."""
    assignment = (
        Assignment.objects.select_related("section__agenda", "district")
        .prefetch_related(Prefetch("updates", queryset=AssignmentUpdate.objects.order_by("at", "pk")))
        .filter(pk=pk)
        .exclude(status=Assignment.Status.WITHDRAWN)
        .first()
    )
    if assignment is None:
        raise Http404(_("Deze opgave bestaat niet (meer)."))
    return assignment


# --- the back office -------------------------------------------------------------------------


def backoffice_assignments(*, status: str = "") -> QuerySet:
    """Every assignment, newest first, with its number of interests counted in the same query."""
    assignments = Assignment.objects.select_related("section", "question").annotate(
        interest_count=Count("interests")
    )
    if status in Assignment.Status.values:
        assignments = assignments.filter(status=status)
    return assignments.order_by("-created_at", "-pk")


def backoffice_status_counts() -> dict[str, int]:
    counts = dict(
        Assignment.objects.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {value: counts.get(value, 0) for value in Assignment.Status.values}


def backoffice_assignment(pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related(
            "section__agenda", "district", "question", "chosen_interest"
        ).prefetch_related(
            "interests",
            Prefetch(
                "updates", queryset=AssignmentUpdate.objects.select_related("actor").order_by("at", "pk")
            ),
        ),
        pk=pk,
    )
