import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, ProgrammingError

from kennisstad.insights import reports
from kennisstad.insights.selectors import agenda_for_report, agenda_periods, progress_report


class Command(BaseCommand):
    help = (
        "Maak een rapport van een agenda. 'voortgang': per thema een tabel met nr, project, beschrijving "
        "doel, trekkers en partners, status en laatste voortgang, met een bijlage met cijfers."
    )

    def add_arguments(self, parser):
        parser.add_argument("report", choices=["voortgang"], help="welk rapport")
        parser.add_argument(
            "--agenda",
            dest="period",
            metavar="PERIODE",
            help="periode van de agenda, bijv. 2023-2027 (standaard: de huidige)",
        )
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=list(reports.FORMATS),
            help="bestandsformaat (standaard: de extensie van --out)",
        )
        parser.add_argument(
            "--out", type=Path, required=True, metavar="BESTAND", help="het bestand dat geschreven wordt"
        )

    def handle(self, *args, report: str, period: str | None, fmt: str | None, out: Path, **options):
        fmt = fmt or out.suffix.lstrip(".").lower()
        if fmt not in reports.FORMATS:
            *others, last = reports.FORMATS
            raise CommandError(
                f"geef --format {', '.join(others)} of {last}: uit '{out.name}' is het formaat niet af te leiden"
            )
        self._check_writable(out)
        try:
            agenda = agenda_for_report(period)
            if agenda is None:
                known = ", ".join(agenda_periods())
                if period:
                    raise CommandError(f"agenda '{period}' bestaat niet; wel: {known or 'geen'}")
                raise CommandError("er is nog geen agenda; importeer er eerst een (kennisstad import_agenda)")
            data = progress_report(agenda=agenda)
        except (OperationalError, ProgrammingError) as error:
            raise CommandError(
                f"de database is niet klaar ({error}); draai eerst 'kennisstad migrate'"
            ) from error
        try:
            content = reports.render(data, fmt)
        except reports.ReportUnavailable as error:
            raise CommandError(str(error)) from error
        try:
            out.write_bytes(content)
        except OSError as error:
            raise CommandError(f"{out}: kan niet schrijven ({error.strerror})") from error
        self.stdout.write(
            f"Voortgangsrapport agenda {agenda.period} ({len(data.projects)} projecten) "
            f"geschreven naar {out} ({fmt})"
        )

    @staticmethod
    def _check_writable(out: Path) -> None:
        """Fail before the work of rendering, with the reason in the message."""
        if out.is_dir():
            raise CommandError(f"{out} is een map; geef een bestandsnaam")
        folder = out.parent
        if not folder.is_dir():
            raise CommandError(f"{out}: de map {folder} bestaat niet")
        if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
            raise CommandError(f"{out}: geen schrijfrechten")
