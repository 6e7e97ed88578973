"""Dutch text analysis for search: one pipeline for indexing and for queries.

The database engines only ever see the output of this module (space-separated
tokens), so SQLite's FTS5 and PostgreSQL's full-text search match exactly the
same things. A token is a folded stem: lowercased, NFKC-normalised, stemmed
with Snowball's classic Dutch stemmer and stripped of diacritics.

Dutch glues words together (studentenhuisvesting, ouderenzorg, hittestress), so
a word that is rare as a whole but splits into two common words also yields
the stems of its parts; a reader searching for *huisvesting* means the
*studentenhuisvesting* project too. Word frequencies come from wordfreq, which
ships its Dutch lists inside the package.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA
from wordfreq import zipf_frequency

# Letters and digits; everything else ('/', '&', '-', apostrophes, '_') separates words,
# so "UL/FSW" is "ul" + "fsw" and "What's" is "what" + "s".
_WORD = re.compile(r"[^\W_]+")

# A word this long and this rare as a whole may be a compound ...
MIN_COMPOUND_LENGTH = 8
RARE_ZIPF = 3.5
# ... of parts at least this common (zipf 3 is about once per million words). Three-letter
# pieces are common by accident ("sen", "len", "jes" from names and abbreviations), so they
# must be much more common to count: "bio", "mbo", "top" do.
KNOWN_ZIPF = 3.0
KNOWN_SHORT_ZIPF = 4.0
MIN_PART = 3
# Linking sounds between the parts of a compound: studentEN|huisvesting, stadS|natuur, hittE|stress.
_LINKS = ("en", "s", "e")
# Affixes that are also common words in wordfreq's lists: "verduurzam|ing" is no
# compound of "ing", nor "her|ontwikkelen" one of "her".
_AFFIXES = frozenset(
    """
    ing ingen heid heden lijk lijke tie ties isch ische baar bare schap loos achtig ling
    ere ste jes tje tjes den ers aar ver her ont pro
    """.split()  # noqa: SIM905 - word lists read better as text
)
TYPO_MIN_LENGTH = 6

# Function words in Dutch and English: dropped from queries (unless nothing else is
# left) so that "what's in the air" searches for "air", and never used as compound parts.
STOPWORDS = frozenset(
    """
    aan al alle als bij dan dat de der deze des die dit door een en er het hier hij hoe
    hun ik in is je kan kunnen maar met na naar niet nog of om onder ons ook op over te
    ten ter tot uit van veel voor want was wat we wel werd wie wij wil worden wordt ze zich
    zij zijn zo zoals zou
    a an and are as at be by for from how i in into is it its of on or that the their this
    to was what when where which who why will with
    """.split()  # noqa: SIM905
)


@dataclass(frozen=True)
class WordSpan:
    """A word as it stands in a text (for highlighting) and its normalised form."""

    start: int
    end: int
    word: str


_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    # PyStemmer objects must not be shared between threads.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        # The classic Snowball Dutch stemmer, not the newer "dutch" one: that strips the
        # ge- prefix and merges gezondheid with zon, begeleiding with beleid.
        stemmer = _local.stemmer = Stemmer.Stemmer("dutch_porter")
    return stemmer


def fold(text: str) -> str:
    """Without diacritics, so "creëren" and "creeren" are one token."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalise(text: str) -> str:
    """Lowercase and NFKC (full-width letters, ligatures); diacritics are kept for the stemmer."""
    return unicodedata.normalize("NFKC", text).casefold()


def word_spans(text: str) -> Iterator[WordSpan]:
    for match in _WORD.finditer(text):
        yield WordSpan(match.start(), match.end(), normalise(match.group()))


def words(text: str) -> list[str]:
    """The normalised words of a text (lowercase, NFKC; diacritics kept)."""
    # Normalising the whole text at once is several times faster than word by word.
    return _WORD.findall(normalise(text))


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    return zipf_frequency(word, "nl")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return fold(_stemmer().stemWord(word))


def _is_known_part(part: str) -> bool:
    if len(part) < MIN_PART or part in STOPWORDS or part in _AFFIXES:
        return False
    return zipf(part) >= (KNOWN_SHORT_ZIPF if len(part) == MIN_PART else KNOWN_ZIPF)


def _modifier(head: str) -> str | None:
    """The first part of a compound: the head itself or the head without a linking sound."""
    candidates = [head] + [
        head[: -len(link)] for link in _LINKS if head.endswith(link) and len(head) - len(link) >= MIN_PART
    ]
    known = [candidate for candidate in candidates if _is_known_part(candidate)]
    return max(known, key=zipf) if known else None


@lru_cache(maxsize=200_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The words a rare compound is made of, e.g. ("studenten", "huisvesting"); () for other words.

    Of all splits into two known words the one whose rarer part is most common
    wins; long rare parts are split again.
    """
    if len(word) < MIN_COMPOUND_LENGTH or not word.isalpha() or zipf(word) >= RARE_ZIPF:
        return ()
    best: tuple[float, str, str] | None = None
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        tail = word[cut:]
        if not _is_known_part(tail):
            continue
        modifier = _modifier(word[:cut])
        if modifier is None:
            continue
        score = min(zipf(modifier), zipf(tail))
        if best is None or score > best[0]:
            best = (score, modifier, tail)
    if best is None:
        return ()
    parts: list[str] = []
    for part in best[1:]:
        parts.append(part)
        parts.extend(compound_parts(part))
    return tuple(dict.fromkeys(parts))


@lru_cache(maxsize=200_000)
def word_tokens(word: str) -> tuple[str, ...]:
    """The index tokens of one normalised word: its stem, then the stems of its compound parts."""
    tokens = [stem(word)] + [stem(part) for part in compound_parts(word)]
    return tuple(dict.fromkeys(tokens))


def tokens(text: str) -> list[str]:
    """Every index token of a text, in order."""
    return [token for word in words(text) for token in word_tokens(word)]


def terms(text: str) -> str:
    """A text as the engines index it: its tokens separated by spaces."""
    return " ".join(tokens(text))


def vocabulary(text: str) -> set[str]:
    """The distinct words of a text with the parts of its compounds, for typo suggestions."""
    found = set(words(text))
    for word in list(found):
        found.update(compound_parts(word))
    return found


def is_stopword(word: str) -> bool:
    return word in STOPWORDS or (len(word) == 1 and not word.isdigit())


def typo_candidates(word: str, candidates: Iterable[str]) -> list[str]:
    """The candidates one edit away from ``word`` (a letter added, dropped, changed or two swapped).

    Short words are left alone: one edit turns "zorg" into "sorg", "borg" and "zorgt".
    """
    if len(word) < TYPO_MIN_LENGTH:
        return []
    matches = process.extract(word, list(candidates), scorer=OSA.distance, score_cutoff=1, limit=None)
    return [match for match, distance, _index in matches if distance == 1]
