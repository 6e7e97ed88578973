import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from kennisstad.loket.services import answer_publish
from kennisstad.portfolio.models import Project, Section
from kennisstad.portfolio.services import progress_update_add

PERIOD = "2023-2027"


@pytest.fixture(scope="module")
def api_demo(django_db_setup, django_db_blocker):
    """The Leiden demo with a few progress updates and knowledge-base answers, loaded once per
    module and rolled back after it; each test runs in a savepoint inside this transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        today = timezone.localdate()
        for key, days, text in [
            ("1a", 40, "Eerste bijeenkomst."),
            ("1a", 5, "Tweede bijeenkomst."),
            ("2a", 10, "Start."),
        ]:
            progress_update_add(
                project=Project.objects.get(agenda__period=PERIOD, key=key),
                date=today - datetime.timedelta(days=days),
                text=text,
                by=None,
            )
        section = Section.objects.filter(agenda__period=PERIOD).first()
        answer_publish(
            question=None,
            title="Waar vind ik cijfers over gezondheid?",
            answer="Bij de gezondheidsmonitor.",
            section=section,
            projects=[Project.objects.get(agenda__period=PERIOD, key="1a")],
            by=None,
        )
        hidden = answer_publish(question=None, title="Verborgen vraag", answer="Nog niet openbaar.", by=None)
        hidden.is_published = False
        hidden.save(update_fields=["is_published"])
        yield
        transaction.set_rollback(True)
