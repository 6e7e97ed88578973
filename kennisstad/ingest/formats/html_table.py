"""An agenda saved as an HTML page: headings for sections and groups, a <table> for the rows.

Rows have four cells (code, title, description, T:/P:) or three (code and title in one cell).
Sections and groups appear as h1-h4 headings between tables or as rows spanning the table.
All row handling is shared with the table text through ``AgendaBuilder``.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, NavigableString, Tag

from kennisstad.ingest.common import ParsedAgenda
from kennisstad.ingest.formats.table_text import (
    AgendaBuilder,
    blocks_to_text,
    collapse,
    element_blocks,
)

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TEXT_BLOCKS = {"p", "caption", "dt", "dd", "li", "blockquote", "figcaption", "address"}
_SKIPPED = {"script", "style", "head", "title", "template", "noscript", "nav", "button", "form"}
_EMPHASIS = {"strong", "b"}
_MAX_COLSPAN = 12


def _cell_text(cell: Tag) -> str:
    return blocks_to_text(element_blocks(cell))


def _is_emphasised(block: Tag) -> bool:
    """A paragraph that is all bold text is a heading in pages written without h-tags."""
    text = collapse(block.get_text(" "))
    bold = collapse(" ".join(tag.get_text(" ") for tag in block.find_all(_EMPHASIS)))
    return bool(text) and text == bold


def _own_rows(table: Tag) -> list[Tag]:
    return [row for row in table.find_all("tr") if row.find_parent("table") is table]


def _row_cells(row: Tag) -> list[str]:
    cells: list[str] = []
    for cell in row.find_all(["td", "th"], recursive=False):
        cells.append(_cell_text(cell))
        try:
            span = int(str(cell.get("colspan", "1")).strip() or 1)
        except ValueError:
            span = 1
        # Spanned columns stay as empty cells so that later cells keep their position.
        cells.extend([""] * (min(max(span, 1), _MAX_COLSPAN) - 1))
    return cells


def _walk(node: Tag, builder: AgendaBuilder) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString and child.strip():
                builder.text_line(str(child), heading=False)
            continue
        if not isinstance(child, Tag) or child.name in _SKIPPED:
            continue
        if child.name == "table":
            caption = child.find("caption")
            if caption is not None and caption.find_parent("table") is child:
                builder.text_line(caption.get_text(" "), line=caption.sourceline, heading=True)
            rows = [(row, _row_cells(row)) for row in _own_rows(child)]
            builder.start_table(max((len(cells) for _, cells in rows), default=0))
            for row, cells in rows:
                builder.row(cells, line=row.sourceline)
        elif child.name in _HEADINGS:
            builder.text_line(child.get_text(" "), line=child.sourceline, heading=True)
        elif child.name in _TEXT_BLOCKS and child.find("table") is None:
            builder.text_line(child.get_text(" "), line=child.sourceline, heading=_is_emphasised(child))
        else:
            _walk(child, builder)


def parse_html(html: str, source_name: str | None = None) -> ParsedAgenda:
    """Parse an HTML agenda; ``RawProject.line`` is the line of the row's <tr>."""
    # html.parser rather than lxml: it records source lines, which messages point to.
    soup = BeautifulSoup(html, "html.parser")
    builder = AgendaBuilder(style="html", source_name=source_name)
    _walk(soup.body or soup, builder)
    if builder.title is None and soup.title is not None and soup.title.get_text(strip=True):
        builder.title = collapse(soup.title.get_text())
    return builder.finish()
