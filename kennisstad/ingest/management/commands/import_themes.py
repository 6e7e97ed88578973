from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kennisstad.ingest.common import AgendaFormatError
from kennisstad.ingest.formats.website_page import parse_page
from kennisstad.ingest.readers import decode_text
from kennisstad.ingest.services import import_theme_page
from kennisstad.portfolio.models import Agenda


class Command(BaseCommand):
    help = (
        "Lees de inleiding en de ambities van de thema's uit de tekst van de projectenpagina van de website "
        "(koppen met daaronder hun alinea's). Thema's worden op titel gekoppeld aan de geïmporteerde agenda."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--agenda", dest="period", required=True, help="periode van de agenda, bijv. 2023-2027"
        )

    def handle(self, *args, path: Path, period: str, **options):
        agenda = Agenda.objects.filter(period=period).first()
        if agenda is None:
            raise CommandError(f"agenda {period} bestaat niet; importeer eerst het agendadocument")
        try:
            page = parse_page(decode_text(path.read_bytes(), path.name))
        except (OSError, AgendaFormatError) as error:
            raise CommandError(f"{path}: {error}") from error
        report = import_theme_page(page=page, agenda=agenda)
        self.stdout.write(f"Ambities bijgewerkt: {', '.join(report.sections_updated) or 'geen'}")
        if report.groups_updated:
            self.stdout.write(f"Groepen bijgewerkt: {', '.join(report.groups_updated)}")
        if report.unused_headings:
            self.stdout.write(f"Niet gekoppelde koppen: {', '.join(report.unused_headings)}")
