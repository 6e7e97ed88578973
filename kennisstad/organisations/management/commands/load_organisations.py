import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kennisstad.organisations.services import seed_organisations

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = (
        "Laad organisaties met hun aliassen (schrijfwijzen zoals GL, UL/FSW) uit een JSON-bestand; "
        "standaard de meegeleverde lijst. Bestaande organisaties houden hun bewerkte gegevens."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            default=DATA_DIR / "organisations.json",
            help="JSON-lijst van {name, kind, parent, aliases}",
        )

    def handle(self, *args, path: Path, **options):
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: {error}") from error
        terms = json.loads((DATA_DIR / "non_organisation_terms.json").read_text(encoding="utf-8"))
        result = seed_organisations(entries, terms)
        self.stdout.write(
            f"Organisaties: {result.organisations_created} nieuw; aliassen: {result.aliases_created} nieuw; "
            f"geen-organisatie-termen: {result.terms_created} nieuw."
        )
