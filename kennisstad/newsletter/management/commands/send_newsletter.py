from django.core.management.base import BaseCommand, CommandError

from kennisstad.newsletter import services
from kennisstad.newsletter.models import Issue


class Command(BaseCommand):
    help = (
        "Verstuur de nieuwsbrieven die in de backoffice op 'versturen' zijn gezet, in porties van "
        "NEWSLETTER_BATCH_SIZE. Bedoeld voor cron (bijv. elke vijf minuten); nogmaals draaien gaat verder "
        "waar het bleef en stuurt niemand twee keer dezelfde nieuwsbrief."
    )

    def add_arguments(self, parser):
        parser.add_argument("issue", nargs="?", type=int, help="Alleen deze nieuwsbrief (nummer).")
        parser.add_argument("--batch-size", type=int, default=None, help="Aantal e-mails per portie.")

    def handle(self, *args, issue: int | None, batch_size: int | None, **options):
        if issue is not None:
            found = Issue.objects.filter(pk=issue).first()
            if found is None:
                raise CommandError(f"Nieuwsbrief {issue} bestaat niet.")
            if found.status == Issue.Status.DRAFT:
                raise CommandError(f"Nieuwsbrief {issue} is nog een concept; zet hem eerst op versturen.")
            issues = [found]
        else:
            issues = list(services.issues_sending())
        if not issues:
            self.stdout.write("Er wordt geen nieuwsbrief verstuurd.")
        for item in issues:
            result = services.issue_send(issue=item, batch_size=batch_size)
            state = "klaar" if result.done else "nog niet klaar"
            self.stdout.write(f"{item.title}: {result.sent} verstuurd, {result.failed} mislukt ({state}).")
