"""The broker's inbox: access, the list and its filters, and a question's workflow in the browser's terms."""

import html
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from kennisstad.loket import services
from kennisstad.loket.models import Assignment, PrivacyStatement, Question, QuestionEvent
from kennisstad.organisations.models import Organisation

from .factories import BrokerFactory, DistrictFactory, PublishedAnswerFactory, QuestionFactory, UserFactory

Status = Question.Status

QUESTION_URLS = [
    "inbox_question",
    "inbox_status",
    "inbox_assign",
    "inbox_note",
    "inbox_due",
    "inbox_answer",
    "inbox_rematch",
    "inbox_make_assignment",
    "inbox_publish",
]
POST_URLS = QUESTION_URLS[1:]


def url(name, question=None):
    return reverse(f"loket:{name}", args=[question.reference] if question else [])


@pytest.fixture
def broker(db):
    return BrokerFactory(username="makelaar")


@pytest.fixture
def broker_client(client, broker):
    client.force_login(broker)
    return client


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Hogeschool Leiden", slug="hogeschool-leiden", kind="hogeschool")


def texts(response) -> str:
    return response.content.decode()


# --- access ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["inbox", *QUESTION_URLS])
def test_it_sends_anonymous_visitors_to_the_login(client, name):
    question = QuestionFactory()
    target = url(name, None if name == "inbox" else question)

    response = client.get(target)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "next=" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["inbox", *QUESTION_URLS])
def test_it_forbids_staff_without_the_broker_permission(client, name):
    question = QuestionFactory()
    client.force_login(UserFactory(username="redacteur"))
    target = url(name, None if name == "inbox" else question)

    assert client.get(target).status_code == 403
    assert client.post(target, {"status": Status.IN_BEHANDELING, "text": "x"}).status_code == 403
    question.refresh_from_db()
    assert question.status == Status.NIEUW
    assert question.events.count() == 1


@pytest.mark.django_db
def test_it_lets_a_superuser_in(client, kennismakelaar):
    client.force_login(kennismakelaar)

    assert client.get(url("inbox")).status_code == 200


