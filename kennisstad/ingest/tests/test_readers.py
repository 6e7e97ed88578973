"""Choosing the reader for a file, decoding text, and rejecting what is no agenda."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from kennisstad.ingest.common import AgendaFormatError
from kennisstad.ingest.readers import SUPPORTED_SUFFIXES, decode_text, parse_agenda_text, read_agenda

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
TABLE_SEED = SHARED / "seeds" / "agenda-2023-2027.table.txt"
PDF_TEXT_SEED = SHARED / "seeds" / "agenda-2023-2027.pdf.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def table_seed() -> str:
    if not TABLE_SEED.exists():
        pytest.skip(f"seed not found: {TABLE_SEED}")
    return TABLE_SEED.read_text(encoding="utf-8")


@pytest.fixture
def pdf_text_seed() -> str:
    if not PDF_TEXT_SEED.exists():
        pytest.skip(f"seed not found: {PDF_TEXT_SEED}")
    pytest.importorskip("kennisstad.ingest.formats.pdf_text")
    return PDF_TEXT_SEED.read_text(encoding="utf-8")


def _reject(path: Path) -> AgendaFormatError:
    with pytest.raises(AgendaFormatError) as caught:
        read_agenda(path)
    assert caught.value.source == path.name
    return caught.value


# -- choosing the layout


def test_it_detects_the_table_text_by_content(tmp_path, table_seed):
    path = tmp_path / "agenda.txt"
    path.write_text(table_seed, encoding="utf-8")
    agenda = read_agenda(path)
    assert agenda.style == "table-text"
    assert len(agenda.projects) == 55
    assert parse_agenda_text(table_seed).style == "table-text"


def test_it_detects_the_pdf_text_by_content(tmp_path, pdf_text_seed):
    path = tmp_path / "agenda.txt"
    path.write_text(pdf_text_seed, encoding="utf-8")
    agenda = read_agenda(path)
    assert agenda.style == "pdf-text"
    assert "1a" in {project.key for project in agenda.projects}
    assert parse_agenda_text(pdf_text_seed).style == "pdf-text"


def test_it_reads_table_text_saved_as_tsv_in_windows_1252(tmp_path, table_seed):
    path = tmp_path / "agenda.TSV"
    path.write_bytes(table_seed.replace("\n", "\r\n").encode("cp1252", errors="replace"))
    agenda = read_agenda(path)
    assert agenda.style == "table-text"
    assert len(agenda.projects) == 55


def test_it_reads_html_word_and_pdf_by_extension(tmp_path):
    html = tmp_path / "agenda.htm"
    html.write_text(
        "<h2>1. Zorg</h2><table><tr><td>1a</td><td>Huurteam</td><td>Hulp.</td><td>T: GL</td></tr></table>",
        encoding="utf-8",
    )
    assert read_agenda(html).style == "html"
    pdf = tmp_path / "agenda.pdf"
    shutil.copy(FIXTURES / "agenda-sample.pdf", pdf)
    assert read_agenda(pdf).style == "pdf"


# -- decoding


@pytest.mark.parametrize(
    "data",
    [
        "Gezondheid & Welzijn – één".encode(),
        "\ufeffGezondheid & Welzijn – één".encode(),
        "Gezondheid & Welzijn – één".encode("utf-16"),
        b"\xfe\xff" + "Gezondheid & Welzijn – één".encode("utf-16-be"),
        "Gezondheid & Welzijn – één".encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "windows-1252"],
)
def test_it_decodes_the_encodings_agendas_arrive_in(data):
    assert decode_text(data, "agenda.txt") == "Gezondheid & Welzijn – één"


@pytest.mark.parametrize(
    "data",
    [
        random.Random(7).randbytes(4000),
        "1a\tHuurteam\tHulp.\tT: GL\n".encode("utf-32-le"),
        "1a\tHuurteam\tHulp.\tT: GL\n".encode("utf-16-le"),
    ],
    ids=["random-bytes", "utf-32-without-bom", "utf-16-without-bom"],
)
def test_it_rejects_an_unreadable_encoding(tmp_path, data):
    path = tmp_path / "agenda.txt"
    path.write_bytes(data)
    error = _reject(path)
    assert "geen leesbare tekst (onbekende tekenset)" in str(error)


# -- rejecting what is no agenda


@pytest.mark.parametrize("name", ["agenda.txt", "agenda.pdf", "agenda.docx", "agenda.html"])
@pytest.mark.parametrize("content", [b"", b"  \r\n\t\n"], ids=["empty", "whitespace"])
def test_it_rejects_an_empty_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert str(_reject(path)) == f"{name}: is leeg"


def test_it_rejects_a_pdf_without_an_agenda(tmp_path):
    path = tmp_path / "herfst.pdf"
    shutil.copy(FIXTURES / "random.pdf", path)
    error = _reject(path)
    assert "geen" in error.message and "PDF" in error.message


def test_it_rejects_a_file_that_is_not_a_pdf(tmp_path, table_seed):
    path = tmp_path / "agenda.pdf"
    path.write_text(table_seed, encoding="utf-8")
    assert "is geen PDF-bestand" in str(_reject(path))


def test_it_rejects_a_damaged_pdf(tmp_path):
    path = tmp_path / "kapot.pdf"
    path.write_bytes((FIXTURES / "agenda-sample.pdf").read_bytes()[:1500])
    assert "beschadigd" in str(_reject(path))


def test_it_names_the_line_where_a_truncated_table_text_stops(tmp_path, table_seed):
    lines = table_seed.split("\n")
    cut = 24  # the row of 1m, cut off in its description
    assert lines[cut - 1].startswith("1m\t")
    path = tmp_path / "afgebroken.txt"
    path.write_text("\n".join([*lines[: cut - 1], lines[cut - 1][:200]]), encoding="utf-8")
    error = _reject(path)
    assert error.line == cut
    assert str(error).startswith(f"afgebroken.txt:{cut}: ")


def test_it_does_not_crash_on_a_table_text_cut_in_its_last_cell(tmp_path, table_seed):
    # A cut inside the T:/P: cell leaves a complete-looking row; the reader cannot tell.
    lines = table_seed.split("\n")
    path = tmp_path / "afgebroken.txt"
    path.write_text("\n".join([*lines[:9], lines[9][:-20]]), encoding="utf-8")
    (project,) = read_agenda(path).projects
    assert project.key == "1a"


def test_it_rejects_text_in_no_known_layout(tmp_path):
    path = tmp_path / "brief.txt"
    path.write_text(
        "Beste collega's,\n\nDank voor de prettige bijeenkomst van gisteren. "
        "Ik stuur de foto's volgende week door.\n\nGroet,\nAnna\n",
        encoding="utf-8",
    )
    assert "opmaak niet herkend" in str(_reject(path))


def test_it_rejects_an_unknown_extension_and_lists_the_supported_ones(tmp_path):
    path = tmp_path / "agenda.xlsx"
    path.write_bytes(b"PK\x03\x04")
    message = str(_reject(path))
    assert ".xlsx" in message
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix in message


def test_it_rejects_a_word_file_that_is_not_one(tmp_path):
    path = tmp_path / "agenda.docx"
    path.write_text("geen zip", encoding="utf-8")
    assert "Word-bestand" in str(_reject(path))


def test_it_rejects_a_missing_file(tmp_path):
    assert "kan het bestand niet lezen" in str(_reject(tmp_path / "weg.txt"))
