"""Retention: personal data of closed questions and finished assignments goes after N months."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kennisstad.loket import services
from kennisstad.loket.models import Assignment, Erasure, Interest, Question, QuestionEvent

Status = Question.Status
DAY = timedelta(days=1)


def submit(name="Anna de Vries", email="anna@example.org"):
    return services.question_submit(
        question="Hoe kunnen we eenzame ouderen in onze straat beter bereiken?",
        asker_kind="bewoner",
        asker_name=name,
        asker_email=email,
        privacy_statement=services.current_privacy_statement(),
        consent=True,
    ).question


def closed_question(*, days_ago: int, email: str) -> Question:
    """A question turned down (and so closed) through the workflow, moved back in time."""
    question = submit(email=email)
    services.question_change_status(
        question=question, status=Status.NIET_PASSEND, by=None, reason="Geen project dat past."
    )
    # Time travel for the test only: the workflow itself always stamps "now".
    Question.objects.filter(pk=question.pk).update(closed_at=timezone.now() - days_ago * DAY)
    return Question.objects.get(pk=question.pk)


def finished_assignment(*, days_ago: int, student: str, by) -> Interest:
    assignment = services.assignment_create(
        question=None,
        title=f"Groen in de wijk ({student})",
        description="Onderzoek hoe bewoners meer groen in hun straat kunnen krijgen.",
        levels=["hbo"],
        size=Assignment.Size.COURSE,
        by=by,
    )
    interest = services.interest_register(
        assignment=assignment,
        name=student,
        email=f"{student.split()[0].lower()}@student.example.org",
        role=Interest.Role.STUDENT,
        institution="Hogeschool Leiden",
        message="Dit past bij ons vak over wijkgericht werken.",
        privacy_statement=services.current_privacy_statement(),
        consent=True,
    )
    services.assignment_choose_interest(assignment=assignment, interest=interest, by=by)
    services.assignment_record_progress(
        assignment=assignment,
        text="Eindpresentatie gegeven.",
        status=Assignment.Status.DONE,
        result="Een adviesrapport voor de wijkvereniging.",
        by=by,
    )
    Assignment.objects.filter(pk=assignment.pk).update(updated_at=timezone.now() - days_ago * DAY)
    return interest


@pytest.fixture
def questions(db):
    """Closed 13 and 11 months ago, and one still open after three years."""
    old = closed_question(days_ago=13 * 31, email="oud@example.org")
    recent = closed_question(days_ago=11 * 30, email="recent@example.org")
    still_open = submit(email="open@example.org")
    Question.objects.filter(pk=still_open.pk).update(created_at=timezone.now() - 3 * 365 * DAY)
    return old, recent, still_open


@pytest.mark.django_db
def test_it_anonymises_questions_closed_longer_than_the_retention_period(questions):
    old, recent, still_open = questions

    counts = services.anonymise_expired()

    assert (counts.questions, counts.interests) == (1, 0)
    old.refresh_from_db()
    assert (old.asker_name, old.asker_email) == ("", "")
    assert old.anonymised_at is not None
    # The question stays readable for the broker; only the contact data goes.
    assert "eenzame ouderen" in old.question
    assert old.events.filter(kind=QuestionEvent.Kind.ANONYMISED).exists()
    erasure = Erasure.objects.get()
    assert (erasure.reference, erasure.reason) == (old.reference, "retention")
    assert erasure.email_hash == services.email_hash("oud@example.org")
    for untouched in (recent, still_open):
        untouched.refresh_from_db()
        assert untouched.asker_email in ("recent@example.org", "open@example.org")
        assert untouched.asker_name == "Anna de Vries"
        assert untouched.anonymised_at is None


@pytest.mark.django_db
def test_it_runs_twice_without_doing_anything_twice(questions):
    services.anonymise_expired()

    counts = services.anonymise_expired()

    assert (counts.questions, counts.interests) == (0, 0)
    assert Erasure.objects.count() == 1


@pytest.mark.django_db
def test_it_changes_nothing_in_a_dry_run(questions, kennismakelaar):
    finished_assignment(days_ago=400, student="Sem Jansen", by=kennismakelaar)

    counts = services.anonymise_expired(dry_run=True)

    assert (counts.questions, counts.interests) == (1, 1)
    assert not Question.objects.filter(anonymised_at__isnull=False).exists()
    assert not Interest.objects.filter(anonymised_at__isnull=False).exists()
    assert not Erasure.objects.exists()


@pytest.mark.django_db
def test_it_anonymises_registrations_for_assignments_finished_long_ago(kennismakelaar):
    old = finished_assignment(days_ago=400, student="Sem Jansen", by=kennismakelaar)
    recent = finished_assignment(days_ago=30, student="Noor Bakker", by=kennismakelaar)

    counts = services.anonymise_expired()

    assert counts.interests == 1
    old.refresh_from_db()
    assert (old.name, old.email) == ("", "")
    assert "wijkgericht" not in old.message
    assert old.anonymised_at is not None
    # The assignment's history named the student too.
    assert not old.assignment.updates.filter(text__contains="Sem Jansen").exists()
    assert old.assignment.updates.filter(text__contains="Hogeschool Leiden").exists()
    recent.refresh_from_db()
    assert recent.name == "Noor Bakker"
    assert recent.anonymised_at is None


@pytest.mark.django_db
def test_the_command_prints_what_it_anonymised(questions, kennismakelaar):
    finished_assignment(days_ago=400, student="Sem Jansen", by=kennismakelaar)
    out = io.StringIO()

    call_command("anonymise_questions", "--dry-run", stdout=out)
    call_command("anonymise_questions", stdout=out)
    call_command("anonymise_questions", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Proefdraai, er is niets gewijzigd: 1 vraag en 1 aanmelding zouden")
    assert lines[1] == "Inzagelog: 0 regels ouder dan 24 maanden zouden worden verwijderd."
    assert lines[2] == "Geanonimiseerd: 1 vraag en 1 aanmelding (bewaartermijn 12 maanden)."
    assert lines[4] == "Geanonimiseerd: 0 vragen en 0 aanmeldingen (bewaartermijn 12 maanden)."


@pytest.mark.django_db
def test_the_command_takes_another_retention_period(questions):
    out = io.StringIO()

    call_command("anonymise_questions", "--months", "24", stdout=out)
    call_command("anonymise_questions", "--months", "10", stdout=out)

    assert out.getvalue().splitlines()[::2] == [
        "Geanonimiseerd: 0 vragen en 0 aanmeldingen (bewaartermijn 24 maanden).",
        "Geanonimiseerd: 2 vragen en 0 aanmeldingen (bewaartermijn 10 maanden).",
    ]
    assert Question.objects.filter(anonymised_at__isnull=True).get().asker_email == "open@example.org"


@pytest.mark.django_db
def test_the_command_follows_the_retention_setting(questions, settings):
    settings.LOKET_RETENTION_MONTHS = 36
    out = io.StringIO()

    call_command("anonymise_questions", stdout=out)

    assert "0 vragen" in out.getvalue()


def test_the_command_refuses_a_negative_period():
    with pytest.raises(CommandError):
        call_command("anonymise_questions", "--months", "-1", stdout=io.StringIO())


def test_the_command_explains_itself():
    from kennisstad.loket.management.commands.anonymise_questions import Command

    assert "dagelijks" in Command.help
