"""The privacy statement and the asker's own page: see, download or remove what is stored."""

import hashlib
import json
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from kennisstad.loket import services
from kennisstad.loket.models import (
    District,
    Erasure,
    PrivacyStatement,
    Question,
    QuestionEvent,
)

Status = Question.Status
NAME = "Anna de Vries"
EMAIL = "anna.devries@example.org"
QUESTION = "Hoe kunnen we eenzame ouderen in onze straat beter bereiken?"
BACKGROUND = "Wij zijn een groepje buren in de Merenwijk."
NOTE = "Belde terug: liever bellen op 06-12345678."


def submit(**extra):
    data = {
        "question": QUESTION,
        "background": BACKGROUND,
        "asker_kind": "bewoner",
        "asker_name": NAME,
        "asker_email": EMAIL,
        "privacy_statement": services.current_privacy_statement(),
        "consent": True,
    }
    return services.question_submit(**(data | extra)).question


def my_data_url(question):
    return reverse("loket:my_data", args=[services.data_token(question)])


def assert_private(response):
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex"
    # Never the path with the token; see MY_DATA_REFERRER_POLICY for why not "no-referrer".
    assert response["Referrer-Policy"] in ("no-referrer", "strict-origin")


@pytest.fixture
def statement_v2(db):
    return PrivacyStatement.objects.create(
        version="2",
        text="Tweede versie.\n\nWe bewaren je gegevens nu korter.",
        text_en="Second version.\n\nWe now keep your data for a shorter time.",
        published_at=timezone.now() + timedelta(seconds=1),
    )


