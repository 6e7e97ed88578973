"""The erasure journal: written at every erasure, re-applied after a restore, keyed hashes."""

import hashlib
import io
import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from kennisstad.lib import erasure_journal
from kennisstad.loket import services
from kennisstad.loket.models import Assignment, Erasure, Interest, Question, QuestionEvent
from kennisstad.loket.tests.factories import InterestFactory, QuestionFactory

pytestmark = pytest.mark.django_db

EMAIL = "anna.devries@example.org"


def as_in_an_older_backup(model, row, *, erasures=True):
    """Put a row back as it was before its erasure, as restoring an older backup does."""
    model.objects.filter(pk=row["id"]).update(**{k: v for k, v in row.items() if k != "id"})
    if erasures:
        Erasure.objects.all().delete()


def snapshot(instance):
    return type(instance).objects.filter(pk=instance.pk).values().get()


def journal_lines():
    return [json.loads(line) for line in settings.ERASURE_JOURNAL.read_text().splitlines()]


def expired_interest(email="sem@student.example.org") -> Interest:
    interest = InterestFactory(name="Sem Jansen", email=email)
    Assignment.objects.filter(pk=interest.assignment_id).update(
        status=Assignment.Status.DONE, updated_at=timezone.now() - timedelta(days=800)
    )
    return Interest.objects.get(pk=interest.pk)


def test_it_journals_every_erasure_without_personal_data():
    question = QuestionFactory(asker_email=EMAIL, asker_name="Anna de Vries")

    services.asker_data_erase(question=question)

    [line] = journal_lines()
    assert line["reference"] == question.reference
    assert line["reason"] == "request"
    assert line["email_hash"] == services.email_hash(EMAIL)
    assert EMAIL not in settings.ERASURE_JOURNAL.read_text()
    assert "Anna" not in settings.ERASURE_JOURNAL.read_text()
    assert settings.ERASURE_JOURNAL.stat().st_mode & 0o077 == 0


def test_it_keys_the_email_hash(settings):
    plain = hashlib.sha256(EMAIL.encode()).hexdigest()

    keyed = services.email_hash(EMAIL)

    assert keyed != plain
    assert keyed == erasure_journal.keyed_hash(plain)
    assert services.email_hash(f"  {EMAIL.upper()} ") == keyed
    assert services.email_hash("") == ""
    settings.ERASURE_HASH_KEY = "een-andere-sleutel"
    assert services.email_hash(EMAIL) != keyed


def test_it_generates_the_hash_key_once_and_keeps_it_private(settings, tmp_path):
    settings.ERASURE_HASH_KEY = ""
    settings.ERASURE_HASH_KEY_FILE = tmp_path / "erasure_hash_key"

    first = services.email_hash(EMAIL)

    assert services.email_hash(EMAIL) == first
    assert settings.ERASURE_HASH_KEY_FILE.stat().st_mode & 0o077 == 0
    settings.ERASURE_HASH_KEY_FILE.write_text("een-andere-sleutel")
    assert services.email_hash(EMAIL) != first


def test_the_migration_keys_plain_hashes_recorded_before():
    from importlib import import_module

    migration = import_module("kennisstad.loket.migrations.0004_keyed_erasure_hashes")
    Erasure.objects.create(
        reference="2025-00001", email_hash=hashlib.sha256(EMAIL.encode()).hexdigest(), reason="x"
    )
    Erasure.objects.create(reference="2025-00002", email_hash="", reason="x")

    migration.key_hashes(apps, None)

    assert dict(Erasure.objects.values_list("reference", "email_hash")) == {
        "2025-00001": services.email_hash(EMAIL),
        "2025-00002": "",
    }


def test_it_erases_a_restored_question_again():
    question = QuestionFactory(asker_email=EMAIL, asker_name="Anna de Vries", answer="Probeer het buurthuis.")
    before = snapshot(question)
    services.asker_data_erase(question=question)
    erased_at = Erasure.objects.get().at
    as_in_an_older_backup(Question, before)

    counts = services.erasures_reapply()

    assert (counts.entries, counts.questions, counts.interests, counts.records) == (1, 1, 0, 1)
    question.refresh_from_db()
    assert (question.asker_name, question.asker_email, question.answer) == ("", "", "")
    assert services.asker_data_erased(question)
    assert question.status == Question.Status.AFGESLOTEN
    assert question.events.filter(kind=QuestionEvent.Kind.ANONYMISED).exists()
    erasure = Erasure.objects.get()
    assert (erasure.reference, erasure.reason, erasure.at) == (question.reference, "request", erased_at)
    assert len(journal_lines()) == 1


