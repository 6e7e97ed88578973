"""Staff access to personal data is logged: who saw whose data, when, where; kept for a limited time."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kennisstad.accounts.models import PersonalDataAccess
from kennisstad.accounts.services import prune_access_log
from kennisstad.loket import services as loket_services
from kennisstad.loket.tests.factories import BrokerFactory, InterestFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

LOG_URL = reverse("admin:accounts_personaldataaccess_changelist")


@pytest.fixture
def broker():
    return BrokerFactory(username="makelaar")


def test_opening_a_question_logs_one_row_with_the_user(client, broker):
    question = QuestionFactory(asker_name="Anna de Vries", asker_email="anna@example.org")
    client.force_login(broker)

    response = client.get(reverse("loket:inbox_question", args=[question.reference]))

    assert response.status_code == 200
    assert "anna@example.org" in response.content.decode()
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.username, access.kind) == (broker, "makelaar", PersonalDataAccess.Kind.VIEW)
    assert access.subject == f"vraag {question.reference}"
    assert (access.object_type, access.object_id) == ("loket.question", str(question.pk))
    assert access.path == reverse("loket:inbox_question", args=[question.reference])


def test_the_inbox_list_and_an_erased_question_log_nothing(client, broker):
    question = loket_services.asker_data_erase(question=QuestionFactory())
    client.force_login(broker)

    client.get(reverse("loket:inbox"))
    assert client.get(reverse("loket:inbox_question", args=[question.reference])).status_code == 200

    assert not PersonalDataAccess.objects.exists()


def test_the_asker_looking_at_their_own_data_is_not_logged(client):
    question = QuestionFactory(asker_email="anna@example.org")

    response = client.get(reverse("loket:my_data", args=[loket_services.data_token(question)]))

    assert "anna@example.org" in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_the_assignment_page_with_registrations_is_logged(client, broker):
    interest = InterestFactory(name="Sem Jansen", email="sem@student.example.org")
    client.force_login(broker)

    response = client.get(reverse("loket:backoffice_assignment", args=[interest.assignment.pk]))

    assert "sem@student.example.org" in response.content.decode()
    access = PersonalDataAccess.objects.get()
    assert access.subject == f"aanmeldingen voor opgave {interest.assignment.pk}"
    assert access.user == broker


def test_the_log_is_for_superusers_only(client, broker, kennismakelaar):
    PersonalDataAccess.objects.create(
        user=broker, username="makelaar", kind="view", subject="vraag 2026-00042"
    )
    staff_with_every_permission = UserFactory(username="beheerder")
    staff_with_every_permission.user_permissions.set(Permission.objects.all())

    client.force_login(broker)
    assert client.get(LOG_URL).status_code == 403
    client.force_login(staff_with_every_permission)
    assert client.get(LOG_URL).status_code == 403
    assert "Inzage persoonsgegevens" not in client.get(reverse("admin:index")).content.decode()

    client.force_login(kennismakelaar)
    response = client.get(LOG_URL)
    assert response.status_code == 200
    assert "vraag 2026-00042" in response.content.decode()
    row = PersonalDataAccess.objects.get()
    assert client.get(reverse("admin:accounts_personaldataaccess_change", args=[row.pk])).status_code == 200
    assert client.post(reverse("admin:accounts_personaldataaccess_delete", args=[row.pk])).status_code == 403
    assert client.get(reverse("admin:accounts_personaldataaccess_add")).status_code == 403


def test_the_log_filters_by_user_and_date(client, broker, kennismakelaar):
    other = BrokerFactory(username="collega")
    long_ago = timezone.now() - timedelta(days=40)
    PersonalDataAccess.objects.create(
        user=broker, username="makelaar", kind="view", subject="vraag 2026-00001"
    )
    PersonalDataAccess.objects.create(user=other, username="collega", kind="view", subject="vraag 2026-00002")
    PersonalDataAccess.objects.create(
        user=broker, username="makelaar", kind="export", subject="vraag 2026-00003", at=long_ago
    )
    client.force_login(kennismakelaar)

    by_user = client.get(LOG_URL, {"user__id__exact": other.pk}).content.decode()
    assert "vraag 2026-00002" in by_user
    assert "vraag 2026-00001" not in by_user

    today = timezone.localdate()
    by_date = client.get(
        LOG_URL, {"at__year": today.year, "at__month": today.month, "at__day": today.day}
    ).content.decode()
    assert "vraag 2026-00001" in by_date
    assert "vraag 2026-00003" not in by_date


def test_retention_removes_rows_older_than_the_setting(broker, settings):
    settings.ACCESS_LOG_RETENTION_MONTHS = 24
    now = timezone.now()
    old = PersonalDataAccess.objects.create(
        user=broker, username="makelaar", kind="view", subject="oud", at=now - timedelta(days=750)
    )
    recent = PersonalDataAccess.objects.create(
        user=broker, username="makelaar", kind="view", subject="recent", at=now - timedelta(days=700)
    )

    assert prune_access_log(dry_run=True) == 1
    assert PersonalDataAccess.objects.count() == 2
    assert prune_access_log() == 1

    assert list(PersonalDataAccess.objects.all()) == [recent]
    assert not PersonalDataAccess.objects.filter(pk=old.pk).exists()


def test_the_daily_command_prunes_the_log(broker, settings):
    settings.ACCESS_LOG_RETENTION_MONTHS = 1
    PersonalDataAccess.objects.create(
        user=broker, username="makelaar", kind="view", subject="oud", at=timezone.now() - timedelta(days=60)
    )
    out = io.StringIO()

    call_command("anonymise_questions", stdout=out)

    assert "Inzagelog: 1 regel ouder dan 1 maanden verwijderd." in out.getvalue()
    assert not PersonalDataAccess.objects.exists()


def test_the_row_outlives_the_account(broker):
    PersonalDataAccess.objects.create(
        user=broker, username="makelaar", kind="view", subject="vraag 2026-00042"
    )
    broker.delete()

    access = PersonalDataAccess.objects.get()
    assert (access.user, access.username) == (None, "makelaar")
