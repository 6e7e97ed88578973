"""The agenda as tab-separated table text, and the row handling every table layout shares.

The table text is one agenda row per line: ``code<TAB>title<TAB>description<TAB>T: ... P: ...``,
with the description still holding HTML fragments (``<p>``, ``<ul>``). Between the rows sit
section headings ("1. Gezondheid & Welzijn"), group headings ("Vlaggenschepen"), a header row
and dashed separator rows. Where a cell broke across a page in the original, the extraction
wrote a continuation row with empty code and title cells.

HTML, Word and PDF tables have the same rows in another container, so ``AgendaBuilder`` holds
everything that turns rows and heading lines into ``RawProject`` records; the format modules
only walk their document and feed it cells as plain text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from kennisstad.ingest.common import AgendaFormatError, ParsedAgenda, RawProject, period_from_text

# Group names as the agendas spell them; headings are matched to them so that a typo in one
# export ("Vlaggenscheppen") does not split a group into two.
KNOWN_GROUPS = ("Vlaggenschepen", "Kennisinfrastructuur")

_CODE = r"(?:[A-Z]{1,2}[ .-]?)?\d{1,3}(?:\.\d{1,2})?[a-z]{0,2}"
CODE_RE = re.compile(rf"^{_CODE}\.?$")
# "1a Leiden Healthy Society Center" when code and title share a cell (three-column layouts).
CODE_TITLE_RE = re.compile(rf"^(?P<code>{_CODE})[.):]?\s+(?P<title>\S.*)$", re.S)

# "1. Gezondheid & Welzijn", "II. Cultuur", "Spoor 1: Duurzaamheid", "Thema 2 - Zorg".
# Roman numerals stay upper case so that "B. Agenda 2023-2027" is not a section.
SECTION_RE = re.compile(
    r"^(?:(?i:spoor|thema|track|lijn|programmalijn|hoofdstuk|deel|domein|pijler)\s+"
    r"(?P<n1>\d{1,2}|[IVX]{1,5})\b\s*[.:)\-–—]?\s*"
    r"|(?P<n2>\d{1,2}|[IVX]{1,5})\s*[.:)]\s+)"
    r"(?P<title>\S.*)$"
)
_MAX_HEADING_WORDS = 12

_RULE_RE = re.compile(r"^[-=_–—\s|+]+$")
_TAG_OR_ENTITY_RE = re.compile(r"</?[a-zA-Z][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")

_STATUS_WORD = (
    r"(?:voltooid|afgerond|afgesloten|gestaakt|gestopt|stopgezet|beëindigd|beeindigd|vervallen|on\s*hold)"
)
# A remark at the end of the title: "... (project gestaakt)", "... – Project voltooid", and the
# extraction sometimes glues it on without a space ("HuurteamProject voltooid").
_PROJECT_STATUS = rf"(?i:project)\s+(?:(?i:is)\s+)?(?i:{_STATUS_WORD})"
_STATUS_TAIL_RE = re.compile(
    rf"\(\s*(?P<paren>(?:{_PROJECT_STATUS})|(?i:{_STATUS_WORD}))\s*\)\s*[.!]?\s*$"
    rf"|(?:^|\s+[-–—:]\s*|\s+|(?<=[^\s(])(?=Project|PROJECT))(?P<note>{_PROJECT_STATUS})\s*[.!]?\s*$"
    rf"|\s+[-–—:]\s*(?P<bare>(?i:{_STATUS_WORD}))\s*[.!]?\s*$"
)
_STATUS_HEAD_RE = re.compile(rf"^\(?\s*(?P<note>{_PROJECT_STATUS})\s*\)?\s*[:\-–—]?\s+(?P<rest>\S.*)$")

_CONTACT_RE = re.compile(r"(?:^|(?<=\s))(?i:contact(?:persoon)?)\s*:\s*(?P<name>[A-ZÀ-Ý][^\n]*?)\s*$", re.M)
_CELL_CONTACT_RE = re.compile(
    r"(?:^|(?<=\s))(?i:contact(?:persoon)?)\s*:\s*(?P<name>\S.*?)\s*(?=\s[TP]\s*:|$)"
)
_LEADS_MARK_RE = re.compile(r"(?:^|(?<=[\s,;(]))T\s*:")
_PARTNERS_MARK_RE = re.compile(r"(?:^|(?<=[\s,;(]))P\s*:")
# "P." for "P:" is a typo seen in the agendas; only used when the cell has no "P:".
_PARTNERS_DOT_RE = re.compile(r"(?:^|(?<=[\s,;(]))P\.(?=\s)")
_URL_RE = re.compile(r"https?://[^\s<>\"')]+")

# What a header cell names, tried in this order; "T: Trekker P: Partners" is one leads cell.
_HEADER_ROLES = (
    ("code_title", re.compile(r"^(?:nr\.?|nummer|no\.?)\s*[+&/,]?\s*(?:project|titel)", re.I)),
    ("code", re.compile(r"^(?:nr\.?|nummer|no\.?|code|#)$", re.I)),
    ("title", re.compile(r"^(?:project(?:en|naam|titel)?|titel|naam)$", re.I)),
    ("description", re.compile(r"beschrijving|omschrijving|toelichting|\bdoel\b", re.I)),
    ("leads", re.compile(r"trekker", re.I)),
    ("partners", re.compile(r"partner", re.I)),
)

_BR = "\ue000"  # stands in for <br> while HTML whitespace is collapsed
_LIST_TEXT_SPLIT_RE = re.compile(r"(?:^|\s)[-–•·]\s+")


# --------------------------------------------------------------------------- text helpers


def collapse(text: str | None) -> str:
    """All whitespace runs to one space, as the T:/P: cells and titles are compared."""
    return re.sub(r"\s+", " ", (text or "").replace("\xad", "").replace("\u200b", "")).strip()


def _clean_lines(text: str) -> str:
    lines = (collapse(line) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def blocks_to_text(blocks: Iterable[tuple[str, str]]) -> str:
    """Paragraphs ("p") separated by a blank line; list items ("li") as "- item" lines."""
    pieces: list[str] = []
    previous = None
    for kind, raw in blocks:
        text = _clean_lines(raw)
        if not text:
            continue
        if kind == "li":
            text = "- " + re.sub(r"^[-•·▪◦*–]\s*", "", text.replace("\n", " "))
        if pieces:
            pieces.append("\n" if kind == previous == "li" else "\n\n")
        pieces.append(text)
        previous = kind
    return "".join(pieces)


_BLOCK_TAGS = {
    "p", "div", "section", "article", "blockquote", "header", "footer", "pre", "address",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "thead", "tbody", "tfoot",
    "dl", "dt", "dd", "figure", "figcaption",
}  # fmt: skip
_SKIPPED_TAGS = {"script", "style", "head", "title", "template", "noscript"}
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)


def element_blocks(element: Tag) -> list[tuple[str, str]]:
    """The paragraphs and list items of an HTML element, in document order."""
    blocks: list[tuple[str, str]] = []
    buffer: list[str] = []
    kinds = ["p"]

    def flush() -> None:
        text = re.sub(r"\s+", " ", "".join(buffer)).replace(_BR, "\n")
        buffer.clear()
        if not text.strip():
            return
        if kinds[-1] == "list":
            # Text straight inside <ul>: exports that drop the <li> tags write "- item - item".
            items = [item for item in _LIST_TEXT_SPLIT_RE.split(text) if item.strip()]
            blocks.extend(("li", item) for item in items)
        else:
            blocks.append((kinds[-1], text))

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, _NOT_TEXT):
                continue
            if isinstance(child, NavigableString):
                buffer.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in _SKIPPED_TAGS:
                continue
            if child.name == "br":
                buffer.append(_BR)
            elif child.name in ("li", "ul", "ol", "menu"):
                flush()
                kinds.append("li" if child.name == "li" else "list")
                walk(child)
                flush()
                kinds.pop()
            elif child.name in _BLOCK_TAGS:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(element)
    flush()
    return blocks


def html_fragment_to_text(fragment: str) -> str:
    """Plain text of a cell that may hold HTML; never keeps a tag."""
    if not _TAG_OR_ENTITY_RE.search(fragment):
        return blocks_to_text([("p", fragment)])
    soup = BeautifulSoup(fragment, "html.parser")
    return blocks_to_text(element_blocks(soup))


def normalise_description(text: str) -> str:
    """Blank line between paragraphs, "- " bullet lines together, no stray whitespace."""
    blocks: list[tuple[str, str]] = []
    for paragraph in re.split(r"\n\s*\n", text or ""):
        plain: list[str] = []
        for line in filter(None, (collapse(line) for line in paragraph.split("\n"))):
            if re.match(r"^[-•·▪◦–]\s", line):
                if plain:
                    blocks.append(("p", "\n".join(plain)))
                    plain = []
                blocks.append(("li", line))
            else:
                plain.append(line)
        if plain:
            blocks.append(("p", "\n".join(plain)))
    return blocks_to_text(blocks)


def join_continuation(previous: str, more: str) -> str:
    """Glue the part of a cell that a page break pushed into a continuation row.

    A page break usually falls mid-sentence, so text joins with a space unless the first part
    ended a sentence and the next part starts a new one, which makes it a new paragraph.
    """
    if not previous:
        return more
    if not more:
        return previous
    last, first = previous.rstrip()[-1], more.lstrip()[0]
    if more.startswith("- "):
        return previous + ("\n" if previous.rsplit("\n", 1)[-1].startswith("- ") else "\n\n") + more
    if last in '.!?:”"' and (first.isupper() or first.isdigit() or first in "“\"'‘("):
        return previous + "\n\n" + more
    if last == "-" and first.islower() and previous.rstrip()[-2:-1].isalpha():
        return previous.rstrip() + more
    return previous + " " + more


def parse_section_heading(text: str) -> tuple[str, str] | None:
    """("1", "Gezondheid & Welzijn") for a section heading, else None."""
    match = SECTION_RE.match(collapse(text))
    if not match:
        return None
    title = match.group("title").strip().rstrip(":")
    if len(title.split()) > _MAX_HEADING_WORDS or not title[:1].isalpha() or title.endswith((".", ",", ";")):
        return None
    return match.group("n1") or match.group("n2"), title


def canonical_group(name: str) -> str:
    name = collapse(name).rstrip(":")
    close = difflib.get_close_matches(name.lower(), [g.lower() for g in KNOWN_GROUPS], n=1, cutoff=0.85)
    if close:
        return next(g for g in KNOWN_GROUPS if g.lower() == close[0])
    return name


def split_status(title: str) -> tuple[str, str | None]:
    """Take a status remark ("Project voltooid", "(project gestaakt)") off a title."""
    title = collapse(title)
    match = _STATUS_TAIL_RE.search(title)
    if match and match.start() > 0:
        note = match.group("paren") or match.group("note") or match.group("bare")
        return title[: match.start()].rstrip(" -–—:,"), collapse(note)
    match = _STATUS_HEAD_RE.match(title)
    if match:
        return match.group("rest"), collapse(match.group("note"))
    return title, None


def split_code_title(cell: str) -> tuple[str, str]:
    """Code and title from a cell holding both; ("", cell) when it holds no code."""
    cell = cell.strip()
    if CODE_RE.match(cell):
        return cell.rstrip("."), ""
    match = CODE_TITLE_RE.match(cell)
    if match:
        return match.group("code"), match.group("title")
    return "", cell


def take_contact(text: str) -> tuple[str, str | None]:
    """Remove a "Contact: Name" line from a description."""
    match = _CONTACT_RE.search(text or "")
    if not match:
        return text, None
    name = match.group("name").strip().rstrip(".,;")
    rest = (text[: match.start()] + text[match.end() :]).strip()
    return normalise_description(rest), name or None


def split_party_cell(cell: str) -> tuple[str | None, str | None, str | None, str]:
    """Split a "T: ... P: ..." cell into (leads_raw, partners_raw, contact, leftover).

    ``leftover`` is text before the first marker, which a caller may want to warn about.
    """
    text = collapse(cell)
    contact = None
    match = _CELL_CONTACT_RE.search(text)
    if match:
        contact = match.group("name").strip().rstrip(".,;") or None
        text = collapse(text[: match.start()] + " " + text[match.end() :])
    if not text:
        return None, None, contact, ""
    leads_mark = _LEADS_MARK_RE.search(text)
    after_leads = leads_mark.end() if leads_mark else 0
    partners_mark = (
        _PARTNERS_MARK_RE.search(text, after_leads)
        or _PARTNERS_MARK_RE.search(text)
        or _PARTNERS_DOT_RE.search(text, after_leads)
    )
    marks = sorted((m for m in (leads_mark, partners_mark) if m), key=lambda m: m.start())
    if not marks:
        return None, None, contact, text
    parts: dict[str, str | None] = {"T": None, "P": None}
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        parts[mark.group(0)[0]] = text[mark.end() : end].strip() or None
    return parts["T"], parts["P"], contact, text[: marks[0].start()].strip()


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Layout:
    """Which cell of a row holds what. ``title == code`` when one cell holds both."""

    code: int = 0
    title: int = 1
    description: int = 2
    parties: int = 3
    partners: int | None = None  # set when trekker and partners have separate columns

    @property
    def combined(self) -> bool:
        return self.title == self.code

    @property
    def width(self) -> int:
        columns = (self.code, self.title, self.description, self.parties, self.partners)
        return max(i for i in columns if i is not None) + 1


FOUR_COLUMNS = Layout()
THREE_COLUMNS = Layout(code=0, title=0, description=1, parties=2)


def layout_from_header(cells: Sequence[str]) -> Layout | None:
    """The layout a header row ("nr. | Project | Beschrijving doel | T: Trekker P: ...") states."""
    if any(CODE_RE.match(cell) or len(cell) > 80 for cell in cells):
        return None
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        for role, pattern in _HEADER_ROLES:
            if role not in found and pattern.search(cell):
                found[role] = index
                break
    if "code_title" in found:
        code = title = found["code_title"]
    else:
        code, title = found.get("code"), found.get("title")
    description = found.get("description")
    parties = found.get("leads", found.get("partners"))
    if description is None or parties is None or (code is None and title is None):
        return None
    partners = found.get("partners") if "leads" in found else None
    return Layout(
        code=code if code is not None else title,
        title=title if title is not None else code,
        description=description,
        parties=parties,
        partners=partners,
    )


@dataclass
class _Pending:
    code: str
    title: str
    description: str
    parties: str
    line: int | None
    section_number: str
    section_title: str
    group: str | None


@dataclass
class AgendaBuilder:
    """Turns rows and heading lines, in document order, into a ``ParsedAgenda``.

    ``strict_columns`` is for line-based sources, where a project row with fewer cells than the
    layout means the file was cut off; in HTML and Word a short row is simply a short row.
    """

    style: str
    source_name: str | None = None
    strict_columns: bool = False
    layout: Layout | None = None
    title: str | None = None
    warnings: list[str] = field(default_factory=list)
    projects: list[RawProject] = field(default_factory=list)
    _section: tuple[str, str] | None = field(default=None, init=False, repr=False)
    _group: str | None = field(default=None, init=False, repr=False)
    _pending: _Pending | None = field(default=None, init=False, repr=False)
    _warned_no_section: bool = field(default=False, init=False, repr=False)

    # -- events

    def text_line(self, text: str, *, line: int | None = None, heading: bool | None = None) -> None:
        """A line outside the table rows.

        ``heading`` says whether the source marks it as a heading (h2, bold, "Heading 2");
        None for sources without styling, where a short line after a section is taken as a group.
        """
        text = collapse(text)
        if not text or _RULE_RE.match(text):
            return
        if self._start_section(text):
            return
        if self._section is None and not self.projects and self._pending is None:
            if heading is not False and self.title is None:
                self.title = text
            return
        if heading is False:
            return
        if self._looks_like_group(text):
            self._start_group(text)
        elif heading is None and self._pending is not None:
            self._warn(line, f"losse tekstregel bij project {self._pending.code} gevoegd")
            self._pending.description = join_continuation(self._pending.description, text)
        else:
            self._warn(line, f"regel overgeslagen: {text[:60]}")

    def start_table(self, width: int) -> None:
        """A new table begins; a layout read from an earlier header holds only if the width matches.

        Tables that continue on the next page often do not repeat their header, so a table
        of the same width keeps the layout.
        """
        if self.layout is not None and self.layout.width != width:
            self.layout = None

    def row(self, cells: Sequence[str | None], *, line: int | None = None) -> None:
        cells = [(cell or "").strip() for cell in cells]
        filled = [cell for cell in cells if cell]
        if not filled or all(_RULE_RE.match(cell) for cell in filled):
            return
        header = layout_from_header(cells)
        if header is not None:
            self.layout = header
            return
        layout = self.layout or (THREE_COLUMNS if len(cells) == 3 else FOUR_COLUMNS)

        def cell(index: int | None) -> str:
            return cells[index] if index is not None and index < len(cells) else ""

        if layout.combined:
            code, title = split_code_title(cell(layout.code))
        else:
            code, title = cell(layout.code).rstrip("."), cell(layout.title)
        description = cell(layout.description)
        parties = cell(layout.parties)
        if layout.partners is not None and (parties or cell(layout.partners)):
            parties = collapse(f"T: {parties} P: {cell(layout.partners)}")

        if not description and not parties:
            joined = " ".join(filled)
            if self._start_section(joined):
                return
            if not (CODE_RE.match(code) and title):
                first_filled = next(i for i, value in enumerate(cells) if value)
                if len(filled) == 1 and (first_filled == layout.code or self._pending is None):
                    # A row spanning the table, or text in the first column only: a heading.
                    self.text_line(filled[0], line=line, heading=True)
                elif not code and self._pending is not None:
                    self._pending.title = collapse(f"{self._pending.title} {title}")
                else:
                    self._warn(line, f"rij overgeslagen: {joined[:60]}")
                return

        if self.strict_columns and code and len(cells) < layout.width:
            raise AgendaFormatError(
                f"de rij van project {code} heeft {len(cells)} van de {layout.width} kolommen; "
                "is het bestand afgebroken?",
                line=line,
                source=self.source_name,
            )
        if not code:
            self._continue_row(title, description, parties, line)
            return
        if not CODE_RE.match(code):
            self._warn(line, f"onverwachte projectcode {code!r}")
        self._flush()
        if self._section is None and not self._warned_no_section:
            self._warned_no_section = True
            self._warn(line, "project vóór de eerste sectiekop")
        number, section_title = self._section or ("", "")
        self._pending = _Pending(
            code=code.rstrip("."),
            title=title,
            description=description,
            parties=parties,
            line=line,
            section_number=number,
            section_title=section_title,
            group=self._group,
        )

    def finish(self) -> ParsedAgenda:
        self._flush()
        if not self.projects:
            raise AgendaFormatError(
                "geen agendaprojecten gevonden (verwacht rijen met nummer, project, beschrijving en T:/P:)",
                source=self.source_name,
            )
        seen: dict[str, RawProject] = {}
        for project in self.projects:
            if project.key in seen:
                self._warn(project.line, f"projectcode {project.key} komt twee keer voor")
            seen.setdefault(project.key, project)
        return ParsedAgenda(
            projects=self.projects,
            style=self.style,
            title=self.title,
            period=period_from_text(self.title) if self.title else None,
            warnings=self.warnings,
        )

    # -- internals

    def _warn(self, line: int | None, message: str) -> None:
        self.warnings.append(f"regel {line}: {message}" if line is not None else message)

    def _start_section(self, text: str) -> bool:
        heading = parse_section_heading(text)
        if heading is None:
            return False
        self._flush()
        self._section = heading
        self._group = None
        return True

    def _start_group(self, text: str) -> None:
        self._flush()
        group = canonical_group(text)
        if group != collapse(text).rstrip(":"):
            self.warnings.append(f"groep {text!r} gelezen als {group!r}")
        self._group = group

    def _looks_like_group(self, text: str) -> bool:
        text = collapse(text).rstrip(":")
        return (
            self._section is not None
            and 0 < len(text) <= 60
            and len(text.split()) <= 6
            and text[:1].isupper()
            and not text.endswith((".", ",", ";", "?"))
            and not CODE_RE.match(text.split()[0])
        )

    def _continue_row(self, title: str, description: str, parties: str, line: int | None) -> None:
        pending = self._pending
        if pending is None:
            self._warn(line, "vervolgrij zonder voorafgaand project overgeslagen")
            return
        if title:
            # A title wrapped across a page break, or a project that lost its number: say so.
            self._warn(line, f"titeltekst {title[:40]!r} zonder nummer bij project {pending.code} gevoegd")
            pending.title = collapse(f"{pending.title} {title}")
        pending.description = join_continuation(pending.description, description)
        if parties:
            pending.parties = collapse(f"{pending.parties} {parties}")

    def _flush(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        title, status_note = split_status(pending.title)
        description, contact = take_contact(normalise_description(pending.description))
        leads, partners, cell_contact, leftover = split_party_cell(pending.parties)
        if leftover:
            self._warn(
                pending.line, f"tekst zonder T:/P: in de partnercel van {pending.code}: {leftover[:60]}"
            )
        links = list(dict.fromkeys(_URL_RE.findall(f"{description}\n{pending.parties}")))
        self.projects.append(
            RawProject(
                section_number=pending.section_number,
                section_title=pending.section_title,
                code=pending.code,
                title=title,
                group=pending.group,
                description=description,
                leads_raw=leads,
                partners_raw=partners,
                status_note=status_note,
                contact=contact or cell_contact,
                links=links,
                line=pending.line,
            )
        )


# --------------------------------------------------------------------------- table text


def _table_rows(text: str) -> Iterable[list[str]]:
    for raw in text.split("\n"):
        if raw.count("\t") >= 2:
            yield [cell.strip() for cell in raw.split("\t")]


def looks_like(text: str) -> bool:
    """True for tab-separated agenda rows: a header row or at least two coded rows."""
    coded = 0
    for cells in _table_rows(text):
        if layout_from_header(cells) is not None:
            return True
        if CODE_RE.match(cells[0]) or (CODE_TITLE_RE.match(cells[0]) and len(cells) == 3):
            coded += 1
            if coded >= 2:
                return True
    return False


def parse(text: str, source_name: str | None = None) -> ParsedAgenda:
    """Parse table text; raises ``AgendaFormatError`` (with the line) for a cut-off row."""
    builder = AgendaBuilder(style="table-text", source_name=source_name, strict_columns=True)
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if "\t" in line:
            builder.row([html_fragment_to_text(cell) for cell in line.split("\t")], line=number)
        else:
            builder.text_line(html_fragment_to_text(line), line=number, heading=None)
    return builder.finish()