def test_it_changes_nothing_when_run_again():
    question = QuestionFactory(asker_email=EMAIL)
    before = snapshot(question)
    services.asker_data_erase(question=question)
    as_in_an_older_backup(Question, before)
    services.erasures_reapply()
    events = QuestionEvent.objects.count()

    counts = services.erasures_reapply()

    assert (counts.questions, counts.interests, counts.records, counts.journalled) == (0, 0, 0, 0)
    assert QuestionEvent.objects.count() == events
    assert Erasure.objects.count() == 1
    assert len(journal_lines()) == 1


def test_it_removes_only_the_contact_data_for_a_retention_erasure():
    question = QuestionFactory(asker_email=EMAIL, status=Question.Status.NIET_PASSEND)
    Question.objects.filter(pk=question.pk).update(closed_at=timezone.now() - timedelta(days=800))
    before = snapshot(question)
    services.anonymise_expired()
    as_in_an_older_backup(Question, before)

    counts = services.erasures_reapply()

    assert counts.questions == 1
    question.refresh_from_db()
    assert (question.asker_name, question.asker_email) == ("", "")
    assert question.question == before["question"]


def test_it_erases_a_restored_registration_again():
    interest = expired_interest()
    before = snapshot(interest)
    services.anonymise_expired()
    as_in_an_older_backup(Interest, before)

    counts = services.erasures_reapply()

    assert (counts.questions, counts.interests, counts.records) == (0, 1, 1)
    interest.refresh_from_db()
    assert (interest.name, interest.email) == ("", "")
    assert interest.anonymised_at is not None


def test_it_leaves_alone_a_later_question_that_got_the_same_reference():
    # Restoring an older backup restores the id counter: the next question gets an erased one's number.
    erased = QuestionFactory(asker_email=EMAIL)
    reference = erased.reference
    services.asker_data_erase(question=erased)
    Question.objects.filter(pk=erased.pk).delete()
    Erasure.objects.all().delete()
    later = QuestionFactory(reference=reference, asker_email="iemand.anders@example.org")

    counts = services.erasures_reapply()

    assert counts.questions == 0
    later.refresh_from_db()
    assert later.asker_email == "iemand.anders@example.org"


def test_it_leaves_alone_a_registration_of_someone_else_with_the_same_number():
    interest = expired_interest()
    services.anonymise_expired()
    earlier = timezone.now() - timedelta(days=1)
    Interest.objects.filter(pk=interest.pk).update(
        name="Iemand Anders", email="iemand.anders@example.org", anonymised_at=None, created_at=earlier
    )

    counts = services.erasures_reapply()

    assert counts.interests == 0
    assert Interest.objects.get(pk=interest.pk).email == "iemand.anders@example.org"


def test_it_adds_erasures_from_before_the_journal_to_it():
    Erasure.objects.create(reference="2025-00007", email_hash=services.email_hash(EMAIL), reason="request")

    counts = services.erasures_reapply()

    assert counts.journalled == 1
    assert [(line["reference"], line["reason"]) for line in journal_lines()] == [("2025-00007", "request")]


def test_it_skips_a_line_cut_off_by_a_crash():
    question = QuestionFactory(asker_email=EMAIL)
    before = snapshot(question)
    services.asker_data_erase(question=question)
    as_in_an_older_backup(Question, before)
    with settings.ERASURE_JOURNAL.open("a") as journal:
        journal.write('{"reference": "2026-0')

    counts = services.erasures_reapply()

    assert (counts.entries, counts.questions) == (1, 1)


def test_the_command_reports_and_its_dry_run_changes_nothing():
    question = QuestionFactory(asker_email=EMAIL)
    before = snapshot(question)
    services.asker_data_erase(question=question)
    as_in_an_older_backup(Question, before)
    out = io.StringIO()

    call_command("reapply_erasures", "--dry-run", stdout=out)

    assert "Proefdraai" in out.getvalue()
    assert "1 vraag/vragen" in out.getvalue()
    assert Question.objects.get(pk=question.pk).asker_email == EMAIL
    assert not Erasure.objects.exists()

    call_command("reapply_erasures", stdout=io.StringIO())
    assert Question.objects.get(pk=question.pk).asker_email == ""
