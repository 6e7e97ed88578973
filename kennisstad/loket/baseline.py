"""Plain BM25 over the project texts: the yardstick the matcher is measured against.

Deliberately naive: lowercase words split on non-letters, no stemming, no
compounds, no stopword list, no semantics. Same project texts as the matcher.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[^\W_]+")


def simple_tokens(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


class BM25:
    """Okapi BM25 (k1=1.2, b=0.75) over pre-tokenised documents."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.counts = [Counter(doc) for doc in documents]
        self.lengths = [len(doc) for doc in documents]
        self.average_length = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        document_frequency: Counter[str] = Counter()
        for counts in self.counts:
            document_frequency.update(counts.keys())
        n = len(documents)
        self.idf = {
            term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in document_frequency.items()
        }

    def scores(self, query: Sequence[str], weights: dict[str, float] | None = None) -> list[float]:
        result = []
        for counts, length in zip(self.counts, self.lengths, strict=True):
            score = 0.0
            norm = self.k1 * (1 - self.b + self.b * length / (self.average_length or 1))
            for term in set(query):
                tf = counts.get(term, 0)
                if tf:
                    weight = (weights or {}).get(term, 1.0)
                    score += weight * self.idf[term] * tf * (self.k1 + 1) / (tf + norm)
            result.append(score)
        return result


class BaselineMatcher:
    """Ranks projects by plain BM25; never says no_match (it has no notion of "fits well")."""

    def __init__(self, projects):
        self.projects = list(projects)
        self.index = BM25([simple_tokens(p.text) for p in self.projects])

    def match(self, question: str, top: int = 5) -> list[tuple[str, float]]:
        scores = self.index.scores(simple_tokens(question))
        ranked = sorted(zip(self.projects, scores, strict=True), key=lambda pair: -pair[1])
        return [(p.key, round(s, 4)) for p, s in ranked[:top] if s > 0]
