"""Kennisstad in cijfers: the figures dashboard's data, every chart with the table behind it.

Each figure is one aggregate query, or one query that returns at most one row per project, so
the page stays quick on an agenda a hundred times the size of Leiden's. Units count for their
organisation (``root_of_participant``), as on the home page and in the progress report.
"""

from __future__ import annotations

import datetime
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Case, Count, IntegerField, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear, Lower, TruncMonth
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kennisstad.loket.models import Question
from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Agenda, Participation, ProgressUpdate, Project, Role
from kennisstad.portfolio.selectors import root_of_participant

# The organisation chart draws this many organisations; its table lists them all.
TOP_ORGANISATIONS = 15
# The kennisloket's monthly chart covers the current month and the eleven before it.
LOKET_MONTHS = 12


class Sector(models.TextChoices):
    KENNISINSTELLING = "kennisinstelling", gettext_lazy("kennisinstelling")
    OVERHEID = "overheid", gettext_lazy("overheid")
    BEDRIJFSLEVEN = "bedrijfsleven", gettext_lazy("bedrijfsleven")
    MAATSCHAPPELIJK = "maatschappelijk", gettext_lazy("maatschappelijk & cultuur")


Kind = Organisation.Kind

# The one place that says which kind of organisation belongs to which sector of the city.
SECTOR_OF_KIND: dict[str, str] = {
    Kind.UNIVERSITEIT: Sector.KENNISINSTELLING,
    Kind.HOGESCHOOL: Sector.KENNISINSTELLING,
    Kind.MBO: Sector.KENNISINSTELLING,
    Kind.UMC: Sector.KENNISINSTELLING,
    Kind.ONDERZOEKSINSTITUUT: Sector.KENNISINSTELLING,
    Kind.GEMEENTE: Sector.OVERHEID,
    Kind.OVERHEID: Sector.OVERHEID,
    Kind.BEDRIJF: Sector.BEDRIJFSLEVEN,
    Kind.MUSEUM: Sector.MAATSCHAPPELIJK,
    Kind.STICHTING: Sector.MAATSCHAPPELIJK,
    Kind.NETWERK: Sector.MAATSCHAPPELIJK,
    Kind.SCHOOL: Sector.MAATSCHAPPELIJK,
    Kind.OVERIG: Sector.MAATSCHAPPELIJK,
}

# One bit per sector: the distinct sum of a project's bits is the set of sectors it joins.
SECTOR_BITS: dict[str, int] = {sector: 1 << index for index, sector in enumerate(Sector.values)}

STARTED_STATUSES = (Project.Status.VERKENNING, Project.Status.LOPEND)
STOPPED_STATUSES = (Project.Status.AFGEROND, Project.Status.GESTOPT)


def sectors_of_mask(mask: int) -> list[str]:
    return [sector for sector, bit in SECTOR_BITS.items() if mask & bit]


def sector_combination_label(sectors: list[str]) -> str:
    if not sectors:
        return _("geen bekende organisatie")
    return " + ".join(str(Sector(sector).label) for sector in sectors)


class ChartKind(models.TextChoices):
    COLUMNS = "columns", "columns"  # vertical bars, series side by side
    BARS = "bars", "bars"  # horizontal bars, series side by side
    STACKED_BARS = "stacked-bars", "stacked-bars"  # horizontal bars, series stacked


@dataclass
class Series:
    label: str
    values: list[int]


@dataclass
class Chart:
    """One chart of the dashboard: what it draws (``categories`` × ``series``) and its data table."""

    slug: str
    title: str
    explanation: str
    kind: str
    headers: list[str]
    rows: list[list]  # the first cell of each row is the row's heading
    categories: list[str]
    series: list[Series]
    category_label: str
    value_label: str

    @property
    def is_empty(self) -> bool:
        return not any(value for series in self.series for value in series.values)


@dataclass
class Headline:
    label: str
    value: object
    unit: str = ""


@dataclass
class LoketFigures:
    received: int
    answered: int
    assigned: int
    median_days: float | None
    # (first day of the month, received, answered), oldest month first.
    months: list[tuple[datetime.date, int, int]]


@dataclass
class ProjectProfiles:
    """Per project: how many organisations, trekkers and which sectors; counted over projects."""

    projects: int
    organisations: Counter = field(default_factory=Counter)  # number of organisations -> projects
    trekkers: Counter = field(default_factory=Counter)  # number of trekker organisations -> projects
    sector_masks: Counter = field(default_factory=Counter)  # bit mask of sectors -> projects

    @property
    def multi_sector_projects(self) -> int:
        return sum(n for mask, n in self.sector_masks.items() if mask.bit_count() >= 2)


