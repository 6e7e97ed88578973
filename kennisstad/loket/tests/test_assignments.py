"""Leren met de Stad: browsing and filtering assignments, registering interest, and the broker
choosing who does it and recording progress."""

import pytest
from django.urls import reverse

from kennisstad.loket import services
from kennisstad.loket.models import Assignment, AssignmentUpdate, Interest, Question
from kennisstad.loket.tests.factories import QuestionFactory

from .factories_assignments import INTEREST, assignment, district, section, user

pytestmark = pytest.mark.django_db

LIST_URL = reverse("loket:assignments")


def titles(response) -> list[str]:
    return [item.title for item in response.context["page"].assignments]


@pytest.fixture
def broker_client(client, kennismakelaar):
    client.force_login(kennismakelaar)
    return client


@pytest.fixture
def open_assignment():
    return assignment()


def register(client, target, **changes):
    data = {**INTEREST, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(target.get_absolute_url(), data)


# --- the public list -------------------------------------------------------------------------


def test_it_lists_open_assignments_newest_first(client):
    assignment("Eerste opgave")
    assignment("Tweede opgave")
    done = assignment("Afgeronde opgave")
    services.assignment_record_progress(
        assignment=done, text="Klaar.", by=None, status=Assignment.Status.DONE, result="Een rapport."
    )

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert titles(response) == ["Tweede opgave", "Eerste opgave"]
    assert "2 opgaven" in response.text


def test_it_filters_by_theme_level_size_and_district(client):
    health = section("Gezondheid en welzijn", "1")
    green = section("Groen en klimaat", "2")
    merenwijk = district("Merenwijk")
    assignment("Zorg in de wijk", section=health, levels=["mbo", "hbo"], district=merenwijk)
    assignment("Bomen tellen", section=green, levels=["wo"], size=Assignment.Size.THESIS)
    assignment("Hitte in de stad", section=green, levels=["hbo"], size=Assignment.Size.ATELIER)

    assert titles(client.get(LIST_URL, {"thema": health.slug})) == ["Zorg in de wijk"]
    assert titles(client.get(LIST_URL, {"niveau": "wo"})) == ["Bomen tellen"]
    assert set(titles(client.get(LIST_URL, {"niveau": "hbo"}))) == {"Zorg in de wijk", "Hitte in de stad"}
    assert titles(client.get(LIST_URL, {"omvang": "kennisatelier"})) == ["Hitte in de stad"]
    assert titles(client.get(LIST_URL, {"wijk": merenwijk.pk})) == ["Zorg in de wijk"]
    assert titles(client.get(LIST_URL, {"thema": green.slug, "niveau": "hbo"})) == ["Hitte in de stad"]


def test_it_ignores_unknown_filter_values(client, open_assignment):
    response = client.get(LIST_URL, {"thema": "bestaat-niet", "niveau": "<script>", "wijk": "abc"})

    assert response.status_code == 200
    assert titles(response) == [open_assignment.title]
    assert "<script>" not in response.text


def test_assigned_and_finished_assignments_show_under_their_status_and_withdrawn_ones_never(client):
    assignment("Nog open")
    taken = assignment("Loopt al")
    services.assignment_record_progress(
        assignment=taken, text="Gestart.", by=None, status=Assignment.Status.ASSIGNED
    )
    finished = assignment("Is klaar")
    services.assignment_record_progress(
        assignment=finished, text="Klaar.", by=None, status=Assignment.Status.DONE, result="Advies."
    )
    withdrawn = assignment("Ingetrokken")
    services.assignment_record_progress(
        assignment=withdrawn, text="Vraag vervallen.", by=None, status=Assignment.Status.WITHDRAWN
    )

    assert titles(client.get(LIST_URL, {"status": "toegewezen"})) == ["Loopt al"]
    assert titles(client.get(LIST_URL, {"status": "afgerond"})) == ["Is klaar"]
    assert set(titles(client.get(LIST_URL, {"status": "alle"}))) == {"Nog open", "Loopt al", "Is klaar"}
    assert client.get(withdrawn.get_absolute_url()).status_code == 404


def test_htmx_gets_only_the_list_fragment(client, open_assignment):
    response = client.get(LIST_URL, {"niveau": "hbo"}, HTTP_HX_REQUEST="true")

    assert response.text.lstrip().startswith('<div id="assignment-list"')
    assert "<html" not in response.text
    assert open_assignment.title in response.text


def test_it_pages_the_list(client):
    for n in range(23):
        assignment(f"Opgave {n:02d}")

    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"pagina": 2})

    assert len(titles(first)) == 20 and len(titles(second)) == 3
    assert first.context["next_url"] == "?pagina=2"
    assert set(titles(first)).isdisjoint(titles(second))


