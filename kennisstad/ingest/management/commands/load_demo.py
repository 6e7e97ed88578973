from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kennisstad.loket.services import privacy_statement_ensure

DEMO_DIR = Path(__file__).resolve().parents[3] / "demo"


class Command(BaseCommand):
    help = (
        "Laad de demodata van Leiden Kennisstad: organisaties, de Agenda 2023-2027 (tabeltekst en PDF-tekst "
        "samengevoegd) de ambities van de thema's en de wijken voor het vraagformulier. Kan vaker draaien; er ontstaan geen dubbelingen."
    )

    def handle(self, *args, **options):
        call_command("load_organisations", stdout=self.stdout)
        for document in ("agenda-2023-2027.table.txt", "agenda-2023-2027.pdf.txt"):
            call_command(
                "import_agenda", str(DEMO_DIR / document), "--agenda", "2023-2027", stdout=self.stdout
            )
        call_command(
            "import_themes",
            str(DEMO_DIR / "website-projecten.txt"),
            "--agenda",
            "2023-2027",
            stdout=self.stdout,
        )
        call_command("load_districts", str(DEMO_DIR / "districts.json"), stdout=self.stdout)
        privacy_statement_ensure()
        call_command("rebuild_search_index", stdout=self.stdout)