@dataclass
class Dashboard:
    agenda: Agenda | None
    headlines: list[Headline]
    agenda_charts: list[Chart]
    loket_charts: list[Chart]
    loket: LoketFigures

    @property
    def charts(self) -> list[Chart]:
        return self.agenda_charts + self.loket_charts

    def chart(self, slug: str) -> Chart | None:
        return next((chart for chart in self.charts if chart.slug == slug), None)


def agenda_first_year(agenda: Agenda) -> int | None:
    """The first year of the agenda's period ("2023-2027" → 2023), None when it names no year."""
    match = re.search(r"\b(\d{4})\b", agenda.period)
    return int(match.group(1)) if match else None


def _participations(agenda: Agenda):
    return (
        Participation.objects.filter(project__agenda=agenda).order_by().annotate(root=root_of_participant())
    )


# --- projects per theme and status ---------------------------------------------------------


def theme_status_chart(agenda: Agenda) -> Chart:
    statuses = Project.Status.choices
    counts = {
        (row["section_id"], row["status"]): row["n"]
        for row in Project.objects.filter(agenda=agenda)
        .order_by()
        .values("section_id", "status")
        .annotate(n=Count("pk"))
    }
    sections = list(agenda.sections.order_by("position", "number"))
    series = [
        Series(str(label), [counts.get((section.pk, value), 0) for section in sections])
        for value, label in statuses
    ]
    rows = [
        [str(section), *[counts.get((section.pk, value), 0) for value, _label in statuses]]
        for section in sections
    ]
    rows = [[*row, sum(row[1:])] for row in rows]
    rows.append([_("Totaal"), *[sum(row[i] for row in rows) for i in range(1, len(statuses) + 2)]])
    return Chart(
        slug="themas-en-status",
        title=_("Projecten per thema en status"),
        explanation=_("Het aantal projecten in elk thema van de agenda, verdeeld naar hun huidige status."),
        kind=ChartKind.STACKED_BARS,
        headers=[_("Thema"), *[str(label) for _value, label in statuses], _("Totaal")],
        rows=rows,
        categories=[str(section) for section in sections],
        series=series,
        category_label=_("Thema"),
        value_label=_("Aantal projecten"),
    )


# --- organisations, trekkers and sectors per project ---------------------------------------


def project_profiles(agenda: Agenda) -> ProjectProfiles:
    """One query, one row per project: its number of organisations and trekkers, and its sectors."""
    root = root_of_participant("participations__")
    # A unit has its organisation's kind; a unit of another kind still counts as its organisation's.
    root_kind = Coalesce("participations__organisation__parent__kind", "participations__organisation__kind")
    sector_bit = Case(
        *[When(root_kind=kind, then=Value(SECTOR_BITS[sector])) for kind, sector in SECTOR_OF_KIND.items()],
        # A project without organisations has no kind to map; NULL is left out of the sum.
        default=None,
        output_field=IntegerField(),
    )
    rows = (
        Project.objects.filter(agenda=agenda)
        .order_by()
        .alias(root_kind=root_kind)
        .values("pk")
        .annotate(
            organisations=Count(root, distinct=True),
            trekkers=Count(root, filter=Q(participations__role=Role.TREKKER), distinct=True),
            # Summing the distinct bits of a project's sectors is the bitwise OR of them.
            sectors=Coalesce(Sum(sector_bit, distinct=True), 0),
        )
        .values_list("organisations", "trekkers", "sectors")
    )
    profiles = ProjectProfiles(projects=0)
    for organisations, trekkers, sectors in rows:
        profiles.projects += 1
        profiles.organisations[organisations] += 1
        profiles.trekkers[trekkers] += 1
        profiles.sector_masks[sectors] += 1
    return profiles


def _distribution(counter: Counter) -> list[tuple[int, int]]:
    """(number, projects) for every number from 0 to the largest seen, gaps included."""
    top = max(counter, default=0)
    return [(number, counter.get(number, 0)) for number in range(top + 1)]


def organisations_per_project_chart(profiles: ProjectProfiles) -> Chart:
    distribution = _distribution(profiles.organisations)
    return Chart(
        slug="organisaties-per-project",
        title=_("Aantal organisaties per project"),
        explanation=_(
            "Hoeveel projecten met één, twee, drie … organisaties werken, trekkers en partners samen. "
            "Onderdelen (faculteiten, labs, lectoraten) tellen bij hun organisatie."
        ),
        kind=ChartKind.COLUMNS,
        headers=[_("Organisaties per project"), _("Projecten")],
        rows=[[str(number), n] for number, n in distribution],
        categories=[str(number) for number, _n in distribution],
        series=[Series(_("Projecten"), [n for _number, n in distribution])],
        category_label=_("Aantal organisaties in het project"),
        value_label=_("Aantal projecten"),
    )


