from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kennisstad.newsletter.services import prune_pending


class Command(BaseCommand):
    help = (
        "Verwijder aanmeldingen voor de nieuwsbrief die niet binnen NEWSLETTER_PENDING_DAYS dagen zijn "
        "bevestigd. (Wie zich afmeldt, raakt zijn e-mailadres meteen kwijt; daar is geen taak voor nodig.) "
        "Bedoeld om dagelijks te draaien, naast anonymise_questions. Met --dry-run verandert er niets."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Termijn in dagen (standaard NEWSLETTER_PENDING_DAYS, nu {settings.NEWSLETTER_PENDING_DAYS}).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Niets wijzigen; alleen tellen.")

    def handle(self, *args, days: int | None, dry_run: bool, **options):
        if days is not None and days < 0:
            raise CommandError("--days kan niet negatief zijn.")
        days = settings.NEWSLETTER_PENDING_DAYS if days is None else days
        count = prune_pending(days=days, dry_run=dry_run)
        what = f"{count} onbevestigde aanmelding{'' if count == 1 else 'en'}"
        if dry_run:
            self.stdout.write(
                f"Proefdraai, er is niets gewijzigd: {what} zou(den) worden verwijderd (ouder dan {days} dagen)."
            )
        else:
            self.stdout.write(f"Verwijderd: {what} (ouder dan {days} dagen).")
