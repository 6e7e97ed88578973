"""Reads for reports: the progress report's data, built once and rendered to every format."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from kennisstad.insights.figures import project_profiles
from kennisstad.portfolio.models import (
    Agenda,
    Participation,
    ProgressUpdate,
    Project,
    Role,
    UnresolvedMention,
)
from kennisstad.portfolio.selectors import (
    OrganisationEntry,
    TextBlock,
    current_agenda,
    description_blocks,
    participants_by_organisation,
    root_of_participant,
)

# The annex lists organisations that lead at least two projects, at most this many.
TOP_LEADS = 10


@dataclass
class ReportProject:
    code: str
    key: str
    title: str
    group: str
    description: str
    blocks: list[TextBlock]
    # Organisation names (units in brackets after their organisation), then the words of the
    # T:/P: cell that are no known organisation; the cell as written when neither exists.
    leads: list[str]
    partners: list[str]
    status: str
    status_label: str
    latest_date: datetime.date | None
    latest_text: str

    @property
    def leads_text(self) -> str:
        return ", ".join(self.leads)

    @property
    def partners_text(self) -> str:
        return ", ".join(self.partners)

    @property
    def participant_lines(self) -> list[str]:
        """The T:/P: cell as the agenda writes it: trekkers on one line, partners on the next."""
        lines = []
        if self.leads:
            lines.append(_("T: %(names)s") % {"names": self.leads_text})
        if self.partners:
            lines.append(_("P: %(names)s") % {"names": self.partners_text})
        return lines or ["—"]


@dataclass
class ReportGroup:
    title: str  # empty for projects outside a group
    projects: list[ReportProject] = field(default_factory=list)


@dataclass
class ReportSection:
    number: str
    title: str
    groups: list[ReportGroup] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def projects(self) -> list[ReportProject]:
        return [project for group in self.groups for project in group.projects]


@dataclass
class StatusRow:
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class OrganisationCount:
    name: str
    projects: int


@dataclass
class ReportFigures:
    projects: int
    status_labels: list[str]
    status_rows: list[StatusRow]
    status_totals: StatusRow
    organisations: int
    top_leads: list[OrganisationCount]
    other_lead_organisations: int
    multi_sector_projects: int
    projects_with_update: int


@dataclass
class ProgressReport:
    site_name: str
    agenda: Agenda
    generated_on: datetime.date
    sections: list[ReportSection]
    figures: ReportFigures

    @property
    def title(self) -> str:
        return _("Agenda %(period)s — Voortgang projecten") % {"period": self.agenda.period}

    @property
    def projects(self) -> list[ReportProject]:
        return [project for section in self.sections for project in section.projects]


def agenda_for_report(period: str | None) -> Agenda | None:
    """The agenda with this period, or the current one when no period is given."""
    if not period:
        return current_agenda()
    return Agenda.objects.filter(period=period).first()


def agenda_periods() -> list[str]:
    return list(Agenda.objects.order_by("-period").values_list("period", flat=True))


def _entry_name(entry: OrganisationEntry) -> str:
    if not entry.units:
        return entry.organisation.name
    root = entry.organisation.name
    # Some units carry their organisation in their name ("Criminologie (Universiteit Leiden)").
    units = [unit.name.removesuffix(f" ({root})") for unit in entry.units]
    return f"{root} ({', '.join(units)})"


def _names(project: Project, role: str, raw: str) -> list[str]:
    names = [_entry_name(entry) for entry in participants_by_organisation(project, role)]
    names += [mention.text for mention in project.unresolved_mentions.all() if mention.role == role]
    if not names and raw.strip():
        names = [" ".join(raw.split())]
    return names


def _report_projects(agenda: Agenda):
    latest = ProgressUpdate.objects.filter(project=OuterRef("pk")).order_by("-date", "-created_at", "-pk")
    return (
        Project.objects.filter(agenda=agenda)
        .select_related("section", "group")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organisation__parent").order_by(
                    "role", "position"
                ),
            ),
            Prefetch("unresolved_mentions", queryset=UnresolvedMention.objects.order_by("position")),
        )
        .annotate(
            latest_date=Subquery(latest.values("date")[:1]),
            latest_text=Subquery(latest.values("text")[:1]),
        )
        .order_by("section__position", "section__number", "position")
    )


def progress_report(*, agenda: Agenda) -> ProgressReport:
    """Every project of the agenda per section and group, in document order, plus the figures."""
    sections = {
        section.pk: ReportSection(section.number, section.title)
        for section in agenda.sections.order_by("position", "number")
    }
    for project in _report_projects(agenda):
        groups = sections[project.section_id].groups
        group_title = project.group.title if project.group else ""
        if not groups or groups[-1].title != group_title:
            groups.append(ReportGroup(group_title))
        label = project.get_status_display()
        groups[-1].projects.append(
            ReportProject(
                code=project.code,
                key=project.key,
                title=project.title,
                group=group_title,
                description=project.description,
                blocks=description_blocks(project.description),
                leads=_names(project, Role.TREKKER, project.leads_raw),
                partners=_names(project, Role.PARTNER, project.partners_raw),
                status=project.status,
                status_label=f"{label} ({project.status_note})" if project.status_note else str(label),
                latest_date=project.latest_date,
                latest_text=project.latest_text or "",
            )
        )
    return ProgressReport(
        site_name=settings.SITE_NAME,
        agenda=agenda,
        generated_on=timezone.localdate(),
        sections=list(sections.values()),
        figures=report_figures(agenda=agenda),
    )


def report_figures(*, agenda: Agenda) -> ReportFigures:
    """The annex's figures, each one aggregate query.

    Units count for their organisation (Faculteit der Sociale Wetenschappen counts as
    Universiteit Leiden), as on the home page and the theme filters.
    """
    projects = Project.objects.filter(agenda=agenda).order_by()
    participations = (
        Participation.objects.filter(project__agenda=agenda).order_by().annotate(root=root_of_participant())
    )

    statuses = Project.Status.choices
    counts = {
        (row["section_id"], row["status"]): row["n"]
        for row in projects.values("section_id", "status").annotate(n=Count("pk"))
    }
    status_rows = [
        StatusRow(str(section), [counts.get((section.pk, value), 0) for value, _label in statuses])
        for section in agenda.sections.order_by("position", "number")
    ]
    totals = StatusRow(_("Totaal"), [sum(row.counts[i] for row in status_rows) for i in range(len(statuses))])

    leads = list(
        participations.filter(role=Role.TREKKER)
        .annotate(root_name=Coalesce("organisation__parent__name", "organisation__name"))
        .values("root", "root_name")
        .annotate(n=Count("project_id", distinct=True))
        .order_by("-n", Lower("root_name"))
    )
    # Cutting a list of ties at one project would pick names arbitrarily; they are counted instead.
    top_leads = [OrganisationCount(row["root_name"], row["n"]) for row in leads if row["n"] >= 2][:TOP_LEADS]

    return ReportFigures(
        projects=projects.count(),
        status_labels=[str(label) for _value, label in statuses],
        status_rows=status_rows,
        status_totals=totals,
        organisations=participations.values("root").distinct().count(),
        top_leads=top_leads,
        other_lead_organisations=len(leads) - len(top_leads),
        # The dashboard's definition of a sector, so the report and /cijfers/ agree.
        multi_sector_projects=project_profiles(agenda).multi_sector_projects,
        projects_with_update=ProgressUpdate.objects.filter(project__agenda=agenda)
        .order_by()
        .values("project_id")
        .distinct()
        .count(),
    )