def test_the_list_does_not_query_per_row(client, django_assert_max_num_queries):
    theme = section("Gezondheid en welzijn", "1")
    for n in range(15):
        assignment(f"Opgave {n}", section=theme, district=district(f"Wijk {n}"))

    with django_assert_max_num_queries(8):
        response = client.get(LIST_URL)

    assert response.status_code == 200


# --- the public page and the interest form ---------------------------------------------------


def test_the_page_shows_the_assignment_and_its_progress(client):
    theme = section("Gezondheid en welzijn", "1")
    item = assignment(
        "Ontmoeten in de Merenwijk", section=theme, levels=["mbo", "wo"], district=district("Merenwijk")
    )
    services.assignment_record_progress(assignment=item, text="Eerste gesprek met de buurt.", by=None)

    response = client.get(item.get_absolute_url())

    assert response.status_code == 200
    for text in ("Ontmoeten in de Merenwijk", "Gezondheid en welzijn", "mbo, wo", "Merenwijk"):
        assert text in response.text
    assert "opdracht in een vak" in response.text
    assert "Eerste gesprek met de buurt." in response.text
    assert 'name="consent"' in response.text
    privacy = services.current_privacy_statement()
    assert reverse("loket:privacy_version", args=[privacy.version]) in response.text


def test_it_registers_interest_and_confirms_it_by_e_mail(
    client, open_assignment, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, open_assignment)

    assert response.status_code == 302
    assert response["Location"] == f"{open_assignment.get_absolute_url()}?aangemeld=1#aanmelden"
    interest = Interest.objects.get()
    assert (interest.name, interest.email, interest.role) == ("Sanne Bakker", INTEREST["email"], "student")
    assert interest.consent_at is not None
    assert interest.privacy_statement == services.current_privacy_statement()
    [mail] = mailoutbox
    assert mail.to == [INTEREST["email"]]
    assert open_assignment.title in mail.subject
    assert "Beste Sanne Bakker" in mail.body
    assert open_assignment.get_absolute_url() in mail.body

    confirmation = client.get(response["Location"])
    assert "Bedankt voor je aanmelding" in confirmation.text


def test_the_broker_hears_of_a_new_registration_without_the_students_address(
    client, open_assignment, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.LOKET_BROKER_EMAIL = "makelaar@example.org"

    with django_capture_on_commit_callbacks(execute=True):
        register(client, open_assignment)

    to_broker = next(mail for mail in mailoutbox if mail.to == ["makelaar@example.org"])
    assert reverse("loket:backoffice_assignment", args=[open_assignment.pk]) in to_broker.body
    assert INTEREST["email"] not in to_broker.body


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"consent": None}, "Zonder toestemming"),
        ({"message": "Hallo <script>alert('x')</script> wij doen mee"}, "Gebruik geen HTML"),
        ({"name": '<img src=x onerror="alert(1)">'}, "Gebruik geen HTML"),
        ({"website": "http://spam.example.com"}, "kon niet worden verwerkt"),
        ({"message": "a" * 2001}, "2000"),
        ({"email": "geen-adres"}, "e-mailadres"),
        ({"name": ""}, "verplicht"),
    ],
)
def test_bad_input_is_refused_keeps_what_was_typed_and_stores_nothing(
    client, open_assignment, mailoutbox, changes, error
):
    response = register(client, open_assignment, **changes)

    assert response.status_code == 400
    assert error in response.text
    assert not Interest.objects.exists()
    assert not mailoutbox
    assert "Hogeschool Leiden, Sociaal Werk" in response.text  # what was typed is still there
    if "message" not in changes:
        assert "wijkgericht werken" in response.text


