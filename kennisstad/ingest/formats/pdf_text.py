"""Agenda text as extracted from a PDF (style "pdf-text").

The PDF holds a three-column table: code + project title, "Beschrijving doel",
and the "T: trekkers / P: partners" cell. Text extraction interleaves the
columns, so this reader works from layout signals rather than from fixed
positions:

- A row starts at a line that begins with the code the numbering expects next
  ("1a", "2", "2.3", "a"; letters and numbers may be skipped). The title either
  has the line to itself and wraps over the following short lines, or it shares
  the line with the first description line.
- The description column is much wider than the title and cell columns. The
  typical widths are measured on the document itself, so a line can be judged
  "title-sized", "cell-sized" or "a full description line".
- T:/P: cells are short lines; they may sit in the middle of the description,
  which then continues on lines that start with a space.
- Page numbers and the repeated column header are noise, even in the middle of
  a cell or a sentence.

Every heuristic prefers a plausible reading over a failure: the importer shows
``warnings`` for the odd places instead.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, field

from ..common import AgendaFormatError, ParsedAgenda, RawProject, period_from_text

STYLE = "pdf-text"

# Codes may skip a few letters or numbers (1k -> 1m, 4 -> 6) where rows were dropped.
MAX_CODE_STEP = 3

_SPACES = re.compile(r"\s+")
_CODE_LINE = re.compile(
    r"^\s*(?P<code>\d{1,2}\.\d{1,2}|\d{1,2}[a-z]?|[a-z])(?:(?<=[a-z])\.|\))?(?:\s+(?P<rest>\S.*))?$"
)
_CODE_FRAGMENT = re.compile(r"^(?:\d{1,2}\.?|[a-z])$")
_CODE_HEAD = re.compile(r"^\s*(?P<head>\d{1,2}[a-z]?|[a-z])(?=\s|$)")
_CELL = re.compile(r"^(?P<kind>[TP])\s*(?P<sep>[:;.])(?P<text>.*)$")
_CONTACT = re.compile(r"^contact(?:persoon)?\s*:\s*(?P<name>\S.*)$", re.IGNORECASE)
_PAGE = re.compile(
    r"^(?:(?:pagina|blz\.?|p\.)\s*)?\d{1,3}(?:\s*(?:/|van)\s*\d{1,3})?$|^[-–]\s*\d{1,3}\s*[-–]$",
    re.IGNORECASE,
)
_COLUMN_HEADER = re.compile(
    r"^(?:nr\.?|nummer|code)?\s*project(?:en|naam|titel)?\b.*\bbeschrijving\b", re.IGNORECASE
)
_HEADER_CELL = re.compile(r"^(?:trekkers?|(?:overige\s+)?(?:\(?beoogde\)?\s+)?partners?)$", re.IGNORECASE)
_SECTION = re.compile(
    r"^(?:(?P<keyword>spoor|track|lijn|thema|programmalijn|pijler|sectie|deel|hoofdstuk)\s+)?"
    r"(?P<number>\d{1,2}|(?-i:[IVX]{1,5}))(?P<sep>\s*[.:)]|\s+[-–—])?\s+(?P<title>\S.*)$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^[-–•·▪*]\s+")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"“”]+")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

_STATUS_WORDS = (
    r"voltooid|afgerond|afgesloten|gestaakt|gestopt|beëindigd|beeindigd|stopgezet|vervallen|gereed|"
    r"on\s+hold|in\s+verkenning"
)
# "(project afgerond)" / "(afgerond)" anywhere in a title.
_STATUS_PAREN = re.compile(rf"\(\s*((?:project\s+)?(?:is\s+)?(?:{_STATUS_WORDS}))\s*\)", re.IGNORECASE)
# "Huurteam Project voltooid", also glued: "HuurteamProject gestaakt" (but not "Deelproject afgerond").
_STATUS_GLUED = re.compile(rf"(?:\b[Pp]|(?<=[^\W\d_])P)roject\s*(?i:is\s+)?(?i:{_STATUS_WORDS})\b\.?")
_STATUS_LINE = re.compile(rf"^\(?\s*(?:project\s+)?(?:is\s+)?(?:{_STATUS_WORDS})\.?\s*\)?$", re.IGNORECASE)
# "Het project is afgerond" is description prose, not a remark on the title.
_PROSE_BEFORE_STATUS = re.compile(r"\b(?:het|dit|dat|de|een|the|this)\s*$", re.IGNORECASE)

# Capitalised function words that open a Dutch (or English) sentence; in the
# middle of a title they would be written in lower case.
_SENTENCE_STARTERS = frozenset(
    {
        *("De", "Het", "Een", "Dit", "Deze", "Dat", "Die", "Er", "We", "Wij", "Zij", "Ze", "Hij", "Ook"),
        *("In", "Op", "Om", "Met", "Bij", "Door", "Voor", "Vanuit", "Via", "Onder", "Binnen", "Tijdens"),
        *("Sinds", "Naast", "Na", "Uit", "Aan", "Tot", "Rond", "Samen", "Daarnaast", "Steeds"),
        *("Als", "Wanneer", "Hoe", "Wat", "Waar", "Welke", "Elk", "Elke", "Alle", "Veel", "Nu"),
        *("The", "This", "A", "An", "Our"),
    }
)
# A title line ending in one of these continues on the next line.
_CONNECTORS = frozenset(
    {"de", "het", "een", "van", "voor", "en", "in", "op", "met", "tot", "aan", "bij", "door", "om", "of", "&"}
    | {"the", "and", "to"}
)
# What may come right before a new row without a blank line in between.
_BOUNDARY_KINDS = frozenset({"start", "heading", "group", "cell", "contact", "page", "header"})
# "ontwikkelings-" + "en" is a written hyphen (ellipsis of a compound), not a line-break hyphen.
_ELLIPSIS_FOLLOWERS = frozenset({"en", "of", "tot", "t/m", "noch", "als"})


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based
    raw: str  # right-stripped, leading spaces kept
    text: str  # stripped

    @property
    def indent(self) -> int:
        return len(self.raw) - len(self.raw.lstrip())


@dataclass(frozen=True)
class _Code:
    text: str
    family: str  # "numletter" (1a), "dotted" (1.2), "number" (3), "letter" (a)
    prefix: str
    ordinal: int


@dataclass(frozen=True)
class _RowStart:
    code: _Code
    rest: str  # the line after the code, inner spacing kept
    line: int
    consumed: tuple[int, ...] = ()  # indexes of lines holding a wrapped part of the code


@dataclass
class _TextLine:
    text: str
    gap_before: bool = False  # a blank line separated it from the previous one of its kind


@dataclass
class _Row:
    start: _RowStart
    section_number: str
    section_title: str
    group: str | None
    title: list[_TextLine] = field(default_factory=list)
    in_title: bool = True
    status_note: str | None = None
    description: list[_TextLine] = field(default_factory=list)
    cells: dict[str, list[str]] = field(default_factory=dict)
    contact: str | None = None


@dataclass
class _OpenCell:
    kind: str  # "T" or "P"
    indent: int
    interrupted: bool = False  # a blank line or page break since its last line


@dataclass
class _Widths:
    """Column widths in characters, measured on the document itself."""

    description: float  # a typical full description line
    description_max: float
    title_max: float
    cell_max: float


def looks_like(text: str) -> bool:
    """True for PDF-extracted agenda text; False for the tab-separated table layout or other text."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or _is_tab_table(lines):
        return False
    cells = sum(1 for line in lines if _CELL.match(line.strip()) and ":" in line[:4])
    codes = sum(1 for line in lines if (m := _CODE_LINE.match(line)) and m.group("rest"))
    return cells >= 2 and codes >= 1


