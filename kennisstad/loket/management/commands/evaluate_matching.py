import time

from django.core.management.base import BaseCommand

from kennisstad.loket.baseline import BaselineMatcher
from kennisstad.loket.evaluation import K, evaluate, format_table, leave_one_out_threshold
from kennisstad.loket.management.commands.match_questions import read_questions
from kennisstad.loket.matching import NO_MATCH_SCORE, get_matcher


class Command(BaseCommand):
    help = "Meet de matcher en een gewone BM25-baseline op vragen met beoordeelde projecten."

    def add_arguments(self, parser):
        parser.add_argument("file", help='JSON-lijst van {"id", "question", "relevant": {key: 2|1}}')

    def handle(self, *args, **options):
        questions = read_questions(options["file"])
        started = time.perf_counter()
        matcher = get_matcher()
        built = time.perf_counter() - started
        baseline = BaselineMatcher(matcher.projects)

        def rank_matcher(text):
            result = matcher.match(text, top=K)
            return [s.key for s in result.suggestions], result.no_match

        def rank_baseline(text):
            # BM25 has no notion of "fits well": it flags no_match only when no word matches.
            keys = [key for key, _score in baseline.match(text, top=K)]
            return keys, not keys

        started = time.perf_counter()
        rows = [evaluate("matcher", questions, rank_matcher)]
        per_question = (time.perf_counter() - started) / max(len(questions), 1)
        rows.append(evaluate("BM25", questions, rank_baseline))
        self.stdout.write(format_table(rows))
        best = [(float(matcher.scores(q["question"])[0].max()), bool(q.get("relevant"))) for q in questions]
        if any(inside for _, inside in best) and not all(inside for _, inside in best):
            threshold, accuracy = leave_one_out_threshold(best)
            self.stdout.write(
                f"no_match-drempel: ingesteld {NO_MATCH_SCORE:.3f}; midden van de kloof op deze vragen "
                f"{threshold:.3f}, leave-one-out juist {accuracy:.0%}"
            )
        self.stdout.write(f"matcher: opgebouwd in {built:.1f} s, {per_question * 1000:.0f} ms per vraag")