def test_a_flood_of_registrations_gets_429_and_is_not_stored(client, open_assignment, settings):
    settings.LOKET_POSTS_PER_HOUR = 2
    for n in range(2):
        assert register(client, open_assignment, email=f"student{n}@example.org").status_code == 302

    response = register(client, open_assignment, email="derde@example.org")

    assert response.status_code == 429
    assert "te vaak" in response.text
    assert "derde@example.org" in response.text
    assert Interest.objects.count() == 2


@pytest.mark.parametrize("status", [Assignment.Status.ASSIGNED, Assignment.Status.DONE])
def test_a_closed_assignment_refuses_registrations(client, status):
    item = assignment()
    services.assignment_record_progress(
        assignment=item, text="Verder.", by=None, status=status, result="Rapport"
    )

    page = client.get(item.get_absolute_url())
    response = register(client, item)

    assert 'name="consent"' not in page.text
    assert "niet meer open" in page.text
    assert response.status_code == 409
    assert "niet meer open voor aanmeldingen" in response.text
    assert not Interest.objects.exists()


def test_public_pages_never_show_students_or_the_asker(client, kennismakelaar):
    question = QuestionFactory(
        question="Vraag van Anna over ontmoeten",
        asker_name="Anna de Vries",
        asker_email="anna.devries@example.org",
        status=Question.Status.IN_BEHANDELING,
    )
    item = assignment("Ontmoeten in de buurt", question=question, by=kennismakelaar)
    register(client, item)
    register(client, item, name="Pieter Jansen", email="pieter@example.org", message="Ik wil dit graag doen.")
    chosen = Interest.objects.get(name="Sanne Bakker")
    services.assignment_choose_interest(assignment=item, interest=chosen, by=kennismakelaar)
    services.assignment_record_progress(
        assignment=item,
        text="Sanne heeft de eerste interviews gedaan.",
        by=kennismakelaar,
        public=False,
    )
    services.assignment_record_progress(
        assignment=item,
        text="Klaar.",
        by=kennismakelaar,
        status=Assignment.Status.DONE,
        result="Een advies over ontmoetingsplekken.",
        result_url="https://example.org/advies.pdf",
    )

    pages = [
        client.get(LIST_URL, {"status": "alle"}).text,
        client.get(item.get_absolute_url()).text,
    ]

    for text in pages:
        for private in (
            "Sanne",
            "Pieter",
            INTEREST["email"],
            "pieter@example.org",
            "Anna",
            "anna.devries@example.org",
            question.reference,
            "wijkgericht werken",
        ):
            assert private not in text
    assert "Een advies over ontmoetingsplekken." in pages[1]
    assert "https://example.org/advies.pdf" in pages[1]
    assert "toegewezen" in pages[1]


# --- the back office -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["loket:backoffice_assignments", "loket:backoffice_assignment"])
def test_the_back_office_needs_a_logged_in_broker(client, open_assignment, name):
    url = reverse(name, args=[open_assignment.pk] if name.endswith("assignment") else [])

    anonymous = client.get(url)
    client.force_login(user("redacteur"))
    outsider = client.get(url)
    client.force_login(user("makelaar", broker=True))
    broker = client.get(url)

    assert anonymous.status_code == 302 and reverse("admin:login") in anonymous["Location"]
    assert outsider.status_code == 403
    assert broker.status_code == 200


