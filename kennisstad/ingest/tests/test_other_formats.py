"""HTML, Word and PDF agendas read to the same projects as the seed table text.

The HTML and Word documents are built here from the projects of the seed table text, so each
reader must give those projects back unchanged. The PDF is a committed fixture made from a few
seed rows (see ``fixtures/make_agenda_sample_pdf.py``).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest
from docx import Document

from kennisstad.ingest.common import AgendaFormatError, ParsedAgenda, RawProject
from kennisstad.ingest.formats import table_text
from kennisstad.ingest.formats.docx_table import parse_docx
from kennisstad.ingest.formats.html_table import parse_html
from kennisstad.ingest.formats.pdf_document import join_wrapped_lines, parse_pdf

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
SEED = SHARED / "seeds" / "agenda-2023-2027.table.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
HEADER = ("nr.", "Project", "Beschrijving doel", "T: Trekker P: overige (beoogde) Partners")


@pytest.fixture(scope="module")
def seed() -> ParsedAgenda:
    if not SEED.exists():
        pytest.skip(f"seed not found: {SEED}")
    return table_text.parse(SEED.read_text(encoding="utf-8"), source_name=SEED.name)


def _fields(project: RawProject) -> tuple:
    return (
        project.key,
        project.section_number,
        project.section_title,
        project.group,
        project.code,
        project.title,
        project.description,
        project.leads_raw,
        project.partners_raw,
        project.status_note,
        project.contact,
    )


def _parties(project: RawProject) -> list[str]:
    """The T:/P: cell as lines, the way the agendas write it."""
    lines = []
    if project.leads_raw is not None:
        lines.append(f"T: {project.leads_raw}")
    if project.partners_raw is not None:
        lines.append(f"P: {project.partners_raw}")
    if project.contact:
        lines.append(f"Contact: {project.contact}")
    return lines


def _blocks(description: str) -> list[tuple[str, str]]:
    blocks = []
    for paragraph in description.split("\n\n"):
        for line in paragraph.split("\n") if paragraph.startswith("- ") else [paragraph]:
            blocks.append(("li", line[2:]) if line.startswith("- ") else ("p", line))
    return blocks


def _sections(projects: list[RawProject]) -> list[tuple[str, str | None, list[RawProject]]]:
    """Projects grouped by heading: ("1. Gezondheid & Welzijn" or group name, ...)."""
    runs: list[tuple[str, str | None, list[RawProject]]] = []
    for project in projects:
        heading = f"{project.section_number}. {project.section_title}"
        if not runs or runs[-1][0] != heading or runs[-1][1] != project.group:
            runs.append((heading, project.group, []))
        runs[-1][2].append(project)
    return runs


# -- HTML


def _html_description(description: str) -> str:
    html, items = [], []
    for kind, text in [*_blocks(description), ("end", "")]:
        if kind != "li" and items:
            html.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>")
            items = []
        if kind == "li":
            items.append(text)
        elif kind == "p":
            html.append(f"<p>{escape(text)}</p>")
    return "\n".join(html)


def _html_row(project: RawProject, three_columns: bool) -> str:
    parties = "<br>".join(escape(line) for line in _parties(project))
    code_title = [f"{project.code} {project.title}"] if three_columns else [project.code, project.title]
    cells = [escape(cell) for cell in code_title] + [_html_description(project.description), parties]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _html_document(agenda: ParsedAgenda, three_columns: bool = False) -> str:
    header = HEADER[1:] if three_columns else HEADER
    if three_columns:
        header = ("nr. Project", *header[1:])
    thead = "<thead><tr>" + "".join(f"<th>{escape(cell)}</th>" for cell in header) + "</tr></thead>"
    width = len(header)
    parts = [f"<html><head><title>Agenda</title></head><body><h1>{escape(agenda.title)}</h1>"]
    previous_section = None
    for heading, group, projects in _sections(agenda.projects):
        rows = []
        if three_columns:
            # Headings as rows spanning the table, as exported from word processors.
            if heading != previous_section:
                rows.append(f'<tr><td colspan="{width}"><strong>{escape(heading)}</strong></td></tr>')
            if group:
                rows.append(f'<tr><td colspan="{width}">{escape(group)}</td></tr>')
        else:
            if heading != previous_section:
                parts.append(f"<h2>{escape(heading)}</h2>")
            if group:
                parts.append(f"<h3>{escape(group)}</h3>")
        rows.extend(_html_row(project, three_columns) for project in projects)
        parts.append(f"<table>{thead}<tbody>{''.join(rows)}</tbody></table>")
        previous_section = heading
    parts.append("</body></html>")
    return "\n".join(parts)


@pytest.mark.parametrize("three_columns", [False, True], ids=["four-columns", "three-columns"])
def test_it_reads_an_html_agenda_to_the_same_projects(seed, three_columns):
    agenda = parse_html(_html_document(seed, three_columns), source_name="agenda.html")
    assert agenda.style == "html"
    assert agenda.title == seed.title
    assert agenda.period == "2023-2027"
    assert [_fields(p) for p in agenda.projects] == [_fields(p) for p in seed.projects]


def test_it_reads_html_cells_with_lists_breaks_entities_and_status_remarks():
    html = """
    <h2>1. Gezondheid &amp; Welzijn</h2>
    <table>
      <tr><th>nr.</th><th>Project</th><th>Beschrijving doel</th><th>T: Trekker P: Partners</th></tr>
      <tr><td>1a</td><td>Huurteam<br>(project gestaakt)</td>
          <td><p>Doelen:</p><ul><li>hulp&nbsp;bij huur</li><li>advies &amp; begeleiding</li></ul>
              <p>Slot.</p><p>Contact: Jan Jansen</p></td>
          <td><p>T: GL</p><p>P. UL/FdR,<br>Rechtswinkel</p></td></tr>
    </table>"""
    (project,) = parse_html(html).projects
    assert (project.key, project.title, project.status_note) == ("1a", "Huurteam", "project gestaakt")
    assert project.description == "Doelen:\n\n- hulp bij huur\n- advies & begeleiding\n\nSlot."
    assert (project.leads_raw, project.partners_raw, project.contact) == (
        "GL",
        "UL/FdR, Rechtswinkel",
        "Jan Jansen",
    )
    assert project.line == 5


def test_it_reads_each_html_table_by_its_own_header():
    html = """
    <h2>Spoor 1: Gezonde stad</h2>
    <table>
      <tr><th>nr. + project</th><th>Beschrijving</th><th>T: Trekker P: Partners</th></tr>
      <tr><td>1.1 Buurtsportcoach</td><td>Sporten in de wijk.</td><td>T: GL P: HsL</td></tr>
    </table>
    <h2>Spoor 2: Cultuur</h2>
    <table>
      <tr><th>nr.</th><th>Project</th><th>Omschrijving</th><th>Trekker</th><th>Partners</th></tr>
      <tr><td>2.1</td><td>Stadsarchief</td><td>Oude kaarten.</td><td>ELO</td><td>UL, GL</td></tr>
    </table>"""
    got = [(p.section_title, p.code, p.title, p.leads_raw, p.partners_raw) for p in parse_html(html).projects]
    assert got == [
        ("Gezonde stad", "1.1", "Buurtsportcoach", "GL", "HsL"),
        ("Cultuur", "2.1", "Stadsarchief", "ELO", "UL, GL"),
    ]


def test_it_rejects_an_html_page_without_an_agenda_table():
    with pytest.raises(AgendaFormatError, match="geen agendaprojecten"):
        parse_html("<html><body><h1>Nieuws</h1><p>Vandaag niets nieuws.</p></body></html>", "nieuws.html")


# -- Word


def _set_cell(cell, paragraphs: list[tuple[str, str]], bullet_style: str = "List Bullet") -> None:
    first = True
    for kind, text in paragraphs:
        if kind == "li" and bullet_style == "•":
            kind, text = "p", f"• {text}"
        style = bullet_style if kind == "li" else None
        if first:
            cell.paragraphs[0].text = text
            if style:
                cell.paragraphs[0].style = style
            first = False
        else:
            cell.add_paragraph(text, style=style)


def _docx_document(agenda: ParsedAgenda, path: Path, three_columns: bool = False, bullet_style="List Bullet"):
    document = Document()
    document.add_heading(agenda.title, level=0)
    header = ("nr. Project", *HEADER[2:]) if three_columns else HEADER
    table = None

    def add_header_row():
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            cell.text = text

    def add_spanning_row(text: str):
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        merged.text = text

    previous_section = None
    for heading, group, projects in _sections(agenda.projects):
        section_number = int(heading.split(".")[0])
        if section_number <= 2:
            # Sections 1 and 2 as heading paragraphs, each followed by its own table.
            if heading != previous_section:
                document.add_heading(heading, level=1)
            table = document.add_table(rows=0, cols=len(header))
            add_header_row()
        else:
            # Sections 3 and 4 in one table: merged heading rows, header repeated as on a new page.
            if table is None or (section_number == 3 and heading != previous_section):
                table = document.add_table(rows=0, cols=len(header))
                add_header_row()
            if heading != previous_section:
                add_spanning_row(heading)
                if section_number == 4:
                    add_header_row()
            if group:
                add_spanning_row(group)
        for project in projects:
            cells = table.add_row().cells
            if three_columns:
                texts = [[("p", project.code), ("p", project.title)]]
            else:
                texts = [[("p", project.code)], [("p", project.title)]]
            texts += [_blocks(project.description), [("p", line) for line in _parties(project)]]
            for cell, paragraphs in zip(cells, texts, strict=True):
                _set_cell(cell, paragraphs, bullet_style)
        previous_section = heading
    document.save(path)
    return path


@pytest.mark.parametrize(
    ("three_columns", "bullet_style"),
    [(False, "List Bullet"), (True, "•")],
    ids=["four-columns-list-style", "three-columns-bullet-characters"],
)
def test_it_reads_a_word_agenda_to_the_same_projects(seed, tmp_path, three_columns, bullet_style):
    path = _docx_document(seed, tmp_path / "agenda.docx", three_columns, bullet_style)
    agenda = parse_docx(path)
    assert agenda.style == "docx"
    assert agenda.title == seed.title
    assert [_fields(p) for p in agenda.projects] == [_fields(p) for p in seed.projects]
    assert "- Partners werken samen en betrekken inwoners" in agenda.projects[5].description


def test_it_reads_vertically_merged_cells_once(tmp_path):
    document = Document()
    document.add_heading("1. Zorg", level=1)
    table = document.add_table(rows=3, cols=4)
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for row, (code, title) in zip(table.rows[1:], [("1a", "Huurteam"), ("1b", "Buurtzorg")], strict=True):
        row.cells[0].text, row.cells[1].text, row.cells[2].text = code, title, f"Over {title}."
    table.cell(1, 3).merge(table.cell(2, 3)).text = "T: GL"
    path = tmp_path / "merged.docx"
    document.save(path)
    projects = parse_docx(path).projects
    assert [(p.code, p.leads_raw) for p in projects] == [("1a", "GL"), ("1b", None)]


def test_it_rejects_a_file_that_is_not_a_word_document(tmp_path):
    path = tmp_path / "agenda.docx"
    path.write_text("dit is geen docx")
    with pytest.raises(AgendaFormatError, match="geen leesbaar Word-bestand"):
        parse_docx(path)


# -- PDF

PDF_CODES = ("1o", "1p", "1j", "2j", "2d", "3h")


def _flat(project: RawProject) -> tuple:
    fields = _fields(project)
    return (*fields[:6], " ".join(project.description.split()), *fields[7:])


def test_it_reads_the_pdf_table_to_the_same_projects(seed):
    agenda = parse_pdf(FIXTURES / "agenda-sample.pdf")
    expected = {project.code: project for project in seed.projects if project.group is None}
    assert agenda.style == "pdf"
    assert agenda.title == seed.title
    assert [_flat(p) for p in agenda.projects] == [_flat(expected[code]) for code in PDF_CODES]


def test_it_reads_sections_headers_and_a_row_broken_across_pages_from_a_pdf():
    # Independent of the seed: the fixture's own structure.
    agenda = parse_pdf(FIXTURES / "agenda-sample.pdf")
    assert [(p.section_number, p.code) for p in agenda.projects] == [
        ("1", "1o"), ("1", "1p"), ("1", "1j"), ("2", "2j"), ("2", "2d"), ("3", "3h")
    ]  # fmt: skip
    broken = agenda.projects[3]
    assert broken.title == "Tweede groene ring"
    assert broken.description.startswith("Het Singelpark is inmiddels al een poos af.")
    assert broken.description.endswith("maar ook aan gezondheid en welzijn.")
    assert (broken.leads_raw, broken.contact) == ("GL", "Veronique Loeffen")
    assert agenda.projects[2].title == "UNA Europa-consortium"
    assert agenda.warnings == []


def test_a_pdf_without_a_ruled_table_is_read_with_the_pdf_text_layout():
    agenda = parse_pdf(FIXTURES / "agenda-text-layout.pdf")

    assert (agenda.style, agenda.period) == ("pdf", "2023-2027")
    assert [(p.code, p.title, p.leads_raw) for p in agenda.projects] == [
        ("1a", "Leiden Healthy Society Center", "UL en GL"),
        ("1b", "Studentenwelzijn", "GL, UL, HsL, mboR, PKvV, StOP"),
        ("1c", "YouRight", "StudioMoio, HsL/ lectoraat Recht en Rechtvaardigheid"),
    ]
    assert agenda.projects[0].partners_raw == "HsL, mboR, Naturalis, partners preventie-akkoord, LUMC"


def test_it_undoes_hyphenation_across_lines_but_keeps_real_hyphens():
    vocabulary = {"gezondheidsverschillen", "taal-educatieve"}
    assert join_wrapped_lines(["het verkleinen van de gezondheids-", "verschillen."], vocabulary) == (
        "het verkleinen van de gezondheidsverschillen."
    )
    assert join_wrapped_lines(["een taal-", "educatieve poot"], vocabulary) == "een taal-educatieve poot"
    assert join_wrapped_lines(["onderzoeks-", "centrum voor stamcel-", "en genterapie"]) == (
        "onderzoekscentrum voor stamcel- en genterapie"
    )
    assert join_wrapped_lines(["RAAK-", "MKB project", "UNA Europa-", "consortium"]) == (
        "RAAK-MKB project UNA Europa-consortium"
    )
