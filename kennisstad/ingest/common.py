"""What every agenda reader produces, whatever the source layout.

A reader (one module per layout in ``ingest/formats/``) turns a document into a
``ParsedAgenda``: the projects exactly as the document states them, with the
T:/P: cells still as raw text. Resolving those cells to organisations is done
afterwards by ``ingest.cells`` against the alias table, so readers never need
the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

STATUS_CHOICES = ("idee", "verkenning", "lopend", "afgerond", "gestopt")


class AgendaFormatError(Exception):
    """The document cannot be read as an agenda; ``line`` points into the source."""

    def __init__(self, message: str, *, line: int | None = None, source: str | None = None):
        self.message = message
        self.line = line
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.source:
            where = self.source
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"regel {self.line}"
        return f"{where}: {self.message}" if where else self.message


@dataclass
class RawProject:
    """One row of the agenda table, as written in the source.

    ``section_number`` is the section's number as written ("1", "4", "II");
    ``group`` is a named group inside a section ("Vlaggenschepen") or None.
    ``description`` keeps paragraphs separated by a blank line and bullet
    items as lines starting with "- ". ``leads_raw``/``partners_raw`` are the
    T: and P: cells joined onto one line (None when the cell is absent, "" when
    present but empty is also normalised to None). ``status_note`` is a remark
    such as "Project voltooid" found with the title (removed from the title).
    """

    section_number: str
    section_title: str
    code: str
    title: str
    group: str | None = None
    description: str = ""
    leads_raw: str | None = None
    partners_raw: str | None = None
    status_note: str | None = None
    contact: str | None = None
    links: list[str] = field(default_factory=list)
    line: int | None = None  # first line of the row in the source, for messages

    @property
    def key(self) -> str:
        """Unique within an agenda: "1a"; "4V1" for code 1 in group Vlaggenschepen of section 4.

        Codes that do not carry their section number ("1" in track 2) get it in
        front ("2.1"), because such agendas restart numbering in every track.
        """
        code = re.sub(r"\s+", "", self.code)
        if self.group:
            return f"{self.section_number}{self.group[:1].upper()}{code}"
        if code.startswith(self.section_number) and len(code) > len(self.section_number):
            return code
        return f"{self.section_number}.{code}"

    @property
    def status(self) -> str:
        return status_from_note(self.status_note)


@dataclass
class ParsedAgenda:
    projects: list[RawProject]
    style: str  # "pdf-text", "table-text", "html", "docx", "pdf"
    title: str | None = None  # the document's own heading, e.g. "B. Agenda 2023-2027 Voortgang Projecten"
    period: str | None = None  # "2023-2027" when the heading states it
    warnings: list[str] = field(default_factory=list)


_STATUS_WORDS = (
    (re.compile(r"gestaakt|gestopt|beëindigd|beeindigd|stopgezet|vervallen", re.I), "gestopt"),
    (re.compile(r"voltooid|afgerond|afgesloten|gereed|klaar", re.I), "afgerond"),
    (re.compile(r"verkenn", re.I), "verkenning"),
    (re.compile(r"\bidee\b", re.I), "idee"),
)


def status_from_note(note: str | None) -> str:
    """Map a remark such as "Project voltooid" to a project status; default lopend."""
    if note:
        for pattern, status in _STATUS_WORDS:
            if pattern.search(note):
                return status
    return "lopend"


PERIOD_RE = re.compile(r"\b((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})\b")


def period_from_text(text: str) -> str | None:
    match = PERIOD_RE.search(text)
    return f"{match.group(1)}-{match.group(2)}" if match else None