def parse(text: str, source_name: str | None = None) -> ParsedAgenda:
    """Read the projects of a PDF-extracted agenda; raise AgendaFormatError when there are none."""
    return _Parser(text, source_name).parse()


class _Parser:
    def __init__(self, text: str, source_name: str | None):
        self.source = source_name
        self.tab_table = _is_tab_table([line for line in text.splitlines() if line.strip()])
        self.lines = _split_lines(text)
        self.vocabulary = _vocabulary(text)
        self.widths = _measure(self.lines)
        self.kinds = [self._classify(line) for line in self.lines]
        self.projects: list[RawProject] = []
        self.warnings: list[str] = []
        self.title: str | None = None
        self.preamble: list[str] = []
        self.ignored: list[int] = []  # line numbers of text before the first row
        self.section_number = ""
        self.section_title = ""
        self.group: str | None = None
        self.last_code: _Code | None = None  # within the current numbering
        self.previous_code: _Code | None = None  # across sections, for numbering that runs on
        self.row: _Row | None = None
        self.cell: _OpenCell | None = None
        self.consumed: set[int] = set()
        self.blank_seen = False  # since the last content line
        self.last_kind = "start"
        self.description_gap = False
        self.description_interrupted = False
        self.cells_seen = 0

    # -- driver ---------------------------------------------------------------

    def parse(self) -> ParsedAgenda:
        if not any(line.text for line in self.lines):
            raise AgendaFormatError("het document is leeg", line=1, source=self.source)
        for index, line in enumerate(self.lines):
            if index not in self.consumed:
                self._feed(index, line)
        self._close_row()
        if not self.projects or not self.cells_seen:
            first = next(line.number for line in self.lines if line.text)
            message = "geen agendaprojecten gevonden: verwacht rijen als '1a Titel' met 'T:'- en 'P:'-cellen"
            if self.tab_table:
                message = "dit is de tabelindeling met tabs, niet de tekst uit een PDF"
            raise AgendaFormatError(message, line=first, source=self.source)
        if self.ignored:
            first, last = self.ignored[0], self.ignored[-1]
            span = f"regel {first}" if first == last else f"regels {first}-{last}"
            self.warnings.insert(0, f"{self.source or 'tekst'}: {span} vóór de eerste projectrij genegeerd")
        period = period_from_text(self.title or "") or period_from_text(" ".join(self.preamble))
        return ParsedAgenda(
            projects=self.projects, style=STYLE, title=self.title, period=period, warnings=self.warnings
        )

    def _feed(self, index: int, line: _Line) -> None:
        kind = self.kinds[index]
        if kind == "blank":
            self.blank_seen = True
            self.description_gap = True
            if self.cell:
                self.cell.interrupted = True
            return
        if kind == "junk":
            return
        if kind == "header":
            self._interrupt("header")
            return
        if kind in ("page", "text") and (start := self._row_start(index)) and self._may_start_row(start):
            self._open_row(start)
            return
        if kind == "page":
            self._interrupt("page")
            return
        if kind == "text" and self._section_heading(index):
            return
        if kind == "text" and self._group_heading(index):
            return
        if self.row is None:
            self._add_preamble(line)
        elif kind == "cell" and self._open_cell(line):
            pass
        elif kind == "contact":
            self._close_cell()
            self.row.contact = _CONTACT.match(line.text).group("name").strip()
            self._content("contact")
        else:
            self._add_text(line)

    def _content(self, kind: str) -> None:
        self.blank_seen = False
        self.last_kind = kind

    def _interrupt(self, kind: str) -> None:
        # A page break or a repeated header may fall inside a cell or a sentence:
        # whatever was open stays open, but the blank lines around it mean nothing.
        self.description_interrupted = True
        if self.cell:
            self.cell.interrupted = True
        self.last_kind = kind

    # -- line classes ---------------------------------------------------------

    def _classify(self, line: _Line) -> str:
        text = line.text
        if not text:
            return "blank"
        if not any(char.isalnum() for char in text):
            return "junk"
        if _is_column_header(text):
            return "header"
        if cell := _CELL.match(text):
            return "header" if _HEADER_CELL.match(cell.group("text").strip()) else "cell"
        if _CONTACT.match(text):
            return "contact"
        if _PAGE.match(text):
            return "page"
        return "text"

    def _next_content(self, index: int, limit: int = 12) -> int | None:
        for other in range(index + 1, min(len(self.lines), index + 1 + limit)):
            if self.kinds[other] not in ("blank", "junk", "header", "page"):
                return other
        return None

    # -- codes and row starts -------------------------------------------------

    def _fit(self, code: _Code) -> str | None:
        """How a code relates to the numbering so far: "first", "next", "restart", "section" or None."""
        last = self.last_code
        if last is None:
            if self.previous_code and _follows(code, self.previous_code):
                return "first"  # numbering runs on across sections
            if code.prefix and self.section_number.isdigit() and code.prefix != self.section_number:
                return None
            # Right under a heading any number opens the rows; elsewhere only a low one.
            return (
                "first" if code.ordinal <= MAX_CODE_STEP or self.last_kind in ("heading", "group") else None
            )
        if _follows(code, last):
            return "next"
        if code.family == last.family and code.ordinal == 1:
            if code.prefix == last.prefix:
                return "restart"
            if code.prefix.isdigit() and last.prefix.isdigit() and int(code.prefix) == int(last.prefix) + 1:
                return "section"
        return None

    def _is_exact(self, code: _Code) -> bool:
        last = self.last_code
        if last is None:
            return code.ordinal == 1 or bool(
                self.previous_code and _follows(code, self.previous_code, step=1)
            )
        return _follows(code, last, step=1)

    def _row_start(self, index: int) -> _RowStart | None:
        line = self.lines[index]
        match = _CODE_LINE.match(line.raw)
        if match and match.group("rest"):
            rest = match.group("rest")
            if rest[:1].islower():
                return None
            code = _parse_code(match.group("code"))
            # A code too wide for its column wraps: "1" here, a lone "0" a line or two below.
            if not self._is_exact(code):
                for other in self._following(index, 3):
                    if _CODE_FRAGMENT.match(self.lines[other].text):
                        joined = _parse_code(code.text + self.lines[other].text)
                        if joined and self._is_exact(joined):
                            return _RowStart(joined, rest, line.number, consumed=(other,))
            return _RowStart(code, rest, line.number) if self._fit(code) else None
        if not _CODE_FRAGMENT.match(line.text):
            return None
        following = self._next_content(index, limit=4)
        if following is None:
            return None
        head = _CODE_HEAD.match(self.lines[following].raw)
        if head:
            joined = _parse_code(line.text + head.group("head"))
            rest = self.lines[following].raw[head.end() :].strip()
            if joined and self._is_exact(joined) and rest and not rest[:1].islower():
                return _RowStart(
                    joined, self.lines[following].raw[head.end() :].lstrip(), line.number, (following,)
                )
        # A code alone on its line, title below; a lone page number is told apart by what follows.
        code = _parse_code(line.text.rstrip("."))
        next_text = self.lines[following].text
        if (
            code
            and self._is_exact(code)
            and len(next_text) <= self.widths.title_max
            and next_text[:1].isupper()
        ):
            return _RowStart(code, "", line.number)
        return None

    def _following(self, index: int, count: int) -> list[int]:
        found = []
        for other in range(index + 1, len(self.lines)):
            if len(found) == count:
                break
            if self.kinds[other] not in ("blank", "junk"):
                found.append(other)
        return found

    def _may_start_row(self, start: _RowStart) -> bool:
        if self.cell and _is_incomplete(self._cell_lines()[-1]) and len(start.rest) <= self.widths.cell_max:
            return False  # "P: Taxon Foundation, Fonds" / "1818, Prins ..." continues the cell
        if self.blank_seen or self.last_kind in _BOUNDARY_KINDS:
            return True
        # Directly under a description line only the exact next code counts: a
        # numbered list inside a description must not split the row.
        previous = self._previous_text()
        return self._is_exact(start.code) and previous.endswith((".", "!", "?"))

    def _previous_text(self) -> str:
        if self.row and self.row.description:
            return self.row.description[-1].text
        return ""

    def _open_row(self, start: _RowStart) -> None:
        self._close_row()
        verdict = self._fit(start.code)
        if verdict == "section":
            self.section_number, self.section_title, self.group = start.code.prefix, "", None
            self._warn(start.line, f"code {start.code.text} opent een nieuwe sectie zonder kop")
        elif verdict == "restart":
            self._warn(start.line, f"nummering begint opnieuw bij {start.code.text} zonder groepskop")
        elif self.last_code and start.code.ordinal > self.last_code.ordinal + 1:
            self._warn(start.line, f"code {start.code.text} volgt op {self.last_code.text}")
        if not self.section_number and start.code.prefix:
            self.section_number = start.code.prefix
        self.consumed.update(start.consumed)
        self.last_code = self.previous_code = start.code
        self.row = _Row(start, self.section_number, self.section_title, self.group)
        self.description_gap = self.description_interrupted = False
        self._content("row")
        rest = start.rest.strip()
        if not rest:
            return
        title, description, note = self._split_code_line(start.rest)
        self.row.title.append(_TextLine(title))
        self.row.status_note = note
        if description:
            self.row.in_title = False
            self.row.description.append(_TextLine(description))

    def _split_code_line(self, rest: str) -> tuple[str, str, str | None]:
        """Title, first description words and status remark of the text after a code."""
        rest = rest.rstrip()
        status = _STATUS_PAREN.search(rest) or _STATUS_GLUED.search(rest)
        if (
            status
            and status.start() <= self.widths.title_max
            and not _PROSE_BEFORE_STATUS.search(rest[: status.start()])
        ):
            note = (status.group(1) if status.re is _STATUS_PAREN else status.group(0)).strip()
            return rest[: status.start()].strip(), rest[status.end() :].strip(), note
        position = self._best_split(rest, require_gap=len(rest) <= self.widths.title_max)
        if position is None:
            if len(rest) > self.widths.title_max:
                self._warn(
                    self.row.start.line, "titel en beschrijving niet te scheiden; alles als titel gelezen"
                )
            return rest, "", None
        return rest[:position].strip(), rest[position:].strip(), None

    def _best_split(
        self, text: str, *, require_gap: bool = False, min_score: int | None = None
    ) -> int | None:
        """Where the description starts in a line that also holds (the end of) the title.

        The description is a sentence: it starts with a capital, often with a
        function word ("Het", "In"), after a wider gap, or by repeating the title;
        the title part must fit the title column and the rest the description column.
        """
        tokens = list(re.finditer(r"\S+", text))
        best: tuple[tuple[int, float], int] | None = None
        for k in range(1, len(tokens)):
            word = tokens[k].group()
            if not _opens_sentence(word):
                continue
            title = text[: tokens[k].start()].strip()
            description = text[tokens[k].start() :].strip()
            if len(title) > self.widths.title_max or len(description) > self.widths.description_max:
                continue
            gap = tokens[k].start() - tokens[k - 1].end()
            if require_gap and gap < 2:
                continue
            score = 0
            if gap >= 2:
                score += 3
            if word.strip("“‘\"'(") in _SENTENCE_STARTERS:
                score += 2
            if k + 1 < len(tokens) and tokens[k + 1].group()[:1].islower():
                score += 1
            if tokens[k - 1].group().endswith(("?", "!")):
                score += 1
            if description.casefold().startswith(title.casefold()):
                score += 2  # "Leiden Law Park Leiden Law Park is de hotspot ..."
            elif word.casefold() == tokens[k - 1].group().casefold():
                score += 2  # a title ending on the word the description starts with
            if tokens[k - 1].group().casefold() in _CONNECTORS:
                score -= 2
            if min_score is not None and score < min_score:
                continue
            # Ties go to the split whose description part is closest to a full column line.
            key = (score, -abs(len(description) - self.widths.description))
            if best is None or key > best[0]:
                best = (key, tokens[k].start())
        return best[1] if best else None

    # -- headings -------------------------------------------------------------

    def _section_heading(self, index: int) -> bool:
        line = self.lines[index]
        match = _SECTION.match(line.text)
        if not match or not (match.group("keyword") or (match.group("sep") or "").strip()):
            return False
        number, title = match.group("number"), match.group("title").strip()
        if len(title.split()) > 10 or not title[:1].isupper() or title.endswith((".", ",", ";")):
            return False
        previous = self.section_number
        if number.isdigit() and previous.isdigit() and not int(previous) < int(number) <= int(previous) + 2:
            return False
        # Only a heading when rows follow: a numbered list in a description is not one.
        following = self._next_content(index)
        continuation = None
        if following is not None and following == index + 1 and self._continues_heading(title, following):
            continuation = following
            following = self._next_content(following)
        if following is not None and not self._row_code_at(following) and self._could_be_group(following):
            following = self._next_content(following)
        code = self._row_code_at(following) if following is not None else None
        if code is None or (code.prefix and number.isdigit() and code.prefix != number):
            return False
        if continuation is not None:
            title = f"{title} {self.lines[continuation].text}"
            self.consumed.add(continuation)
        self._close_row()
        self.section_number, self.section_title = number, title.rstrip(" :.")
        self.group = None
        self.last_code = None
        self._content("heading")
        return True

    def _continues_heading(self, title: str, index: int) -> bool:
        text = self.lines[index].text
        ends_open = title.endswith(("&", ",", "-", "–")) or title.split()[-1].casefold() in _CONNECTORS
        return len(text) <= self.widths.title_max and (text[:1].islower() or ends_open)

    def _could_be_group(self, index: int) -> bool:
        text = self.lines[index].text
        short = len(text) <= self.widths.title_max and len(text.split()) <= 5
        return (
            self.kinds[index] == "text"
            and short
            and text[:1].isupper()
            and not text.endswith((".", ",", ";", ":"))
        )

    def _group_heading(self, index: int) -> bool:
        """A named group inside a section ("Vlaggenschepen"): a short label after which numbering restarts."""
        text = self.lines[index].text
        if not (self.blank_seen or self.last_kind in ("heading", "cell", "contact", "page", "header")):
            return False
        if not self._could_be_group(index) or (self.cell and _is_incomplete(self._cell_lines()[-1])):
            return False
        following = self._next_content(index)
        code = self._row_code_at(following) if following is not None else None
        if code is None or code.ordinal > MAX_CODE_STEP:
            return False
        last = self.last_code
        if last is not None and not (code.family == last.family and code.ordinal <= last.ordinal):
            return False
        self._close_row()
        self.group = text
        self.last_code = None
        self._content("group")
        return True

    def _row_code_at(self, index: int) -> _Code | None:
        match = _CODE_LINE.match(self.lines[index].raw)
        if not match or (match.group("rest") or "")[:1].islower():
            return None
        return _parse_code(match.group("code"))

    # -- inside a row ---------------------------------------------------------

    def _open_cell(self, line: _Line) -> bool:
        match = _CELL.match(line.text)
        kind = match.group("kind")
        # "P." is only a cell marker where a P: cell is due; elsewhere it may be an initial ("P. de Vries").
        if match.group("sep") != ":" and (
            kind in self.row.cells or (kind == "P" and "T" not in self.row.cells)
        ):
            return False
        if kind in self.row.cells:
            self._warn(line.number, f"tweede {kind}:-cel in project {self.row.start.code.text}; samengevoegd")
        self.row.in_title = False
        self.row.cells.setdefault(kind, []).append(match.group("text").strip())
        self.cell = _OpenCell(kind, line.indent)
        self.cells_seen += 1
        self.description_interrupted = True
        self._content("cell")
        return True

    def _cell_lines(self) -> list[str]:
        return self.row.cells[self.cell.kind]

    def _close_cell(self) -> None:
        self.cell = None

    def _add_text(self, line: _Line) -> None:
        row = self.row
        if self.cell and self._continues_cell(line):
            self._cell_lines().append(line.text)
            self.cell.interrupted = False
            self._content("cell")
            return
        self._close_cell()
        description = self._take_title_line(line) if row.in_title else line.text
        if description:
            row.in_title = False
            self._add_description_line(description)
        else:
            self._content("title")

    def _continues_cell(self, line: _Line) -> bool:
        # Description text resumes after a cell on lines that start with a space
        # or run the full column width; cell lines are short and flush left.
        if (
            line.indent > self.cell.indent
            or len(line.text) > self.widths.cell_max
            or _BULLET.match(line.text)
        ):
            return False
        return not self.cell.interrupted or _is_incomplete(self._cell_lines()[-1])

    def _take_title_line(self, line: _Line) -> str:
        """Add what belongs to the title; return the part of the line that starts the description."""
        row, text = self.row, line.text
        if _BULLET.match(text):
            return text
        if _STATUS_LINE.match(text):
            row.status_note = text.strip("() .")
            return ""
        title_so_far = " ".join(part.text for part in row.title)
        open_title = _is_incomplete(title_so_far) or text[:1].islower()
        if len(text) <= self.widths.title_max:
            if self.blank_seen and not open_title and row.title and self._previous_title_line_was_short(text):
                return text
            row.title.append(_TextLine(text, gap_before=self.blank_seen))
            return ""
        # The last title line may share its line with the first description line.
        position = self._best_split(text, min_score=2) if open_title else None
        if position is None:
            return text
        row.title.append(_TextLine(text[:position].strip(), gap_before=self.blank_seen))
        return text[position:].strip()

    def _previous_title_line_was_short(self, text: str) -> bool:
        # A wrapped title fills its column; if the next word would have fit on the
        # previous line, a capitalised line after a blank starts the description.
        previous = self.row.title[-1].text
        if len(self.row.title) == 1:
            previous = f"{self.row.start.code.text} {previous}"
        return len(previous) + 1 + len(text.split()[0]) <= 0.8 * self.widths.title_max

    def _add_description_line(self, text: str) -> None:
        gap = self.description_gap and not self.description_interrupted and bool(self.row.description)
        self.row.description.append(_TextLine(text, gap_before=gap))
        self.description_gap = self.description_interrupted = False
        self._content("text")

    def _add_preamble(self, line: _Line) -> None:
        if self.title is None and not self.preamble:
            self.title = _clean(line.text)
        else:
            self.ignored.append(line.number)
        self.preamble.append(line.text)
        self._content("text")

    def _close_row(self) -> None:
        row, self.row, self.cell = self.row, None, None
        if row is None:
            return
        title_lines = row.title
        description_lines = row.description
        if not description_lines and self._title_ends_in_description(title_lines):
            description_lines, title_lines = title_lines[-1:], title_lines[:-1]
        title = _join_lines([part.text for part in title_lines], self.vocabulary)
        status_note = row.status_note
        status = _STATUS_PAREN.search(title) or _STATUS_GLUED.search(title)
        if status and not _PROSE_BEFORE_STATUS.search(title[: status.start()]):
            status_note = (status.group(1) if status.re is _STATUS_PAREN else status.group(0)).strip(" .")
            title = f"{title[: status.start()]} {title[status.end() :]}"
        description = _build_description(description_lines, self.vocabulary, 0.8 * self.widths.description)
        if not description:
            self._warn(row.start.line, f"project {row.start.code.text} heeft geen beschrijving")
        self.projects.append(
            RawProject(
                section_number=row.section_number,
                section_title=_clean(row.section_title),
                group=row.group,
                code=row.start.code.text,
                title=_clean(title).strip(" -–:"),
                description=description,
                leads_raw=self._cell_text(row, "T"),
                partners_raw=self._cell_text(row, "P"),
                status_note=_clean(status_note) if status_note else None,
                contact=_clean(row.contact) if row.contact else None,
                links=[url.rstrip(".,;:)") for url in _URL.findall(description)],
                line=row.start.line,
            )
        )

    @staticmethod
    def _title_ends_in_description(title_lines: list[_TextLine]) -> bool:
        # Nothing looked like a description: a capitalised title line after a
        # blank line is then the likelier description than the end of the title.
        if len(title_lines) < 2 or not title_lines[-1].gap_before or not title_lines[-1].text[:1].isupper():
            return False
        return not _is_incomplete(" ".join(part.text for part in title_lines[:-1]))

    def _cell_text(self, row: _Row, kind: str) -> str | None:
        text = _clean(_join_lines(row.cells.get(kind, []), self.vocabulary))
        # Stray extraction marks at the end of a cell ("Gemeente Leiden \").
        text = text.rstrip("\\| ").strip()
        return text or None

    def _warn(self, line: int, message: str) -> None:
        where = f"{self.source}:{line}" if self.source else f"regel {line}"
        self.warnings.append(f"{where}: {message}")


