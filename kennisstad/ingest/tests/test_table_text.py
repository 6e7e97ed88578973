"""The tab-separated table text of the Agenda 2023-2027 against the hand-checked gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kennisstad.ingest.common import AgendaFormatError
from kennisstad.ingest.formats import table_text

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
SEED = SHARED / "seeds" / "agenda-2023-2027.table.txt"
GOLD = SHARED / "gold" / "agenda-2023-2027.json"
TABLE_SOURCE = "agenda-2023-2027.table.txt"

# The gold lists table_text_differences wherever the table text spells a field differently from
# the PDF text, except in these three places (checked by hand against the seed).
GOLD_GAPS = {
    "1n": {"leads_raw": "UI, CS Lab"},
    "4V2": {"partners_raw": "OVBS, MRDH, Prov, etc."},
    "4V3": {
        "partners_raw": "gem, UL, ICLON, Da Vinci, mboRijnland, SCOL, PROOLEiden, Leidse Aanpak, "
        "Naturalis, Microsoft, Technolab en Ondernemersfonds Leiden."
    },
}
FIELDS = ("section", "group", "code", "title", "status_note", "leads_raw", "partners_raw", "contact")


def _gold_in_table_text() -> list[dict]:
    if not GOLD.exists():
        return []
    records = json.loads(GOLD.read_text(encoding="utf-8"))
    return [record for record in records if TABLE_SOURCE in record["sources"]]


def _expected(record: dict) -> dict:
    return {**record, **record.get("table_text_differences", {}), **GOLD_GAPS.get(record["key"], {})}


def _words(text: str, first: bool) -> str:
    words = text.split()
    return " ".join(words[:8] if first else words[-8:])


@pytest.fixture(scope="module")
def agenda():
    if not SEED.exists() or not GOLD.exists():
        pytest.skip(f"seeds and gold not found under {SHARED}")
    return table_text.parse(SEED.read_text(encoding="utf-8"), source_name=SEED.name)


@pytest.fixture(scope="module")
def projects(agenda):
    return {project.key: project for project in agenda.projects}


def test_it_reads_the_55_projects_the_table_text_holds(agenda):
    expected = [record["key"] for record in _gold_in_table_text()]
    assert len(expected) == 55
    assert [project.key for project in agenda.projects] == expected
    assert agenda.style == "table-text"


@pytest.mark.parametrize("record", _gold_in_table_text(), ids=lambda record: record["key"])
def test_it_reads_each_project_as_the_table_text_states_it(projects, record):
    expected = _expected(record)
    project = projects[record["key"]]
    got = {
        "section": project.section_title,
        "group": project.group,
        "code": project.code,
        "title": project.title,
        "status_note": project.status_note,
        "leads_raw": project.leads_raw,
        "partners_raw": project.partners_raw,
        "contact": project.contact,
    }
    assert got == {field: expected[field] for field in FIELDS}
    assert project.section_number == record["key"][0]
    assert _words(project.description, first=True) == expected["description_first_words"]
    assert _words(project.description, first=False) == expected["description_last_words"]


def test_it_reads_the_document_title_and_period(agenda):
    assert agenda.title == "B. Agenda 2023-2027 Voortgang Projecten"
    assert agenda.period == "2023-2027"


def test_it_never_keeps_html_and_keeps_paragraphs_and_bullets(projects):
    for project in projects.values():
        assert "<" not in project.description and "&amp;" not in project.description, project.key
    assert "\n\n" in projects["1a"].description
    assert projects["1f"].description.endswith(
        "centraal:\n\n- Partners werken samen en betrekken inwoners\n- Inwoners van Leiden hebben een gezond "
        "gewicht\n- Leidse jeugd groeit rookvrij op\n- Inwoners van Leiden zijn mentaal gezond"
    )
    assert "<i>" not in projects["2g"].description


def test_it_joins_continuation_rows_after_a_page_break(projects):
    # Broken mid-sentence: one paragraph. Broken after a full sentence: a new paragraph.
    assert "Samen met de andere partneruniversiteiten zal" in projects["1j"].description
    assert "bestaat vanuit Cultuurfonds Leiden en Leiden Kennisstad" in projects["3a"].description
    assert projects["4K7"].description.endswith(
        "the Leiden region.\n\nVoortzetting LIC: tot en met 2024 geborgd, daarna handelingsperspectief "
        "bieden en borging voor 2025 en verder, i.h.k.v. internationaliseringsbeleid en vestigingsklimaat."
    )


def test_it_points_each_project_to_its_source_line(projects):
    lines = SEED.read_text(encoding="utf-8").split("\n")
    for project in projects.values():
        assert lines[project.line - 1].startswith(f"{project.code}\t"), project.key


def test_it_reads_a_misspelt_group_heading_as_the_known_group(agenda, projects):
    assert projects["4V1"].group == "Vlaggenschepen"
    assert any("Vlaggenscheppen" in warning for warning in agenda.warnings)


def test_it_moves_the_contact_out_of_the_partner_cell(projects):
    assert projects["2j"].contact == "Veronique Loeffen"
    assert projects["2j"].partners_raw == "UL, HsL, Naturalis, mboR"


# -- the same family of documents, written differently


HEADER = "nr.\tProject\tBeschrijving doel\tT: Trekker P: overige (beoogde) Partners"


def _parse(*lines: str):
    return table_text.parse("\n".join(lines), source_name="test.txt")


def test_it_moves_status_remarks_off_the_title():
    agenda = _parse(
        HEADER,
        "1. Wonen",
        "1a\tHuurteam Project voltooid\tHulp voor huurders.\tT: GL",
        "1b\tWijkaanpak (project gestaakt)\tEen aanpak per wijk.\tT: GL P: UL",
        "1c\tLeiden Law ParkProject voltooid\tEen hotspot.\tT: UL",
        "1d\tPilotproject afgerond in de Merenwijk\tGeen opmerking.\tT: UL",
    )
    notes = [(p.title, p.status_note, p.status) for p in agenda.projects]
    assert notes == [
        ("Huurteam", "Project voltooid", "afgerond"),
        ("Wijkaanpak", "project gestaakt", "gestopt"),
        ("Leiden Law Park", "Project voltooid", "afgerond"),
        ("Pilotproject afgerond in de Merenwijk", None, "lopend"),
    ]


def test_it_reads_numbered_tracks_repeated_headers_and_three_columns():
    agenda = _parse(
        "Kennisagenda 2018-2022",
        "Spoor 1: Gezonde stad",
        "nr. Project\tBeschrijving\tT: Trekker P: Partners",
        "1.1 Buurtsportcoach\tSporten in de wijk.\tT : GL P. HsL, UL",
        "-----\t-----\t-----",
        "nr. Project\tBeschrijving\tT: Trekker P: Partners",
        "1.2 Gezonde school\t<p>Eerste alinea.</p><p>Contact: Jan de Vries</p>\tT: mboR",
        "Spoor 2 - Cultuur",
        "2.1 Stadsarchief\tOude kaarten.\tP: ELO",
    )
    assert agenda.period == "2018-2022"
    got = [
        (p.section_number, p.section_title, p.code, p.title, p.leads_raw, p.partners_raw, p.contact)
        for p in agenda.projects
    ]
    assert got == [
        ("1", "Gezonde stad", "1.1", "Buurtsportcoach", "GL", "HsL, UL", None),
        ("1", "Gezonde stad", "1.2", "Gezonde school", "mboR", None, "Jan de Vries"),
        ("2", "Cultuur", "2.1", "Stadsarchief", None, "ELO", None),
    ]
    assert agenda.projects[1].description == "Eerste alinea."


def test_it_does_not_take_a_sentence_about_contact_for_a_contact_person():
    agenda = _parse(HEADER, "1. Zorg", "1a\tVR\tVoorbeelden zijn: Contact onderhouden, Pijnafleiding.\tT: GL")
    assert agenda.projects[0].contact is None


def test_it_names_the_line_of_a_row_cut_off_before_its_cells():
    with pytest.raises(AgendaFormatError) as caught:
        _parse(HEADER, "1. Zorg", "1a\tHuurteam\tHulp.\tT: GL", "1b\tStudentenwelzijn\t<p>Het welzijn van")
    assert caught.value.line == 4
    assert "afgebroken" in str(caught.value)


def test_it_rejects_rows_without_projects():
    with pytest.raises(AgendaFormatError, match="geen agendaprojecten"):
        _parse(HEADER, "1. Zorg", "-----\t-----\t-----\t-----")


def test_it_recognises_table_text_but_not_prose():
    assert table_text.looks_like(f"Agenda\n{HEADER}\n1a\tA\tB\tT: GL")
    assert table_text.looks_like("1a\tA\tB\tT: GL\n1b\tC\tD\tT: UL")
    assert not table_text.looks_like("1a Leiden Healthy Society Center\nLeiden staat voor grote uitdagingen.")
