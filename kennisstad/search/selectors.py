"""The search box: one query over projects and organisations, with facets and highlighted snippets.

Matching and scoring happen in the database engine: SQLite's FTS5 (bm25 with
column weights) or PostgreSQL's full-text search (a GIN-indexed weighted
tsvector, ts_rank_cd). Both get the same pre-analysed tokens from
``kennisstad.lib.dutch``, so they find the same documents. The query words are
ORed, so an English query still finds titles and organisation names it shares
with the Dutch text. Results are ordered by how many query words the title
holds, then the organisation names, then the whole document, and only then by
the engine's own score; so title matches come before organisation matches
before body matches, and both engines agree on all but the ties.

The engine returns the ids, scores and facet fields of every matching
document; filters and facet counts are then worked out here, which keeps them
identical on both engines (the participations are a JSON list, and JSON
queries differ per database).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from django.db.models.functions import Length
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kennisstad.lib import dutch
from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Project, Role, Section

from .models import SearchDocument, SearchTerm

FACETS = ("thema", "organisatie", "rol", "status", "soort")
KIND_ORDER = {kind: position for position, kind in enumerate(SearchDocument.Kind.values)}
MAX_QUERY_WORDS = 12
SNIPPET_LENGTH = 240

# Column weights: a title match counts most, then organisation names, then the body.
SQLITE_WEIGHTS = "5.0, 2.0, 1.0"
POSTGRES_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # ts_rank_cd reads them as D, C, B, A


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Hit:
    kind: str
    object_id: int
    title: str
    url: str
    snippet: str  # safe HTML: the escaped text with the matched words in <mark>
    score: float
    section_title: str | None
    status: str | None


@dataclass
class SearchResults:
    query: str
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    corrections: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# The query: words → alternatives of tokens


@dataclass
class QueryWord:
    """One word of the query and the token combinations that count as a match for it.

    Each alternative is a tuple of tokens that must all occur: the word's own
    stem, the stems of its compound parts together ("ouderenzorg" also matches
    "zorg voor ouderen"), and the same for a typo correction.
    """

    word: str
    alternatives: list[tuple[str, ...]]

    @property
    def tokens(self) -> set[str]:
        return {token for alternative in self.alternatives for token in alternative}


def _alternatives(word: str) -> list[tuple[str, ...]]:
    alternatives = [(dutch.stem(word),)]
    parts = dutch.compound_parts(word)
    if parts:
        alternatives.append(tuple(dict.fromkeys(dutch.stem(part) for part in parts)))
    return alternatives


def parse_query(query: str) -> tuple[list[QueryWord], dict[str, str]]:
    """The query's words with their alternatives, and the typo corrections that were applied."""
    words = list(dict.fromkeys(dutch.words(query)))
    content = [word for word in words if not dutch.is_stopword(word)]
    words = (content or words)[:MAX_QUERY_WORDS]
    if not words:
        return [], {}
    stems = {word: dutch.stem(word) for word in words}
    known = SearchTerm.objects.filter(Q(word__in=words) | Q(stem__in=set(stems.values()))).values_list(
        "word", "stem"
    )
    known_words, known_stems = set(), set()
    for word, stem in known:
        known_words.add(word)
        known_stems.add(stem)
    unknown = [
        word
        for word in words
        if word not in known_words
        and stems[word] not in known_stems
        and len(word) >= dutch.TYPO_MIN_LENGTH
        and word.isalpha()
    ]
    corrections = _corrections(unknown)
    parsed = []
    for word in words:
        alternatives = _alternatives(word)
        if word in corrections:
            alternatives += _alternatives(corrections[word])
        parsed.append(QueryWord(word, list(dict.fromkeys(alternatives))))
    return parsed, corrections


def _corrections(unknown: list[str]) -> dict[str, str]:
    """For each word the index does not know, the most common indexed word one typo away."""
    if not unknown:
        return {}
    lengths = [len(word) for word in unknown]
    vocabulary = dict(
        SearchTerm.objects.annotate(length=Length("word"))
        .filter(length__gte=min(lengths) - 1, length__lte=max(lengths) + 1)
        .values_list("word", "doc_count")
    )
    corrections = {}
    for word in unknown:
        nearby = [candidate for candidate in vocabulary if abs(len(candidate) - len(word)) <= 1]
        candidates = dutch.typo_candidates(word, nearby)
        if candidates:
            corrections[word] = max(candidates, key=lambda candidate: (vocabulary[candidate], candidate))
    return corrections