# -- helpers ------------------------------------------------------------------


def _split_lines(text: str) -> list[_Line]:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\t", " ")
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        # A soft hyphen at the end of a line is a hyphenation point; elsewhere it is invisible.
        raw = raw.rstrip()
        raw = raw[:-1] + "-" if raw.endswith("\u00ad") else raw
        raw = raw.replace("\u00ad", "")
        lines.append(_Line(number, raw, raw.strip()))
    return lines


def _vocabulary(text: str) -> set[str]:
    words = set()
    for word in _WORD.findall(text.casefold()):
        words.add(word)
        words.update(word.split("-"))
    return words


def _measure(lines: list[_Line]) -> _Widths:
    lengths = sorted(len(line.text) for line in lines if line.text)
    if not lengths:
        return _Widths(80, 92, 35, 40)
    p90 = lengths[int(0.9 * (len(lengths) - 1))]
    long_lines = [n for n in lengths if n >= 0.6 * p90] or lengths
    description = statistics.median(long_lines)
    # Title-only code lines show how wide the title column is.
    title_lengths = [
        len(m.group("rest"))
        for line in lines
        if (m := _CODE_LINE.match(line.raw)) and m.group("rest") and len(line.text) < 0.6 * description
    ]
    # Observed titles only bound the column from below; where few titles wrap, a
    # third of the description column is the better guess.
    title_max = (
        max(max(title_lengths) * 1.15 + 2, 0.35 * description)
        if len(title_lengths) >= 3
        else 0.4 * description
    )
    cell_lengths = [len(line.text) for line in lines if _CELL.match(line.text)]
    cell_lengths = [n for n in cell_lengths if n < 0.6 * description]
    cell_max = max(cell_lengths) * 1.2 + 4 if len(cell_lengths) >= 3 else title_max
    return _Widths(description, description * 1.15, title_max, cell_max)


