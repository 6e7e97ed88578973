import io
import json
import os
import socket

import pytest
from django.core.management import call_command

from kennisstad.loket import matching
from kennisstad.loket.baseline import BaselineMatcher
from kennisstad.loket.evaluation import (
    K,
    evaluate,
    leave_one_out_threshold,
    ndcg_at,
    recall_at,
    reciprocal_rank,
)

# Our own questions, not from the dev set: written as a resident would, in everyday words.
ENGLISH_NEWCOMER = (
    "We are moving to Leiden from abroad next month. Who can help us with registration and finding our way?"
)
EVERYDAY_EXAM_NERVES = (
    "Mijn dochter is heel onzeker en klapt dicht bij elk proefwerk. Is daar hulp voor op school?"
)
OUT_OF_SCOPE = [
    "Hoe laat gaat het zwembad open op zondag?",
    "Mijn fiets is gestolen bij het station, wat moet ik doen?",
]


@pytest.fixture
def matcher(demo):
    return matching.get_matcher()


def keys(result):
    return [s.key for s in result.suggestions]


def test_it_finds_the_expat_centre_for_an_english_question(matcher):
    result = matcher.match(ENGLISH_NEWCOMER)
    assert not result.no_match
    assert "4K7" in keys(result)[:3]


def test_it_finds_the_anxiety_programme_for_everyday_dutch(matcher):
    result = matcher.match(EVERYDAY_EXAM_NERVES)
    assert not result.no_match
    assert "1i" in keys(result)


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_it_says_no_match_for_questions_outside_the_agenda(matcher, question):
    result = matcher.match(question)
    assert result.no_match
    assert result.suggestions == []


def test_reasons_name_the_matched_terms_and_theme(matcher):
    result = matcher.match("Wij zoeken hulp bij het tellen van insecten en planten in de buurt")
    assert result.suggestions
    top = result.suggestions[0]
    assert "thema: " in top.reason
    assert "insecten" in top.reason or "planten" in top.reason


def test_reasons_name_an_organisation_the_question_mentions(matcher):
    result = matcher.match("Wij zijn een bedrijf op het Bio Science Park en willen mbo-studenten opleiden.")
    reasons = " ".join(s.reason for s in result.suggestions)
    assert "organisatie: Leiden Bio Science Park" in reasons


def test_an_earlier_answered_question_lends_its_project(demo):
    earlier = [
        matching.EarlierQuestion(
            "V1", "Waar vind ik hulp als mijn kind last heeft van faalangst?", ("1i",), "Bij KAS."
        )
    ]
    result = matching.match_question(
        "Mijn kind heeft last van faalangst, waar kan ik hulp vinden?", earlier_questions=earlier
    )
    assert [q.id for q in result.similar_questions] == ["V1"]
    assert keys(result)[0] == "1i"
    assert "eerdere vraag V1" in result.suggestions[0].reason


def test_match_questions_writes_the_output_schema(demo, tmp_path):
    questions = tmp_path / "questions.json"
    questions.write_text(
        json.dumps(
            [
                {"id": "q1", "question": ENGLISH_NEWCOMER, "asker": "x"},
                {"id": "q2", "question": OUT_OF_SCOPE[0]},
            ]
        )
    )
    out = tmp_path / "out.json"
    call_command(
        "match_questions", str(questions), "--top", "5", "--json-out", str(out), stdout=io.StringIO()
    )
    rows = json.loads(out.read_text())
    assert [row["id"] for row in rows] == ["q1", "q2"]
    for row in rows:
        assert set(row) == {"id", "suggestions", "no_match"}
        assert isinstance(row["no_match"], bool)
        assert len(row["suggestions"]) <= 5
        for suggestion in row["suggestions"]:
            assert set(suggestion) == {"key", "score", "reason"}
            assert isinstance(suggestion["score"], float) and suggestion["reason"]
    assert rows[0]["no_match"] is False and rows[0]["suggestions"]
    assert rows[1] == {"id": "q2", "suggestions": [], "no_match": True}


def test_evaluate_matching_prints_both_rows(demo, tmp_path):
    questions = tmp_path / "questions.json"
    questions.write_text(
        json.dumps(
            [
                {"id": "a", "question": ENGLISH_NEWCOMER, "relevant": {"4K7": 2}},
                {"id": "b", "question": OUT_OF_SCOPE[0], "relevant": {}},
            ]
        )
    )
    stdout = io.StringIO()
    call_command("evaluate_matching", str(questions), stdout=stdout)
    output = stdout.getvalue()
    for label in ("recall@5", "nDCG@5", "MRR", "no_match P", "no_match R", "matcher", "BM25"):
        assert label in output


def test_the_metrics():
    assert recall_at(["a", "b"], {"b": 2, "c": 1}) == 0.5
    assert reciprocal_rank(["x", "b"], {"b": 2}) == 0.5
    assert ndcg_at(["b", "c"], {"b": 2, "c": 1}) == pytest.approx(1.0)
    assert ndcg_at(["c", "b"], {"b": 2, "c": 1}) < 1.0


def test_it_beats_bm25_on_the_dev_questions(matcher, shared_dir):
    questions = json.loads((shared_dir / "gold" / "questions-dev.json").read_text())
    baseline = BaselineMatcher(matcher.projects)

    def rank_matcher(text):
        result = matcher.match(text, top=K)
        return keys(result), result.no_match

    ours = evaluate("matcher", questions, rank_matcher)
    theirs = evaluate("BM25", questions, lambda text: ([k for k, _ in baseline.match(text)], False))
    assert ours.recall > theirs.recall
    assert ours.ndcg > theirs.ndcg
    assert ours.no_match_recall == 1.0


def test_it_needs_no_network(demo, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the matcher tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    matching._encoder.cache_clear()  # load the model again, with the network closed
    result = matching.match_question("Waar kan ik als student een kamer vinden?")
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert "4K6" in keys(result)


def test_the_threshold_is_the_middle_of_the_gap_checked_leave_one_out():
    threshold, accuracy = leave_one_out_threshold([(0.1, False), (0.2, False), (0.4, True), (0.5, True)])
    assert threshold == pytest.approx(0.3)
    assert accuracy == 1.0


def test_it_reads_a_compound_by_its_last_part(matcher):
    result = matcher.match("Mijn zoon durft niet naar school door faalangst.")
    assert keys(result)[0] == "1i"
    assert "faalangst → angst" in result.suggestions[0].reason
