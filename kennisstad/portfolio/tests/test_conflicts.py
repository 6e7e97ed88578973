"""No lost edits: two people saving the same project or organisation (kennisstad.lib.concurrency)."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from kennisstad.ingest.common import ParsedAgenda, RawProject
from kennisstad.ingest.services import import_agenda
from kennisstad.lib.concurrency import VERSION_FIELD, EditConflict, version_claim
from kennisstad.organisations.models import Organisation
from kennisstad.portfolio import services
from kennisstad.portfolio.models import Participation, Project, Role
from kennisstad.tests.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db

PERIOD = "2023-2027"


def parsed_agenda(description: str = "Samen met de wijk.") -> ParsedAgenda:
    raw = RawProject(
        section_number="1",
        section_title="Gezondheid & Welzijn",
        code="1a",
        title="Gezonde wijken",
        description=description,
    )
    return ParsedAgenda(projects=[raw], style="table-text", period=PERIOD)


@pytest.fixture
def project(db) -> Project:
    import_agenda(parsed=parsed_agenda(), source_name="agenda.txt")
    return Project.objects.get(key="1a")


@pytest.fixture
def organisation(db) -> Organisation:
    return Organisation.objects.create(name="Universiteit Leiden", slug="universiteit-leiden")


def login(username: str, full_name: str) -> Client:
    from django.contrib.auth import get_user_model

    first, last = full_name.split(" ", 1)
    user = get_user_model().objects.create_superuser(
        username, f"{username}@example.org", "geheim-wachtwoord-1", first_name=first, last_name=last
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(db) -> Client:
    return login("alice", "Alice de Vries")


@pytest.fixture
def bob(db) -> Client:
    return login("bob", "Bob Jansen")


def form_data(response) -> dict:
    return {**admin_form_data(response), VERSION_FIELD: response.context["edit_version"]}


def saved_at(obj) -> str:
    return formats.time_format(timezone.localtime(obj.updated_at), "H:i")


def differences(response) -> dict[str, tuple[list[str], list[str]]]:
    return {d.label: (d.theirs, d.yours) for d in response.context["edit_conflict"]["differences"]}


# --- the admin ---------------------------------------------------------------------------------


def test_it_refuses_the_second_of_two_project_saves_and_shows_both_versions(project, alice, bob):
    url = reverse("admin:portfolio_project_change", args=[project.pk])
    alices_form, bobs_form = form_data(alice.get(url)), form_data(bob.get(url))

    saved = alice.post(url, {**alices_form, "title": "Gezonde wijken (Alice)"})
    refused = bob.post(url, {**bobs_form, "title": "Gezonde wijken (Bob)", "contact": "Bob Jansen"})

    assert saved.status_code == 302
    assert refused.status_code == 200
    project.refresh_from_db()
    assert (project.title, project.contact) == ("Gezonde wijken (Alice)", "")
    assert (
        "Iemand anders heeft dit project gewijzigd sinds u het opende, door Alice de Vries om "
        f"{saved_at(project)}. Uw wijzigingen zijn niet opgeslagen." in refused.text
    )
    assert differences(refused) == {
        "Titel": (["Gezonde wijken (Alice)"], ["Gezonde wijken (Bob)"]),
        "Contactpersoon": (["(leeg)"], ["Bob Jansen"]),
    }
    assert "<caption>Verschillen tussen de opgeslagen versie en uw versie</caption>" in refused.text
    # What Bob typed is still in the form, which now answers the version Alice saved.
    assert 'value="Gezonde wijken (Bob)"' in refused.text
    assert f'name="{VERSION_FIELD}" value="{project.version}"' in refused.text

    merged = bob.post(url, form_data(refused))

    assert merged.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.contact) == ("Gezonde wijken (Bob)", "Bob Jansen")
    assert project.updated_by.username == "bob"


def test_a_form_with_another_error_keeps_the_version_it_was_opened_with(project, alice, bob):
    url = reverse("admin:portfolio_project_change", args=[project.pk])
    opened = project.version
    bobs_form = form_data(bob.get(url))

    invalid = bob.post(url, {**bobs_form, "title": ""})
    alice.post(url, {**form_data(alice.get(url)), "title": "Gezonde wijken (Alice)"})
    refused = bob.post(url, {**form_data(invalid), "title": "Gezonde wijken (Bob)"})

    assert invalid.context["edit_version"] == str(opened)
    assert "edit_conflict" not in invalid.context
    assert refused.status_code == 200 and "edit_conflict" in refused.context
    assert Project.objects.get(pk=project.pk).title == "Gezonde wijken (Alice)"


def test_it_refuses_a_form_without_a_version(project, alice):
    url = reverse("admin:portfolio_project_change", args=[project.pk])
    data = form_data(alice.get(url))
    del data[VERSION_FIELD]

    response = alice.post(url, {**data, "title": "Zonder versie"})

    assert response.status_code == 200
    assert "Het formulier mist de versie waarmee het geopend is" in response.text
    assert Project.objects.get(pk=project.pk).title == "Gezonde wijken"


def test_a_changed_participation_makes_an_open_project_form_stale(project, organisation, alice, bob):
    url = reverse("admin:portfolio_project_change", args=[project.pk])
    alices_form, bobs_form = form_data(alice.get(url)), form_data(bob.get(url))
    assert alices_form["participations-TOTAL_FORMS"] == 1  # the empty extra row

    added = alice.post(
        url,
        {
            **alices_form,
            "participations-0-organisation": organisation.pk,
            "participations-0-role": Role.TREKKER,
        },
    )
    refused = bob.post(url, {**bobs_form, "title": "Gezonde wijken (Bob)"})

    assert added.status_code == 302
    assert refused.status_code == 200
    assert list(Participation.objects.filter(project=project).values_list("organisation__name", "role")) == [
        ("Universiteit Leiden", Role.TREKKER)
    ]
    assert Project.objects.get(pk=project.pk).title == "Gezonde wijken"
    assert differences(refused)["Deelnames"] == (["Universiteit Leiden · trekker · (leeg) · 0"], ["(geen)"])


def test_it_refuses_the_second_of_two_organisation_saves(organisation, alice, bob):
    url = reverse("admin:organisations_organisation_change", args=[organisation.pk])
    alices_form, bobs_form = form_data(alice.get(url)), form_data(bob.get(url))

    saved = alice.post(url, {**alices_form, "website": "https://www.universiteitleiden.nl"})
    refused = bob.post(url, {**bobs_form, "description": "Oudste universiteit van Nederland."})

    assert saved.status_code == 302
    assert refused.status_code == 200
    organisation.refresh_from_db()
    assert (organisation.website, organisation.description) == ("https://www.universiteitleiden.nl", "")
    assert "Iemand anders heeft deze organisatie gewijzigd sinds u het opende, door Alice de Vries" in (
        refused.text
    )
    assert differences(refused) == {
        "Website": (["https://www.universiteitleiden.nl"], ["(leeg)"]),
        "Beschrijving": (["(leeg)"], ["Oudste universiteit van Nederland."]),
    }

    merged = bob.post(url, {**form_data(refused), "website": "https://www.universiteitleiden.nl"})

    assert merged.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.website, organisation.description) == (
        "https://www.universiteitleiden.nl",
        "Oudste universiteit van Nederland.",
    )


# --- the back office ---------------------------------------------------------------------------


def contact_url(name: str = "progress_contact") -> str:
    return reverse(f"portfolio:{name}", kwargs={"period": PERIOD, "key": "1a"})


def test_the_contact_form_refuses_a_stale_save_and_shows_both_addresses(project, alice, bob):
    opened = alice.get(contact_url("progress_project")).context["contact_form"]["version"].value()
    assert opened == project.version

    saved = alice.post(contact_url(), {"contact_email": "alice@example.org", "version": opened})
    refused = bob.post(contact_url(), {"contact_email": "bob@example.org", "version": opened})

    assert saved.status_code == 302
    assert refused.status_code == 409
    project.refresh_from_db()
    assert project.contact_email == "alice@example.org"
    assert "Iemand anders heeft dit project gewijzigd sinds u het opende, door Alice de Vries" in refused.text
    assert differences(refused) == {
        "E-mailadres contactpersoon": (["alice@example.org"], ["bob@example.org"])
    }
    retyped = refused.context["contact_form"]
    assert (retyped["contact_email"].value(), retyped["version"].value()) == (
        "bob@example.org",
        project.version,
    )
    assert f'name="version" value="{project.version}"' in refused.text

    merged = bob.post(contact_url(), {"contact_email": "bob@example.org", "version": project.version})

    assert merged.status_code == 302
    assert Project.objects.get(pk=project.pk).contact_email == "bob@example.org"


def test_the_contact_form_refuses_a_form_without_a_version(project, alice):
    response = alice.post(contact_url(), {"contact_email": "alice@example.org"})

    assert response.status_code == 400
    assert "Het formulier mist de versie waarmee het geopend is" in response.text
    assert Project.objects.get(pk=project.pk).contact_email == ""


# --- the mechanism -----------------------------------------------------------------------------


def test_of_two_saves_from_the_same_version_exactly_one_succeeds(project):
    version = project.version

    services.project_contact_email_set(
        project=Project.objects.get(pk=project.pk), email="een@example.org", by=None, version=version
    )
    with pytest.raises(EditConflict) as refused:
        services.project_contact_email_set(
            project=Project.objects.get(pk=project.pk), email="twee@example.org", by=None, version=version
        )

    assert refused.value.current.contact_email == "een@example.org"
    assert refused.value.current.version == version + 1
    assert Project.objects.get(pk=project.pk).contact_email == "een@example.org"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections need PostgreSQL")
def test_two_racing_transactions_cannot_both_save(project):
    """The second UPDATE waits for the first transaction's row lock, then finds the version moved on."""
    version, claimed, results = project.version, threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                services.project_contact_email_set(
                    project=Project.objects.get(pk=project.pk),
                    email="een@example.org",
                    by=None,
                    version=version,
                )
                claimed.set()
                time.sleep(0.3)  # the second save starts while this transaction is still open
            results["first"] = "saved"
        finally:
            connection.close()

    def second():
        try:
            claimed.wait(5)
            services.project_contact_email_set(
                project=Project.objects.get(pk=project.pk), email="twee@example.org", by=None, version=version
            )
            results["second"] = "saved"
        except EditConflict:
            results["second"] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert results == {"first": "saved", "second": "conflict"}
    project.refresh_from_db()
    assert (project.contact_email, project.version) == ("een@example.org", version + 1)