def _is_tab_table(lines: list[str]) -> bool:
    tabbed = sum(1 for line in lines if line.count("\t") >= 2)
    return tabbed >= 3 and tabbed >= 0.1 * len(lines)


def _is_column_header(text: str) -> bool:
    # "nr. Project Beschrijving doel", repeated at the top of every page.
    return bool(_COLUMN_HEADER.match(text)) and len(text.split()) <= 10


def _parse_code(text: str) -> _Code | None:
    if m := re.fullmatch(r"(\d{1,2})([a-z])", text):
        return _Code(text, "numletter", m.group(1), ord(m.group(2)) - ord("a") + 1)
    if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})", text):
        return _Code(text, "dotted", m.group(1), int(m.group(2)))
    if re.fullmatch(r"\d{1,2}", text):
        return _Code(text, "number", "", int(text))
    if re.fullmatch(r"[a-z]", text):
        return _Code(text, "letter", "", ord(text) - ord("a") + 1)
    return None


def _follows(code: _Code, last: _Code, step: int = MAX_CODE_STEP) -> bool:
    same_numbering = code.family == last.family and code.prefix == last.prefix
    return same_numbering and last.ordinal < code.ordinal <= last.ordinal + step


def _opens_sentence(word: str) -> bool:
    bare = word.lstrip("“‘\"'(")
    return bool(bare) and (bare[0].isupper() or bare[0].isdigit()) and not word.startswith("(")


