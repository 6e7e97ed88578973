"""Read an agenda document of any supported kind into a ``ParsedAgenda``.

The extension chooses the reader; plain text is told apart by content, since both the
PDF-extracted text and the tab-separated table text arrive as ``.txt``.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from kennisstad.ingest.common import AgendaFormatError, ParsedAgenda
from kennisstad.ingest.formats import pdf_text, table_text

TEXT_SUFFIXES = (".txt", ".tsv", ".text")
HTML_SUFFIXES = (".html", ".htm")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, ".docx", ".pdf")

# Form feeds are allowed: text extracted from a PDF marks page breaks with them.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, source_name: str | None = None) -> str:
    """Text of a file: UTF-8 (with or without BOM), UTF-16/32 with BOM, else Windows-1252.

    Windows-1252 decodes almost any byte string, so it is only trusted when the result has no
    control characters; otherwise the file is binary or in an encoding we cannot recognise
    (UTF-16 without BOM, for instance, is full of NUL bytes).
    """
    if not data.strip():
        raise AgendaFormatError("is leeg", source=source_name)
    unreadable = AgendaFormatError("is geen leesbare tekst (onbekende tekenset)", source=source_name)
    text = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise unreadable from exc
            break
    else:
        for encoding in ("utf-8", "cp1252"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not _CONTROL_RE.search(text):
                break
            text = None
    if text is None or _CONTROL_RE.search(text):
        raise unreadable
    if not text.strip():
        raise AgendaFormatError("is leeg", source=source_name)
    return text


def parse_agenda_text(text: str, source_name: str | None = None) -> ParsedAgenda:
    """Parse text as table text or as PDF-extracted text, whichever it looks like."""
    if not text.strip():
        raise AgendaFormatError("is leeg", source=source_name)
    if table_text.looks_like(text):
        return table_text.parse(text, source_name=source_name)
    if pdf_text.looks_like(text):
        return pdf_text.parse(text, source_name=source_name)
    raise AgendaFormatError(
        "opmaak niet herkend: geen tabelrijen (nummer<TAB>project<TAB>beschrijving<TAB>T:/P:) "
        "en geen agenda-tekst uit een PDF",
        source=source_name,
    )


def read_agenda(path: Path | str) -> ParsedAgenda:
    path = Path(path)
    extension = path.suffix.lower()
    if extension not in SUPPORTED_SUFFIXES:
        raise AgendaFormatError(
            f"onbekend bestandstype {extension or '(geen extensie)'}; "
            f"ondersteund: {', '.join(SUPPORTED_SUFFIXES)}",
            source=path.name,
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AgendaFormatError(
            f"kan het bestand niet lezen ({exc.strerror or exc})", source=path.name
        ) from exc
    if not data.strip():
        raise AgendaFormatError("is leeg", source=path.name)

    if extension in TEXT_SUFFIXES:
        return parse_agenda_text(decode_text(data, path.name), source_name=path.name)
    if extension in HTML_SUFFIXES:
        from kennisstad.ingest.formats.html_table import parse_html

        return parse_html(decode_text(data, path.name), source_name=path.name)
    if extension == ".docx":
        from kennisstad.ingest.formats.docx_table import parse_docx

        return parse_docx(path)
    from kennisstad.ingest.formats.pdf_document import parse_pdf

    return parse_pdf(path)