def test_a_claim_records_who_and_when(project, kennismakelaar):
    before = project.version

    version_claim(project, version=before, by=kennismakelaar)

    stored = Project.objects.get(pk=project.pk)
    assert (stored.version, stored.updated_by) == (before + 1, kennismakelaar)
    assert project.version == before + 1


def test_a_status_change_by_a_progress_update_makes_an_open_form_stale(project, alice):
    url = reverse("admin:portfolio_project_change", args=[project.pk])
    alices_form = form_data(alice.get(url))

    services.progress_update_add(
        project=project, date=timezone.localdate(), text="Afgerond.", new_status="afgerond", by=None
    )
    refused = alice.post(url, alices_form)

    assert refused.status_code == 200
    assert differences(refused)["Status"] == (["afgerond"], ["lopend"])
    assert Project.objects.get(pk=project.pk).status == Project.Status.AFGEROND


def test_the_agenda_import_makes_an_open_form_stale(project, alice):
    url = reverse("admin:portfolio_project_change", args=[project.pk])
    alices_form = form_data(alice.get(url))
    before = project.version

    import_agenda(parsed=parsed_agenda("Samen met de wijk en de GGD."), source_name="agenda-v2.txt")
    refused = alice.post(url, {**alices_form, "title": "Gezonde wijken (Alice)"})

    project.refresh_from_db()
    assert project.version == before + 1
    assert (project.title, project.description) == ("Gezonde wijken", "Samen met de wijk en de GGD.")
    assert refused.status_code == 200
    assert "door een import of bulkbewerking om" in refused.text
    assert differences(refused)["Beschrijving doel"] == (
        ["Samen met de wijk en de GGD."],
        ["Samen met de wijk."],
    )


def test_an_import_that_changes_nothing_leaves_open_forms_valid(project):
    before = project.version

    import_agenda(parsed=parsed_agenda(), source_name="agenda.txt")

    assert Project.objects.get(pk=project.pk).version == before
