"""Reads of agendas, themes and projects for the public pages."""

from __future__ import annotations

import calendar
import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kennisstad.organisations.models import Organisation

from .models import Agenda, Group, Participation, ProgressUpdate, Project, ProjectLineage, Role, Section

THEME_PAGE_SIZE = 50
HOME_GROUP_LIMIT = 12


def current_agenda() -> Agenda | None:
    return Agenda.objects.filter(is_current=True).first() or Agenda.objects.order_by("-period").first()


def agenda_by_period(period: str) -> Agenda:
    agenda = Agenda.objects.filter(period=period).first()
    if agenda is None:
        raise Http404(_("Deze agenda bestaat niet."))
    return agenda


def _participations_prefetch() -> Prefetch:
    return Prefetch(
        "participations",
        queryset=Participation.objects.select_related("organisation__parent").order_by("role", "position"),
    )


def projects_with_people():
    return Project.objects.select_related("agenda", "section", "group").prefetch_related(
        _participations_prefetch()
    )


# ---------------------------------------------------------------------------
# Presentation helpers: derived once here so templates hold no logic.

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'‘(])")


def summary(description: str, limit: int = 180) -> str:
    """The first sentence of a description, cut at a word boundary when long."""
    text = " ".join(description.split())
    first = _SENTENCE_END.split(text, maxsplit=1)[0] if text else ""
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + "…"


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


@dataclass
class TextBlock:
    kind: str  # "p" or "ul"
    lines: list[str]


def description_blocks(description: str) -> list[TextBlock]:
    """Paragraphs (blank-line separated) and bullet lists ("- item" lines) of a description."""
    blocks: list[TextBlock] = []
    for chunk in re.split(r"\n\s*\n", description.strip()):
        paragraph: list[str] = []
        for line in chunk.splitlines():
            line = line.strip()
            if not line:
                continue
            if line.startswith(("- ", "• ")):
                if paragraph:
                    blocks.append(TextBlock("p", [" ".join(paragraph)]))
                    paragraph = []
                item = line[2:].strip()
                if blocks and blocks[-1].kind == "ul" and not paragraph:
                    blocks[-1].lines.append(item)
                else:
                    blocks.append(TextBlock("ul", [item]))
            else:
                paragraph.append(line)
        if paragraph:
            blocks.append(TextBlock("p", [" ".join(paragraph)]))
    return blocks


@dataclass
class OrganisationEntry:
    """An organisation as it takes part in a project, with the units through which it does."""

    organisation: Organisation
    units: list[Organisation] = field(default_factory=list)
    named_directly: bool = False


def participants_by_organisation(project: Project, role: str) -> list[OrganisationEntry]:
    """Participants in one role, units listed under their organisation, in document order."""
    entries: dict[int, OrganisationEntry] = {}
    for participation in project.participations.all():
        if participation.role != role:
            continue
        organisation = participation.organisation
        root = organisation.root()
        entry = entries.setdefault(root.pk, OrganisationEntry(root))
        if organisation.pk == root.pk:
            entry.named_directly = True
        elif organisation not in entry.units:
            entry.units.append(organisation)
    return list(entries.values())


def root_organisation_ids(project: Project) -> set[int]:
    return {p.organisation.root().pk for p in project.participations.all()}


def lead_names(project: Project) -> list[str]:
    return [entry.organisation.name for entry in participants_by_organisation(project, Role.TREKKER)]


@dataclass
class ProjectCard:
    project: Project
    summary: str
    leads: list[str]


def project_cards(projects) -> list[ProjectCard]:
    return [ProjectCard(p, summary(p.description), lead_names(p)) for p in projects]


# ---------------------------------------------------------------------------
# Home


@dataclass
class HeadlineFigures:
    projects: int
    organisations: int
    organisations_per_project: float
    themes: int


@dataclass
class ThemeSummary:
    section: Section
    project_count: int


@dataclass
class GroupSummary:
    group: Group
    cards: list[ProjectCard]
    total: int


