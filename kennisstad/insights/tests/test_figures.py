"""Kennisstad in cijfers: every figure against counts taken straight from the rows, the charts, the page
and the CSV downloads."""

import csv
import datetime
import io
import re
import statistics
from collections import Counter, defaultdict
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import escape

from kennisstad.insights import figures
from kennisstad.insights.charts import STYLES, render_chart
from kennisstad.insights.figures import SECTOR_OF_KIND, Sector, dashboard
from kennisstad.loket.models import Question
from kennisstad.loket.tests.factories import AssignmentFactory, QuestionFactory
from kennisstad.organisations.models import Organisation
from kennisstad.portfolio import services
from kennisstad.portfolio.models import Agenda, Participation, ProgressUpdate, Project, Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("figures_demo")]

PERIOD = "2023-2027"
URL = reverse("insights:figures")


@pytest.fixture(scope="module")
def figures_demo(django_db_setup, django_db_blocker):
    """The Leiden demo, loaded once for this module; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def agenda() -> Agenda:
    return Agenda.objects.get(period=PERIOD)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def update(project: Project, days: int, new_status: str = "") -> None:
    services.progress_update_add(
        project=project, date=days_ago(days), text="Voortgang.", new_status=new_status, by=None
    )


def projects_of(agenda: Agenda) -> list[Project]:
    return list(Project.objects.filter(agenda=agenda).select_related("section").order_by("pk"))


def roots_per_project(agenda: Agenda, role: str | None = None) -> dict[int, set[Organisation]]:
    """Per project id, the organisations (a unit's parent for a unit) taking part, from the rows."""
    roots = defaultdict(set)
    for participation in Participation.objects.filter(project__agenda=agenda).select_related(
        "organisation__parent"
    ):
        if role is None or participation.role == role:
            roots[participation.project_id].add(participation.organisation.root())
    return roots


def table(chart) -> dict[str, list]:
    return {row[0]: row[1:] for row in chart.rows}


def give_history(agenda: Agenda) -> dict[str, Project]:
    """Status changes on a few Leiden projects: started, finished, stopped, stopped twice."""
    projects = {p.key: p for p in projects_of(agenda)}
    a, b, c, d, e = (projects[key] for key in ("1a", "1b", "2a", "3a", "4V1"))
    update(a, 800, "idee")
    update(a, 420, "lopend")
    update(b, 790, "idee")
    update(b, 500, "verkenning")
    update(b, 100, "lopend")  # already started: not new a second time
    update(c, 60, "afgerond")
    update(d, 50, "gestopt")
    update(e, 40, "gestopt")
    update(e, 39, "lopend")
    update(e, 38, "gestopt")  # stopped twice in one year: one stopped project
    update(projects["1c"], 30)  # an update without a status change
    return projects


# --- the figures against the rows ----------------------------------------------------------


def test_it_counts_projects_per_theme_and_status(agenda):
    give_history(agenda)
    projects = projects_of(agenda)
    chart = dashboard(agenda=agenda).chart("themas-en-status")

    statuses = [value for value, _label in Project.Status.choices]
    counted = Counter((str(p.section), p.status) for p in projects)
    assert chart.headers[1:-1] == [str(label) for _value, label in Project.Status.choices]
    for section in agenda.sections.all():
        assert table(chart)[str(section)] == [
            *[counted[(str(section), status)] for status in statuses],
            sum(p.section_id == section.pk for p in projects),
        ]
    assert table(chart)["Totaal"] == [
        *[sum(p.status == s for p in projects) for s in statuses],
        len(projects),
    ]
    assert table(chart)["Totaal"][statuses.index("gestopt")] == 2
    # The drawing stacks the same numbers: one series per status, one bar per theme.
    assert [s.label for s in chart.series] == chart.headers[1:-1]
    assert [sum(s.values[i] for s in chart.series) for i in range(len(chart.categories))] == [
        row[-1] for row in chart.rows[:-1]
    ]


def test_it_counts_organisations_and_trekkers_per_project(agenda):
    page = dashboard(agenda=agenda)
    projects = projects_of(agenda)
    everyone = roots_per_project(agenda)
    leads = roots_per_project(agenda, Role.TREKKER)

    per_project = Counter(len(everyone[p.pk]) for p in projects)
    chart = page.chart("organisaties-per-project")
    assert {int(number): n for number, n in chart.rows} == {
        n: per_project[n] for n in range(max(per_project) + 1)
    }
    assert sum(n for _number, n in chart.rows) == len(projects) == 58

    per_project = Counter(len(leads[p.pk]) for p in projects)
    chart = page.chart("trekkers-per-project")
    assert {int(number): n for number, n in chart.rows} == {
        n: per_project[n] for n in range(max(per_project) + 1)
    }
    assert chart.series[0].values == [n for _number, n in chart.rows]


def expected_sectors(agenda: Agenda) -> dict[int, frozenset[str]]:
    everyone = roots_per_project(agenda)
    return {p.pk: frozenset(SECTOR_OF_KIND[o.kind] for o in everyone[p.pk]) for p in projects_of(agenda)}


def test_every_kind_of_organisation_has_a_sector():
    assert set(SECTOR_OF_KIND) == set(Organisation.Kind.values)
    assert set(SECTOR_OF_KIND.values()) == set(Sector.values)


def test_it_counts_projects_per_number_and_combination_of_sectors(agenda):
    page = dashboard(agenda=agenda)
    sectors = expected_sectors(agenda)

    per_count = Counter(len(s) for s in sectors.values())
    assert table(page.chart("sectoren-per-project")) == {
        str(n): [per_count[n], round(100 * per_count[n] / 58, 1)] for n in range(5)
    }
    order = list(Sector.values)
    combinations = Counter(
        " + ".join(str(Sector(s).label) for s in sorted(found, key=order.index)) or "geen bekende organisatie"
        for found in sectors.values()
    )
    chart = page.chart("sectorcombinaties")
    assert {label: n for label, _count, n in chart.rows} == dict(combinations)
    assert [n for _label, _count, n in chart.rows] == sorted(combinations.values(), reverse=True)
    # The Leiden agenda is mostly knowledge institutions with the municipality and civil society.
    assert chart.rows[0][0] == "kennisinstelling + overheid + maatschappelijk & cultuur"

    multi = sum(len(s) >= 2 for s in sectors.values())
    assert 0 < multi < 58
    headline = next(h for h in page.headlines if "sectoren" in h.label)
    assert (headline.value, headline.unit) == (round(100 * multi / 58), "%")


def test_a_unit_of_another_kind_counts_in_its_organisations_sector(agenda):
    project = Project.objects.get(agenda=agenda, key="1a")
    before = expected_sectors(agenda)[project.pk]
    leiden = Organisation.objects.get(name="Universiteit Leiden")
    lab = Organisation.objects.create(
        name="Proeftuin Lab", slug="proeftuin-lab", kind="bedrijf", parent=leiden
    )
    Participation.objects.create(project=project, organisation=lab, role=Role.PARTNER, position=99)

    assert Sector.KENNISINSTELLING in before and Sector.BEDRIJFSLEVEN not in before
    assert figures.project_profiles(agenda).sector_masks == Counter(
        sum(figures.SECTOR_BITS[s] for s in found) for found in expected_sectors(agenda).values()
    )
    assert expected_sectors(agenda)[project.pk] == before


def test_it_counts_each_organisations_projects_as_trekker_and_only_as_partner(agenda):
    chart = dashboard(agenda=agenda).chart("organisaties")

    led, joined = defaultdict(set), defaultdict(set)
    for participation in Participation.objects.filter(project__agenda=agenda).select_related(
        "organisation__parent"
    ):
        name = participation.organisation.root().name
        joined[name].add(participation.project_id)
        if participation.role == Role.TREKKER:
            led[name].add(participation.project_id)
    expected = {name: [len(led[name]), len(ids - led[name]), len(ids)] for name, ids in joined.items()}
    assert table(chart) == expected
    assert [row[0] for row in chart.rows] == sorted(
        expected, key=lambda name: (-expected[name][2], -expected[name][0], name.lower())
    )
    assert chart.rows[0][0] == "Gemeente Leiden"
    # The drawing shows the first fifteen; the table all of them.
    assert len(chart.rows) > figures.TOP_ORGANISATIONS == len(chart.categories)
    assert chart.series[0].values == [row[1] for row in chart.rows[:15]]
    assert chart.series[1].values == [row[2] for row in chart.rows[:15]]
    headline = next(h for h in dashboard(agenda=agenda).headlines if h.label == "betrokken organisaties")
    assert headline.value == len(expected)


def test_it_counts_new_and_stopped_projects_per_year_from_the_progress_history(agenda):
    give_history(agenda)

    started, listed, finished, stopped = Counter(), Counter(), defaultdict(set), defaultdict(set)
    for project in projects_of(agenda):
        history = sorted(ProgressUpdate.objects.filter(project=project), key=lambda u: (u.date, u.created_at))
        starts = [
            u for u in history if u.old_status in ("idee", "") and u.new_status in ("verkenning", "lopend")
        ]
        if starts:
            started[starts[0].date.year] += 1
        else:
            listed[2023] += 1
        for u in history:
            if u.new_status == "afgerond":
                finished[u.date.year].add(project.pk)
            if u.new_status == "gestopt":
                stopped[u.date.year].add(project.pk)
    years = set(started) | set(listed) | set(finished) | set(stopped)
    expected = [
        [str(y), started[y] + listed[y], started[y], listed[y], len(finished[y]), len(stopped[y])]
        for y in range(min(years), max(years) + 1)
    ]

    chart = dashboard(agenda=agenda).chart("nieuw-en-gestopt-per-jaar")
    assert chart.rows == expected
    assert sum(row[1] for row in chart.rows) == 58  # every project is new once
    assert sum(row[2] for row in chart.rows) == 2  # 1a and 1b were started from idee
    assert sum(row[4] for row in chart.rows) == 1 and sum(row[5] for row in chart.rows) == 2
    assert [s.label for s in chart.series] == ["Nieuw", "Afgerond", "Gestopt"]


def test_it_counts_the_kennisloket_questions_answers_assignments_and_the_median_days():
    now = timezone.now()
    answered_after = [2, 4, 10]
    for days in answered_after:
        question = QuestionFactory(created_at=now - datetime.timedelta(days=40))
        Question.objects.filter(pk=question.pk).update(
            answered_at=question.created_at + datetime.timedelta(days)
        )
    with_assignment = QuestionFactory(created_at=now - datetime.timedelta(days=70))
    AssignmentFactory(question=with_assignment)
    AssignmentFactory(question=with_assignment)  # two assignments: one question
    AssignmentFactory(question=None)  # an assignment without a question
    QuestionFactory(created_at=now - datetime.timedelta(days=500))  # too old for the months
    QuestionFactory(
        asker_name="", asker_email="", anonymised_at=now, created_at=now - datetime.timedelta(days=3)
    )

    page = dashboard(agenda=Agenda.objects.get(period=PERIOD))

    rows = list(Question.objects.all())
    assert table(page.chart("kennisloket")) == {
        "Ontvangen": [len(rows)],
        "Beantwoord": [sum(q.answered_at is not None for q in rows)],
        "Uitgezet als opdracht voor studenten": [1],
    }
    assert len(rows) == 6
    assert page.loket.median_days == 4.0 == statistics.median(answered_after)

    received, answered = Counter(), Counter()
    for q in rows:
        received[timezone.localtime(q.created_at).strftime("%Y-%m")] += 1
        if q.answered_at:
            answered[timezone.localtime(q.answered_at).strftime("%Y-%m")] += 1
    chart = page.chart("kennisloket-per-maand")
    months = [month for month, _r, _a in page.loket.months]
    assert len(chart.rows) == 12 and months[-1] == timezone.localdate().replace(day=1)
    assert chart.rows == [
        [dateformat.format(m, "M Y"), received[m.strftime("%Y-%m")], answered[m.strftime("%Y-%m")]]
        for m in months
    ]
    assert sum(row[1] for row in chart.rows) == 5  # all but the one from 500 days ago


def test_it_reads_a_fixed_number_of_queries(agenda, django_assert_max_num_queries):
    give_history(agenda)
    with django_assert_max_num_queries(11):
        page = dashboard(agenda=agenda)
    assert {chart.slug for chart in page.charts} == figures.CHART_SLUGS


# --- the charts ----------------------------------------------------------------------------


def contrast(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_chart_colours_stand_out_from_white_and_differ_by_pattern():
    assert all(contrast(style.colour) >= 3 for style in STYLES)
    assert len({style.pattern for style in STYLES}) == len(STYLES)


def test_every_chart_is_a_named_image_with_its_values_as_text(agenda):
    give_history(agenda)
    for chart in dashboard(agenda=agenda).charts:
        svg = str(render_chart(chart))
        uid = f"grafiek-{chart.slug}"
        assert f'role="img" aria-labelledby="{uid}-title {uid}-desc"' in svg
        assert f'<title id="{uid}-title">' in svg and f'<desc id="{uid}-desc">' in svg
        texts = [re.sub(r"<[^>]+>", "", text) for text in re.findall(r"<text [^>]*>(.*?)</text>", svg)]
        numbers = Counter(n for text in texts for n in re.findall(r"\d+", text))
        for index in range(len(chart.categories)):
            values = [series.values[index] for series in chart.series]
            # Every bar's number is written out; a stack also shows its total.
            for value in values:
                assert numbers[str(value)] or (value == 0 and chart.kind == "stacked-bars"), (
                    chart.slug,
                    value,
                )
            if chart.kind == "stacked-bars":
                assert str(sum(values)) in numbers
        if len(chart.series) > 1:
            # Each series has its own pattern next to its colour, and the legend names it.
            assert svg.count("<pattern ") == len(chart.series) - 1
            for series in chart.series:
                assert series.label in texts


# --- the page and the downloads ------------------------------------------------------------


class Outline(HTMLParser):
    """Headings in order, section ids, table captions and the CSV links of a page."""

    def __init__(self):
        super().__init__()
        self.headings, self.ids, self.links, self.captions, self.all_ids = [], [], [], [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.all_ids.append(attrs["id"])
        if tag in ("h1", "h2", "h3", "h4", "caption"):
            self._in = tag
        if tag == "section" and attrs.get("id", "").startswith("cijfers-"):
            self.ids.append(attrs["id"])
        if tag == "a" and ".csv" in attrs.get("href", ""):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "caption":
            self.captions.append(data.strip())
        elif self._in:
            self.headings.append(int(self._in[1]))


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def test_the_page_shows_every_chart_with_its_table_and_download(client, agenda):
    give_history(agenda)
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    page = dashboard(agenda=agenda)
    found = outline(html)
    assert found.ids == [f"cijfers-{chart.slug}" for chart in page.charts]
    assert len(found.all_ids) == len(set(found.all_ids))
    assert found.captions == [chart.title for chart in page.charts]
    assert found.links == [
        f"{reverse('insights:figures_csv', args=[chart.slug])}?agenda={PERIOD}" for chart in page.charts
    ]
    levels = found.headings
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert html.count('role="img"') == len(page.charts)
    assert html.count("<summary>Toon de tabel") == len(page.charts)
    for chart in page.charts:
        for row in chart.rows:
            assert f'<th scope="row">{escape(row[0])}</th>' in html
    assert "Gemeente Leiden" in html and "58" in html


def test_each_csv_is_the_table_of_its_chart(client, agenda):
    give_history(agenda)
    page = dashboard(agenda=agenda)
    for chart in page.charts:
        response = client.get(reverse("insights:figures_csv", args=[chart.slug]), {"agenda": PERIOD})

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="kennisstad-cijfers-{chart.slug}-{PERIOD}.csv"'
        )
        assert response.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows == [chart.headers, *[[str(cell) for cell in row] for row in chart.rows]]


def test_it_shows_another_agenda_and_explains_an_unknown_one(client, agenda):
    Agenda.objects.create(title="Agenda 2019-2022", period="2019-2022", slug="agenda-2019-2022")

    response = client.get(URL, {"agenda": "2019-2022"})
    assert response.status_code == 200
    assert response.context["page"].agenda.period == "2019-2022"
    assert response.context["page"].headlines[0].value == 0

    response = client.get(URL, {"agenda": "1850-<b>"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "Er is geen agenda met de periode “1850-&lt;b&gt;”" in html
    assert '<option value="2023-2027">' in html and "cijfers-themas-en-status" not in html

    assert (
        client.get(reverse("insights:figures_csv", args=["organisaties"]), {"agenda": "1850"}).status_code
        == 404
    )
    assert client.get(reverse("insights:figures_csv", args=["bestaat-niet"])).status_code == 404


def test_an_empty_database_shows_the_kennisloket_without_error(client):
    Project.objects.all().delete()
    Agenda.objects.all().delete()
    Organisation.objects.filter(parent__isnull=False).delete()
    Organisation.objects.all().delete()

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Er is nog geen agenda ingelezen" in html
    assert outline(html).ids == ["cijfers-kennisloket", "cijfers-kennisloket-per-maand"]
    assert client.get(reverse("insights:figures_csv", args=["kennisloket"])).status_code == 200
    assert client.get(reverse("insights:figures_csv", args=["organisaties"])).status_code == 404
