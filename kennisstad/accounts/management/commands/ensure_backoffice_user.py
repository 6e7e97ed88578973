import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Maak een backoffice-account voor de kennismakelaar als dat nog niet bestaat en toon de inlog. "
        "Bestaat het al, dan staat hier hoe je het wachtwoord opnieuw instelt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="kennismakelaar")
        parser.add_argument("--email", default="kennismakelaar@example.org")

    def handle(self, *args, username: str, email: str, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Backoffice-account '{username}' bestaat al. Nieuw wachtwoord: kennisstad changepassword {username}"
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=email, password=password)
        self.stdout.write(f"Backoffice-account aangemaakt: gebruikersnaam {username}, wachtwoord {password}")
