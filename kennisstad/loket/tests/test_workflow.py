"""The question workflow at the service level: what the inbox, the commands and the API share."""

import pytest
from django.core.exceptions import ValidationError

from kennisstad.loket import services
from kennisstad.loket.models import Question, QuestionEvent

Status = Question.Status


def submit(text="Hoe kunnen we eenzame ouderen in onze straat beter bereiken?", **extra):
    return services.question_submit(
        question=text,
        asker_kind="bewoner",
        asker_name="Anna de Vries",
        asker_email="anna@example.org",
        privacy_statement=services.current_privacy_statement(),
        consent=True,
        **extra,
    ).question


@pytest.mark.django_db
def test_it_accepts_a_question_before_any_agenda_is_imported(mailoutbox):
    question = submit()

    assert question.reference.endswith(f"{question.pk:05d}")
    assert question.no_match is True
    assert question.suggestions == []
    assert question.privacy_statement.version == "1"
    assert [e.kind for e in question.events.all()] == [QuestionEvent.Kind.RECEIVED, QuestionEvent.Kind.MAIL]


@pytest.mark.django_db
def test_it_refuses_a_question_without_consent():
    with pytest.raises(ValidationError):
        services.question_submit(
            question="Een vraag zonder toestemming",
            asker_kind="bewoner",
            asker_email="a@example.org",
            privacy_statement=services.current_privacy_statement(),
            consent=False,
        )
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_it_gives_each_question_its_own_reference():
    references = {submit(f"Vraag nummer {n} over groen in de wijk").reference for n in range(3)}

    assert len(references) == 3


def test_every_status_can_be_reached_and_left():
    reachable = {Status.NIEUW} | {target for targets in services.TRANSITIONS.values() for target in targets}

    assert reachable == set(Status.values)
    assert set(services.TRANSITIONS) == set(Status.values)


@pytest.mark.django_db
def test_it_refuses_a_transition_the_workflow_does_not_have(kennismakelaar):
    question = submit()

    with pytest.raises(ValidationError):
        services.question_change_status(question=question, status=Status.BEANTWOORD, by=kennismakelaar)

    question.refresh_from_db()
    assert question.status == Status.NIEUW
    assert not question.events.filter(kind=QuestionEvent.Kind.STATUS).exists()


@pytest.mark.django_db
def test_it_closes_and_reopens_with_the_dates_to_match(kennismakelaar):
    question = submit()
    services.question_change_status(
        question=question, status=Status.NIET_PASSEND, by=kennismakelaar, reason="Buiten ons bereik"
    )
    assert question.closed_at is not None

    services.question_change_status(question=question, status=Status.IN_BEHANDELING, by=kennismakelaar)

    assert question.closed_at is None
    assert question.is_open


@pytest.mark.django_db
def test_it_restores_the_bundled_privacy_statement_when_none_is_left():
    from kennisstad.loket.models import PrivacyStatement

    migrated = services.current_privacy_statement()
    PrivacyStatement.objects.all().delete()

    restored = services.privacy_statement_ensure()

    assert (restored.version, restored.text, restored.text_en) == ("1", migrated.text, migrated.text_en)
    assert services.privacy_statement_ensure() == restored