def test_an_outsider_cannot_choose_an_interest(client, open_assignment):
    register(client, open_assignment)
    client.force_login(user("redacteur"))

    response = client.post(
        reverse("loket:backoffice_assignment", args=[open_assignment.pk]),
        {"action": "choose", "choose-interest": Interest.objects.get().pk},
    )

    assert response.status_code == 403
    open_assignment.refresh_from_db()
    assert open_assignment.status == Assignment.Status.OPEN


def test_the_list_counts_interests_and_filters_by_status(broker_client, django_assert_max_num_queries):
    busy = assignment("Veel belangstelling")
    quiet = assignment("Nog stil")
    for n in range(3):
        register(broker_client, busy, email=f"student{n}@example.org")
    services.assignment_record_progress(
        assignment=quiet, text="Gestopt.", by=None, status=Assignment.Status.WITHDRAWN
    )
    for n in range(10):
        register_target = assignment(f"Opgave {n}")
        services.interest_register(
            assignment=register_target,
            name="Student",
            email=f"s{n}@example.org",
            role="student",
            institution="ROC",
            message="Graag.",
            privacy_statement=services.current_privacy_statement(),
            consent=True,
        )
    url = reverse("loket:backoffice_assignments")

    with django_assert_max_num_queries(12):
        response = broker_client.get(url)
    withdrawn = broker_client.get(url, {"status": "ingetrokken"})

    counts = {item.title: item.interest_count for item in response.context["assignments"]}
    assert counts["Veel belangstelling"] == 3 and counts["Nog stil"] == 0
    assert [item.title for item in withdrawn.context["assignments"]] == ["Nog stil"]


def test_the_broker_sees_every_interest_and_the_question_it_came_from(broker_client, kennismakelaar):
    question = QuestionFactory(status=Question.Status.IN_BEHANDELING)
    item = assignment(question=question, by=kennismakelaar)
    register(broker_client, item)

    response = broker_client.get(reverse("loket:backoffice_assignment", args=[item.pk]))

    for text in ("Sanne Bakker", INTEREST["email"], "Hogeschool Leiden, Sociaal Werk", "wijkgericht werken"):
        assert text in response.text
    assert reverse("loket:inbox_question", args=[question.reference]) in response.text


def test_the_broker_chooses_an_interest_and_the_student_is_told(
    broker_client, open_assignment, mailoutbox, django_capture_on_commit_callbacks
):
    register(broker_client, open_assignment)
    register(broker_client, open_assignment, name="Pieter Jansen", email="pieter@example.org")
    pieter = Interest.objects.get(name="Pieter Jansen")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = broker_client.post(
            reverse("loket:backoffice_assignment", args=[open_assignment.pk]),
            {"action": "choose", "choose-interest": pieter.pk},
        )

    assert response.status_code == 302
    open_assignment.refresh_from_db()
    assert open_assignment.status == Assignment.Status.ASSIGNED
    assert open_assignment.chosen_interest == pieter
    [mail] = mailoutbox
    assert mail.to == ["pieter@example.org"]
    assert "Beste Pieter Jansen" in mail.body
    update = open_assignment.updates.last()
    assert update.status == Assignment.Status.ASSIGNED and not update.is_public
    page = broker_client.get(response["Location"])
    assert "Toegewezen aan Pieter Jansen" in page.text


def test_choosing_an_interest_of_another_assignment_is_refused(broker_client, open_assignment):
    other = assignment("Andere opgave")
    register(broker_client, other)

    response = broker_client.post(
        reverse("loket:backoffice_assignment", args=[open_assignment.pk]),
        {"action": "choose", "choose-interest": Interest.objects.get().pk},
    )

    assert response.status_code == 400
    open_assignment.refresh_from_db()
    assert open_assignment.status == Assignment.Status.OPEN and open_assignment.chosen_interest is None


