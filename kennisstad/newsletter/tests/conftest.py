import pytest
from django.utils import timezone

from kennisstad.loket.services import privacy_statement_ensure
from kennisstad.newsletter.models import Subscriber


@pytest.fixture
def statement(db):
    return privacy_statement_ensure()


@pytest.fixture
def make_subscriber(statement):
    def make(email="lezer@example.org", status=Subscriber.Status.CONFIRMED, language="nl", **fields):
        now = timezone.now()
        return Subscriber.objects.create(
            email=email,
            status=status,
            language=language,
            privacy_statement=statement,
            consent_at=now,
            confirmed_at=now if status == Subscriber.Status.CONFIRMED else None,
            **fields,
        )

    return make
