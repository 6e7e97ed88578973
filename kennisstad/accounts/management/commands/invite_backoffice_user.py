from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kennisstad.accounts.services import invite_backoffice_user


class Command(BaseCommand):
    help = (
        "Nodig iemand uit voor de backoffice: maakt een account (zonder wachtwoord) met het e-mailadres "
        "als gebruikersnaam en stuurt een link waarmee die persoon één keer een wachtwoord kiest. De "
        "link verloopt na PASSWORD_RESET_TIMEOUT seconden; nog eens uitnodigen stuurt een nieuwe link. "
        "Rechten geef je daarna in de backoffice (Gebruikers)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="E-mailadres van de nieuwe gebruiker.")
        parser.add_argument("--name", default="", help="Voor- en achternaam (optioneel).")
        parser.add_argument("--language", choices=["nl", "en"], default="nl", help="Taal van de e-mail.")

    def handle(self, *args, email: str, name: str, language: str, **options):
        try:
            invitation = invite_backoffice_user(email=email, name=name, language=language)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        what = "aangemaakt en uitgenodigd" if invitation.created else "opnieuw uitgenodigd"
        self.stdout.write(
            f"Account {invitation.user.get_username()} {what}; de link is gemaild naar {email.strip()}."
        )
