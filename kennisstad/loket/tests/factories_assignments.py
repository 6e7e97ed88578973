"""Helpers for the tests of assignments and the knowledge base.

Rows are made through the services where a service owns them, so the tests see what the site
would store (the history line of a new assignment, the search document of a published answer).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils.text import slugify

from kennisstad.loket import services
from kennisstad.loket.models import Assignment, District
from kennisstad.portfolio.models import Agenda, Section

INTEREST = {
    "name": "Sanne Bakker",
    "email": "sanne.bakker@student.example.org",
    "role": "student",
    "institution": "Hogeschool Leiden, Sociaal Werk",
    "message": "Wij zoeken voor ons vak wijkgericht werken precies zo'n opgave.",
    "consent": "on",
}


def current_agenda() -> Agenda:
    agenda, _created = Agenda.objects.get_or_create(
        period="2023-2027",
        defaults={"title": "Agenda 2023-2027", "slug": "agenda-2023-2027", "is_current": True},
    )
    return agenda


def section(title: str, number: str) -> Section:
    agenda = current_agenda()
    found, _created = Section.objects.get_or_create(
        agenda=agenda,
        number=number,
        defaults={"title": title, "slug": slugify(title), "position": int(number)},
    )
    return found


def district(name: str) -> District:
    found, _created = District.objects.get_or_create(name=name)
    return found


def assignment(title: str = "Ontmoeten in de Merenwijk", **overrides) -> Assignment:
    values = {
        "question": None,
        "title": title,
        "description": "Hoe kunnen buurtbewoners elkaar vaker ontmoeten? Onderzoek wat er al is.",
        "levels": ["hbo"],
        "size": Assignment.Size.COURSE,
        "by": None,
    }
    values.update(overrides)
    return services.assignment_create(**values)


def user(username: str, *, broker: bool = False, staff: bool = True):
    person = get_user_model().objects.create_user(
        username, f"{username}@example.org", "geheim-wachtwoord-1", is_staff=staff
    )
    if broker:
        person.user_permissions.add(
            Permission.objects.get(codename="handle_question", content_type__app_label="loket")
        )
    return person