@dataclass
class HomePage:
    agenda: Agenda | None
    introduction: list[str]
    themes: list[ThemeSummary]
    groups: list[GroupSummary]
    figures: HeadlineFigures | None


def root_of_participant(prefix: str = ""):
    """The organisation a participation counts for: its organisation, or that one's parent for a unit."""
    return Coalesce(f"{prefix}organisation__parent_id", f"{prefix}organisation_id")


def headline_figures(agenda: Agenda, theme_count: int) -> HeadlineFigures:
    participations = (
        Participation.objects.filter(project__agenda=agenda).order_by().annotate(root=root_of_participant())
    )
    projects = Project.objects.filter(agenda=agenda).count()
    pairs = participations.values("project_id", "root").distinct().count()
    return HeadlineFigures(
        projects=projects,
        organisations=participations.values("root").distinct().count(),
        organisations_per_project=round(pairs / projects, 1) if projects else 0.0,
        themes=theme_count,
    )


def home_page() -> HomePage:
    agenda = current_agenda()
    if agenda is None:
        return HomePage(None, [], [], [], None)
    sections = agenda.sections.annotate(project_count=Count("projects")).order_by("position", "number")
    themes = [ThemeSummary(section, section.project_count) for section in sections]
    groups = []
    for group in Group.objects.filter(section__agenda=agenda).select_related("section__agenda"):
        projects = projects_with_people().filter(group=group).order_by("position")
        total = projects.count()
        if total:
            groups.append(GroupSummary(group, project_cards(projects[:HOME_GROUP_LIMIT]), total))
    return HomePage(
        agenda, paragraphs(agenda.introduction), themes, groups, headline_figures(agenda, len(themes))
    )


# ---------------------------------------------------------------------------
# Theme page


@dataclass
class FilterOption:
    value: str
    label: str
    count: int


@dataclass
class ThemePage:
    section: Section
    ambition: list[str]
    groups: list[tuple[Group | None, list[ProjectCard]]]
    total: int
    shown: int
    page_number: int
    page_count: int
    organisation_options: list[FilterOption]
    status_options: list[FilterOption]
    selected_organisation: str
    selected_status: str


