from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kennisstad.accounts.services import prune_access_log
from kennisstad.loket.services import anonymise_expired


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


class Command(BaseCommand):
    help = (
        "Verwijder persoonsgegevens waarvan de bewaartermijn voorbij is: naam en e-mailadres van "
        "vraagstellers bij vragen die langer dan de bewaartermijn zijn afgesloten, en naam, "
        "e-mailadres en bericht van aanmeldingen voor opgaven die zo lang geleden zijn afgerond of "
        "ingetrokken. Ruimt ook het log van inzage in persoonsgegevens op (regels ouder dan "
        "ACCESS_LOG_RETENTION_MONTHS). Bedoeld om dagelijks te draaien (cron of systemd-timer); vaker draaien kan "
        "geen kwaad. Met --dry-run verandert er niets en zie je alleen hoeveel het er zouden zijn."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help=(
                "Bewaartermijn in maanden (standaard LOKET_RETENTION_MONTHS, nu "
                f"{settings.LOKET_RETENTION_MONTHS})."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Niets wijzigen; alleen tellen wat geanonimiseerd zou worden.",
        )

    def handle(self, *args, months: int | None, dry_run: bool, **options):
        if months is not None and months < 0:
            raise CommandError("--months kan niet negatief zijn.")
        months = settings.LOKET_RETENTION_MONTHS if months is None else months
        counts = anonymise_expired(months=months, dry_run=dry_run)
        what = (
            f"{_count(counts.questions, 'vraag', 'vragen')} en "
            f"{_count(counts.interests, 'aanmelding', 'aanmeldingen')}"
        )
        if dry_run:
            self.stdout.write(
                f"Proefdraai, er is niets gewijzigd: {what} zouden worden geanonimiseerd "
                f"(bewaartermijn {months} maanden)."
            )
        else:
            self.stdout.write(f"Geanonimiseerd: {what} (bewaartermijn {months} maanden).")
        # The access log has a retention period of its own, independent of --months.
        log_months = settings.ACCESS_LOG_RETENTION_MONTHS
        pruned = _count(prune_access_log(months=log_months, dry_run=dry_run), "regel", "regels")
        verb = "zouden worden verwijderd" if dry_run else "verwijderd"
        self.stdout.write(f"Inzagelog: {pruned} ouder dan {log_months} maanden {verb}.")
