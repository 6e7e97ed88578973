"""Ranking metrics for the matcher against hand-judged questions (relevant: {key: 2|1})."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

K = 5


def recall_at(ranked: Sequence[str], relevant: dict[str, int], k: int = K) -> float:
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def ndcg_at(ranked: Sequence[str], relevant: dict[str, int], k: int = K) -> float:
    dcg = sum((2 ** relevant.get(key, 0) - 1) / math.log2(rank + 2) for rank, key in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(ideal))
    return dcg / idcg


def reciprocal_rank(ranked: Sequence[str], relevant: dict[str, int]) -> float:
    return next((1 / (rank + 1) for rank, key in enumerate(ranked) if key in relevant), 0.0)


@dataclass
class Scores:
    name: str
    recall: float
    ndcg: float
    mrr: float
    no_match_precision: float | None
    no_match_recall: float | None
    in_scope: int
    out_of_scope: int


def evaluate(
    name: str, questions: Sequence[dict], rank: Callable[[str], tuple[list[str], bool]], k: int = K
) -> Scores:
    """``rank(question) -> (keys best first, no_match)``. Ranking metrics over in-scope questions
    only; no_match precision/recall with the out-of-scope questions (relevant: {}) as positives."""
    recalls, ndcgs, rrs = [], [], []
    flagged = correct_flags = out_of_scope = 0
    for question in questions:
        keys, no_match = rank(question["question"])
        relevant = question.get("relevant") or {}
        flagged += no_match
        if not relevant:
            out_of_scope += 1
            correct_flags += no_match
            continue
        recalls.append(recall_at(keys, relevant, k))
        ndcgs.append(ndcg_at(keys, relevant, k))
        rrs.append(reciprocal_rank(keys, relevant))

    def mean(values):
        return sum(values) / len(values) if values else 0.0

    return Scores(
        name=name,
        recall=mean(recalls),
        ndcg=mean(ndcgs),
        mrr=mean(rrs),
        no_match_precision=(correct_flags / flagged) if flagged else None,
        no_match_recall=(correct_flags / out_of_scope) if out_of_scope else None,
        in_scope=len(recalls),
        out_of_scope=out_of_scope,
    )


def midpoint_threshold(in_scope: Sequence[float], out_of_scope: Sequence[float]) -> float:
    """The score halfway between the best scores of out-of-scope and in-scope questions
    (the middle of the gap when they separate, the crossing point when they overlap)."""
    inside, outside = sorted(in_scope), sorted(out_of_scope, reverse=True)
    # Walk in from both ends while the groups overlap: the threshold that misclassifies the
    # fewest questions on both sides equally.
    i = 0
    while i < min(len(inside), len(outside)) - 1 and inside[i] < outside[i]:
        i += 1
    return (inside[i] + outside[i]) / 2


def leave_one_out_threshold(best_scores: Sequence[tuple[float, bool]]) -> tuple[float, float]:
    """``best_scores``: (best score of a question, whether it is in scope), both kinds present.
    Returns the threshold chosen on all questions and the leave-one-out accuracy of choosing it
    that way (questions whose removal leaves one kind empty are not counted)."""

    def choose(rows):
        inside = [s for s, is_in in rows if is_in]
        outside = [s for s, is_in in rows if not is_in]
        return midpoint_threshold(inside, outside) if inside and outside else None

    correct = counted = 0
    for held_out in range(len(best_scores)):
        threshold = choose([row for i, row in enumerate(best_scores) if i != held_out])
        if threshold is None:
            continue
        score, inside = best_scores[held_out]
        counted += 1
        correct += (score >= threshold) == inside
    return choose(best_scores), (correct / counted if counted else 0.0)


def format_table(rows: Sequence[Scores], k: int = K) -> str:
    def number(value):
        return "–" if value is None else f"{value:.3f}"

    header = f"{'':<10} {'recall@' + str(k):>9} {'nDCG@' + str(k):>8} {'MRR':>7} {'no_match P':>11} {'no_match R':>11}"
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row.name:<10} {number(row.recall):>9} {number(row.ndcg):>8} {number(row.mrr):>7} "
            f"{number(row.no_match_precision):>11} {number(row.no_match_recall):>11}"
        )
    if rows:
        lines.append(f"({rows[0].in_scope} questions in scope, {rows[0].out_of_scope} out of scope)")
    return "\n".join(lines)
