"""Small factories for loket tests that need rows without running the matcher.

Tests of the asking flow itself should use ``services.question_submit``; these are for tests
that need a question (or many) in some state quickly. Build workflow state with the services.
"""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from kennisstad.loket.models import (
    AskerKind,
    Assignment,
    District,
    Interest,
    PrivacyStatement,
    PublishedAnswer,
    Question,
    QuestionEvent,
)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Wijk {n}")
    position = factory.Sequence(lambda n: n)


def _privacy_statement():
    return PrivacyStatement.objects.order_by("-published_at", "-pk").first()


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"{timezone.localdate().year}-9{n:04d}")
    question = factory.Sequence(lambda n: f"Hoe maken we speelplek nummer {n} in de wijk groener?")
    background = ""
    asker_kind = AskerKind.BEWONER
    asker_name = "Anna de Vries"
    asker_email = factory.Sequence(lambda n: f"vraagsteller{n}@example.org")
    language = "nl"
    consent_at = factory.LazyFunction(timezone.now)
    privacy_statement = factory.LazyFunction(_privacy_statement)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))

    @factory.post_generation
    def received(obj, create, extracted, **kwargs):
        if create:
            QuestionEvent.objects.create(
                question=obj, kind=QuestionEvent.Kind.RECEIVED, after=Question.Status.NIEUW, at=obj.created_at
            )


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    title = factory.Sequence(lambda n: f"Opgave {n}: groen in de wijk")
    description = "Onderzoek hoe bewoners meer groen in hun straat kunnen krijgen."
    for_hbo = True
    size = Assignment.Size.COURSE


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest

    assignment = factory.SubFactory(AssignmentFactory)
    name = factory.Sequence(lambda n: f"Student {n}")
    email = factory.Sequence(lambda n: f"student{n}@example.org")
    role = Interest.Role.STUDENT
    institution = "Hogeschool Leiden, Sociaal Werk"
    message = "Dit past goed bij ons vak over wijkgericht werken."
    consent_at = factory.LazyFunction(timezone.now)
    privacy_statement = factory.LazyFunction(_privacy_statement)


class PublishedAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublishedAnswer

    slug = factory.Sequence(lambda n: f"gepubliceerde-vraag-{n}")
    title = factory.Sequence(lambda n: f"Hoe krijgen we meer groen in straat {n}?")
    answer = "Neem contact op met het wijkteam; zij helpen met geveltuinen."


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("geheim-wachtwoord-1")


class BrokerFactory(UserFactory):
    """A staff user with the one permission the broker's back office needs."""

    username = factory.Sequence(lambda n: f"makelaar{n}")

    @factory.post_generation
    def broker_permission(obj, create, extracted, **kwargs):
        if create:
            obj.user_permissions.add(
                Permission.objects.get(codename="handle_question", content_type__app_label="loket")
            )