# ---------------------------------------------------------------------------
# Matching in the engine


@dataclass
class _Candidate:
    id: int
    kind: str
    section_id: int | None
    status: str
    participations: list[dict]
    sort_key: str
    # How many query words occur in the title, in the organisation names, anywhere; then the engine's score.
    in_title: int = 0
    in_org: int = 0
    in_any: int = 0
    rank: float = 0.0

    @property
    def order(self) -> tuple:
        return (-self.in_title, -self.in_org, -self.in_any, -self.rank)

    @property
    def score(self) -> float:
        """One number in the same order: the counts as digits in base MAX_QUERY_WORDS + 1, the rank as fraction."""
        base = MAX_QUERY_WORDS + 1
        counts = (self.in_title * base + self.in_org) * base + self.in_any
        return counts + self.rank / (1.0 + self.rank)


_CANDIDATE_COLUMNS = ("id", "kind", "section_id", "status", "participations", "sort_key")


def _fts5_string(token: str) -> str:
    # A quoted FTS5 string is taken literally: no operators, columns or prefixes.
    return '"' + token.replace('"', '""') + '"'


def _fts5_word(word: QueryWord) -> str:
    alternatives = (
        "(" + " AND ".join(_fts5_string(t) for t in alternative) + ")" for alternative in word.alternatives
    )
    return "(" + " OR ".join(alternatives) + ")"


def _tsquery_word(word: QueryWord) -> tuple[str, list[str]]:
    """A tsquery built from parameters, so no user text is ever parsed as tsquery syntax."""
    alternatives, params = [], []
    for alternative in word.alternatives:
        alternatives.append(
            "(" + " && ".join(["plainto_tsquery('simple'::regconfig, %s)"] * len(alternative)) + ")"
        )
        params.extend(alternative)
    return "(" + " || ".join(alternatives) + ")", params


def _sum(terms: list[str]) -> str:
    return "(" + " + ".join(terms) + ")"


def match_sql(words: list[QueryWord]) -> tuple[str, list[str]]:
    """SQL for every document matching any query word, with per-column word counts and the engine's score."""
    table = SearchDocument._meta.db_table
    columns = ", ".join(f"d.{column}" for column in _CANDIDATE_COLUMNS)
    if connection.vendor == "postgresql":
        # search_vector: a generated tsvector column with a GIN index, see migrations/0002_fulltext.
        queries = [_tsquery_word(word) for word in words]
        word_params = [param for _sql, params in queries for param in params]
        any_query = " || ".join(sql for sql, _params in queries)
        sql = f"""
            SELECT {columns},
                {_sum([f"(ts_filter(d.search_vector, '{{a}}') @@ {q})::int" for q, _p in queries])},
                {_sum([f"(ts_filter(d.search_vector, '{{b}}') @@ {q})::int" for q, _p in queries])},
                {_sum([f"(d.search_vector @@ {q})::int" for q, _p in queries])},
                ts_rank_cd('{POSTGRES_WEIGHTS}', d.search_vector, {any_query})
            FROM {table} d
            WHERE d.search_vector @@ ({any_query})
        """
        params = word_params * 5
    else:
        fts = f"{table}_fts"
        expressions = [_fts5_word(word) for word in words]
        in_column = f"(d.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s))"
        sql = f"""
            SELECT {columns},
                {_sum([in_column] * len(words))},
                {_sum([in_column] * len(words))},
                {_sum([in_column] * len(words))},
                -bm25({fts}, {SQLITE_WEIGHTS})
            FROM {fts} JOIN {table} d ON d.id = {fts}.rowid
            WHERE {fts} MATCH %s
        """
        params = [
            *(f"{{title_terms}} : {expression}" for expression in expressions),
            *(f"{{org_terms}} : {expression}" for expression in expressions),
            *expressions,
            " OR ".join(expressions),
        ]
    return sql, params


def _match(words: list[QueryWord]) -> list[_Candidate]:
    sql, params = match_sql(words)
    participations_field = SearchDocument._meta.get_field("participations")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        _Candidate(
            id=row[0],
            kind=row[1],
            section_id=row[2],
            status=row[3],
            participations=participations_field.from_db_value(row[4], None, connection) or [],
            sort_key=row[5],
            in_title=row[6],
            in_org=row[7],
            in_any=row[8],
            rank=float(row[9]),
        )
        for row in rows
    ]


