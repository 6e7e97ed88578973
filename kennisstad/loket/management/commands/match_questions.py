import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kennisstad.loket.matching import EarlierQuestion, match_question


def read_questions(path: str) -> list[dict]:
    try:
        questions = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"Kan {path} niet lezen: {error}") from error
    if not isinstance(questions, list) or not all(
        isinstance(q, dict) and "id" in q and isinstance(q.get("question"), str) for q in questions
    ):
        raise CommandError(f'{path} moet een JSON-lijst zijn van {{"id", "question"}}.')
    return questions


def read_earlier(path: str | None) -> list[EarlierQuestion]:
    """Earlier answered questions: [{"id", "question", "answer", "projects": [keys]}]."""
    if not path:
        return []
    return [
        EarlierQuestion(str(q["id"]), q["question"], tuple(q.get("projects", ())), q.get("answer", ""))
        for q in read_questions(path)
    ]


class Command(BaseCommand):
    help = "Stelt bij elke vraag uit FILE passende projecten van de huidige agenda voor."

    def add_arguments(self, parser):
        parser.add_argument("file", help='JSON-lijst van {"id", "question"}')
        parser.add_argument("--top", type=int, default=5)
        parser.add_argument("--json-out", help="schrijf de suggesties als JSON naar dit bestand")
        parser.add_argument("--earlier", help="JSON-lijst van eerder beantwoorde vragen")

    def handle(self, *args, **options):
        questions = read_questions(options["file"])
        earlier = read_earlier(options.get("earlier"))
        output = []
        for question in questions:
            result = match_question(question["question"], top=options["top"], earlier_questions=earlier)
            output.append(
                {
                    "id": question["id"],
                    "suggestions": [
                        {"key": s.key, "score": s.score, "reason": s.reason} for s in result.suggestions
                    ],
                    "no_match": result.no_match,
                }
            )
            if result.no_match:
                self.stdout.write(f"{question['id']}: geen passend project — doorverwijzen")
            else:
                keys = ", ".join(f"{s.key} ({s.score:.2f})" for s in result.suggestions)
                self.stdout.write(f"{question['id']}: {keys}")
        if options.get("json_out"):
            Path(options["json_out"]).write_text(
                json.dumps(output, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
