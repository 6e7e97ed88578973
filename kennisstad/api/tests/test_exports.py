"""The agenda exports parse back to what the database holds; project pages carry schema.org data."""

import csv
import io
import json

import openpyxl
import pytest
from bs4 import BeautifulSoup

from kennisstad.portfolio.models import Participation, Project, Role

from .conftest import PERIOD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_demo")]


def _names(project, role):
    return [
        p.organisation.name
        for p in Participation.objects.filter(project=project, role=role)
        .select_related("organisation")
        .order_by("position", "pk")
    ]


def _expected_rows():
    projects = Project.objects.filter(agenda__period=PERIOD).order_by("section__position", "position", "pk")
    return {
        project.key: [
            project.code,
            project.title,
            project.status,
            _names(project, Role.TREKKER),
            _names(project, Role.PARTNER),
        ]
        for project in projects
    }


def test_the_csv_export_has_a_bom_and_one_row_per_project(client):
    response = client.get(f"/api/v1/agendas/{PERIOD}/export.csv")

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[:3] == ["thema", "code", "sleutel"]
    got = {
        row[2]: [
            row[1],
            row[3],
            row[4],
            row[5].split("; ") if row[5] else [],
            row[6].split("; ") if row[6] else [],
        ]
        for row in rows
    }
    assert got == _expected_rows()


def test_the_xlsx_export_matches_the_database(client):
    response = client.get(f"/api/v1/agendas/{PERIOD}/export.xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[2] == "sleutel"
    got = {
        row[2]: [
            row[1],
            row[3],
            row[4],
            row[5].split("; ") if row[5] else [],
            row[6].split("; ") if row[6] else [],
        ]
        for row in rows
    }
    assert got == _expected_rows()


def test_the_json_export_nests_projects_in_their_themes(client):
    data = json.loads(client.get(f"/api/v1/agendas/{PERIOD}/export.json").content)

    assert data["agenda"]["period"] == PERIOD
    keys = [project["key"] for section in data["sections"] for project in section["projects"]]
    assert sorted(keys) == sorted(_expected_rows())
    for section in data["sections"]:
        assert all(project["section"] == section["slug"] for project in section["projects"])


def test_a_title_that_looks_like_a_formula_stays_text_in_every_export(client):
    Project.objects.filter(agenda__period=PERIOD, key="1a").update(title='=HYPERLINK("http://x","klik")')

    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/api/v1/agendas/{PERIOD}/export.csv").content.decode("utf-8-sig"))
        )
    )
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/api/v1/agendas/{PERIOD}/export.xlsx").content)
    ).active
    cell = next(row[3] for row in sheet.iter_rows(min_row=2) if row[2].value == "1a")

    assert next(row[3] for row in rows if row[2] == "1a") == '\'=HYPERLINK("http://x","klik")'
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x","klik")'


def test_an_unknown_agenda_has_no_export(client):
    assert client.get("/api/v1/agendas/1900-1901/export.csv").status_code == 404


def test_the_project_page_carries_schema_org_data_naming_the_trekkers(client):
    project = Project.objects.get(agenda__period=PERIOD, key="1a")

    response = client.get(project.get_absolute_url())

    blocks = BeautifulSoup(response.content, "html.parser").find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    data = json.loads(blocks[0].string)
    assert data["@type"] == "ResearchProject"
    assert data["name"] == project.title
    assert data["identifier"] == f"{PERIOD}/1a"
    assert [org["name"] for org in data["sponsor"]] == _names(project, Role.TREKKER)
    assert {org["name"] for org in data["member"]} == set(
        _names(project, Role.TREKKER) + _names(project, Role.PARTNER)
    )
    assert data["isPartOf"]["name"] == project.agenda.title


def test_the_schema_org_data_cannot_close_its_script_block(client):
    Project.objects.filter(agenda__period=PERIOD, key="1a").update(title="</script><script>alert(1)</script>")
    project = Project.objects.get(agenda__period=PERIOD, key="1a")

    text = client.get(project.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in text
    block = BeautifulSoup(text, "html.parser").find("script", type="application/ld+json")
    assert json.loads(block.string)["name"] == "</script><script>alert(1)</script>"


def test_the_project_page_with_schema_org_data_passes_the_inline_scan(client):
    from kennisstad.tests.test_security import INLINE

    text = client.get(
        Project.objects.get(agenda__period=PERIOD, key="1a").get_absolute_url()
    ).content.decode()

    assert INLINE.findall(text) == []


def test_the_home_page_links_the_exports(client):
    text = client.get("/").content.decode()

    for extension in ("csv", "xlsx", "json"):
        assert f"/api/v1/agendas/{PERIOD}/export.{extension}" in text