def theme_page(
    *, period: str, slug: str, organisation: str = "", status: str = "", page_number: int = 1
) -> ThemePage:
    agenda = agenda_by_period(period)
    section = Section.objects.filter(agenda=agenda, slug=slug).first()
    if section is None:
        raise Http404(_("Dit thema bestaat niet."))
    in_theme = Project.objects.filter(section=section)
    roots = (
        Participation.objects.filter(project__section=section)
        .order_by()
        .annotate(root=root_of_participant())
        .values("root")
        .annotate(projects=Count("project_id", distinct=True))
    )
    organisation_counts = {row["root"]: row["projects"] for row in roots}
    organisations = Organisation.objects.in_bulk(list(organisation_counts))
    organisation_options = sorted(
        (
            FilterOption(organisations[pk].slug, organisations[pk].name, n)
            for pk, n in organisation_counts.items()
        ),
        key=lambda option: option.label.casefold(),
    )
    # order_by() clears the model's default ordering, which would otherwise join the GROUP BY.
    status_counts = dict(
        in_theme.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    status_options = [
        FilterOption(value, label, status_counts[value])
        for value, label in Project.Status.choices
        if status_counts.get(value)
    ]

    selected = in_theme
    if organisation:
        selected = selected.filter(
            Q(participations__organisation__slug=organisation)
            | Q(participations__organisation__parent__slug=organisation)
        ).distinct()
    if status:
        selected = selected.filter(status=status)
    shown = selected.count()
    page_count = max(1, -(-shown // THEME_PAGE_SIZE))
    page_number = min(max(1, page_number), page_count)
    start = (page_number - 1) * THEME_PAGE_SIZE
    ids = list(selected.order_by("position").values_list("pk", flat=True)[start : start + THEME_PAGE_SIZE])
    by_id = projects_with_people().in_bulk(ids)
    grouped: dict[int | None, list[Project]] = defaultdict(list)
    for pk in ids:
        grouped[by_id[pk].group_id].append(by_id[pk])
    group_objects = {group.pk: group for group in section.groups.all()}
    groups = [(group_objects.get(pk), project_cards(items)) for pk, items in grouped.items()]
    return ThemePage(
        section=section,
        ambition=paragraphs(section.ambition),
        groups=groups,
        total=in_theme.count(),
        shown=shown,
        page_number=page_number,
        page_count=page_count,
        organisation_options=organisation_options,
        status_options=status_options,
        selected_organisation=organisation,
        selected_status=status,
    )


# ---------------------------------------------------------------------------
# Project page


@dataclass
class RelatedProject:
    card: ProjectCard
    reason: str


@dataclass
class ProjectPage:
    project: Project
    blocks: list[TextBlock]
    leads: list[OrganisationEntry]
    partners: list[OrganisationEntry]
    lead_mentions: list[str]
    partner_mentions: list[str]
    related: list[RelatedProject]
    # Published answers of the kennisloket's knowledge base that link to this project.
    answers: list = field(default_factory=list)
    # Progress updates, newest first (the "Voortgang" timeline).
    updates: list[ProgressUpdate] = field(default_factory=list)
    # Confirmed lineage (portfolio.comparison): the project of an earlier agenda this one continues,
    # and the projects of later agendas that continue this one.
    predecessor: Project | None = None
    successors: list[Project] = field(default_factory=list)


def project_page(*, period: str, key: str) -> ProjectPage:
    agenda = agenda_by_period(period)
    project = (
        projects_with_people()
        .prefetch_related("unresolved_mentions", "links")
        .filter(agenda=agenda, key__iexact=key)
        .first()
    )
    if project is None:
        raise Http404(_("Dit project bestaat niet."))
    mentions = list(project.unresolved_mentions.all())
    lineage = list(
        ProjectLineage.objects.filter(Q(later=project) | Q(earlier=project))
        .select_related("earlier__agenda", "later__agenda")
        .order_by("later__agenda__period")
    )
    return ProjectPage(
        project=project,
        blocks=description_blocks(project.description),
        leads=participants_by_organisation(project, Role.TREKKER),
        partners=participants_by_organisation(project, Role.PARTNER),
        lead_mentions=[m.text for m in mentions if m.role == Role.TREKKER],
        partner_mentions=[m.text for m in mentions if m.role == Role.PARTNER],
        related=related_projects(project),
        answers=list(
            project.published_answers.filter(is_published=True)
            .order_by("-published_at", "-pk")
            .only("slug", "title")
        ),
        updates=project_timeline(project),
        predecessor=next((row.earlier for row in lineage if row.later_id == project.pk), None),
        successors=[row.later for row in lineage if row.earlier_id == project.pk],
    )


def related_projects(project: Project, limit: int = 5) -> list[RelatedProject]:
    """Projects sharing organisations (weighted most) or the theme, with the reason shown.

    Scored in the database so that a large agenda costs one aggregate query, not a
    walk over every project of the theme.
    """
    own = root_organisation_ids(project)
    shares_organisation = Q(participations__organisation_id__in=own) | Q(
        participations__organisation__parent_id__in=own
    )
    shared_root = root_of_participant("participations__")
    ranked = (
        Project.objects.filter(agenda_id=project.agenda_id)
        .exclude(pk=project.pk)
        .annotate(
            shared=Count(shared_root, filter=shares_organisation, distinct=True),
            same_theme=Case(
                When(section_id=project.section_id, then=1), default=0, output_field=IntegerField()
            ),
        )
        .annotate(score=2 * F("shared") + F("same_theme"))
        .filter(score__gt=0)
        .order_by("-score", "section__position", "position")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(ranked)
    chosen = projects_with_people().in_bulk(ids)
    names = {o.pk: o.name for o in Organisation.objects.filter(pk__in=own)}
    related = []
    for candidate in (chosen[pk] for pk in ids):
        shared = sorted((names[pk] for pk in own & root_organisation_ids(candidate)), key=str.casefold)
        same_theme = candidate.section_id == project.section_id
        if shared and same_theme:
            reason = _("Zelfde thema; ook met %(names)s") % {"names": ", ".join(shared)}
        elif shared:
            reason = _("Ook met %(names)s") % {"names": ", ".join(shared)}
        else:
            reason = _("Zelfde thema: %(theme)s") % {"theme": candidate.section.title}
        related.append(RelatedProject(project_cards([candidate])[0], reason))
    return related


# ---------------------------------------------------------------------------
# Progress tracking


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months earlier (31 August minus 6 months is 28/29 February)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def stale_before(today: datetime.date | None = None) -> datetime.date:
    """Projects whose latest update is older than this date are flagged (PROGRESS_STALE_MONTHS)."""
    return months_before(today or timezone.localdate(), settings.PROGRESS_STALE_MONTHS)


def progress_is_stale(latest_date: datetime.date | None, *, today: datetime.date | None = None) -> bool:
    """No update at all, or none since ``stale_before``: nobody has said lately how the project does."""
    return latest_date is None or latest_date < stale_before(today)


def project_timeline(project: Project) -> list[ProgressUpdate]:
    """A project's progress updates, newest first."""
    return list(project.progress_updates.select_related("author").order_by("-date", "-created_at", "-pk"))


@dataclass
class ProgressRow:
    project: Project
    latest_date: datetime.date | None
    latest_text: str
    is_stale: bool


@dataclass
class ProgressOverview:
    agenda: Agenda
    rows: list[ProgressRow]
    # Projects whose latest update is older than this date (or that have none) are stale.
    stale_before: datetime.date
    months: int
    total: int
    stale_count: int


def progress_overview(
    *,
    agenda: Agenda,
    stale_only: bool = False,
    section: Section | None = None,
    organisations: frozenset[int] | None = None,
    today: datetime.date | None = None,
) -> ProgressOverview:
    """Every project of the agenda (or of one section) with its latest update and whether it is stale.

    A project that never had an update counts as stale: nobody has said how it is doing. The
    counts are over the section's projects whatever ``stale_only`` says, so the filter can show
    how many it hides. ``organisations`` (an editor's) keeps the projects in which one of them takes
    part; None keeps all. One query for the rows.
    """
    cutoff = stale_before(today)
    latest = ProgressUpdate.objects.filter(project=OuterRef("pk")).order_by("-date", "-created_at", "-pk")
    projects = (
        Project.objects.filter(agenda=agenda)
        .select_related("agenda", "section", "group")
        .annotate(
            # Subqueries rather than Max(): no GROUP BY over every selected column, and the
            # date and text come from the same (newest) update. Index progress_project_date serves both.
            latest_date=Subquery(latest.values("date")[:1]),
            latest_text=Subquery(latest.values("text")[:1]),
        )
        .order_by("section__position", "section__number", "position")
    )
    if section is not None:
        projects = projects.filter(section=section)
    if organisations is not None:
        projects = projects.filter(
            pk__in=Participation.objects.filter(organisation_id__in=organisations).values("project_id")
        )
    rows = [
        ProgressRow(
            project=project,
            latest_date=project.latest_date,
            latest_text=project.latest_text or "",
            is_stale=project.latest_date is None or project.latest_date < cutoff,
        )
        for project in projects
    ]
    stale_count = sum(row.is_stale for row in rows)
    return ProgressOverview(
        agenda=agenda,
        rows=[row for row in rows if row.is_stale] if stale_only else rows,
        stale_before=cutoff,
        months=settings.PROGRESS_STALE_MONTHS,
        total=len(rows),
        stale_count=stale_count,
    )
