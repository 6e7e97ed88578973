"""The progress report: its data and figures, the four formats read back, the command and the back-office page."""

import csv
import datetime
import io
import re
from collections import Counter, defaultdict
from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from kennisstad.accounts.models import Role as BackOfficeRole
from kennisstad.accounts.roles import assign_role
from kennisstad.insights.figures import SECTOR_OF_KIND
from kennisstad.insights.management.commands.report import Command
from kennisstad.insights.network import collaboration_network
from kennisstad.insights.selectors import progress_report
from kennisstad.portfolio import services
from kennisstad.portfolio.models import Agenda, Participation, Project, Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_demo")]

PERIOD = "2023-2027"
ALLIANCE = "Leiden Kennisstad"


@pytest.fixture(scope="module")
def report_demo(django_db_setup, django_db_blocker):
    """The Leiden demo, loaded once for this module and rolled back after it.

    Each test runs in a savepoint inside this transaction, so tests that add
    updates or change data still start from the demo as loaded.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def add_update(key: str, days: int, text: str, **fields):
    return services.progress_update_add(
        project=Project.objects.get(key=key), date=days_ago(days), text=text, by=None, **fields
    )


def squeeze(text: str) -> str:
    """Text without any whitespace: cells wrap names over lines at arbitrary places."""
    return "".join(text.split())


def projects_in_document_order():
    return list(
        Project.objects.filter(agenda__period=PERIOD)
        .select_related("section")
        .order_by("section__position", "section__number", "position")
    )


def expected_trekkers(project: Project) -> list[str]:
    """Names the T: line must contain: each trekker's organisation, and a unit's own name."""
    names = []
    for participation in Participation.objects.filter(project=project, role=Role.TREKKER).select_related(
        "organisation__parent"
    ):
        organisation = participation.organisation
        if organisation.parent:
            names.append(organisation.parent.name)
            names.append(organisation.name.removesuffix(f" ({organisation.parent.name})"))
        else:
            names.append(organisation.name)
    return names


def assert_rows_match_the_agenda(rows: list[tuple[str, str, str]]) -> None:
    """rows: (nr, project title, trekkers text) in the order of the report."""
    projects = projects_in_document_order()
    assert [(code, squeeze(title)) for code, title, _ in rows] == [
        (p.code, squeeze(p.title)) for p in projects
    ]
    checked = 0
    for (_code, _title, leads), project in zip(rows, projects, strict=True):
        for name in expected_trekkers(project):
            assert squeeze(name) in squeeze(leads), (project.key, name, leads)
            checked += 1
    assert checked >= Participation.objects.filter(role=Role.TREKKER).count()


def run_report(tmp_path: Path, fmt: str, *args) -> tuple[Path, str]:
    out = tmp_path / f"voortgang.{fmt}"
    stdout = io.StringIO()
    call_command(
        "report", "voortgang", "--agenda", PERIOD, "--format", fmt, "--out", str(out), *args, stdout=stdout
    )
    return out, stdout.getvalue()


def lead_line(cell_text: str) -> str:
    """The T: part of the T:/P: cell (the P: line, and its wrapped lines, cut off)."""
    return re.split(r"(?:^|\n)P: ", cell_text)[0]


# --- the four formats, read back ----------------------------------------------------------


@override_settings(SITE_NAME=ALLIANCE)
def test_it_writes_a_pdf_with_every_project_its_trekkers_the_alliance_and_page_numbers(tmp_path):
    add_update("1a", 10, "Kick-off met alle partners gehouden.")

    out, message = run_report(tmp_path, "pdf")

    assert "58 projecten" in message
    with pdfplumber.open(out) as pdf:
        # Only the margins as text: extracting whole landscape pages of tables is slow.
        tops = [page.crop((0, 0, page.width, 100)).extract_text() for page in pdf.pages]
        bottoms = [
            page.crop((0, page.height - 40, page.width, page.height)).extract_text() for page in pdf.pages
        ]
        tables = [table for page in pdf.pages for table in page.extract_tables()]
    page_count = len(bottoms)
    assert page_count > 5
    for number, text in enumerate(bottoms, start=1):
        assert f"pagina {number} van {page_count}" in text
    assert ALLIANCE in tops[0] and f"Agenda {PERIOD} — Voortgang projecten" in tops[0]
    assert ALLIANCE in tops[1] and f"Agenda {PERIOD} — Voortgang projecten" in tops[1]

    rows: list[list[str]] = []
    for table in tables:
        if table[0][0] != "nr":
            continue
        assert table[0][3] == "T: Trekker\nP: overige (beoogde) Partners"
        for row in table[1:]:
            cells = [cell or "" for cell in row]
            if cells[0]:
                rows.append(cells)
            else:  # a row that runs on from the previous page
                rows[-1] = [f"{before}\n{after}" for before, after in zip(rows[-1], cells, strict=True)]
    assert_rows_match_the_agenda([(r[0].strip(), r[1].replace("\n", " "), lead_line(r[3])) for r in rows])
    assert squeeze("Kick-off met alle partners gehouden.") in squeeze(rows[0][5])
    assert rows[0][4] == "lopend"

    # The annex ends with the network picture, drawn as vectors, its caption and the verbinders.
    with pdfplumber.open(out) as pdf:
        last = pdf.pages[-1]
        text = last.extract_text()
        curves, lines = len(last.curves), len(last.lines)
    network = collaboration_network(agenda=Agenda.objects.get(period=PERIOD))
    assert "Samenwerkingsnetwerk" in text
    assert squeeze(f"Figuur: samenwerkingsnetwerk van Agenda {PERIOD}") in squeeze(text)
    assert squeeze("Verbinders houden het netwerk bij elkaar: Gemeente Leiden") in squeeze(text)
    assert curves >= len(network.nodes)  # a circle per organisation
    assert lines >= len(network.edges)  # a line per link


@override_settings(SITE_NAME=ALLIANCE)
def test_it_writes_a_docx_with_a_table_per_group_a_repeated_header_and_page_fields(tmp_path):
    out, _ = run_report(tmp_path, "docx")

    document = docx.Document(out)
    section = document.sections[0]
    assert section.page_width > section.page_height  # landscape
    assert ALLIANCE in section.header.paragraphs[0].text
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml and "pagina" in footer_xml
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:1] == ["1. Gezondheid & Welzijn"]
    assert {"Vlaggenschepen", "Kennisinfrastructuur", "Bijlage: cijfers"} <= set(headings)

    rows = []
    project_tables = [t for t in document.tables if t.rows[0].cells[0].text == "nr"]
    assert len(project_tables) == 5  # three themes, and two groups in the fourth
    for table in project_tables:
        header = table.rows[0]
        assert header._tr.trPr.xpath("./w:tblHeader")  # repeated on every page
        assert header.cells[3].text == "T: Trekker\nP: overige (beoogde) Partners"
        for row in table.rows[1:]:
            cells = [cell.text for cell in row.cells]
            rows.append((cells[0], cells[1], lead_line(cells[3])))
    assert_rows_match_the_agenda(rows)

    # The annex's network picture: a PNG with a text alternative, a caption and the verbinders.
    assert "Samenwerkingsnetwerk" in headings
    assert len(document.inline_shapes) == 1
    shape = document.inline_shapes[0]
    assert "Verbinders: Gemeente Leiden" in shape._inline.docPr.get("descr")
    image = document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed]
    assert image.content_type == "image/png"
    assert Image.open(io.BytesIO(image.blob)).size == (1500, 1000)
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions and captions[0].startswith(f"Figuur: samenwerkingsnetwerk van Agenda {PERIOD}")
    assert document.paragraphs[-1].text.startswith(
        "Verbinders houden het netwerk bij elkaar: Gemeente Leiden"
    )


def test_it_writes_an_xlsx_with_a_projects_sheet_a_figures_sheet_and_the_network(tmp_path):
    add_update("2b", 3, "Eerste oogst gemeten.")

    out, _ = run_report(tmp_path, "xlsx")

    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Projecten", "Cijfers", "Netwerk"]
    sheet = book["Projecten"]
    assert sheet.freeze_panes == "A2"
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert list(header) == [
        "thema",
        "groep",
        "nr",
        "project",
        "beschrijving doel",
        "trekkers",
        "partners",
        "status",
        "laatste voortgang datum",
        "laatste voortgang",
    ]
    assert_rows_match_the_agenda([(row[2], row[3], row[5]) for row in rows])
    by_code = {(row[0], row[1], row[2]): row for row in rows}
    updated = by_code[("2. Biodiversiteit & Duurzaamheid", None, "2b")]
    assert updated[8].date() == days_ago(3) and updated[9] == "Eerste oogst gemeten."
    assert ("4. Kennisstad breed", "Vlaggenschepen", "1") in by_code
    assert ("4. Kennisstad breed", "Kennisinfrastructuur", "1") in by_code
    figures = [row for row in book["Cijfers"].iter_rows(values_only=True) if row and row[0]]
    assert ("Projecten", 58) in [tuple(row[:2]) for row in figures]

    network = book["Netwerk"]
    assert len(network._images) == 1
    assert Image.open(io.BytesIO(network._images[0]._data())).format == "PNG"
    assert network["A2"].value.startswith(f"Figuur: samenwerkingsnetwerk van Agenda {PERIOD}")
    verbinders = collaboration_network(agenda=Agenda.objects.get(period=PERIOD)).verbinders
    listed = [row[0] for row in network.iter_rows(min_row=6, max_col=1, values_only=True) if row[0]]
    assert listed == [node.name for node in verbinders]


def test_it_writes_a_csv_that_excel_reads_as_utf8(tmp_path):
    out, _ = run_report(tmp_path, "csv")

    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[:4] == ["thema", "groep", "nr", "project"] and len(header) == 10
    assert_rows_match_the_agenda([(row[2], row[3], row[5]) for row in rows])
    assert any("coöperatie" in row[6] for row in rows)  # "Burgercoöperatie Land van Ons", intact


# --- the data ------------------------------------------------------------------------------


def test_it_shows_the_newest_update_and_the_status_it_set():
    add_update("1b", 40, "Welzijnsweek voorbereid.")
    add_update("1b", 5, "Welzijnsweek gehouden; 400 deelnemers.", new_status=Project.Status.AFGEROND)
    add_update("1c", 5, "Ouder bericht van dezelfde dag.")
    add_update("1c", 5, "Nieuwer bericht van dezelfde dag.")

    report = progress_report(agenda=Agenda.objects.get(period=PERIOD))

    projects = {p.key: p for p in report.projects}
    assert projects["1b"].latest_date == days_ago(5)
    assert projects["1b"].latest_text == "Welzijnsweek gehouden; 400 deelnemers."
    assert projects["1b"].status_label == "afgerond"
    assert projects["1c"].latest_text == "Nieuwer bericht van dezelfde dag."
    assert projects["1d"].latest_date is None and projects["1d"].latest_text == ""


def test_it_shows_units_with_their_organisation_and_keeps_what_is_no_organisation():
    report = progress_report(agenda=Agenda.objects.get(period=PERIOD))
    projects = {p.key: p for p in report.projects}

    # "T: UL/FSW": the faculty under its university.
    assert projects["1i"].leads == ["Universiteit Leiden (Faculteit der Sociale Wetenschappen)"]
    assert (
        projects["1i"].participant_lines[0] == "T: Universiteit Leiden (Faculteit der Sociale Wetenschappen)"
    )
    assert projects["1i"].participant_lines[1].startswith("P: ")
    # "P: ..., e.a." keeps the words that name no organisation.
    assert projects["1h"].partners[-1] == "e.a."
    # "T: werkgroep studentenhuisvesting o.l.v. UL"
    assert "werkgroep studentenhuisvesting" in projects["4K6"].leads


def test_it_falls_back_to_the_cell_as_written_when_nothing_was_resolved():
    project = Project.objects.get(key="1o")
    project.participations.filter(role=Role.PARTNER).delete()
    project.unresolved_mentions.filter(role=Role.PARTNER).delete()
    assert project.partners_raw.strip() == "GL"

    report = progress_report(agenda=Agenda.objects.get(period=PERIOD))

    assert next(p for p in report.projects if p.key == "1o").partners == ["GL"]


def test_it_puts_every_project_once_under_its_section_and_group():
    report = progress_report(agenda=Agenda.objects.get(period=PERIOD))

    assert [s.label for s in report.sections] == [
        "1. Gezondheid & Welzijn",
        "2. Biodiversiteit & Duurzaamheid",
        "3. Cultureel erfgoed",
        "4. Kennisstad breed",
    ]
    assert [g.title for g in report.sections[3].groups] == ["Vlaggenschepen", "Kennisinfrastructuur"]
    assert [p.key for p in report.projects] == [p.key for p in projects_in_document_order()]


def test_the_figures_equal_direct_counts():
    add_update("1a", 2, "Gestart.", new_status=Project.Status.VERKENNING)
    add_update("2c", 2, "Afgerond.", new_status=Project.Status.AFGEROND)
    add_update("2c", 1, "Nagekomen verslag.")
    agenda = Agenda.objects.get(period=PERIOD)

    figures = progress_report(agenda=agenda).figures

    projects = list(Project.objects.filter(agenda=agenda).select_related("section"))
    participations = list(
        Participation.objects.filter(project__agenda=agenda).select_related("organisation__parent")
    )
    assert figures.projects == len(projects) == 58

    per_section = Counter((p.section.number, p.status) for p in projects)
    statuses = [value for value, _label in Project.Status.choices]
    for row, section in zip(figures.status_rows, agenda.sections.order_by("position"), strict=True):
        assert row.label == f"{section.number}. {section.title}"
        assert row.counts == [per_section[(section.number, status)] for status in statuses]
    assert figures.status_totals.counts == [sum(p.status == s for p in projects) for s in statuses]
    assert figures.status_totals.counts[statuses.index("afgerond")] == 1
    assert figures.status_totals.total == 58

    assert figures.organisations == len({p.organisation.root().pk for p in participations})

    led = defaultdict(set)
    for p in participations:
        if p.role == Role.TREKKER:
            led[p.organisation.root().name].add(p.project_id)
    lead_counts = {name: len(ids) for name, ids in led.items()}
    assert [(e.name, e.projects) for e in figures.top_leads] == sorted(
        ((name, n) for name, n in lead_counts.items() if n >= 2), key=lambda item: (-item[1], item[0].lower())
    )[:10]
    assert figures.top_leads[0].name == "Gemeente Leiden"
    assert figures.other_lead_organisations == len(lead_counts) - len(figures.top_leads)

    sectors = defaultdict(set)
    for p in participations:
        sectors[p.project_id].add(SECTOR_OF_KIND[p.organisation.root().kind])
    assert figures.multi_sector_projects == sum(len(s) >= 2 for s in sectors.values())
    assert 0 < figures.multi_sector_projects < 58

    assert figures.projects_with_update == 2


def test_the_report_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    agenda = Agenda.objects.get(period=PERIOD)
    for key in ("1a", "2a", "3a", "4V1"):
        add_update(key, 1, "Bijgewerkt.")

    with django_assert_max_num_queries(11):
        report = progress_report(agenda=agenda)
        assert len(report.projects) == 58


# --- the command ---------------------------------------------------------------------------


def test_it_names_the_known_agendas_when_the_agenda_is_unknown(tmp_path):
    with pytest.raises(CommandError, match=r"agenda '1999-2003' bestaat niet; wel: 2023-2027"):
        call_command(
            "report",
            "voortgang",
            "--agenda",
            "1999-2003",
            "--format",
            "csv",
            "--out",
            str(tmp_path / "x.csv"),
        )
    assert not (tmp_path / "x.csv").exists()


def test_it_refuses_a_path_it_cannot_write_before_doing_the_work(tmp_path):
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("report", "voortgang", "--out", str(tmp_path / "geen-map" / "voortgang.pdf"))
    with pytest.raises(CommandError, match="is een map"):
        call_command("report", "voortgang", "--format", "pdf", "--out", str(tmp_path))


def test_it_takes_the_format_from_the_file_name_and_the_current_agenda_by_default(tmp_path):
    out = tmp_path / "overzicht.CSV"
    stdout = io.StringIO()

    call_command("report", "voortgang", "--out", str(out), stdout=stdout)

    assert f"agenda {PERIOD}" in stdout.getvalue()
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with pytest.raises(CommandError, match="geef --format"):
        call_command("report", "voortgang", "--out", str(tmp_path / "voortgang.txt"))


def test_it_says_so_when_there_is_no_agenda_yet(tmp_path):
    Project.objects.all().delete()
    Agenda.objects.all().delete()

    with pytest.raises(CommandError, match="nog geen agenda"):
        call_command("report", "voortgang", "--out", str(tmp_path / "voortgang.csv"))


def test_its_help_is_dutch():
    text = Command().create_parser("kennisstad", "report").format_help()

    assert "periode van de agenda" in text and "bestandsformaat" in text
    assert "{pdf,docx,xlsx,csv}" in text and "{voortgang}" in text


# --- the back office -----------------------------------------------------------------------

URL = reverse("insights:reports")


@pytest.fixture
def viewer(db):
    """A member of the steering group: the reports are what it reads."""
    user = get_user_model().objects.create_user(
        "stuurgroep", "s@example.org", "geheim-wachtwoord-1", is_staff=True
    )
    assign_role(user, BackOfficeRole.STUURGROEP)
    return user


def test_it_sends_anonymous_visitors_to_the_login(client):
    response = client.get(URL, {"agenda": PERIOD, "formaat": "csv"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login")) and "next=" in response["Location"]


def test_it_forbids_staff_without_the_permission_to_see_projects(client):
    user = get_user_model().objects.create_user("gast", "g@example.org", "geheim-wachtwoord-1", is_staff=True)
    client.force_login(user)

    assert client.get(URL).status_code == 403
    assert client.get(URL, {"agenda": PERIOD, "formaat": "csv"}).status_code == 403


def test_it_shows_the_form_with_the_current_agenda_chosen(client, viewer):
    client.force_login(viewer)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["form"]["agenda"].value() == PERIOD
    assert '<label for="id_agenda">Agenda</label>' in response.text
    assert 'name="formaat" value="pdf"' in response.text


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("csv", "text/csv; charset=utf-8"),
    ],
)
def test_it_downloads_the_report_as_an_attachment(client, viewer, fmt, content_type):
    client.force_login(viewer)

    response = client.get(URL, {"agenda": PERIOD, "formaat": fmt})

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="voortgang-{PERIOD}.{fmt}"'
    assert len(response.content) > 1000


def test_a_superuser_downloads_the_pdf(client, kennismakelaar):
    client.force_login(kennismakelaar)

    response = client.get(URL, {"agenda": PERIOD, "formaat": "pdf"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert settings.SITE_NAME in pdfplumber.open(io.BytesIO(response.content)).pages[0].extract_text()


def test_it_shows_an_error_for_an_unknown_agenda_or_format(client, viewer):
    client.force_login(viewer)

    response = client.get(URL, {"agenda": "1999-2003", "formaat": "odt"})

    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert set(response.context["form"].errors) == {"agenda", "formaat"}
    assert 'role="alert"' in response.text


def test_the_back_office_index_links_to_the_reports(client, viewer):
    client.force_login(viewer)

    assert URL in client.get(reverse("admin:index")).text
