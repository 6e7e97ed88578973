"""An agenda as a Word document: headings as paragraphs, projects as table rows.

The body is walked in order so that a table's rows land in the section whose heading came
before it. Word tables repeat their header row per page, put section headings in rows merged
across the table, and hold bullet lists as "List ..." paragraphs (or as text starting with "•").
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from kennisstad.ingest.common import AgendaFormatError, ParsedAgenda
from kennisstad.ingest.formats.table_text import AgendaBuilder, blocks_to_text

_BULLET_RE = re.compile(r"^\s*[•·▪◦●○■–*-]\s+")
_HEADING_STYLE_RE = re.compile(r"^(?:heading|kop|title|titel|subtitle|ondertitel)\b", re.I)
_MAX_BOLD_HEADING = 80


def _style_name(paragraph: Paragraph) -> str:
    try:
        return paragraph.style.name if paragraph.style is not None else ""
    except (KeyError, ValueError):  # a style id the styles part does not define
        return ""


def _is_list_item(paragraph: Paragraph) -> bool:
    p_pr = paragraph._p.pPr
    return (
        _style_name(paragraph).lower().startswith("list")
        or (p_pr is not None and p_pr.numPr is not None)
        or bool(_BULLET_RE.match(paragraph.text))
    )


def _is_heading(paragraph: Paragraph) -> bool:
    if _HEADING_STYLE_RE.match(_style_name(paragraph)):
        return True
    runs = [run for run in paragraph.runs if run.text.strip()]
    text = paragraph.text.strip()
    return bool(runs) and len(text) <= _MAX_BOLD_HEADING and all(run.bold for run in runs)


def _cell_text(cell: _Cell) -> str:
    blocks = []
    for paragraph in cell.paragraphs:
        if _is_list_item(paragraph):
            blocks.append(("li", _BULLET_RE.sub("", paragraph.text)))
        else:
            blocks.append(("p", paragraph.text))
    return blocks_to_text(blocks)


def _row_cells(tr, table: Table) -> list[str]:
    cells = [""] * tr.grid_before
    for tc in tr.tc_lst:
        # The lower parts of a vertically merged cell repeat nothing: the text sits in the top part.
        text = "" if tc.vMerge == "continue" else _cell_text(_Cell(tc, table))
        cells.append(text)
        cells.extend([""] * (tc.grid_span - 1))
    return cells


def _body_items(container, document) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables in reading order (``document`` resolves their styles)."""
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            yield Table(child, document)
        elif child.tag == qn("w:sdt"):  # content controls wrap ordinary paragraphs and tables
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_items(content, document)


def parse_docx(path: Path | str) -> ParsedAgenda:
    """Parse a Word agenda; Word has no lines, so ``RawProject.line`` stays None."""
    path = Path(path)
    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as exc:
        raise AgendaFormatError("is geen leesbaar Word-bestand (.docx)", source=path.name) from exc
    builder = AgendaBuilder(style="docx", source_name=path.name)
    for item in _body_items(document.element.body, document):
        if isinstance(item, Paragraph):
            builder.text_line(item.text, heading=_is_heading(item))
        else:
            rows = [_row_cells(tr, item) for tr in item._tbl.tr_lst]
            builder.start_table(max((len(cells) for cells in rows), default=0))
            for cells in rows:
                builder.row(cells)
    return builder.finish()
