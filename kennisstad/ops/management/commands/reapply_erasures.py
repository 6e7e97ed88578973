from django.core.management.base import BaseCommand

from kennisstad.loket.services import erasures_reapply
from kennisstad.newsletter.services import erasures_reapply as newsletter_erasures_reapply


class Command(BaseCommand):
    help = (
        "Pas alle verwijderingen uit het verwijderingenjournaal (ERASURE_JOURNAL) opnieuw toe: "
        "vragen, aanmeldingen en nieuwsbriefabonnees van wie gewist is, worden weer gewist, ontbrekende registraties "
        "van verwijderingen worden hersteld. `kennisstad restore` doet dit vanzelf. Nogmaals "
        "draaien verandert niets."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Niets wijzigen; alleen tellen.")

    def handle(self, *args, dry_run: bool, **options):
        counts = erasures_reapply(dry_run=dry_run)
        prefix = "Proefdraai, er is niets gewijzigd. " if dry_run else ""
        self.stdout.write(
            f"{prefix}Journaal: {counts.entries} verwijdering(en). Opnieuw gewist: {counts.questions} "
            f"vraag/vragen en {counts.interests} aanmelding(en); {counts.records} registratie(s) "
            f"hersteld; {counts.journalled} uit de database aan het journaal toegevoegd."
        )
        subscribers = newsletter_erasures_reapply(dry_run=dry_run)
        self.stdout.write(f"Nieuwsbrief: {subscribers} abonnee(s) opnieuw afgemeld of gewist.")
