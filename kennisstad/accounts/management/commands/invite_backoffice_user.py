from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from kennisstad.accounts.models import Role
from kennisstad.accounts.services import invite_backoffice_user
from kennisstad.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Nodig iemand uit voor de backoffice: maakt een account (zonder wachtwoord) met het e-mailadres "
        "als gebruikersnaam en stuurt een link waarmee die persoon één keer een wachtwoord kiest. De "
        "link verloopt na PASSWORD_RESET_TIMEOUT seconden; nog eens uitnodigen stuurt een nieuwe link. "
        "Met --rol krijgt het account meteen zijn rol; een redacteur hoort bij een of meer organisaties "
        "(--organisatie, herhaalbaar: naam, slug of afkorting)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="E-mailadres van de nieuwe gebruiker.")
        parser.add_argument("--name", default="", help="Voor- en achternaam (optioneel).")
        parser.add_argument("--language", choices=["nl", "en"], default="nl", help="Taal van de e-mail.")
        parser.add_argument("--rol", choices=Role.values, help="Rol in de backoffice.")
        parser.add_argument(
            "--organisatie",
            action="append",
            default=[],
            help="Organisatie van een redacteur (naam, slug of afkorting); herhaal voor meer.",
        )

    def handle(self, *args, email: str, name: str, language: str, rol, organisatie, **options):
        organisations = [self._organisation(text) for text in organisatie]
        try:
            invitation = invite_backoffice_user(
                email=email, name=name, language=language, role=rol, organisations=organisations
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        what = "aangemaakt en uitgenodigd" if invitation.created else "opnieuw uitgenodigd"
        self.stdout.write(
            f"Account {invitation.user.get_username()} {what}; de link is gemaild naar {email.strip()}."
        )

    def _organisation(self, text: str) -> Organisation:
        found = Organisation.objects.filter(
            Q(name__iexact=text) | Q(slug__iexact=text) | Q(aliases__text__iexact=text)
        ).distinct()
        if len(found) != 1:
            raise CommandError(
                f"Geen organisatie gevonden voor “{text}”."
                if not found
                else f"“{text}” past bij meer organisaties: {', '.join(o.name for o in found)}."
            )
        return found[0]