def _is_incomplete(text: str) -> bool:
    """A cell or title line that cannot be the end of it: a list or phrase still runs on."""
    text = text.strip()
    if not text:
        return True
    if text.endswith((",", "&", "/", "-", "–", "(", ":")) or text.count("(") > text.count(")"):
        return True
    return text.split()[-1].casefold() in _CONNECTORS


def _join_lines(parts: list[str], vocabulary: set[str]) -> str:
    joined = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if not joined:
            joined = part
        elif re.search(r"[^\W\d_]-$", joined) and part[:1].isalpha():
            joined = _join_at_hyphen(joined, part, vocabulary)
        else:
            joined += " " + part
    return joined


def _join_at_hyphen(before: str, after: str, vocabulary: set[str]) -> str:
    """Join a line ending in a hyphen to the next: a hyphenation point, or a hyphen as written."""
    prefix = re.search(r"([^\W\d_]+)-$", before).group(1)
    next_word = re.match(r"[^\W\d_]+", after).group(0)
    if next_word.casefold() in _ELLIPSIS_FOLLOWERS:
        return f"{before} {after}"  # "ontwikkelings- en onderwijs"
    if next_word[:1].isupper():
        return before + after  # "niet-Nederlandse"
    unbroken = (prefix + next_word).casefold() in vocabulary
    if not unbroken and f"{prefix}-{next_word}".casefold() in vocabulary:
        return before + after  # the document writes the hyphenated form elsewhere
    return before[:-1] + after  # "Geestesweten-" + "schappen"