@pytest.mark.django_db
def test_it_lets_a_broker_in_through_a_group(client):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Kennismakelaars")
    group.permissions.add(Permission.objects.get(codename="handle_question"))
    user = UserFactory(username="via-groep")
    user.groups.add(group)
    client.force_login(user)

    assert client.get(url("inbox")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", POST_URLS)
def test_it_only_accepts_posts_for_changes(broker_client, name):
    question = QuestionFactory()

    assert broker_client.get(url(name, question)).status_code == 405


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_reference(broker_client):
    assert broker_client.get(reverse("loket:inbox_question", args=["2000-00000"])).status_code == 404


# --- the list --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_new_questions_first_then_newest(broker_client, broker):
    now = timezone.now()
    old_new = QuestionFactory(question="Oude nieuwe vraag", created_at=now - timedelta(days=5))
    handled = QuestionFactory(question="Vraag in behandeling", created_at=now)
    services.question_change_status(question=handled, status=Status.IN_BEHANDELING, by=broker)
    recent_new = QuestionFactory(question="Recente nieuwe vraag", created_at=now - timedelta(days=1))
    closed = QuestionFactory(question="Afgewezen vraag", created_at=now)
    services.question_change_status(
        question=closed, status=Status.NIET_PASSEND, by=broker, reason="Past niet"
    )

    response = broker_client.get(url("inbox"))

    page = texts(response)
    assert response.status_code == 200
    assert [q.reference for q in response.context["questions"]] == [
        recent_new.reference,
        old_new.reference,
        handled.reference,
    ]
    assert closed.reference not in page
    assert page.index(recent_new.reference) < page.index(old_new.reference) < page.index(handled.reference)


@pytest.mark.django_db
def test_it_filters_by_status_with_counts(broker_client, broker):
    for _ in range(2):
        QuestionFactory()
    handled = QuestionFactory()
    services.question_change_status(question=handled, status=Status.IN_BEHANDELING, by=broker)

    response = broker_client.get(url("inbox"), {"status": Status.IN_BEHANDELING})

    assert [q.pk for q in response.context["questions"]] == [handled.pk]
    assert response.context["counts"][Status.NIEUW] == 2
    assert response.context["counts"][Status.IN_BEHANDELING] == 1
    assert "nieuw (2)" in texts(response)


@pytest.mark.django_db
def test_it_shows_all_questions_including_closed_ones(broker_client, broker):
    closed = QuestionFactory()
    services.question_change_status(
        question=closed, status=Status.NIET_PASSEND, by=broker, reason="Past niet"
    )

    response = broker_client.get(url("inbox"), {"status": "alle"})

    assert closed.reference in texts(response)


@pytest.mark.django_db
def test_it_lists_only_overdue_open_questions(broker_client, broker):
    today = timezone.localdate()
    overdue = QuestionFactory(due_date=today - timedelta(days=1))
    QuestionFactory(due_date=today)
    QuestionFactory(due_date=today + timedelta(days=3))
    QuestionFactory(due_date=None)
    overdue_closed = QuestionFactory(due_date=today - timedelta(days=10))
    services.question_change_status(
        question=overdue_closed, status=Status.NIET_PASSEND, by=broker, reason="x"
    )

    response = broker_client.get(url("inbox"), {"te_laat": "1"})

    assert [q.pk for q in response.context["questions"]] == [overdue.pk]
    assert response.context["counts"]["te_laat"] == 1
    # Not by colour alone: the badge says so.
    assert "te laat</span>" in texts(response)


@pytest.mark.django_db
def test_it_lists_my_questions(broker_client, broker):
    mine = QuestionFactory()
    services.question_set_handler(question=mine, handler=broker, by=broker)
    QuestionFactory()

    response = broker_client.get(url("inbox"), {"van_mij": "on"})

    assert [q.pk for q in response.context["questions"]] == [mine.pk]


@pytest.mark.django_db
def test_it_searches_question_text_and_reference(broker_client):
    trees = QuestionFactory(question="Waar komen de nieuwe bomen in de Merenwijk?")
    other = QuestionFactory(question="Hoe werkt de voedselbank?")

    by_text = broker_client.get(url("inbox"), {"q": "bomen"})
    by_reference = broker_client.get(url("inbox"), {"q": other.reference})

    assert [q.pk for q in by_text.context["questions"]] == [trees.pk]
    assert [q.pk for q in by_reference.context["questions"]] == [other.pk]


@pytest.mark.django_db
def test_it_shows_the_columns_the_broker_needs(broker_client, broker, organisation):
    district = DistrictFactory(name="Merenwijk")
    question = QuestionFactory(question="Hoe krijgen we meer groen op het schoolplein?", district=district)
    services.question_assign(question=question, organisation=organisation, contact="Piet", by=broker)
    services.question_set_handler(question=question, handler=broker, by=broker)

    page = texts(broker_client.get(url("inbox")))

    assert reverse("loket:inbox_question", args=[question.reference]) in page
    assert "Hoe krijgen we meer groen" in page
    assert "Merenwijk" in page
    assert "bewoner" in page
    assert "Hogeschool Leiden" in page
    assert "makelaar" in page


@pytest.mark.django_db
def test_it_answers_htmx_with_only_the_results(broker_client):
    QuestionFactory()

    response = broker_client.get(url("inbox"), {"q": "speelplek"}, headers={"HX-Request": "true"})

    page = texts(response)
    assert 'id="results"' in page
    assert "<html" not in page


@pytest.mark.django_db
def test_it_pages_the_list(broker_client):
    QuestionFactory.create_batch(55)

    first = broker_client.get(url("inbox"))
    second = broker_client.get(url("inbox"), {"pagina": 2})

    assert len(first.context["questions"]) == 50
    assert len(second.context["questions"]) == 5
    assert "pagina=2" in texts(first)


@pytest.mark.django_db
def test_it_lists_the_inbox_in_a_fixed_number_of_queries(
    broker_client, broker, organisation, django_assert_max_num_queries
):
    district = DistrictFactory(name="Stevenshof")
    for question in QuestionFactory.create_batch(30, district=district):
        services.question_assign(question=question, organisation=organisation, contact="", by=broker)
        services.question_set_handler(question=question, handler=broker, by=broker)

    with django_assert_max_num_queries(10):
        response = broker_client.get(url("inbox"))

    assert len(response.context["questions"]) == 30


# --- one question ----------------------------------------------------------------------------


def post_status(client, question, status, reason=""):
    return client.post(url("inbox_status", question), {"status": status, "reason": reason})


@pytest.mark.django_db
def test_it_shows_the_question_with_the_askers_details(broker_client):
    district = DistrictFactory(name="De Kooi")
    question = QuestionFactory(
        question="Kunnen studenten helpen met de buurtmoestuin?",
        background="We hebben een stuk grond van de gemeente.",
        district=district,
        asker_name="Fatima El Amrani",
        asker_email="fatima@example.org",
        language="en",
        asker_kind="wijkvereniging",
    )

    page = texts(broker_client.get(url("inbox_question", question)))

    for expected in [
        "Kunnen studenten helpen met de buurtmoestuin?",
        "We hebben een stuk grond van de gemeente.",
        "De Kooi",
        "Fatima El Amrani",
        "fatima@example.org",
        "wijkvereniging",
        "versie 1",
    ]:
        assert expected in page


@pytest.mark.django_db
def test_it_walks_a_question_to_the_end_and_tells_the_asker(
    broker_client, broker, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    question = QuestionFactory(asker_email="anna@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = post_status(broker_client, question, Status.IN_BEHANDELING)
        assert response.status_code == 302
        assert response["Location"] == url("inbox_question", question)

        response = broker_client.post(
            url("inbox_assign", question),
            {"organisation": organisation.pk, "contact": "Dr. J. Jansen", "handler": broker.pk},
        )
        assert response.status_code == 302

        assert post_status(broker_client, question, Status.DOORVERWEZEN).status_code == 302

        answer = "Het lectoraat Wijkgericht Werken neemt contact met u op over de moestuin."
        assert broker_client.post(url("inbox_answer", question), {"answer": answer}).status_code == 302
        assert post_status(broker_client, question, Status.BEANTWOORD).status_code == 302
        assert post_status(broker_client, question, Status.AFGESLOTEN).status_code == 302

    question.refresh_from_db()
    assert question.status == Status.AFGESLOTEN
    assert question.assigned_organisation == organisation
    assert question.assigned_contact == "Dr. J. Jansen"
    assert question.handler == broker
    assert question.answer == answer
    assert question.closed_at is not None

    assert [m.to for m in mailoutbox] == [["anna@example.org"]] * 3
    assert answer in mailoutbox[2].body

    response = broker_client.get(url("inbox_question", question))
    history = response.context["history"]
    changes = [(row.what, row.before, row.after) for row in history if row.kind == QuestionEvent.Kind.STATUS]
    assert changes == [
        ("status gewijzigd", "nieuw", "in behandeling"),
        ("status gewijzigd", "in behandeling", "doorverwezen"),
        ("status gewijzigd", "doorverwezen", "beantwoord"),
        ("status gewijzigd", "beantwoord", "afgesloten"),
    ]
    kinds = {row.kind for row in history if row.actor == "makelaar"}
    assert {"status", "assigned", "handler", "answer", "mail"} <= kinds
    page = texts(response)
    assert "Hogeschool Leiden / Dr. J. Jansen" in page
    assert "doorverwezen" in page


@pytest.mark.django_db
def test_it_confirms_a_change_with_a_message(broker_client):
    question = QuestionFactory()

    response = post_status(broker_client, question, Status.IN_BEHANDELING)
    page = texts(broker_client.get(response["Location"]))

    assert "De status is nu “in behandeling”." in page


@pytest.mark.django_db
def test_it_refuses_a_transition_the_workflow_does_not_have(broker_client):
    question = QuestionFactory()

    response = post_status(broker_client, question, Status.AFGESLOTEN, reason="Mijn toelichting")

    assert response.status_code == 400
    assert response.context["status_form"].errors
    assert "Mijn toelichting" in texts(response)
    question.refresh_from_db()
    assert question.status == Status.NIEUW
    assert not question.events.filter(kind=QuestionEvent.Kind.STATUS).exists()


@pytest.mark.django_db
def test_it_refuses_niet_passend_without_a_reason(broker_client):
    question = QuestionFactory()

    response = post_status(broker_client, question, Status.NIET_PASSEND, reason="  ")

    assert response.status_code == 400
    assert "Geef aan waarom de vraag niet passend is" in texts(response)
    question.refresh_from_db()
    assert question.status == Status.NIEUW
    assert question.events.count() == 1


@pytest.mark.django_db
def test_it_refuses_beantwoord_without_an_answer_and_keeps_the_typed_text(broker_client, broker):
    question = QuestionFactory()
    services.question_change_status(question=question, status=Status.IN_BEHANDELING, by=broker)

    response = post_status(broker_client, question, Status.BEANTWOORD, reason="Zie antwoord")

    assert response.status_code == 400
    assert "Schrijf eerst het antwoord" in texts(response)
    assert "Zie antwoord" in texts(response)
    question.refresh_from_db()
    assert question.status == Status.IN_BEHANDELING


@pytest.mark.django_db
def test_it_sets_niet_passend_with_a_reason_and_mails_it(
    broker_client, mailoutbox, django_capture_on_commit_callbacks
):
    question = QuestionFactory(asker_email="bert@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = post_status(
            broker_client, question, Status.NIET_PASSEND, reason="Dit is een vraag voor de politie."
        )

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == Status.NIET_PASSEND
    assert question.status_reason == "Dit is een vraag voor de politie."
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_it_sets_and_clears_the_due_date(broker_client):
    question = QuestionFactory()
    day = timezone.localdate() + timedelta(days=30)

    broker_client.post(url("inbox_due", question), {"due_date": day.isoformat()})
    question.refresh_from_db()
    assert question.due_date == day

    broker_client.post(url("inbox_due", question), {"due_date": ""})
    question.refresh_from_db()
    assert question.due_date is None
    assert question.events.filter(kind=QuestionEvent.Kind.DUE).count() == 2


@pytest.mark.django_db
def test_it_rejects_a_bad_due_date(broker_client):
    question = QuestionFactory()

    response = broker_client.post(url("inbox_due", question), {"due_date": "morgen"})

    assert response.status_code == 400
    assert response.context["due_form"].errors


@pytest.mark.django_db
def test_it_keeps_a_note_internal(broker_client, broker):
    question = QuestionFactory()
    note = "Vraagsteller is een bekende van de wethouder, voorzichtig mee omgaan."

    response = broker_client.post(url("inbox_note", question), {"text": note})
    assert response.status_code == 302

    page = texts(broker_client.get(url("inbox_question", question)))
    assert note.split(",")[0] in page
    event = question.events.get(kind=QuestionEvent.Kind.NOTE)
    assert event.actor == broker

    broker_client.logout()
    for public in ["loket:answers", "loket:assignments", "loket:ask", "loket:privacy", "home"]:
        response = broker_client.get(reverse(public))
        assert note.split(",")[0] not in texts(response)
    data = services.asker_data(question)
    assert note not in str(data)


@pytest.mark.django_db
def test_it_refuses_an_empty_note(broker_client):
    question = QuestionFactory()

    response = broker_client.post(url("inbox_note", question), {"text": "   "})

    assert response.status_code == 400
    assert not question.events.filter(kind=QuestionEvent.Kind.NOTE).exists()


@pytest.mark.django_db
def test_it_refuses_markup_in_an_answer(broker_client):
    question = QuestionFactory()

    response = broker_client.post(url("inbox_answer", question), {"answer": "<script>alert(1)</script>"})

    assert response.status_code == 400
    question.refresh_from_db()
    assert question.answer == ""


@pytest.mark.django_db
def test_it_offers_only_brokers_as_handler(broker_client, broker):
    UserFactory(username="redacteur")
    question = QuestionFactory()

    response = broker_client.get(url("inbox_question", question))

    handlers = list(response.context["assign_form"].fields["handler"].queryset)
    assert handlers == [broker]


@pytest.mark.django_db
def test_it_lists_units_under_their_organisation(broker_client, organisation):
    Organisation.objects.create(name="Lectoraat Wijkgericht Werken", slug="lectoraat-ww", parent=organisation)
    Organisation.objects.create(name="Gemeente Leiden", slug="gemeente-leiden")
    question = QuestionFactory()

    response = broker_client.get(url("inbox_question", question))

    labels = [label for _, label in response.context["assign_form"].fields["organisation"].choices]
    assert [label.strip("\u00a0↳ ") for label in labels[1:]] == [
        "Gemeente Leiden",
        "Hogeschool Leiden",
        "Lectoraat Wijkgericht Werken",
    ]
    assert labels[3].startswith("\u00a0")


# --- matching --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_suggestions_with_their_reasons(broker_client, demo):
    question = services.question_submit(
        question="Hoe kunnen we eenzame ouderen in onze wijk beter bereiken en ondersteunen?",
        asker_kind="bewoner",
        asker_name="Anna",
        asker_email="anna@example.org",
        privacy_statement=PrivacyStatement.objects.get(version="1"),
        consent=True,
    ).question
    assert question.suggestions, "the demo agenda should suggest a project for this question"

    response = broker_client.get(url("inbox_question", question))

    page = html.unescape(texts(response))
    first = response.context["suggestions"][0]
    assert first.project is not None
    assert first.project.get_absolute_url() in page
    assert first.reason and first.reason in page
    for lead in first.leads:
        assert lead.name in page

    response = broker_client.post(url("inbox_rematch", question))
    assert response.status_code == 302
    assert question.events.filter(kind=QuestionEvent.Kind.MATCHED, actor__username="makelaar").exists()


@pytest.mark.django_db
def test_it_says_when_no_project_fits(broker_client):
    question = QuestionFactory(no_match=True)

    page = texts(broker_client.get(url("inbox_question", question)))

    assert "Geen passend project — doorverwijzen" in page


@pytest.mark.django_db
def test_it_shows_similar_earlier_questions_with_their_answers(broker_client):
    earlier = PublishedAnswerFactory(
        title="Hoe start ik een geveltuin?", answer="Vraag een tegel-eruit-pakket aan."
    )
    question = QuestionFactory(
        similar_questions=[{"slug": earlier.slug, "title": earlier.title, "score": 0.8}]
    )

    page = texts(broker_client.get(url("inbox_question", question)))

    assert "Hoe start ik een geveltuin?" in page
    assert "Vraag een tegel-eruit-pakket aan." in page
    assert reverse("loket:answer", args=[earlier.slug]) in page


# --- assignments and the knowledge base -------------------------------------------------------


@pytest.mark.django_db
def test_it_makes_an_assignment_from_a_question(broker_client, broker):
    district = DistrictFactory(name="Leiden Noord")
    question = QuestionFactory(
        question="Hoe maken we de Lage Mors veiliger voor fietsers?", district=district
    )
    services.question_change_status(question=question, status=Status.IN_BEHANDELING, by=broker)

    page = texts(broker_client.get(url("inbox_question", question)))
    assert "Hoe maken we de Lage Mors veiliger voor fietsers?</textarea>" in page
    assert "Haal de naam, het e-mailadres" in page

    response = broker_client.post(
        url("inbox_make_assignment", question),
        {
            "assignment-title": "Veilig fietsen in Leiden Noord",
            "assignment-description": "Onderzoek hoe een drukke straat veiliger wordt voor fietsers.",
            "assignment-district": district.pk,
            "assignment-levels": ["hbo", "wo"],
            "assignment-size": Assignment.Size.THESIS,
        },
    )

    assignment = Assignment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("loket:backoffice_assignment", args=[assignment.pk])
    assert assignment.question == question
    assert (assignment.for_mbo, assignment.for_hbo, assignment.for_wo) == (False, True, True)
    assert assignment.district == district
    question.refresh_from_db()
    assert question.status == Status.OPDRACHT
    assert question.get_status_display() == "uitgezet als opdracht"


@pytest.mark.django_db
def test_it_keeps_the_assignment_input_when_a_level_is_missing(broker_client):
    question = QuestionFactory()

    response = broker_client.post(
        url("inbox_make_assignment", question),
        {
            "assignment-title": "Mijn titel",
            "assignment-description": "Mijn omschrijving",
            "assignment-size": Assignment.Size.COURSE,
        },
    )

    assert response.status_code == 400
    assert "Mijn omschrijving" in texts(response)
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_it_offers_publishing_only_for_answered_questions(broker_client, broker):
    question = QuestionFactory()

    response = broker_client.get(url("inbox_question", question))
    assert response.context["publish_form"] is None

    response = broker_client.post(
        url("inbox_publish", question), {"publish-title": "Vraag", "publish-answer": "Antwoord"}
    )
    assert response.status_code == 400
    assert "Alleen een beantwoorde vraag" in texts(response)


@pytest.mark.django_db
def test_it_publishes_an_answered_question(broker_client, broker, organisation):
    question = QuestionFactory(question="Wie helpt met een geveltuin?")
    services.question_change_status(question=question, status=Status.IN_BEHANDELING, by=broker)
    services.question_set_answer(question=question, answer="Het wijkteam helpt.", by=broker)
    services.question_change_status(question=question, status=Status.BEANTWOORD, by=broker)

    response = broker_client.get(url("inbox_question", question))
    form = response.context["publish_form"]
    assert form.initial["title"] == "Wie helpt met een geveltuin?"
    assert form.initial["answer"] == "Het wijkteam helpt."

    response = broker_client.post(
        url("inbox_publish", question),
        {
            "publish-title": "Hoe begin je een geveltuin?",
            "publish-answer": "Het wijkteam helpt.",
            "publish-organisations": [organisation.pk],
        },
    )

    published = question.published_answer
    assert response.status_code == 302
    assert response["Location"] == reverse("loket:backoffice_answer", args=[published.pk])
    assert list(published.organisations.all()) == [organisation]
    assert question.events.filter(kind=QuestionEvent.Kind.PUBLISHED).exists()


# --- the admin ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_links_the_admin_index_to_the_inbox(client, kennismakelaar):
    client.force_login(kennismakelaar)

    page = texts(client.get(reverse("admin:index")))

    assert reverse("loket:inbox") in page


@pytest.mark.django_db
def test_it_keeps_questions_out_of_the_admin(client, kennismakelaar):
    client.force_login(kennismakelaar)

    assert client.get("/backoffice/loket/question/").status_code == 404


@pytest.mark.django_db
def test_it_never_changes_an_accepted_privacy_statement_in_the_admin(client, kennismakelaar):
    client.force_login(kennismakelaar)
    statement = PrivacyStatement.objects.get(version="1")
    original = statement.text
    change_url = reverse("admin:loket_privacystatement_change", args=[statement.pk])

    client.post(change_url, {"version": "1", "text": "Alles mag.", "text_en": ""})

    statement.refresh_from_db()
    assert statement.text == original

    response = client.post(
        reverse("admin:loket_privacystatement_add"),
        {
            "version": "2",
            "text": "Nieuwe tekst.",
            "text_en": "",
            "published_at_0": timezone.localdate().isoformat(),
            "published_at_1": "12:00:00",
        },
    )
    assert response.status_code == 302
    assert PrivacyStatement.objects.filter(version="2").exists()