def test_finishing_needs_a_result_and_keeps_what_was_typed(broker_client, open_assignment):
    url = reverse("loket:backoffice_assignment", args=[open_assignment.pk])

    refused = broker_client.post(
        url,
        {"action": "progress", "progress-text": "Eindpresentatie gegeven.", "progress-status": "afgerond"},
    )

    assert refused.status_code == 400
    assert "Beschrijf het resultaat" in refused.text
    assert "Eindpresentatie gegeven." in refused.text
    open_assignment.refresh_from_db()
    assert open_assignment.status == Assignment.Status.OPEN
    assert not open_assignment.updates.filter(text="Eindpresentatie gegeven.").exists()

    done = broker_client.post(
        url,
        {
            "action": "progress",
            "progress-text": "Eindpresentatie gegeven.",
            "progress-status": "afgerond",
            "progress-result": "Een advies voor de wijkvereniging.",
            "progress-result_url": "https://example.org/advies",
        },
    )

    assert done.status_code == 302
    open_assignment.refresh_from_db()
    assert open_assignment.status == Assignment.Status.DONE
    assert open_assignment.result_url == "https://example.org/advies"
    public = broker_client.get(open_assignment.get_absolute_url()).text
    assert "Een advies voor de wijkvereniging." in public and "Eindpresentatie gegeven." in public


def test_clearing_the_result_while_finishing_is_refused(open_assignment):
    services.assignment_record_progress(
        assignment=open_assignment, text="Tussenstand.", by=None, result="Iets"
    )

    with pytest.raises(services.ValidationError):
        services.assignment_record_progress(
            assignment=open_assignment, text="Klaar.", by=None, status=Assignment.Status.DONE, result=""
        )


def test_internal_progress_stays_off_the_public_page(broker_client, open_assignment):
    broker_client.post(
        reverse("loket:backoffice_assignment", args=[open_assignment.pk]),
        {
            "action": "progress",
            "progress-text": "Gebeld met Sanne over de planning.",
            "progress-internal": "on",
        },
    )

    update = AssignmentUpdate.objects.get(text="Gebeld met Sanne over de planning.")
    assert not update.is_public
    assert "Gebeld met Sanne" not in broker_client.get(open_assignment.get_absolute_url()).text
    assert (
        "Gebeld met Sanne"
        in broker_client.get(reverse("loket:backoffice_assignment", args=[open_assignment.pk])).text
    )


def test_the_broker_edits_an_assignment(broker_client, open_assignment):
    theme = section("Groen en klimaat", "2")
    url = reverse("loket:backoffice_assignment", args=[open_assignment.pk])

    response = broker_client.post(
        url,
        {
            "action": "edit",
            "edit-title": "Groene ontmoetingsplekken",
            "edit-description": "Waar ontmoeten buurtbewoners elkaar in het groen?",
            "edit-section": theme.pk,
            "edit-levels": ["mbo", "wo"],
            "edit-size": "scriptie",
        },
    )

    assert response.status_code == 302
    open_assignment.refresh_from_db()
    assert open_assignment.title == "Groene ontmoetingsplekken"
    assert open_assignment.levels() == ["mbo", "wo"]
    assert open_assignment.section == theme and open_assignment.size == "scriptie"


def test_an_edit_without_a_level_is_refused_and_keeps_the_text(broker_client, open_assignment):
    response = broker_client.post(
        reverse("loket:backoffice_assignment", args=[open_assignment.pk]),
        {
            "action": "edit",
            "edit-title": "Nieuwe titel die bewaard blijft",
            "edit-description": "<b>vet</b>",
            "edit-size": "scriptie",
        },
    )

    assert response.status_code == 400
    assert "Nieuwe titel die bewaard blijft" in response.text
    assert "Gebruik geen HTML" in response.text
    open_assignment.refresh_from_db()
    assert open_assignment.title == "Ontmoeten in de Merenwijk"