def trekkers_per_project_chart(profiles: ProjectProfiles) -> Chart:
    distribution = _distribution(profiles.trekkers)
    return Chart(
        slug="trekkers-per-project",
        title=_("Aantal trekkers per project"),
        explanation=_(
            "Hoeveel organisaties een project samen trekken. Onderdelen tellen bij hun organisatie; "
            "projecten zonder bekende trekker staan bij 0."
        ),
        kind=ChartKind.COLUMNS,
        headers=[_("Trekkers per project"), _("Projecten")],
        rows=[[str(number), n] for number, n in distribution],
        categories=[str(number) for number, _n in distribution],
        series=[Series(_("Projecten"), [n for _number, n in distribution])],
        category_label=_("Aantal trekkende organisaties"),
        value_label=_("Aantal projecten"),
    )


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def sector_count_chart(profiles: ProjectProfiles) -> Chart:
    per_count = Counter()
    for mask, n in profiles.sector_masks.items():
        per_count[mask.bit_count()] += n
    numbers = range(len(Sector.values) + 1)
    return Chart(
        slug="sectoren-per-project",
        title=_("Projecten naar aantal sectoren"),
        explanation=_(
            "Uit hoeveel verschillende sectoren de organisaties van een project komen: kennisinstellingen "
            "(universiteit, hogeschool, mbo, umc, onderzoeksinstituut), overheid (gemeente en andere "
            "overheden), bedrijfsleven, en maatschappelijke en culturele organisaties (musea, stichtingen, "
            "netwerken, scholen en overige)."
        ),
        kind=ChartKind.COLUMNS,
        headers=[_("Sectoren per project"), _("Projecten"), _("Aandeel (%)")],
        rows=[
            [str(number), per_count[number], _share(per_count[number], profiles.projects)]
            for number in numbers
        ],
        categories=[str(number) for number in numbers],
        series=[Series(_("Projecten"), [per_count[number] for number in numbers])],
        category_label=_("Aantal sectoren in het project"),
        value_label=_("Aantal projecten"),
    )


def sector_combination_chart(profiles: ProjectProfiles) -> Chart:
    combinations = sorted(
        profiles.sector_masks.items(),
        key=lambda item: (-item[1], -item[0].bit_count(), sectors_of_mask(item[0])),
    )
    labels = [sector_combination_label(sectors_of_mask(mask)) for mask, _n in combinations]
    return Chart(
        slug="sectorcombinaties",
        title=_("Welke sectoren samenwerken"),
        explanation=_(
            "De combinaties van sectoren die in projecten samenwerken, met het aantal projecten per combinatie."
        ),
        kind=ChartKind.BARS,
        headers=[_("Combinatie van sectoren"), _("Aantal sectoren"), _("Projecten")],
        rows=[[label, mask.bit_count(), n] for label, (mask, n) in zip(labels, combinations, strict=True)],
        categories=labels,
        series=[Series(_("Projecten"), [n for _mask, n in combinations])],
        category_label=_("Combinatie van sectoren"),
        value_label=_("Aantal projecten"),
    )


# --- per organisation: trekker or partner --------------------------------------------------


def organisation_roles_chart(agenda: Agenda) -> Chart:
    """Per organisation: projects it leads, and projects it joins only as partner."""
    rows = list(
        _participations(agenda)
        .annotate(root_name=Coalesce("organisation__parent__name", "organisation__name"))
        .values("root", "root_name")
        .annotate(
            led=Count("project_id", filter=Q(role=Role.TREKKER), distinct=True),
            projects=Count("project_id", distinct=True),
        )
        .order_by("-projects", "-led", Lower("root_name"))
    )
    table = [[row["root_name"], row["led"], row["projects"] - row["led"], row["projects"]] for row in rows]
    top = table[:TOP_ORGANISATIONS]
    return Chart(
        slug="organisaties",
        title=_("Projecten per organisatie, als trekker of als partner"),
        explanation=_(
            "Per organisatie het aantal projecten dat zij trekt en het aantal waarin zij alleen partner is; "
            "samen alle projecten waarin zij meedoet. De grafiek toont de %(top)s organisaties met de meeste "
            "projecten, de tabel alle organisaties. Onderdelen tellen bij hun organisatie."
        )
        % {"top": TOP_ORGANISATIONS},
        kind=ChartKind.STACKED_BARS,
        headers=[_("Organisatie"), _("Als trekker"), _("Alleen als partner"), _("Projecten")],
        rows=table,
        categories=[row[0] for row in top],
        series=[
            Series(_("Als trekker"), [row[1] for row in top]),
            Series(_("Alleen als partner"), [row[2] for row in top]),
        ],
        category_label=_("Organisatie"),
        value_label=_("Aantal projecten"),
    )