# --- the privacy statement ------------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_the_current_privacy_statement(client):
    response = client.get(reverse("loket:privacy"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Versie 1, gepubliceerd op" in page
    assert "Deze verklaring gaat over de gegevens die je achterlaat" in page
    assert "Dit is niet de huidige privacyverklaring" not in page
    assert "Eerdere versies" not in page


@pytest.mark.django_db
def test_it_lists_earlier_versions_and_says_when_one_is_not_current(client, statement_v2):
    current = client.get(reverse("loket:privacy")).content.decode()

    assert "We bewaren je gegevens nu korter." in current
    assert "Eerdere versies" in current
    assert f'href="{reverse("loket:privacy_version", args=["1"])}"' in current

    response = client.get(reverse("loket:privacy_version", args=["1"]))
    assert response.status_code == 200
    earlier = response.content.decode()
    assert "Dit is niet de huidige privacyverklaring." in earlier
    assert "Deze verklaring gaat over de gegevens die je achterlaat" in earlier
    assert f'href="{statement_v2.get_absolute_url()}"' in earlier

    again = client.get(statement_v2.get_absolute_url()).content.decode()
    assert "Dit is niet de huidige privacyverklaring" not in again


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_version(client):
    assert client.get(reverse("loket:privacy_version", args=["99"])).status_code == 404


@pytest.mark.django_db
def test_it_shows_the_english_text_with_the_language_cookie(client):
    client.cookies["django_language"] = "en"

    page = client.get(reverse("loket:privacy")).content.decode()

    assert "This statement covers the data you leave" in page
    assert 'lang="en"' in page
    assert "Deze verklaring gaat over" not in page


@pytest.mark.django_db
def test_it_marks_the_dutch_text_as_dutch_when_there_is_no_english_one(client, statement_v2):
    statement_v2.text_en = ""
    statement_v2.save()
    client.cookies["django_language"] = "en"

    page = client.get(reverse("loket:privacy")).content.decode()

    assert '<div class="statement-text" lang="nl">' in page
    assert "We bewaren je gegevens nu korter." in page


# --- the asker's own page -------------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_the_asker_what_is_stored(client, kennismakelaar):
    district = District.objects.create(name="Merenwijk")
    question = submit(district=district)
    services.question_add_note(question=question, text=NOTE, by=kennismakelaar)
    services.question_set_handler(question=question, handler=kennismakelaar, by=kennismakelaar)

    response = client.get(my_data_url(question))

    assert response.status_code == 200
    assert_private(response)
    page = response.content.decode()
    for shown in (question.reference, QUESTION, BACKGROUND, NAME, EMAIL, "Merenwijk", "nieuw"):
        assert shown in page
    assert "06-12345678" not in page
    assert "kennismakelaar" not in page
    assert "Download mijn gegevens" in page
    assert "Verwijder mijn gegevens" in page


@pytest.mark.django_db
def test_it_shows_the_page_in_the_language_the_asker_used(client):
    question = submit(language="en")

    page = client.get(my_data_url(question)).content.decode()

    assert '<html lang="en">' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token",
    [
        "niet-een-token",
        "eyJyZWZlcmVuY2UiOiIyMDI2LTAwMDAxIn0:1uAbCd:forged-signature",
        signing.dumps({"reference": "2026-99999"}, salt=services.DATA_LINK_SALT, compress=True),
    ],
    ids=["garbage", "forged", "unknown-reference"],
)
def test_it_answers_a_clear_404_for_a_bad_link(client, token):
    submit()

    response = client.get(reverse("loket:my_data", args=[token]))

    assert response.status_code == 404
    assert_private(response)
    page = response.content.decode()
    assert "Deze link werkt niet (meer)" in page
    assert "ongeldig of verlopen" in page
    assert "Traceback" not in page


class SignedLongAgo(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 800 * 24 * 3600)


@pytest.mark.django_db
def test_it_answers_404_for_an_expired_link(client):
    question = submit()
    # 800 days: longer than the retention period (12 months) plus a year.
    token = SignedLongAgo(salt=services.DATA_LINK_SALT).sign_object(
        {"reference": question.reference}, compress=True
    )

    response = client.get(reverse("loket:my_data", args=[token]))

    assert response.status_code == 404
    assert "Deze link werkt niet (meer)" in response.content.decode()


@pytest.mark.django_db
def test_it_exports_the_data_as_a_json_download(client):
    question = submit()
    services.question_change_status(question=question, status=Status.IN_BEHANDELING, by=None)

    response = client.post(my_data_url(question), {"action": "download"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="kennisstad-{question.reference}.json"'
    assert_private(response)
    data = json.loads(response.content)
    assert data["reference"] == question.reference
    assert data["name"] == NAME
    assert data["email"] == EMAIL
    assert data["question"] == QUESTION
    assert data["status"] == Status.IN_BEHANDELING
    assert question.events.filter(kind=QuestionEvent.Kind.EXPORTED).count() == 1


@pytest.mark.django_db
def test_it_erases_nothing_without_confirmation(client):
    question = submit()

    response = client.post(my_data_url(question), {"action": "erase"})

    assert response.status_code == 400
    assert_private(response)
    page = response.content.decode()
    assert "Vink aan dat je je gegevens wilt laten verwijderen" in page
    assert 'aria-describedby="confirm-error"' in page
    question.refresh_from_db()
    assert (question.asker_name, question.asker_email, question.question) == (NAME, EMAIL, QUESTION)
    assert question.anonymised_at is None
    assert not Erasure.objects.exists()


@pytest.mark.django_db
def test_it_erases_the_data_with_confirmation(client, kennismakelaar):
    question = submit()
    services.question_change_status(question=question, status=Status.IN_BEHANDELING, by=kennismakelaar)
    services.question_add_note(question=question, text=NOTE, by=kennismakelaar)
    services.question_set_answer(question=question, answer="Probeer het buurthuis.", by=kennismakelaar)
    url = my_data_url(question)

    response = client.post(url, {"action": "erase", "confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == url
    assert_private(response)
    question.refresh_from_db()
    assert question.asker_name == ""
    assert question.asker_email == ""
    assert QUESTION not in question.question
    assert question.background == ""
    assert question.answer == ""
    assert question.anonymised_at is not None
    assert question.status == Status.AFGESLOTEN
    assert question.closed_at is not None
    history = " ".join(f"{e.before} {e.after} {e.text}" for e in question.events.all())
    assert "06-12345678" not in history
    assert "buurthuis" not in history
    erasure = Erasure.objects.get(reference=question.reference)
    assert erasure.reason == "request"
    # Keyed: hashing a list of known addresses does not reveal who it was.
    assert erasure.email_hash == services.email_hash(EMAIL) != hashlib.sha256(EMAIL.encode()).hexdigest()
    assert EMAIL not in f"{erasure.reference} {erasure.email_hash}"
    # The question's history (kennisstad.history) keeps no copy of what the erasure removed.
    recorded = " ".join(str(row) for row in question.history.values())
    assert question.history.count() >= 3
    for personal in (NAME, EMAIL, QUESTION, "06-12345678", "buurthuis"):
        assert personal not in recorded

    after = client.get(url)
    assert after.status_code == 200
    assert_private(after)
    page = after.content.decode()
    assert "zijn verwijderd" in page
    assert NAME not in page
    assert "Verwijder mijn gegevens" not in page


@pytest.mark.django_db
def test_it_keeps_the_anonymous_figures_when_erasing(client):
    district = District.objects.create(name="Stevenshof")
    question = submit(district=district, asker_kind="school")

    client.post(my_data_url(question), {"action": "erase", "confirm": "on"})

    question.refresh_from_db()
    assert question.reference
    assert question.district == district
    assert question.asker_kind == "school"
    assert question.created_at is not None


@pytest.mark.django_db
def test_it_erases_only_once(client):
    question = submit()
    url = my_data_url(question)

    client.post(url, {"action": "erase", "confirm": "on"})
    response = client.post(url, {"action": "erase", "confirm": "on"})

    assert response.status_code == 200
    assert "zijn verwijderd" in response.content.decode()
    assert Erasure.objects.count() == 1


@pytest.mark.django_db
def test_it_rate_limits_posts_per_address(client, settings):
    settings.LOKET_POSTS_PER_HOUR = 2
    question = submit()
    url = my_data_url(question)

    statuses = [client.post(url, {"action": "erase"}).status_code for _ in range(3)]
    blocked = client.post(url, {"action": "erase", "confirm": "on"})

    assert statuses == [400, 400, 429]
    assert blocked.status_code == 429
    assert_private(blocked)
    assert "te vaak verstuurd" in blocked.content.decode()
    question.refresh_from_db()
    assert question.asker_email == EMAIL


# --- nothing personal on public pages -------------------------------------------------------


@pytest.mark.django_db
def test_it_never_shows_the_askers_name_or_email_on_public_pages(client, demo, kennismakelaar):
    question = submit()
    services.question_change_status(question=question, status=Status.IN_BEHANDELING, by=kennismakelaar)
    assignment = services.assignment_create(
        question=question,
        title="Eenzaamheid onder ouderen in de straat",
        description="Hoe bereik je ouderen die weinig buiten komen? Een buurtgroep zoekt ideeën.",
        levels=["hbo"],
        size="vakopdracht",
        by=kennismakelaar,
    )
    services.question_set_answer(
        question=question, answer="Het buurthuis organiseert koffieochtenden.", by=kennismakelaar
    )
    services.question_change_status(question=question, status=Status.BEANTWOORD, by=kennismakelaar)
    published = services.answer_publish(
        question=question,
        title="Hoe bereik je eenzame ouderen in je straat?",
        answer="Het buurthuis organiseert koffieochtenden.",
        by=kennismakelaar,
    )

    pages = [
        reverse("home"),
        reverse("loket:answers"),
        published.get_absolute_url(),
        reverse("loket:assignments"),
        assignment.get_absolute_url(),
        reverse("search:search") + "?q=eenzame+ouderen",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert NAME not in page, url
        assert EMAIL not in page, url
        assert "anna.devries" not in page, url
