import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kennisstad.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Zet een back-up van `kennisstad backup` terug: vervangt ALLE gegevens in de database. "
        "Daarna worden ontbrekende migraties uitgevoerd, alle verwijderingen uit het "
        "verwijderingenjournaal opnieuw toegepast (wie gewist is, komt niet terug) en zo nodig de "
        "zoekindex opnieuw opgebouwd. Zonder terminal is --yes verplicht."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Het back-upbestand (.sqlite3.gz of .pgdump).")
        parser.add_argument("--yes", action="store_true", help="Niet om bevestiging vragen.")

    def handle(self, *args, file: Path, yes: bool, **options):
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Terugzetten vervangt alle gegevens in de database. Zonder terminal om te "
                    "bevestigen: voeg --yes toe."
                )
            answer = input(
                f"Alle gegevens in de database worden vervangen door {file}. Typ 'ja' om door te gaan: "
            )
            if answer.strip().lower() != "ja":
                raise CommandError("Afgebroken; er is niets veranderd.")
        try:
            restore(file, say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Klaar."))