# --- new and stopped projects per year -----------------------------------------------------


def projects_per_year_chart(agenda: Agenda) -> Chart:
    """New projects per year, and projects that were finished or stopped, from the progress history.

    A project is new in the year of its first update that starts it (from idee to verkenning or
    lopend); a project without one counts in the first year of the agenda, when it was taken up.
    """
    starts = Q(
        progress_updates__new_status__in=STARTED_STATUSES,
        progress_updates__old_status__in=(Project.Status.IDEE, ""),
    )
    first_year = agenda_first_year(agenda)
    started, listed = Counter(), Counter()
    for start in (
        Project.objects.filter(agenda=agenda)
        .order_by()
        .values("pk")
        .annotate(started=Min("progress_updates__date", filter=starts))
        .values_list("started", flat=True)
    ):
        if start is not None:
            started[start.year] += 1
        elif first_year is not None:
            listed[first_year] += 1
    stopped = {
        (row["year"], row["new_status"]): row["n"]
        for row in ProgressUpdate.objects.filter(project__agenda=agenda, new_status__in=STOPPED_STATUSES)
        .order_by()
        .annotate(year=ExtractYear("date"))
        .values("year", "new_status")
        .annotate(n=Count("project_id", distinct=True))
    }
    seen = set(started) | set(listed) | {year for year, _status in stopped}
    years = list(range(min(seen), max(seen) + 1)) if seen else []
    rows = []
    for year in years:
        new = started[year] + listed[year]
        done = stopped.get((year, Project.Status.AFGEROND), 0)
        halted = stopped.get((year, Project.Status.GESTOPT), 0)
        rows.append([str(year), new, started[year], listed[year], done, halted])
    return Chart(
        slug="nieuw-en-gestopt-per-jaar",
        title=_("Nieuwe en beëindigde projecten per jaar"),
        explanation=_(
            "Nieuw: het jaar van de eerste voortgangsupdate waarin een project van idee naar verkenning of "
            "lopend gaat; zonder zo'n update telt het project in het eerste jaar van de agenda (opgenomen in "
            "de agenda). Afgerond en gestopt: het jaar van de update die die status zet."
        ),
        kind=ChartKind.COLUMNS,
        headers=[
            _("Jaar"),
            _("Nieuw"),
            _("waarvan gestart volgens de voortgang"),
            _("waarvan opgenomen in de agenda"),
            _("Afgerond"),
            _("Gestopt"),
        ],
        rows=rows,
        categories=[row[0] for row in rows],
        series=[
            Series(_("Nieuw"), [row[1] for row in rows]),
            Series(_("Afgerond"), [row[4] for row in rows]),
            Series(_("Gestopt"), [row[5] for row in rows]),
        ],
        category_label=_("Jaar"),
        value_label=_("Aantal projecten"),
    )


# --- kennisloket ---------------------------------------------------------------------------


def _month_starts(today: datetime.date, count: int) -> list[datetime.date]:
    year, month = today.year, today.month
    months = []
    for _i in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _per_month(field_name: str, since: datetime.datetime) -> dict[tuple[int, int], int]:
    tz = timezone.get_current_timezone()
    rows = (
        Question.objects.filter(**{f"{field_name}__gte": since})
        .order_by()
        .annotate(month=TruncMonth(field_name, tzinfo=tz))
        .values("month")
        .annotate(n=Count("pk"))
    )
    return {(row["month"].year, row["month"].month): row["n"] for row in rows}


