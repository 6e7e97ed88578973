"""Undoing an import run as a whole: exactly the state before, refused when it would lose later work."""

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from kennisstad.accounts.models import Role as BackOfficeRole
from kennisstad.accounts.roles import assign_role
from kennisstad.history.models import HistoryAction
from kennisstad.history.recording import recording
from kennisstad.ingest.management.commands.load_demo import DEMO_DIR
from kennisstad.ingest.models import ImportRun
from kennisstad.ingest.readers import read_agenda
from kennisstad.ingest.services import import_agenda, import_run_undo
from kennisstad.organisations.models import Alias, Organisation
from kennisstad.portfolio.models import (
    Agenda,
    Group,
    Participation,
    Project,
    ProjectLink,
    Section,
    UnresolvedMention,
)
from kennisstad.search.models import SearchDocument

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("undo_demo")]

# Changes 1a (title, description, participants, mentions, a link), adds 1y; 1a's other
# participations and mentions go.
DOCUMENT = (
    "Agenda 2023-2027\n\n"
    "nr.\tProject\tBeschrijving doel\tT: Trekker P: overige (beoogde) Partners\n\n"
    "1. Gezondheid & Welzijn\n\n"
    "1a\tLeiden Healthy Society Center (nieuw)\t<p>Een andere beschrijving, zie "
    "https://example.org/lhsc voor meer.</p>\tT: GL P: HsL, bewonersraad\n"
    "1y\tBuurtlab om terug te draaien\t<p>Onderzoek in de wijk: https://example.org/buurtlab</p>"
    "\tT: HsL P: GL, inwoners\n"
)
# A theme and a group the demo agenda does not have.
NEW_THEME = (
    "Agenda 2023-2027\n\n"
    "nr.\tProject\tBeschrijving doel\tT: Trekker P: overige (beoogde) Partners\n\n"
    "9. Een thema om terug te draaien\n\n"
    "Proeftuinen\n\n"
    "9a\tProeftuin in de wijk\t<p>Proberen.</p>\tT: HsL P: GL\n"
)