def _browse() -> list[_Candidate]:
    return [
        _Candidate(*values) for values in SearchDocument.objects.values_list(*_CANDIDATE_COLUMNS).order_by()
    ]


# ---------------------------------------------------------------------------
# Filters and facets


@dataclass
class _Filters:
    thema: str | None
    organisation_id: int | None
    organisation_wanted: bool  # an organisation was asked for, even one that does not exist
    rol: str | None
    status: str | None
    soort: str | None

    def involves(self, participation: dict, *, organisation: bool = True, role: bool = True) -> bool:
        """Whether a participation fits the organisation filter (the organisation or a unit) and the role filter."""
        if (
            organisation
            and self.organisation_wanted
            and self.organisation_id not in (participation["organisation_id"], participation["root_id"])
        ):
            return False
        return not role or self.rol is None or participation["role"] == self.rol


def _filter_and_count(
    candidates: list[_Candidate], filters: _Filters, sections: dict[int, Section]
) -> tuple[list[_Candidate], dict[str, Counter]]:
    """The candidates passing every filter, and per facet the counts of its values.

    A facet counts the documents passing the other facets' filters, so a count is
    what the total becomes when that value is chosen; the organisation facet
    counts organisations in the chosen role, the role facet roles of the chosen
    organisation.
    """
    results = []
    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    no_people_filter = not filters.organisation_wanted and filters.rol is None
    for candidate in candidates:
        section = sections.get(candidate.section_id)
        thema = filters.thema is None or (section is not None and section.slug == filters.thema)
        status = filters.status is None or candidate.status == filters.status
        soort = filters.soort is None or candidate.kind == filters.soort
        people = no_people_filter or any(filters.involves(p) for p in candidate.participations)
        if thema and status and soort and people:
            results.append(candidate)
        if status and soort and people and section is not None:
            counts["thema"][section.slug] += 1
        if thema and soort and people and candidate.status:
            counts["status"][candidate.status] += 1
        if thema and status and people:
            counts["soort"][candidate.kind] += 1
        if thema and status and soort:
            counts["organisatie"].update(
                {
                    identifier
                    for p in candidate.participations
                    if filters.involves(p, organisation=False)
                    for identifier in (p["organisation_id"], p["root_id"])
                }
            )
            counts["rol"].update(
                {p["role"] for p in candidate.participations if p["role"] and filters.involves(p, role=False)}
            )
    return results, counts


def _facets(
    counts: dict[str, Counter],
    filters: _Filters,
    sections: dict[int, Section],
    organisations: dict[int, Organisation],
) -> dict[str, list[FacetValue]]:
    section_labels = {}
    for section in sorted(sections.values(), key=lambda s: (s.position, s.number, -s.agenda_id)):
        section_labels.setdefault(section.slug, section.title)
    facets = {
        "thema": _values(counts["thema"], section_labels, filters.thema),
        "status": _values(counts["status"], dict(Project.Status.choices), filters.status),
        "soort": _values(counts["soort"], dict(SearchDocument.Kind.choices), filters.soort),
        "rol": _values(counts["rol"], dict(Role.choices), filters.rol),
    }
    organisation_values = [
        FacetValue(organisation.slug, organisation.name, count, organisation.pk == filters.organisation_id)
        for organisation_id, count in counts["organisatie"].items()
        if (organisation := organisations.get(organisation_id)) is not None
    ]
    selected = organisations.get(filters.organisation_id)
    if selected is not None and not any(value.selected for value in organisation_values):
        organisation_values.append(FacetValue(selected.slug, selected.name, 0, True))
    organisation_values.sort(key=lambda value: (-value.count, value.label.casefold()))
    facets["organisatie"] = organisation_values
    return {name: facets[name] for name in FACETS}


def _values(counts: Counter, labels: dict, selected: str | None) -> list[FacetValue]:
    """Values in the order of ``labels`` (theme order, status order), the selected one always present."""
    values = [
        FacetValue(value, str(label), counts[value], value == selected)
        for value, label in labels.items()
        if counts[value] or value == selected
    ]
    if selected is not None and selected not in labels:
        values.append(FacetValue(selected, selected, 0, True))
    return values


# ---------------------------------------------------------------------------
# Snippets


