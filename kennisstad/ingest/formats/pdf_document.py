"""An agenda as a PDF file, read with pdfplumber.

A PDF made from a table with ruling lines gives its rows back through table detection: one
row per project, sections as text between tables or as rows spanning the table, the header row
repeated per page, and a project that breaks across a page continuing in a row with an empty
code cell. PDFs without ruling lines come back as loose text; those are handed to the PDF-text
parser (``pdf_text``), which reads the interleaved column layout.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber

from kennisstad.ingest.common import AgendaFormatError, ParsedAgenda
from kennisstad.ingest.formats import pdf_text
from kennisstad.ingest.formats.table_text import AgendaBuilder, blocks_to_text, collapse

_BULLET_RE = re.compile(r"^[•·▪◦●○■–*-]\s+")
_WORD_RE = re.compile(r"\w+(?:-\w+)*")
# Dutch leaves a hyphen before a conjunction to share the last word: "stamcel- en genterapie".
_CONJUNCTIONS = {"en", "of", "tot", "noch", "t/m"}
_VOWELS = set("aeiouyéëïöü")
_MIN_COLUMNS = 3
_PARAGRAPH_GAP = 0.6  # of a line's height: more space than that between lines starts a paragraph
_HEADING_SIZE = 1.15  # of the body text size


@dataclass
class _Event:
    """A text line outside the tables or a table row, positioned for reading order."""

    page: int
    top: float
    text: str = ""
    heading: bool = False
    cells: list[list[dict[str, Any]]] | None = None
    width: int | None = None  # set on the event that starts a table


def join_wrapped_lines(lines: Sequence[str], vocabulary: Collection[str] = frozenset()) -> str:
    """Join the lines of a wrapped cell, undoing hyphenation where a word was split.

    ``vocabulary`` holds the document's own words; a split word that appears elsewhere with
    its hyphen ("taal-educatieve") keeps it.
    """
    out = ""
    for raw in lines:
        line = collapse(raw)
        if not line:
            continue
        if not out:
            out = line
            continue
        left, right = re.search(r"(\w+)-$", out), re.match(r"\w+", line)
        if left is None or right is None:
            out += " " + line
            continue
        head, tail = left.group(1), right.group(0)
        if tail.lower() in _CONJUNCTIONS:
            out += " " + line
        elif f"{head}{tail}".lower() in vocabulary and f"{head}-{tail}".lower() not in vocabulary:
            out = out[:-1] + line
        elif (
            f"{head}-{tail}".lower() in vocabulary
            or not (head[-1].islower() and tail[0].islower())
            or (head[-1] in _VOWELS and tail[0] in _VOWELS)
            or head[0].isupper()
        ):
            # "RAAK-MKB", "e-Health", "zee-egel", "Europa-consortium": the hyphen is part of the word.
            out += line
        else:
            out = out[:-1] + line
    return out


def _cell_text(lines: list[dict[str, Any]], vocabulary: Collection[str]) -> str:
    blocks: list[tuple[str, list[str]]] = []
    previous_bottom = None
    for line in lines:
        text = line["text"].strip()
        if not text:
            continue
        height = max(line["bottom"] - line["top"], 1.0)
        gap = line["top"] - previous_bottom if previous_bottom is not None else 0.0
        previous_bottom = line["bottom"]
        bullet = _BULLET_RE.match(text)
        if not blocks or bullet or gap > _PARAGRAPH_GAP * height:
            blocks.append(("li" if bullet else "p", [text[bullet.end() :] if bullet else text]))
        else:
            blocks[-1][1].append(text)
    return blocks_to_text((kind, join_wrapped_lines(parts, vocabulary)) for kind, parts in blocks)


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _is_heading(line: dict[str, Any], body_size: float) -> bool:
    chars = [c for c in line.get("chars", []) if c["text"].strip()]
    if not chars:
        return False
    bold = all("bold" in c.get("fontname", "").lower() for c in chars)
    return bold or statistics.median(c["size"] for c in chars) >= body_size * _HEADING_SIZE


def _table_settings(page) -> dict[str, Any]:
    """Close rows cut off by the page edge.

    A row that breaks across a page has no rule under its first part nor above its second,
    so table detection would drop both; the ends of the column rules mark where they stop.
    """
    vertical = [edge for edge in page.edges if edge["orientation"] == "v"]
    if not vertical:
        return {}
    return {
        "explicit_horizontal_lines": [
            min(edge["top"] for edge in vertical),
            max(edge["bottom"] for edge in vertical),
        ]
    }


def _page_events(page, number: int) -> tuple[list[_Event], bool]:
    """Events of one page, and whether it holds a table wide enough to be the agenda."""
    tables = [
        table
        for table in page.find_tables(_table_settings(page))
        if max((len(row.cells) for row in table.rows), default=0) >= _MIN_COLUMNS
    ]
    boxes = [t.bbox for t in tables]
    sizes = [c["size"] for c in page.chars if c["text"].strip()]
    body_size = statistics.median(sizes) if sizes else 0.0
    outside = page.filter(lambda obj: not _inside(obj, boxes)) if boxes else page
    events = [
        _Event(number, line["top"], text=line["text"], heading=_is_heading(line, body_size))
        for line in outside.extract_text_lines()
    ]
    for table in tables:
        width = max(len(row.cells) for row in table.rows)
        events.append(_Event(number, table.bbox[1], width=width))
        for row in table.rows:
            cells = [page.crop(bbox).extract_text_lines() if bbox else [] for bbox in row.cells]
            events.append(_Event(number, row.bbox[1], cells=cells))
    # Stable sort: a table's start event stays ahead of its first row at the same height.
    events.sort(key=lambda event: event.top)
    return events, bool(tables)


def _read(path: Path) -> tuple[list[_Event], list[str], bool]:
    events: list[_Event] = []
    texts: list[str] = []
    found_table = False
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            page_events, has_table = _page_events(page, number)
            events.extend(page_events)
            found_table = found_table or has_table
            texts.append(page.extract_text() or "")
    return events, texts, found_table


def _from_tables(events: list[_Event], vocabulary: Collection[str], source: str) -> ParsedAgenda | None:
    builder = AgendaBuilder(style="pdf", source_name=source)
    for event in events:
        if event.width is not None:
            builder.start_table(event.width)
        elif event.cells is None:
            builder.text_line(event.text, heading=event.heading)
        else:
            builder.row([_cell_text(lines, vocabulary) for lines in event.cells])
    try:
        return builder.finish()
    except AgendaFormatError:
        return None  # tables, but none holding projects: try the text


def _from_text(texts: list[str], source: str) -> ParsedAgenda:
    text = "\n".join(texts)
    if not text.strip():
        raise AgendaFormatError(
            "de PDF bevat geen tekst (een scan?); er is geen agenda in te lezen", source=source
        )
    no_agenda = "geen agenda herkend in de PDF: geen projecttabel en geen projectrijen in de tekst"
    if not pdf_text.looks_like(text):
        raise AgendaFormatError(no_agenda, source=source)
    try:
        agenda = pdf_text.parse(text, source_name=source)
    except AgendaFormatError as exc:
        raise AgendaFormatError(f"{no_agenda} ({exc.message})", source=source) from exc
    if not agenda.projects:
        raise AgendaFormatError(no_agenda, source=source)
    agenda.style = "pdf"
    agenda.warnings.insert(0, "geen tabel in de PDF; de tekst is gelezen als pdf-tekst")
    return agenda


def parse_pdf(path: Path | str) -> ParsedAgenda:
    """Parse a PDF agenda from its ruled table, else from its text through ``pdf_text``."""
    path = Path(path)
    with path.open("rb") as handle:
        start = handle.read(1024)
    if b"%PDF-" not in start:
        raise AgendaFormatError("is geen PDF-bestand", source=path.name)
    try:
        events, texts, found_table = _read(path)
    except Exception as exc:
        # pdfminer raises anything from PSEOF to KeyError and struct.error on damaged files.
        raise AgendaFormatError(
            "de PDF is beschadigd of versleuteld en kan niet gelezen worden", source=path.name
        ) from exc
    if found_table:
        vocabulary = frozenset(word.lower() for text in texts for word in _WORD_RE.findall(text))
        agenda = _from_tables(events, vocabulary, path.name)
        if agenda is not None:
            return agenda
    return _from_text(texts, path.name)
