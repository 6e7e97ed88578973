from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kennisstad.ops.backup import BackupError, backup_create


def size_text(size: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


class Command(BaseCommand):
    help = (
        "Maak een back-up van de database: SQLite met de online back-up-API (kan terwijl de site "
        "draait), gecomprimeerd met gzip; PostgreSQL met pg_dump -Fc. Standaard in "
        "BACKUP_DIR (KENNISSTAD_DATA_DIR/backups) als kennisstad-backup-<database>-<UTC-tijd>. "
        "Het bestand is alleen voor de eigenaar leesbaar (0600): het bevat persoonsgegevens. "
        "Het verwijderingenjournaal (ERASURE_JOURNAL) zit er niet in; bewaar het apart."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, help="Schrijf de back-up naar dit bestand.")
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="Bewaar alleen de nieuwste N back-ups van deze soort in die map; oudere worden verwijderd.",
        )

    def handle(self, *args, out: Path | None, keep: int | None, **options):
        try:
            result = backup_create(out=out, keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Back-up gemaakt: {result.path} ({size_text(result.size)})")
        for old in result.pruned:
            self.stdout.write(f"Oude back-up verwijderd: {old}")
