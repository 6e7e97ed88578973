"""Small agendas for tests that need a few projects and organisations, not the whole demo."""

import factory
from django.utils.text import slugify

from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Agenda, Participation, Project, Role, Section


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Organisation.Kind.OVERIG


class AgendaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agenda
        django_get_or_create = ["period"]

    period = "2023-2027"
    title = factory.LazyAttribute(lambda a: f"Agenda {a.period}")
    slug = factory.LazyAttribute(lambda a: a.period)
    is_current = True


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    agenda = factory.SubFactory(AgendaFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Thema {n + 1}")
    slug = factory.LazyAttribute(lambda s: slugify(s.title))


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    section = factory.SubFactory(SectionFactory)
    agenda = factory.SelfAttribute("section.agenda")
    code = factory.Sequence(lambda n: f"{n + 1}a")
    key = factory.LazyAttribute(lambda p: p.code)
    title = factory.Sequence(lambda n: f"Project {n + 1}")
    slug = factory.LazyAttribute(lambda p: slugify(f"{p.key} {p.title}"))


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.TREKKER
