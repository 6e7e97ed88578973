import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, ProgrammingError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from kennisstad.ingest.common import AgendaFormatError
from kennisstad.ingest.readers import read_agenda
from kennisstad.ingest.reporting import print_report
from kennisstad.ingest.services import gold_records, import_agenda


class Command(BaseCommand):
    help = (
        "Importeer een agendadocument (PDF-tekst, tabeltekst, .pdf, .docx of .html). Projecten worden "
        "samengevoegd op agenda + thema + groep + code; bij een fout verandert er niets."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="het agendadocument")
        parser.add_argument(
            "--agenda",
            dest="period",
            help="periode van de agenda, bijv. 2023-2027 (standaard: uit de kop van het document)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="laat zien wat er zou veranderen, verander niets"
        )
        parser.add_argument(
            "--json-out", type=Path, help="schrijf de gelezen projecten als JSON naar dit bestand"
        )

    def handle(self, *args, path: Path, period: str | None, dry_run: bool, json_out: Path | None, **options):
        console = Console(file=self.stdout, highlight=False, soft_wrap=True)
        if not path.exists():
            raise CommandError(f"{path}: bestand bestaat niet")
        try:
            parsed = read_agenda(path)
            if json_out:
                records = gold_records(parsed, period=period)
                json_out.write_text(
                    json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
                )
                console.print(f"{len(records)} projecten geschreven naar {json_out}")
            with Progress(
                TextColumn("[bold]Importeren"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                transient=True,
                disable=not console.is_terminal,
            ) as bar:
                task = bar.add_task("import", total=len(parsed.projects))
                report = import_agenda(
                    parsed=parsed,
                    source_name=path.name,
                    period=period,
                    dry_run=dry_run,
                    progress=lambda done, total: bar.update(task, completed=done),
                )
        except (OperationalError, ProgrammingError) as error:
            raise CommandError(
                f"de database is niet klaar ({error}); draai eerst 'kennisstad migrate'.\nEr is niets veranderd."
            ) from error
        except AgendaFormatError as error:
            if error.source is None:
                error.source = str(path)
            raise CommandError(f"{error}\nEr is niets veranderd.") from error
        print_report(report, console)
