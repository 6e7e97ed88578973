"""Resolve an agenda's T: (trekkers) and P: (partners) cells to organisations.

A cell is free text written by people, e.g. ``"GL, in nauwe samenwerking met UL, LUMC"`` or
``"kennisinstellingen en partners die zich met letteren bezighouden (FGW, FSW, FdR, het LEF, musea etc)"``.
``split_cell`` turns it into ``Mention``s: known organisations (through an ``AliasIndex``) and the
remaining words, kept as written so a person can review them. Pure Python on purpose: the importer
builds the index from database rows, tests build it from the gold JSON.

How a cell is read:

1. Parenthesised parts are taken out first. A part that lists organisations is read as a list; a
   remark ("tot 1/1/23", a sentence that merely names an organisation) is prose: it becomes the note
   of the organisation right before it, or one unresolved item of its own.
2. Known aliases are found greedily (longest first, at word boundaries, case-insensitive). Aliases
   are found before splitting on commas because a canonical name may contain one ("Ministerie van
   Onderwijs, Cultuur en Wetenschap"), and an alias with a slash ("UL/FSW") wins over the slash as
   separator.
3. What lies between the aliases is split on commas and semicolons. Connectors next to an
   organisation ("en", "/", "met", "in nauwe samenwerking met", "o.l.v.") are dropped; fillers such
   as "e.a.", "etc.", "?" at the start of such a piece become items of their own; the rest of the
   piece stays one unresolved item, so generic phrases like "andere partners in en buiten Leiden"
   are reported whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OrgRef:
    name: str  # canonical name of what was mentioned (organisation or unit)
    organisation: str  # canonical name of the root organisation it counts for

    @property
    def is_unit(self) -> bool:
        return self.name != self.organisation


@dataclass(frozen=True)
class Mention:
    text: str  # as written (trimmed)
    ref: OrgRef | None  # None = unresolved
    # A parenthesised remark right after the organisation, e.g. "tot 1/1/23" in "Stuurgroep ECS (tot 1/1/23)".
    note: str | None = None


@dataclass
class CellResolution:
    leads: list[str] = field(default_factory=list)  # root organisations, in order, no duplicates
    partners: list[str] = field(default_factory=list)
    lead_units: list[str] = field(default_factory=list)  # units as mentioned, in order, no duplicates
    partner_units: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)  # leads' first, then partners', as written
    lead_mentions: list[Mention] = field(default_factory=list)
    partner_mentions: list[Mention] = field(default_factory=list)


# --- text normalisation -------------------------------------------------------------------------

# One character for one character, so offsets in the folded text are offsets in the original.
_QUOTES = str.maketrans(
    {"’": "'", "‘": "'", "‛": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"', "‟": '"'}
)
_TRAILING_PUNCT = ".,;:\\"


def _fold_quotes(text: str) -> str:
    return text.translate(_QUOTES)


def _key(text: str) -> str:
    """The form under which an alias is stored and looked up."""
    text = _fold_quotes(text).strip().strip('"').strip()
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s*([/&])\s*", r"\1", text)
    text = text.rstrip(_TRAILING_PUNCT + " ")
    return text.lower()


def _pattern_for(key: str) -> re.Pattern[str]:
    parts = []
    for char in key:
        if char == " ":
            parts.append(r"\s+")
        elif char in "/&":
            parts.append(rf"\s*{re.escape(char)}\s*")
        else:
            parts.append(re.escape(char))
    # The key lost its trailing dot ("Prov."); taking a dot along keeps "Prov. Zuid-Holland" together
    # for the check on longer names, and a sentence's full stop is dropped from the text anyway.
    tail = r"(?!\w)\.?" if re.match(r"\w", key[-1]) else ""
    return re.compile("".join(parts) + tail, re.IGNORECASE)


def _is_acronym(form: str) -> bool:
    return any(c.isalpha() for c in form) and not any(c.islower() for c in form)


# --- the alias index ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Alias:
    pattern: re.Pattern[str]
    acronym: bool
    ref: OrgRef


class AliasIndex:
    """Written forms of organisations and units, with the root organisation each counts for."""

    def __init__(
        self, refs: dict[str, OrgRef], acronym_keys: set[str], conflicts: list[tuple[str, str, str]]
    ):
        self._refs = refs
        #: (written form, canonical name kept, canonical name ignored) for forms claimed twice.
        self.conflicts = conflicts
        self._by_first_char: dict[str, list[_Alias]] = {}
        for key in sorted(refs, key=len, reverse=True):
            alias = _Alias(_pattern_for(key), key in acronym_keys, refs[key])
            self._by_first_char.setdefault(key[0], []).append(alias)

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[str, str, str | None]]) -> AliasIndex:
        """entries: (written form or canonical name, canonical name, parent canonical name or None)."""
        entries = list(entries)
        parents: dict[str, str] = {}
        for _form, canonical, parent in entries:
            if parent and parent != canonical:
                parents.setdefault(canonical, parent)

        def root(name: str) -> str:
            seen = {name}
            while name in parents and parents[name] not in seen:
                name = parents[name]
                seen.add(name)
            return name

        refs: dict[str, OrgRef] = {}
        acronym_forms: dict[str, list[bool]] = {}
        conflicts: list[tuple[str, str, str]] = []

        def add(form: str, canonical: str) -> None:
            key = _key(form)
            if not key:
                return
            ref = OrgRef(canonical, root(canonical))
            known = refs.setdefault(key, ref)
            if known != ref:
                conflicts.append((form, known.name, canonical))
                return
            acronym_forms.setdefault(key, []).append(_is_acronym(form))

        for form, canonical, _parent in entries:
            add(form, canonical)
        # Canonical names always resolve, even when the caller did not list them as a written form;
        # added last so an explicit entry decides if a name doubles as another's alias.
        for _form, canonical, _parent in entries:
            if _key(canonical) not in refs:
                add(canonical, canonical)
        acronym_keys = {key for key, flags in acronym_forms.items() if all(flags)}
        return cls(refs, acronym_keys, conflicts)

    def lookup(self, text: str) -> OrgRef | None:
        """Whole-text match; tolerant of case, spacing, curly quotes and trailing "." "," ";"."""
        return self._refs.get(_key(text))

    def _match_at(self, folded: str, pos: int) -> tuple[int, OrgRef] | None:
        """The longest alias starting at ``pos`` in quote-folded text: (end, ref)."""
        for alias in self._by_first_char.get(folded[pos].lower(), ()):
            match = alias.pattern.match(folded, pos)
            if not match:
                continue
            # "lef" and "ez" are ordinary words; an acronym alias needs at least one capital.
            if alias.acronym and not any(c.isupper() for c in match.group()):
                continue
            return match.end(), alias.ref
        return None

    def find(self, text: str) -> list[tuple[int, int, OrgRef]]:
        """Alias occurrences in ``text`` as (start, end, ref), left to right, not overlapping."""
        folded = _fold_quotes(text)
        found: list[tuple[int, int, OrgRef]] = []
        last_end = -1
        pos = 0
        while pos < len(folded):
            if folded[pos].isspace() or (pos > 0 and _is_word_char(folded[pos - 1])):
                pos += 1
                continue
            match = self._match_at(folded, pos)
            if match and not self._inside_longer_name(folded, pos, match[0], last_end):
                found.append((pos, match[0], match[1]))
                pos = last_end = match[0]
                continue
            pos += 1
        return found

    def _inside_longer_name(self, folded: str, start: int, end: int, last_end: int) -> bool:
        """True for "Universiteit" in "Universiteit Utrecht" or "Vrije Universiteit".

        Some aliases are generic words ("Universiteit", "gemeente"); next to a capitalised word that
        is no known organisation they are part of the name of an organisation we do not know, and
        resolving them would silently credit the wrong one.
        """
        after = re.match(r"[ \t\xa0]+(\S+)", folded[end:])
        if after and _is_name_word(after.group(1)) and self._match_at(folded, end + after.start(1)) is None:
            return True
        # A word ending in punctuation ("Naturalis," "regio)") is separated from the alias by it.
        before = re.search(r"(\S*\w)[ \t\xa0]+$", folded[:start])
        return bool(before and before.end(1) != last_end and _is_name_word(before.group(1)))


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _is_name_word(token: str) -> bool:
    word = token.rstrip(".,;:?!)")
    if not word or not word[0].isupper() or not re.fullmatch(r"[\w'&.-]+", word):
        return False
    return not _is_filler(word) and (_norm_token(word),) not in _CONNECTORS


# --- splitting a cell ---------------------------------------------------------------------------


def _norm_token(token: str) -> str:
    return _fold_quotes(token).lower().replace(".", "").strip(",;:")


# Dots required where the bare letters are a word or an abbreviation of their own ("ed", "CS").
_FILLER_RE = re.compile(r"e\.?a\.?|etc\.?|enz\.?|e\.d\.|o\.a\.|c\.s\.|[?!]+|…|\.{3}", re.IGNORECASE)
_CONJUNCTIONS = {("en",), ("&",), ("and",), ("of",), ("en", "/", "of"), ("/",), ("+",), ("-",), ("–",), ("plus",)}  # fmt: skip
_CONNECTORS = _CONJUNCTIONS | {
    ("met",),
    ("samen", "met"),
    ("ism",),  # i.s.m.
    ("olv",),  # o.l.v.
    ("onder", "leiding", "van"),
    ("in", "samenwerking", "met"),
    *(("in", adjective, "samenwerking", "met") for adjective in ("nauwe", "goede", "nauw")),
}
_ARTICLES = {("het",), ("de",), ("'t",), ("the",)}
_LONGEST_CONNECTOR = max(len(phrase) for phrase in _CONNECTORS)
_TOKEN_RE = re.compile(r"[/&+]|[^\s/&+]+")


def _is_filler(token: str) -> bool:
    return bool(_FILLER_RE.fullmatch(token))


def _connector_length(norms: list[str], phrases: set[tuple[str, ...]], *, at_end: bool) -> int:
    for size in range(min(_LONGEST_CONNECTOR, len(norms)), 0, -1):
        if tuple(norms[-size:] if at_end else norms[:size]) in phrases:
            return size
    return 0


@dataclass
class _Org:
    mention: Mention


@dataclass
class _List:
    mentions: list[Mention]


@dataclass
class _Text:
    text: str


def _groups(text: str) -> list[tuple[bool, str]]:
    """Top-level (is_parenthesised, text) pieces; an unclosed "(" runs to the end."""
    pieces: list[tuple[bool, str]] = []
    depth = 0
    start = 0
    for pos, char in enumerate(text):
        if char == "(":
            if depth == 0:
                pieces.append((False, text[start:pos]))
                start = pos + 1
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                pieces.append((True, text[start:pos]))
                start = pos + 1
    pieces.append((depth > 0, text[start:]))
    return [(paren, piece) for paren, piece in pieces if paren or piece]


def _chunks(text: str, index: AliasIndex) -> list[list[_Org | _List | _Text]]:
    """The text split into comma/semicolon-separated chunks of organisations, lists and plain text."""
    chunks: list[list[_Org | _List | _Text]] = [[]]
    for parenthesised, piece in _groups(text):
        if parenthesised:
            _add_parenthesised(chunks[-1], piece, index)
            continue
        pos = 0
        for start, end, ref in index.find(piece):
            _add_plain(chunks, piece[pos:start])
            chunks[-1].append(_Org(Mention(piece[start:end].strip().rstrip(_TRAILING_PUNCT), ref)))
            pos = end
        _add_plain(chunks, piece[pos:])
    return [chunk for chunk in chunks if chunk]


def _add_plain(chunks: list[list[_Org | _List | _Text]], text: str) -> None:
    for n, part in enumerate(re.split(r"[,;]", text)):
        if n:
            chunks.append([])
        if part:
            _add_text(chunks[-1], part)


def _add_text(chunk: list[_Org | _List | _Text], text: str) -> None:
    if chunk and isinstance(chunk[-1], _Text):
        chunk[-1] = _Text(chunk[-1].text + text)
    else:
        chunk.append(_Text(text))


def _add_parenthesised(chunk: list[_Org | _List | _Text], content: str, index: AliasIndex) -> None:
    inner = _chunks(content, index)
    mentions = [m for part in inner for m in _chunk_mentions(part)]
    resolved = any(m.ref for m in mentions)
    if resolved and (len(inner) > 1 or all(m.ref or _is_filler(m.text) for m in mentions)):
        chunk.append(_List(mentions))
        return
    # Only whitespace may separate a remark from the organisation it qualifies.
    spaced = bool(chunk) and isinstance(chunk[-1], _Text) and not chunk[-1].text.strip()
    before = chunk[-2] if spaced and len(chunk) > 1 else (chunk[-1] if chunk and not spaced else None)
    if isinstance(before, _Org) and before.mention.note is None:
        del chunk[chunk.index(before) :]
        remark = re.sub(r"\s+", " ", content).strip() or None
        chunk.append(_Org(Mention(before.mention.text, before.mention.ref, note=remark)))
    else:
        _add_text(chunk, f"({content})")


def _chunk_mentions(chunk: list[_Org | _List | _Text]) -> list[Mention]:
    mentions: list[Mention] = []
    for n, element in enumerate(chunk):
        if isinstance(element, _Org):
            mentions.append(element.mention)
        elif isinstance(element, _List):
            mentions.extend(element.mentions)
        else:
            mentions.extend(_text_mentions(element.text, after_org=n > 0, before_org=n < len(chunk) - 1))
    return mentions


def _text_mentions(text: str, *, after_org: bool, before_org: bool) -> list[Mention]:
    """Unresolved items from text between organisations (or at a chunk's edge)."""
    spans = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
    norms = [_norm_token(text[a:b]) for a, b in spans]
    # Next to an organisation any connector is a separator; at a chunk's edge only a conjunction
    # is ("..., en nog vele andere partners"), so "met" in "met name studenten" stays.
    left = _CONNECTORS if after_org else _CONJUNCTIONS
    # An article belongs to the name after it ("het LEF" where only "LEF" is a known form).
    right = _CONNECTORS | _ARTICLES if before_org else _CONJUNCTIONS
    items: list[Mention] = []
    first, last = 0, len(spans)
    while first < last:
        if size := _connector_length(norms[first:last], left, at_end=False):
            first += size
        elif _is_filler(text[spans[first][0] : spans[first][1]]):
            items.append(Mention(text[spans[first][0] : spans[first][1]], None))
            first += 1
        else:
            break
    while first < last and (size := _connector_length(norms[first:last], right, at_end=True)):
        last -= size
    if first < last:
        rest = _clean_unresolved(text[spans[first][0] : spans[last - 1][1]])
        items.extend(Mention(part, None) for part in _split_slashes(rest) if part)
    return items


def _clean_unresolved(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip().rstrip(",;:\\ ")
    last_token = text.rsplit(" ", 1)[-1]
    # Keep the dot of an abbreviation ("e.a.", "etc."), drop a sentence's full stop.
    if text.endswith(".") and not ("." in last_token[:-1] or _is_filler(last_token)):
        text = text.rstrip(".").rstrip()
    if not re.search(r"\w", text):
        return ""
    if text.startswith("(") and text.endswith(")") and _groups(text) == [(True, text[1:-1])]:
        text = text[1:-1].strip()
    return text


def _split_slashes(text: str) -> list[str]:
    """ "HvA/VU" or "foo / bar" are two items, "1/1/23" and "en/of" are not."""
    parts = [part.strip() for part in re.split(r"\s*/\s*", text)]
    if len(parts) > 1 and all(parts):
        spaced = re.search(r"\s/|/\s", text)
        if spaced or all(part[0].isupper() for part in parts):
            return parts
    return [text]


def split_cell(raw: str | None, index: AliasIndex) -> list[Mention]:
    """The mentions in one T: or P: cell, in the order written."""
    if not raw or not raw.strip():
        return []
    return [m for chunk in _chunks(raw, index) for m in _chunk_mentions(chunk)]


def resolve_cells(leads_raw: str | None, partners_raw: str | None, index: AliasIndex) -> CellResolution:
    lead_mentions = split_cell(leads_raw, index)
    partner_mentions = split_cell(partners_raw, index)
    return CellResolution(
        leads=_unique(m.ref.organisation for m in lead_mentions if m.ref),
        partners=_unique(m.ref.organisation for m in partner_mentions if m.ref),
        lead_units=_unique(m.ref.name for m in lead_mentions if m.ref and m.ref.is_unit),
        partner_units=_unique(m.ref.name for m in partner_mentions if m.ref and m.ref.is_unit),
        unresolved=[m.text for m in lead_mentions + partner_mentions if m.ref is None],
        lead_mentions=lead_mentions,
        partner_mentions=partner_mentions,
    )


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


# --- telling unknown organisations from generic words -------------------------------------------

_ORG_TYPE_WORDS = {
    "stichting", "vereniging", "gemeente", "provincie", "ministerie", "universiteit", "hogeschool",
    "university", "college", "museum", "fonds", "faculteit", "lectoraat", "instituut", "institute",
    "centrum", "center", "centre", "bibliotheek", "coöperatie", "cooperatie", "woonstichting",
    "scholengroep", "waterschap", "hoogheemraadschap", "ggd", "rijksmuseum", "theater", "stadsgehoorzaal",
}  # fmt: skip
_LEGAL_FORMS = {"bv", "nv", "vof", "foundation", "stichting", "vereniging", "ua", "inc", "ltd", "gmbh"}
_NAME_PARTICLES = {"van", "de", "der", "den", "het", "en", "voor", "op", "aan", "in", "'t", "te", "ter", "&", "of"}  # fmt: skip


def looks_like_organisation_name(text: str) -> bool:
    """Whether an unresolved mention is probably an organisation we do not know yet.

    True for abbreviations ("XYZ", "HvA"), single capitalised names ("Cardea"), names starting with
    a kind of organisation ("Stichting Foo", "gemeente Zoeterwoude") and title-case names ("Vrije
    Universiteit Amsterdam"); False for generic phrases ("andere partners buiten Leiden",
    "Partijen in de ouderenzorg", "e.a."). All-caps generic abbreviations such as "MKB" also come out
    True: the caller filters those with its list of known non-organisation terms.
    """
    words = [w.strip(".,;:?!()\"'") for w in _fold_quotes(text).split()]
    words = [w for w in words if w]
    if not words or not any(c.isalpha() for c in "".join(words)):
        return False
    norms = [_norm_token(w) for w in words]
    if len(words) == 1:
        word = words[0]
        if _is_filler(word):
            return False
        capitals = sum(c.isupper() for c in word)
        return capitals >= 2 or (word[0].isupper() and any(c.islower() for c in word[1:]))
    if norms[0] in _ORG_TYPE_WORDS or norms[-1] in _LEGAL_FORMS:
        return True
    return words[0][0].isupper() and all(
        w[0].isupper() or w[0].isdigit() or n in _NAME_PARTICLES for w, n in zip(words, norms, strict=True)
    )