def loket_figures(*, today: datetime.date | None = None) -> LoketFigures:
    """All questions the kennisloket received, whatever their agenda or state (anonymised ones too)."""
    today = today or timezone.localdate()
    totals = Question.objects.order_by().aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
    )
    assigned = Question.objects.filter(assignments__isnull=False).order_by().values("pk").distinct().count()
    # Medians are no portable SQL aggregate; the answered questions' two dates are few and small.
    days = [
        (answered_at - created_at).total_seconds() / 86400
        for created_at, answered_at in Question.objects.filter(answered_at__isnull=False)
        .order_by()
        .values_list("created_at", "answered_at")
    ]
    months = _month_starts(today, LOKET_MONTHS)
    since = timezone.make_aware(datetime.datetime.combine(months[0], datetime.time.min))
    received = _per_month("created_at", since)
    answered = _per_month("answered_at", since)
    return LoketFigures(
        received=totals["received"],
        answered=totals["answered"],
        assigned=assigned,
        median_days=round(statistics.median(days), 1) if days else None,
        months=[
            (month, received.get((month.year, month.month), 0), answered.get((month.year, month.month), 0))
            for month in months
        ],
    )


def loket_totals_chart(loket: LoketFigures) -> Chart:
    rows = [
        [_("Ontvangen"), loket.received],
        [_("Beantwoord"), loket.answered],
        [_("Uitgezet als opdracht voor studenten"), loket.assigned],
    ]
    return Chart(
        slug="kennisloket",
        title=_("Vragen aan het kennisloket"),
        explanation=_(
            "Alle vragen die het kennisloket ontving, hoeveel er beantwoord zijn en hoeveel als opdracht "
            "aan studenten zijn uitgezet (Leren met de Stad). Vragen waarvan de persoonsgegevens zijn "
            "verwijderd tellen mee."
        ),
        kind=ChartKind.BARS,
        headers=[_("Vragen"), _("Aantal")],
        rows=rows,
        categories=[row[0] for row in rows],
        series=[Series(_("Vragen"), [row[1] for row in rows])],
        category_label=_("Vragen"),
        value_label=_("Aantal vragen"),
    )


def loket_months_chart(loket: LoketFigures) -> Chart:
    labels = [dateformat.format(month, "M Y") for month, _received, _answered in loket.months]
    return Chart(
        slug="kennisloket-per-maand",
        title=_("Vragen per maand"),
        explanation=_(
            "Ontvangen en beantwoorde vragen per maand, de afgelopen %(months)s maanden. Een vraag telt als "
            "beantwoord in de maand waarin het antwoord is verstuurd."
        )
        % {"months": LOKET_MONTHS},
        kind=ChartKind.COLUMNS,
        headers=[_("Maand"), _("Ontvangen"), _("Beantwoord")],
        rows=[
            [label, received, answered]
            for label, (_month, received, answered) in zip(labels, loket.months, strict=True)
        ],
        categories=labels,
        series=[
            Series(_("Ontvangen"), [received for _month, received, _answered in loket.months]),
            Series(_("Beantwoord"), [answered for _month, _received, answered in loket.months]),
        ],
        category_label=_("Maand"),
        value_label=_("Aantal vragen"),
    )


# --- the whole dashboard -------------------------------------------------------------------


def dashboard(*, agenda: Agenda | None, today: datetime.date | None = None) -> Dashboard:
    """Every chart of "Kennisstad in cijfers" for an agenda; without one, only the kennisloket's."""
    loket = loket_figures(today=today)
    headlines: list[Headline] = []
    agenda_charts: list[Chart] = []
    if agenda is not None:
        profiles = project_profiles(agenda)
        organisations = organisation_roles_chart(agenda)
        agenda_charts = [
            theme_status_chart(agenda),
            organisations_per_project_chart(profiles),
            trekkers_per_project_chart(profiles),
            sector_count_chart(profiles),
            sector_combination_chart(profiles),
            organisations,
            projects_per_year_chart(agenda),
        ]
        headlines = [
            Headline(_("projecten"), profiles.projects),
            Headline(_("betrokken organisaties"), len(organisations.rows)),
            Headline(
                _("van de projecten verbindt twee of meer sectoren"),
                round(_share(profiles.multi_sector_projects, profiles.projects)),
                "%",
            ),
        ]
    headlines += [
        Headline(_("vragen aan het kennisloket"), loket.received),
        Headline(
            _("dagen tot een antwoord (mediaan)"),
            loket.median_days if loket.median_days is not None else "–",
        ),
    ]
    return Dashboard(
        agenda=agenda,
        headlines=headlines,
        agenda_charts=agenda_charts,
        loket_charts=[loket_totals_chart(loket), loket_months_chart(loket)],
        loket=loket,
    )


CHART_SLUGS = frozenset(
    {
        "themas-en-status",
        "organisaties-per-project",
        "trekkers-per-project",
        "sectoren-per-project",
        "sectorcombinaties",
        "organisaties",
        "nieuw-en-gestopt-per-jaar",
        "kennisloket",
        "kennisloket-per-maand",
    }
)
