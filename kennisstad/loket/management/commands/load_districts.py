import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kennisstad.loket.services import districts_load


class Command(BaseCommand):
    help = "Voegt de wijken uit FILE (een JSON-lijst van namen) toe aan de keuzelijst van het vraagformulier."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help='JSON-lijst van wijknamen, bijv. ["Binnenstad-Noord", "Stevenshofdistrict"]'
        )

    def handle(self, *args, **options):
        try:
            names = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Kan {options['file']} niet lezen: {error}") from error
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise CommandError(f"{options['file']} moet een JSON-lijst van namen zijn.")
        added = districts_load(names)
        self.stdout.write(f"Wijken: {added} toegevoegd, {len(names) - added} bestonden al.")
