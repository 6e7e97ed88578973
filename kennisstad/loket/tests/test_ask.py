import re

import pytest
from django.core import mail
from django.urls import reverse

from kennisstad.loket import services
from kennisstad.loket.models import AskerKind, District, PrivacyStatement, Question, QuestionEvent

ASK_URL = reverse("loket:ask")
RECEIVED_URL = reverse("loket:ask_received")
SUGGESTIONS_URL = reverse("loket:ask_suggestions")

# Written as a student would: no project names, everyday words.
STUDENT_HOUSING = (
    "Ik zoek al maanden een kamer in Leiden en vind niets betaalbaars. "
    "Wordt er iets gedaan aan huisvesting voor studenten?"
)


def form_data(**changes) -> dict:
    data = {
        "question": STUDENT_HOUSING,
        "background": "Ik begin in september aan mijn studie en woon nu nog bij mijn ouders.",
        "district": "",
        "asker_kind": AskerKind.STUDENT,
        "name": "Sanne Bakker",
        "email": "sanne.bakker@example.org",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def send(client, db, django_capture_on_commit_callbacks):
    """POST the form, running the e-mails that are sent once the transaction commits."""

    def post(data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(ASK_URL, data, **extra)

    return post


def assert_rejected(response, message, *, status=200):
    assert response.status_code == status
    html = response.content.decode()
    assert 'id="form-errors"' in html
    assert message in html
    assert Question.objects.count() == 0
    assert mail.outbox == []
    return html


# --- the form ---------------------------------------------------------------------------------


def test_it_shows_the_form_with_consent_unticked_and_a_link_to_the_privacy_statement(client, db):
    District.objects.create(name="Stationsdistrict")
    District.objects.create(name="Oude wijk", active=False)
    response = client.get(ASK_URL)
    assert response.status_code == 200
    html = response.content.decode()
    statement = services.current_privacy_statement()
    assert f'href="{reverse("loket:privacy_version", args=[statement.version])}"' in html
    assert 'target="_blank"' not in html
    consent = html[html.index('name="consent"') - 200 : html.index('name="consent"') + 200]
    assert "checked" not in consent
    assert "Wijk (optioneel)" in html
    assert "Stationsdistrict" in html
    assert "Oude wijk" not in html
    assert 'maxlength="3000"' in html
    assert "nooit gepubliceerd" in html
    assert 'aria-describedby="id_email_helptext"' in html
    assert 'class="honeypot" aria-hidden="true"' in html
    assert f'hx-post="{SUGGESTIONS_URL}"' in html


def test_it_says_questions_cannot_be_sent_without_a_privacy_statement(client, db):
    PrivacyStatement.objects.all().delete()
    response = client.get(ASK_URL)
    assert response.status_code == 200
    assert "Vragen stellen kan nog niet" in response.content.decode()
    assert 'name="question"' not in response.content.decode()

    response = client.post(ASK_URL, form_data())
    assert response.status_code == 200
    assert Question.objects.count() == 0


def test_it_renders_the_form_in_english_with_the_language_switch(client, db):
    client.cookies["django_language"] = "en"
    response = client.get(ASK_URL)
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert 'id="language-switch"' in html
    assert 'value="nl" lang="nl"' in html
    assert 'name="question"' in html


# --- sending a question ---------------------------------------------------------------------


def test_it_stores_the_question_confirms_it_and_shows_suggestions(client, demo, send):
    district = District.objects.order_by("position").first()
    response = send(form_data(district=district.pk))
    assert response.status_code == 302
    assert response["Location"] == RECEIVED_URL

    question = Question.objects.get()
    assert question.reference.endswith(f"{question.pk:05d}")
    assert question.question == STUDENT_HOUSING
    assert question.district == district
    assert question.asker_kind == AskerKind.STUDENT
    assert question.asker_email == "sanne.bakker@example.org"
    assert question.language == "nl"
    assert question.consent_at is not None
    assert question.privacy_statement == services.current_privacy_statement()
    assert question.status == Question.Status.NIEUW
    assert question.events.filter(kind=QuestionEvent.Kind.RECEIVED).exists()
    assert "4K6" in [s["key"] for s in question.suggestions]

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sanne.bakker@example.org"]
    assert question.reference in message.subject
    assert question.reference in message.body
    assert_data_link(message, question)
    assert "/project/" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body

    page = client.get(RECEIVED_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert question.reference in html
    assert "Misschien helpt dit al" in html
    housing = question.suggestions[[s["key"] for s in question.suggestions].index("4K6")]
    project_url = reverse("portfolio:project", kwargs={"period": "2023-2027", "key": "4K6"})
    assert f'href="{project_url}"' in html
    assert housing["title"] in html
    assert "Trekkers:" in html
    assert "bevestiging" in html
    # Name and e-mail are the asker's own, but the page does not repeat them.
    assert "sanne.bakker@example.org" not in html
    assert "Sanne Bakker" not in html


def test_it_tells_the_broker_about_a_new_question(client, demo, send, settings):
    settings.LOKET_BROKER_EMAIL = "makelaar@example.org"
    send(form_data())
    question = Question.objects.get()
    broker_mail = next(m for m in mail.outbox if m.to == ["makelaar@example.org"])
    assert question.reference in broker_mail.subject
    assert reverse("loket:inbox_question", args=[question.reference]) in broker_mail.body
    assert "sanne.bakker@example.org" not in broker_mail.body


def test_it_says_plainly_when_no_project_fits(client, demo, send):
    send(form_data(question="Hoe laat gaat het zwembad open op zondag?", background=""))
    question = Question.objects.get()
    assert question.no_match
    html = client.get(RECEIVED_URL).content.decode()
    assert "geen project in de agenda" in html
    assert "juiste persoon" in html
    assert "geen project in de agenda" in mail.outbox[0].body


def test_it_remembers_the_language_of_an_english_visitor_for_the_e_mails(client, demo, send):
    client.cookies["django_language"] = "en"
    send(form_data(question="We are moving to Leiden from abroad next month. Who can help us find our way?"))
    question = Question.objects.get()
    assert question.language == "en"
    assert len(mail.outbox) == 1


def test_it_keeps_a_question_with_quotes_and_ampersands_as_typed(client, demo, send):
    text = 'Wat doen "jullie" aan eenzaamheid & armoede bij ouderen in de wijk?'
    send(form_data(question=text))
    question = Question.objects.get()
    assert question.question == text
    assert text in mail.outbox[0].body
    assert "&quot;jullie&quot; aan eenzaamheid &amp; armoede" in client.get(RECEIVED_URL).content.decode()


def test_it_redirects_to_the_form_without_a_question_in_the_session(client, db):
    response = client.get(RECEIVED_URL)
    assert response.status_code == 302
    assert response["Location"] == ASK_URL


def test_it_does_not_show_a_question_of_another_visitor(client, demo, send):
    send(form_data())
    other = client.__class__()
    response = other.get(RECEIVED_URL)
    assert response.status_code == 302
    assert response["Location"] == ASK_URL


# --- bad input ------------------------------------------------------------------------------


def test_it_rejects_an_empty_question_and_keeps_the_rest(client, send):
    response = send(form_data(question="   "))
    html = assert_rejected(response, "Schrijf je vraag op")
    assert 'value="sanne.bakker@example.org"' in html
    assert "Ik begin in september aan mijn studie" in html
    assert 'href="#id_question"' in html
    assert 'aria-describedby="id_question_helptext id_question_error"' in html
    assert 'id="id_question_error"' in html
    assert "<title>Fout:" in html


def test_it_rejects_a_huge_question_with_a_length_error(client, send):
    huge = "Waarom is het zo druk in de stad? " * 3000
    response = send(form_data(question=huge))
    html = assert_rejected(response, "Je vraag is te lang: maximaal 3000 tekens")
    assert "Waarom is het zo druk in de stad?" in html
    assert 'value="sanne.bakker@example.org"' in html


def test_it_rejects_script_tags_and_keeps_them_escaped(client, send):
    response = send(form_data(question="Wat doen jullie aan eenzaamheid? <script>alert(1)</script>"))
    html = assert_rejected(response, "Gebruik geen HTML of scripts")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_rejects_a_question_without_consent(client, send):
    data = form_data()
    del data["consent"]
    response = send(data)
    html = assert_rejected(response, "Geef toestemming om je vraag te versturen")
    assert 'href="#id_consent"' in html
    assert STUDENT_HOUSING in html


def test_it_rejects_a_filled_honeypot(client, send):
    response = send(form_data(website="http://spam.example.com"))
    html = assert_rejected(response, "Dit formulier kon niet worden verwerkt")
    assert STUDENT_HOUSING in html


def test_it_rejects_a_missing_asker_kind_and_a_bad_address(client, send):
    response = send(form_data(asker_kind="", email="geen-adres"))
    html = assert_rejected(response, "Kies wie de vraag stelt")
    assert "Dit lijkt geen e-mailadres" in html
    assert 'href="#id_asker_kind_0"' in html
    assert 'aria-describedby="id_asker_kind_error"' in html
    assert 'value="geen-adres"' in html


def test_it_refuses_the_sixth_post_in_an_hour(client, send, settings):
    settings.LOKET_POSTS_PER_HOUR = 5
    # Five rejected posts (no consent) still count: a flood is a flood.
    data = form_data()
    del data["consent"]
    for _ in range(5):
        assert send(data).status_code == 200
    response = send(form_data())
    html = assert_rejected(response, "te veel vragen vanaf dit adres", status=429)
    assert STUDENT_HOUSING in html
    assert 'value="sanne.bakker@example.org"' in html


def test_it_counts_posts_per_address(client, demo, send, settings):
    settings.LOKET_POSTS_PER_HOUR = 1
    send(form_data(), REMOTE_ADDR="192.0.2.1")
    response = send(form_data(), REMOTE_ADDR="192.0.2.2")
    assert response.status_code == 302
    assert Question.objects.count() == 2


# --- live suggestions while typing ----------------------------------------------------------


def test_it_suggests_projects_while_typing_and_stores_nothing(client, demo):
    response = client.post(SUGGESTIONS_URL, {"question": STUDENT_HOUSING}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Misschien helpt dit al" in html
    assert reverse("portfolio:project", kwargs={"period": "2023-2027", "key": "4K6"}) in html
    assert 'target="_blank"' in html
    assert Question.objects.count() == 0
    assert mail.outbox == []


def test_it_answers_short_text_with_an_empty_fragment(client, db):
    response = client.get(SUGGESTIONS_URL, {"question": "Kamer"})
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_it_limits_live_suggestions_separately_from_questions(client, demo, send, settings):
    settings.LOKET_POSTS_PER_HOUR = 1
    for _ in range(60):
        client.get(SUGGESTIONS_URL, {"question": "Hoe laat gaat het zwembad open op zondag?"})
    response = client.get(SUGGESTIONS_URL, {"question": "Hoe laat gaat het zwembad open op zondag?"})
    assert response.status_code == 429
    assert "Even geen suggesties" in response.content.decode()
    assert send(form_data()).status_code == 302


def test_it_links_similar_published_answers_but_not_withdrawn_ones(client, demo, send):
    published = services.answer_publish(
        question=None,
        title="Ik vind als student geen betaalbare kamer in Leiden. Wordt daar iets aan gedaan?",
        answer="De universiteit en de gemeente werken samen aan meer studentenkamers.",
        by=None,
    )
    withdrawn = services.answer_publish(
        question=None,
        title="Hoe vind ik als student een betaalbare kamer in Leiden?",
        answer="Kijk bij de huisvestingsbalie van de universiteit.",
        by=None,
    )
    send(form_data())
    question = Question.objects.get()
    assert {s["slug"] for s in question.similar_questions} >= {published.slug, withdrawn.slug}
    services.answer_update(published=withdrawn, by=None, is_published=False)

    html = client.get(RECEIVED_URL).content.decode()
    assert "Eerder beantwoorde vragen" in html
    assert f'href="{reverse("loket:answer", args=[published.slug])}"' in html
    assert withdrawn.title not in html
    assert published.title in mail.outbox[0].body


# --- the e-mails to the asker on the way ----------------------------------------------------


@pytest.fixture
def asked(db, django_capture_on_commit_callbacks):
    from kennisstad.loket.tests.factories import QuestionFactory

    question = QuestionFactory(question="Wie onderzoekt eenzaamheid onder ouderen in de Merenwijk?")

    def change(status, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            services.question_change_status(question=question, status=status, by=None, **kwargs)
        return mail.outbox[-1]

    return question, change


def assert_data_link(message, question):
    """The mail links to this question's data page. The signed token carries the time it was made,
    so it is compared by what it opens rather than character by character."""
    tokens = re.findall(r"/mijn-gegevens/([^/\s]+)/", message.body)
    assert tokens, "no data link in the mail"
    assert services.data_link(question).rsplit("/mijn-gegevens/", 1)[0] in message.body
    assert services.question_from_data_token(tokens[0]) == question


def assert_asker_mail(message, question):
    assert message.to == [question.asker_email]
    assert question.reference in message.subject
    assert_data_link(message, question)
    assert "laten verwijderen" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body


def test_it_mails_the_asker_that_the_question_is_being_handled(asked):
    question, change = asked
    message = change(Question.Status.IN_BEHANDELING, reason="We zoeken een onderzoeker voor je.")
    assert_asker_mail(message, question)
    assert "aan de slag" in message.body
    assert "We zoeken een onderzoeker voor je." in message.body


def test_it_mails_the_asker_who_the_question_went_to(asked, organisations):
    from kennisstad.organisations.models import Organisation

    question, change = asked
    change(Question.Status.IN_BEHANDELING)
    organisation = Organisation.objects.order_by("name").first()
    services.question_assign(question=question, organisation=organisation, contact="Dr. A. Jansen", by=None)
    message = change(Question.Status.DOORVERWEZEN)
    assert_asker_mail(message, question)
    assert organisation.name in message.body
    assert "Dr. A. Jansen" in message.body


def test_it_mails_the_answer(asked):
    question, change = asked
    change(Question.Status.IN_BEHANDELING)
    services.question_set_answer(
        question=question, answer="Het project Leiden op Leeftijd werkt hieraan & zoekt bewoners.", by=None
    )
    message = change(Question.Status.BEANTWOORD)
    assert_asker_mail(message, question)
    assert "Het project Leiden op Leeftijd werkt hieraan & zoekt bewoners." in message.body


def test_it_mails_why_a_question_does_not_fit(asked):
    question, change = asked
    message = change(
        Question.Status.NIET_PASSEND, reason="Dit is een vraag voor de huisarts, niet voor onderzoek."
    )
    assert_asker_mail(message, question)
    assert "Dit is een vraag voor de huisarts, niet voor onderzoek." in message.body


def test_it_mails_that_the_question_became_an_assignment(asked):
    question, change = asked
    change(Question.Status.IN_BEHANDELING)
    message = change(Question.Status.OPDRACHT)
    assert_asker_mail(message, question)
    assert "Leren met de Stad" in message.body
    assert reverse("loket:assignments") in message.body