def highlight(text: str, tokens: set[str], *, length: int = SNIPPET_LENGTH) -> SafeString | None:
    """A window of ``text`` around its first word matching ``tokens``, escaped, matches in <mark>.

    Words are compared by their analysed tokens, so "bomen" marks "boom" and
    "huisvesting" marks "studentenhuisvesting". None when no word matches.
    """
    text = " ".join(text.split())
    spans = list(dutch.word_spans(text))
    matched = [span for span in spans if not tokens.isdisjoint(dutch.word_tokens(span.word))]
    if not matched:
        return None
    first = matched[0]
    start = max(0, first.start - length // 3)
    if start > 0:
        # Begin at a word, not halfway through one.
        start = next((span.start for span in spans if span.start >= start), first.start)
    end = min(len(text), start + length)
    if end < len(text):
        end = max([span.end for span in spans if span.end <= end] or [first.end])
        end = max(end, first.end)
    pieces = ["…"] if start > 0 else []
    position = start
    for span in matched:
        if span.start < start or span.end > end:
            continue
        pieces.append(escape(text[position : span.start]))
        pieces.append(f"<mark>{escape(text[span.start : span.end])}</mark>")
        position = span.end
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append("…")
    return mark_safe("".join(pieces))  # every piece of text in it is escaped above


def _snippet(document: SearchDocument, tokens: set[str]) -> str:
    if tokens:
        for text in (document.body, document.title):
            snippet = highlight(text, tokens)
            if snippet is not None:
                return snippet
    body = " ".join(document.body.split())
    if len(body) > SNIPPET_LENGTH:
        body = body[:SNIPPET_LENGTH].rsplit(" ", 1)[0] + " …"
    return escape(body)


def _related(
    candidates: list[_Candidate], thema: str | None, organisatie: str | None
) -> tuple[dict[int, Section], dict[int, Organisation]]:
    """The themes and organisations the candidates refer to, and the ones the filters name."""
    section_ids = {candidate.section_id for candidate in candidates if candidate.section_id}
    section_filter = Q(pk__in=section_ids)
    if thema:
        section_filter |= Q(slug=thema)
    sections = Section.objects.filter(section_filter).only("agenda_id", "slug", "title", "number", "position")
    organisation_ids = {
        identifier
        for candidate in candidates
        for participation in candidate.participations
        for identifier in (participation["organisation_id"], participation["root_id"])
    }
    organisation_filter = Q(pk__in=organisation_ids)
    if organisatie:
        organisation_filter |= Q(slug=organisatie)
    organisations = Organisation.objects.filter(organisation_filter).only("slug", "name")
    return {s.pk: s for s in sections}, {o.pk: o for o in organisations}


# ---------------------------------------------------------------------------


def search(
    query: str,
    *,
    thema: str | None = None,
    organisatie: str | None = None,
    rol: str | None = None,
    status: str | None = None,
    soort: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Documents matching ``query`` and the filters, best first, with facet counts.

    An empty query lists every document that passes the filters, projects first, by code.
    """
    words, corrections = parse_query(query)
    candidates = _match(words) if words else _browse()

    sections, organisations = _related(candidates, thema, organisatie)
    filters = _Filters(
        thema=thema or None,
        organisation_id=next((o.pk for o in organisations.values() if o.slug == organisatie), None),
        organisation_wanted=bool(organisatie),
        rol=rol or None,
        status=status or None,
        soort=soort or None,
    )

    results, counts = _filter_and_count(candidates, filters, sections)
    facets = _facets(counts, filters, sections, organisations)
    if words:
        results.sort(key=lambda c: (*c.order, KIND_ORDER.get(c.kind, 99), c.sort_key, c.id))
    else:
        results.sort(key=lambda c: (KIND_ORDER.get(c.kind, 99), c.sort_key, c.id))

    page = results[max(0, offset) : max(0, offset) + max(0, limit)]
    documents = SearchDocument.objects.only(
        "kind", "object_id", "title", "body", "url", "section_id", "status"
    ).in_bulk([candidate.id for candidate in page])
    tokens = {token for word in words for token in word.tokens}
    hits = []
    for candidate in page:
        document = documents[candidate.id]
        section = sections.get(document.section_id)
        hits.append(
            Hit(
                kind=document.kind,
                object_id=document.object_id,
                title=document.title,
                url=document.url,
                snippet=_snippet(document, tokens),
                score=candidate.score if words else 0.0,
                section_title=section.title if section else None,
                status=document.status or None,
            )
        )
    return SearchResults(query=query, hits=hits, total=len(results), facets=facets, corrections=corrections)