def _build_description(lines: list[_TextLine], vocabulary: set[str], short: float) -> str:
    """Paragraphs separated by a blank line, bullet items as "- " lines."""
    blocks: list[tuple[str, list[list[str]]]] = []  # ("p", [[lines]]) or ("ul", [[item lines], ...])
    previous: _TextLine | None = None
    for line in lines:
        bullet = _BULLET.match(line.text)
        if bullet:
            item = line.text[bullet.end() :]
            if blocks and blocks[-1][0] == "ul":
                blocks[-1][1].append([item])
            else:
                blocks.append(("ul", [[item]]))
        elif previous is None or _starts_paragraph(previous, line, short):
            blocks.append(("p", [[line.text]]))
        else:
            blocks[-1][1][-1].append(line.text)
        previous = line
    rendered = []
    for kind, items in blocks:
        texts = [_clean(_join_lines(item, vocabulary)) for item in items]
        rendered.append("\n".join(f"- {text}" for text in texts) if kind == "ul" else texts[0])
    return "\n\n".join(text for text in rendered if text.strip("- "))


def _starts_paragraph(previous: _TextLine, line: _TextLine, short: float) -> bool:
    # The PDF keeps no blank lines inside a cell: a paragraph shows as a sentence
    # ending on a line that stops well short of the column edge.
    opens = line.text[:1].isupper() or line.text[:1] in "“‘\"'(" or line.text[:1].isdigit()
    if not opens:
        return False
    ends = previous.text.rstrip("”’\"')").endswith((".", "!", "?", ":"))
    if ends and (line.gap_before or len(previous.text) < short):
        return True
    return line.gap_before and not _is_incomplete(previous.text)


def _clean(text: str) -> str:
    # A closing quote between letters is an apostrophe ("What’s", "A’dam").
    text = re.sub(r"(?<=[^\W\d_])’(?=[^\W\d_])", "'", text)
    return _SPACES.sub(" ", text).strip()