@pytest.fixture(scope="module")
def undo_demo(django_db_setup, django_db_blocker):
    """The Leiden demo, loaded once for this module; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def document(tmp_path) -> Path:
    path = tmp_path / "agenda-correctie.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    return path


def run_import(path: Path, by=None, period=None) -> ImportRun:
    report = import_agenda(parsed=read_agenda(path), source_name=path.name, by=by, period=period)
    return ImportRun.objects.get(pk=report.import_run_id)


# Bookkeeping that every change moves on (an undo is a new version too).
SKIPPED = {"updated_at", "version", "updated_by"}


def snapshot() -> dict[str, list[tuple]]:
    state = {}
    for model in (
        Agenda,
        Section,
        Group,
        Project,
        Participation,
        UnresolvedMention,
        ProjectLink,
        Organisation,
        Alias,
    ):
        names = [f.attname for f in model._meta.concrete_fields if f.name not in SKIPPED]
        state[model.__name__] = list(model.objects.order_by("pk").values_list(*names))
    return state


def search_state() -> list[tuple]:
    return list(
        SearchDocument.objects.order_by("kind", "object_id").values_list("kind", "object_id", "title", "body")
    )


def test_undo_gives_back_exactly_the_state_before_the_import(document, kennismakelaar):
    before, index_before = snapshot(), search_state()
    participations_1a = set(Participation.objects.filter(project__key="1a").values_list("pk", flat=True))
    run = run_import(document, by=kennismakelaar)
    project = Project.objects.get(key="1a")
    assert project.title == "Leiden Healthy Society Center (nieuw)"
    assert Project.objects.filter(key="1y").exists()
    # The run deleted participations of 1a and created others: the undo must do both ways.
    assert participations_1a - set(project.participations.values_list("pk", flat=True))
    assert Participation.history.filter(import_run=run, history_type="+").exists()
    assert Participation.history.filter(import_run=run, history_type="-").exists()
    assert not Project.history.filter(import_run=run).exclude(history_user=kennismakelaar).exists()
    # Mentions and links are part of the undo too.
    assert UnresolvedMention.history.filter(import_run=run, history_type="-", project_id=project.pk).exists()
    assert set(
        UnresolvedMention.objects.filter(project__key__in=["1a", "1y"]).values_list("text", flat=True)
    ) == {
        "bewonersraad",
        "inwoners",
    }
    assert set(ProjectLink.history.filter(import_run=run).values_list("url", "history_type")) == {
        ("https://example.org/lhsc", "+"),
        ("https://example.org/buurtlab", "+"),
    }

    plan = import_run_undo(run, by=kennismakelaar)

    assert snapshot() == before
    assert search_state() == index_before
    assert [step.description for step in plan.delete if step.model is Project] == [
        "1y Buurtlab om terug te draaien"
    ]
    run.refresh_from_db()
    assert run.undone_at is not None and run.undone_by == kennismakelaar
    undo = Project.history.filter(id=project.pk).latest("history_date")
    assert undo.history_action == HistoryAction.UNDO
    assert undo.history_user == kennismakelaar
    assert undo.history_change_reason.startswith("Importrun agenda-correctie.txt")
    assert Project.objects.get(pk=project.pk).version > project.version


def test_undo_is_refused_when_a_project_was_edited_after_the_import(document, kennismakelaar):
    run = run_import(document)
    project = Project.objects.get(key="1a")
    with recording(by=kennismakelaar):
        project.title = "Met de hand verbeterd"
        project.save()
    state = snapshot()

    with pytest.raises(ValidationError) as refused:
        import_run_undo(run, by=kennismakelaar)

    message = " ".join(refused.value.messages)
    assert "kan niet ongedaan worden gemaakt" in message
    assert "1a Met de hand verbeterd" in message
    assert "1y" not in message
    assert snapshot() == state
    run.refresh_from_db()
    assert run.undone_at is None


def test_undo_is_refused_after_a_later_import_touched_the_same_project(document, tmp_path):
    first = run_import(document)
    later = tmp_path / "nog-een-correctie.txt"
    later.write_text(DOCUMENT.replace("(nieuw)", "(nieuwer)"), encoding="utf-8")
    run_import(later)

    with pytest.raises(ValidationError, match="Leiden Healthy Society Center"):
        import_run_undo(first, by=None)


def test_a_run_is_undone_only_once(document, kennismakelaar):
    run = run_import(document)
    import_run_undo(run, by=kennismakelaar)

    with pytest.raises(ValidationError, match="al ongedaan gemaakt"):
        import_run_undo(run, by=kennismakelaar)


# --- the admin ---------------------------------------------------------------------------------


def test_the_kennismakelaar_confirms_and_undoes_a_run_in_the_admin(document, kennismakelaar):
    run = run_import(document, by=kennismakelaar)
    client = Client()
    client.force_login(kennismakelaar)
    change = client.get(reverse("admin:ingest_importrun_change", args=[run.pk]))
    assert change.status_code == 200
    url = reverse("admin:ingest_importrun_undo", args=[run.pk])
    assert url in change.content.decode()
    assert "Samenvatting" in change.content.decode()

    confirm = client.get(url)

    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "<li>1y Buurtlab om terug te draaien</li>" in html
    assert "<li>1a Leiden Healthy Society Center (nieuw)</li>" in html
    assert not ImportRun.objects.get(pk=run.pk).undone_at

    response = client.post(url)

    assert response.status_code == 302
    assert ImportRun.objects.get(pk=run.pk).undone_at is not None
    assert not Project.objects.filter(key="1y").exists()
    assert "Importrun ongedaan maken" not in client.get(response["Location"]).content.decode()


def test_only_the_kennismakelaar_may_undo_a_run(document):
    run = run_import(document)
    editor = get_user_model().objects.create_user("redacteur", "r@example.org", "geheim-wachtwoord-1")
    assign_role(editor, BackOfficeRole.STUURGROEP)
    client = Client()
    client.force_login(editor)

    assert client.post(reverse("admin:ingest_importrun_undo", args=[run.pk])).status_code == 403
    assert ImportRun.objects.get(pk=run.pk).undone_at is None


# --- what has no history of its own: themes, groups, the agenda -----------------------------------


def test_undo_removes_the_theme_and_group_the_run_created(tmp_path, kennismakelaar):
    before, index_before = snapshot(), search_state()
    path = tmp_path / "nieuw-thema.txt"
    path.write_text(NEW_THEME, encoding="utf-8")
    run = run_import(path)
    assert Section.objects.filter(number="9").exists()
    assert Group.objects.filter(title="Proeftuinen").exists()

    plan = import_run_undo(run, by=kennismakelaar)

    assert snapshot() == before
    assert search_state() == index_before
    assert plan.removed_structure == [
        "Een thema om terug te draaien – Proeftuinen",
        "9. Een thema om terug te draaien",
    ]


def test_undo_keeps_a_created_theme_that_holds_later_work(tmp_path, kennismakelaar):
    path = tmp_path / "nieuw-thema.txt"
    path.write_text(NEW_THEME, encoding="utf-8")
    run = run_import(path)
    section = Section.objects.get(number="9")
    # Made by hand after the import, so the undo does not touch it: its theme must stay.
    later = Project.objects.get(section=section)
    with recording(by=kennismakelaar):
        Project.objects.create(
            agenda=later.agenda,
            section=section,
            code="9b",
            key="9b",
            slug="9b-met-de-hand",
            title="Met de hand",
        )

    plan = import_run_undo(run, by=kennismakelaar)

    assert not Project.objects.filter(section=section, code="9a").exists()
    assert Section.objects.filter(pk=section.pk).exists()
    assert not Group.objects.filter(title="Proeftuinen").exists()
    assert plan.removed_structure == ["Een thema om terug te draaien – Proeftuinen"]


def test_undo_of_an_import_into_a_new_period_removes_its_agenda(kennismakelaar):
    before, index_before = snapshot(), search_state()
    run = run_import(DEMO_DIR / "agenda-2023-2027.table.txt", by=kennismakelaar, period="2031-2035")
    agenda = Agenda.objects.get(period="2031-2035")
    created = agenda.projects.count()
    assert created > 50
    assert UnresolvedMention.history.filter(import_run=run, history_type="+").exists()

    plan = import_run_undo(run, by=kennismakelaar)

    assert snapshot() == before
    assert search_state() == index_before
    assert plan.removed_structure[-1] == "Agenda 2031-2035"
    # The run outlives the agenda it created: the record of what was imported and undone stays.
    kept = ImportRun.objects.get(pk=run.pk)
    assert kept.agenda is None and kept.undone_by == kennismakelaar
    undone = Project.history.filter(
        history_type="-", history_action=HistoryAction.UNDO, history_user=kennismakelaar
    )
    assert undone.count() == created


def test_undo_of_a_reimport_onto_the_demo_gives_back_the_demo(kennismakelaar):
    before, index_before = snapshot(), search_state()
    agenda_before = Agenda.objects.values("source_document", "imported_at").get(period="2023-2027")
    # The table text alone, without the PDF text merged in: descriptions, participants and mentions change.
    run = run_import(DEMO_DIR / "agenda-2023-2027.table.txt", by=kennismakelaar)
    assert run.updated_count > 0
    assert UnresolvedMention.history.filter(import_run=run).exists()
    assert Agenda.objects.get(period="2023-2027").imported_at != agenda_before["imported_at"]

    import_run_undo(run, by=kennismakelaar)

    assert snapshot() == before
    assert search_state() == index_before
