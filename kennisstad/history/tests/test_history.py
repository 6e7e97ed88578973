"""The history of records: who changed what, a readable diff, restoring a version, deleted objects."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kennisstad.accounts.models import Role as BackOfficeRole
from kennisstad.accounts.roles import assign_role
from kennisstad.history.recording import recording
from kennisstad.history.selectors import object_timeline, word_diff
from kennisstad.ingest.common import ParsedAgenda, RawProject
from kennisstad.ingest.services import import_agenda
from kennisstad.lib.concurrency import VERSION_FIELD
from kennisstad.loket import services as loket_services
from kennisstad.loket.models import Question
from kennisstad.loket.tests.factories import BrokerFactory, QuestionFactory, UserFactory
from kennisstad.organisations.models import Alias, Organisation
from kennisstad.organisations.services import alias_add, organisation_create
from kennisstad.portfolio.models import Participation, Project, Role
from kennisstad.search.models import SearchDocument
from kennisstad.tests.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db

DESCRIPTION = "Samen met de wijk onderzoeken we hoe ouderen langer gezond thuis kunnen wonen."


@pytest.fixture
def organisations(db) -> dict[str, Organisation]:
    made = {}
    for name, alias in [
        ("Gemeente Leiden", "GL"),
        ("Universiteit Leiden", "UL"),
        ("Hogeschool Leiden", "HsL"),
    ]:
        made[alias] = organisation_create(name=name)
        alias_add(organisation=made[alias], text=alias)
    return made


@pytest.fixture
def project(organisations) -> Project:
    raw = RawProject(
        section_number="1",
        section_title="Gezondheid & Welzijn",
        code="1a",
        title="Gezonde wijken",
        description=DESCRIPTION,
        leads_raw="GL",
        partners_raw="UL, HsL",
    )
    import_agenda(
        parsed=ParsedAgenda(projects=[raw], style="table-text", period="2023-2027"), source_name="a.txt"
    )
    return Project.objects.get(key="1a")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_superuser("alice", "alice@example.org", "geheim-wachtwoord-1")


def history_url(obj) -> str:
    return reverse("history:object", kwargs={"label": obj._meta.label_lower, "pk": obj.pk})


def admin_form(response) -> dict:
    return {**admin_form_data(response), VERSION_FIELD: response.context["edit_version"]}


def edit_in_admin(client, project, **changes):
    url = reverse("admin:portfolio_project_change", args=[project.pk])
    response = client.post(url, {**admin_form(client.get(url)), **changes})
    assert response.status_code == 302, response.context["adminform"].form.errors


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- recording ---------------------------------------------------------------------------------


def test_it_records_an_admin_edit_with_the_user_and_a_readable_diff(project, alice):
    client = login(alice)
    edit_in_admin(
        client,
        project,
        title="Gezonde wijken in Leiden",
        description=DESCRIPTION.replace("ouderen", "bewoners"),
        status=Project.Status.VERKENNING,
    )

    entries = object_timeline(Project, project.pk)
    latest = entries[0]
    assert (latest.who, latest.kind) == ("alice", "gewijzigd")
    changes = {change.label: change for change in latest.changes}
    assert set(changes) == {"Titel", "Beschrijving doel", "Status"}
    assert (changes["Status"].old, changes["Status"].new) == ("lopend", "verkenning")
    assert text_of(changes["Beschrijving doel"].diff) == (
        "Samen met de wijk onderzoeken we hoe verwijderd: ouderen toegevoegd: bewoners langer gezond thuis "
        "kunnen wonen."
    )
    assert "<del>" in changes["Beschrijving doel"].diff and "<ins>" in changes["Beschrijving doel"].diff
    # The import that created it, with its participations, is in the same timeline.
    assert {entry.kind for entry in entries[1:]} == {"via import"}
    assert {entry.subject for entry in entries if entry.subject} == {
        "Gemeente Leiden (trekker)",
        "Universiteit Leiden (partner)",
        "Hogeschool Leiden (partner)",
    }

    response = client.get(history_url(project))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Geschiedenis van 1a Gezonde wijken in Leiden</h1>" in html
    assert html.count("<caption>Wijzigingen van") == len([e for e in entries if e.changes])
    assert '<th scope="row">Titel</th>' in html
    assert "Gezonde wijken</td><td>Gezonde wijken in Leiden" in html
    assert "Deze versie terugzetten" in html
    page = text_of(html)
    assert "Door: alice" in page
    assert "deelname Universiteit Leiden (partner)" in page


def test_the_admin_history_button_leads_to_the_history_page(project, alice):
    client = login(alice)
    for obj, name in [
        (project, "portfolio_project"),
        (project.participations.first().organisation, "organisations_organisation"),
        (project.participations.first().organisation.aliases.first(), "organisations_alias"),
    ]:
        response = client.get(reverse(f"admin:{name}_history", args=[obj.pk]))
        assert response.status_code == 302
        assert response["Location"] == history_url(obj)
        assert login(alice).get(response["Location"]).status_code == 200


def test_word_diff_escapes_the_text():
    diff = str(word_diff("een <b>oud</b> plan", "een <b>nieuw</b> plan"))
    assert "<b>" not in diff
    assert re.sub(r'<span class="visually-hidden">[^<]*</span>', "", diff) == (
        "een <del>&lt;b&gt;oud&lt;/b&gt;</del> <ins>&lt;b&gt;nieuw&lt;/b&gt;</ins> plan"
    )


# --- restoring ---------------------------------------------------------------------------------


def test_restoring_a_version_brings_back_the_title_and_the_participations(project, organisations, alice):
    client = login(alice)
    imported = Project.history.filter(id=project.pk).earliest("history_date")
    participations_then = sorted(project.participations.values_list("pk", "organisation__name", "role"))
    edit_in_admin(client, project, title="Een andere titel")
    with recording(by=alice):
        Participation.objects.get(
            project=project, role=Role.PARTNER, organisation__name="Hogeschool Leiden"
        ).delete()
    version_before = Project.objects.get(pk=project.pk).version
    url = reverse(
        "history:restore",
        kwargs={"label": "portfolio.project", "pk": project.pk, "history_id": imported.history_id},
    )

    confirm = client.get(url)
    assert confirm.status_code == 200
    page = text_of(confirm.content.decode())
    assert "Een andere titel Gezonde wijken" in page
    assert "Deelnames die terugkomen Hogeschool Leiden (partner)" in page
    assert Project.objects.get(pk=project.pk).title == "Een andere titel"  # a GET changes nothing

    response = client.post(url)

    assert response.status_code == 302 and response["Location"] == history_url(project)
    project.refresh_from_db()
    assert project.title == "Gezonde wijken"
    assert project.version == version_before + 1
    assert (
        sorted(project.participations.values_list("pk", "organisation__name", "role")) == participations_then
    )
    latest = next(entry for entry in object_timeline(Project, project.pk) if not entry.subject)
    assert (latest.kind, latest.who) == ("hersteld", "alice")
    assert latest.reason.startswith("Teruggezet naar de versie van")
    assert [(c.label, c.old, c.new) for c in latest.changes] == [
        ("Titel", "Een andere titel", "Gezonde wijken")
    ]
    # Every earlier record is still there: restoring is a new change.
    assert Project.history.filter(id=project.pk).count() == 3
    document = SearchDocument.objects.get(kind="project", object_id=project.pk)
    assert document.title.endswith("Gezonde wijken")
    assert organisations["HsL"].pk in {item["organisation_id"] for item in document.participations}


def test_a_deleted_project_comes_back_with_its_participations(project, alice):
    client = login(alice)
    participations = sorted(project.participations.values_list("pk", "organisation_id", "role", "raw_text"))
    response = client.post(reverse("admin:portfolio_project_delete", args=[project.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not SearchDocument.objects.filter(kind="project", object_id=project.pk).exists()

    listing = client.get(reverse("history:deleted"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "<caption>Verwijderd, nieuwste eerst</caption>" in html
    assert "1a Gezonde wijken" in html
    deleted = Project.history.filter(id=project.pk, history_type="-").get()
    assert deleted.history_user == alice
    url = reverse(
        "history:restore",
        kwargs={"label": "portfolio.project", "pk": project.pk, "history_id": deleted.history_id},
    )
    assert "komt terug" in text_of(client.get(url).content.decode())

    assert client.post(url).status_code == 302

    restored = Project.objects.get(pk=project.pk)
    assert restored.title == "Gezonde wijken"
    assert (
        sorted(restored.participations.values_list("pk", "organisation_id", "role", "raw_text"))
        == participations
    )
    assert SearchDocument.objects.filter(kind="project", object_id=project.pk).exists()
    assert "1a Gezonde wijken" not in client.get(reverse("history:deleted")).content.decode()
    kinds = [entry.kind for entry in object_timeline(Project, project.pk) if not entry.subject]
    assert kinds == ["hersteld", "verwijderd", "via import"]


def test_a_deleted_alias_can_be_brought_back(organisations, alice):
    alias = organisations["UL"].aliases.get()
    pk = alias.pk
    with recording(by=alice):
        alias.delete()
    record = Alias.history.get(id=pk, history_type="-")
    assert record.history_user == alice
    url = reverse(
        "history:restore", kwargs={"label": "organisations.alias", "pk": pk, "history_id": record.history_id}
    )

    assert login(alice).post(url).status_code == 302

    restored = Alias.objects.get(pk=pk)
    assert (restored.text, restored.normalised, restored.organisation) == ("UL", "ul", organisations["UL"])


# --- permissions -------------------------------------------------------------------------------


def test_an_editor_sees_the_history_of_its_own_projects_only(project, organisations, db):
    gl_editor, outsider_editor = UserFactory(username="redacteur-gl"), UserFactory(username="redacteur-x")
    other = organisation_create(name="Naturalis")
    assign_role(gl_editor, BackOfficeRole.REDACTEUR, [organisations["GL"]])
    assign_role(outsider_editor, BackOfficeRole.REDACTEUR, [other])

    assert login(gl_editor).get(history_url(project)).status_code == 200
    assert login(outsider_editor).get(history_url(project)).status_code == 403


def test_the_back_office_index_links_to_the_deleted_objects_for_those_who_edit(alice):
    reader = UserFactory(username="stuurgroep")
    assign_role(reader, BackOfficeRole.STUURGROEP)
    url = reverse("history:deleted")

    assert f'href="{url}"' in login(alice).get(reverse("admin:index")).content.decode()
    index = login(reader).get(reverse("admin:index"))
    assert index.status_code == 200
    assert f'href="{url}"' not in index.content.decode()


def test_anonymous_visitors_are_sent_to_the_login(project, client):
    response = client.get(history_url(project))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_an_unknown_model_is_not_found(alice):
    url = reverse("history:object", kwargs={"label": "auth.user", "pk": alice.pk})
    assert login(alice).get(url).status_code == 404


# --- questions ---------------------------------------------------------------------------------

NAME, EMAIL = "Anna de Vries", "anna.devries@example.org"
TEXT = "Hoe kunnen we eenzame ouderen in onze straat beter bereiken?"


@pytest.fixture
def question(db) -> Question:
    broker = BrokerFactory()
    question = QuestionFactory(asker_name=NAME, asker_email=EMAIL, question=TEXT)
    loket_services.question_change_status(
        question=question, status=Question.Status.IN_BEHANDELING, by=broker, reason="Gebeld met Anna"
    )
    loket_services.question_set_answer(question=question, answer="Bel Anna terug over de straat.", by=broker)
    return question


def personal_data_in_history(question) -> list[str]:
    recorded = " ".join(str(row) for row in Question.history.filter(id=question.pk).values())
    return [text for text in (NAME, "Anna", EMAIL, TEXT, "straat") if text in recorded]


def test_a_questions_history_holds_no_personal_data(question):
    assert Question.history.filter(id=question.pk).count() >= 2
    assert personal_data_in_history(question) == []

    loket_services.asker_data_erase(question=question)

    assert personal_data_in_history(question) == []


def test_only_the_broker_sees_a_questions_history(question):
    url = history_url(question)
    broker = login(BrokerFactory())
    response = broker.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>Geschiedenis van {question.reference}</h1>" in html
    assert NAME not in html and EMAIL not in html
    assert "Deze versie terugzetten" not in html
    assert login(UserFactory()).get(url).status_code == 403
    restore = reverse(
        "history:restore", kwargs={"label": "loket.question", "pk": question.pk, "history_id": 1}
    )
    assert broker.post(restore).status_code == 404


def test_the_history_page_takes_the_same_queries_however_long_the_history(project, alice, organisations):
    client = login(alice)
    url = history_url(project)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for number in range(5):
        with recording(by=alice):
            project.title = f"Titel {number}"
            project.save()
            Participation.objects.create(
                project=project, organisation=organisations["GL"], role=Role.PARTNER, position=number
            ).delete()

    assert queries() == few
