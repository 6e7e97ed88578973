from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kennisstad.accounts.two_factor import reset_two_factor, two_factor_required


class Command(BaseCommand):
    help = (
        "Zet de tweestapsverificatie van een backoffice-gebruiker terug, bijvoorbeeld na een verloren "
        "telefoon: de authenticator-app en de reservecodes werken daarna niet meer. Is tweestapsverificatie "
        "voor de rol van die gebruiker verplicht, dan stelt die bij de volgende backoffice-pagina (na het "
        "wachtwoord) een nieuwe app in. Controleer eerst wie er om vraagt: dit haalt een beveiliging weg."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="Gebruikersnaam van het account.")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"Er is geen gebruiker met de gebruikersnaam '{username}'.") from None
        removed = reset_two_factor(user=user)
        if not removed:
            self.stdout.write(f"{username} had geen tweestapsverificatie; er is niets veranderd.")
            return
        then = (
            "Bij de volgende backoffice-pagina stelt die een nieuwe app in."
            if two_factor_required(user)
            else "Die kan in de backoffice opnieuw tweestapsverificatie instellen."
        )
        self.stdout.write(f"De tweestapsverificatie van {username} is teruggezet. {then}")
