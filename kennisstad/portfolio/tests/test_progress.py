"""Progress tracking: updates and the timeline, stale projects, reminders, and who may do it."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.defaultfilters import date as date_filter
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from kennisstad.accounts.models import Role
from kennisstad.accounts.roles import assign_role, editor_organisation_ids
from kennisstad.portfolio import selectors, services
from kennisstad.portfolio.models import Agenda, ProgressUpdate, Project

pytestmark = pytest.mark.django_db

PERIOD = "2023-2027"
PROJECT_URLS = ["progress_project", "progress_add", "progress_contact", "progress_remind"]


def url(name: str, key: str | None = None) -> str:
    if key is None:
        return reverse(f"portfolio:{name}")
    return reverse(f"portfolio:{name}", kwargs={"period": PERIOD, "key": key})


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def add_update(key: str, date: datetime.date, text: str = "Eerste bijeenkomst gehouden.", **fields):
    return services.progress_update_add(
        project=Project.objects.get(key=key), date=date, text=text, by=None, **fields
    )


def form_data(**overrides) -> dict:
    data = {
        "date": timezone.localdate().isoformat(),
        "text": "De pilot in de Merenwijk is gestart.",
        "new_status": "",
        "link_url": "",
        "link_label": "",
        "figure_label": "",
        "figure_value": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def editor_client(client, kennismakelaar):
    client.force_login(kennismakelaar)
    return client


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        "redacteur", "redacteur@example.org", "geheim-wachtwoord-1", is_staff=True
    )


# --- adding updates ----------------------------------------------------------------------------


def test_it_adds_an_update_that_changes_the_status_and_shows_it_in_the_timeline(
    editor_client, demo, kennismakelaar
):
    project = Project.objects.get(key="1a")
    assert project.status == Project.Status.LOPEND

    response = editor_client.post(
        url("progress_add", "1a"),
        form_data(
            date=days_ago(3).isoformat(),
            text="Het project is afgerond.\nHet eindrapport is gepubliceerd.",
            new_status="afgerond",
            link_url="https://example.org/eindrapport",
            link_label="Eindrapport",
            figure_label="deelnemende scholen",
            figure_value="12",
        ),
    )

    assert response.status_code == 302
    assert response["Location"].endswith(url("progress_project", "1a") + "#timeline")
    project.refresh_from_db()
    assert project.status == Project.Status.AFGEROND
    [update] = project.progress_updates.all()
    assert (update.old_status, update.new_status) == ("lopend", "afgerond")
    assert update.date == days_ago(3) and update.author == kennismakelaar
    assert update.figure_value == Decimal("12")
    page = editor_client.get(response["Location"])
    assert "Status: lopend → afgerond" in page.text
    assert "Het project is afgerond.<br>Het eindrapport is gepubliceerd." in page.text
    assert '<a href="https://example.org/eindrapport" rel="noopener">Eindrapport</a>' in page.text
    assert "<strong>deelnemende scholen:</strong> 12" in page.text
    assert "De update is toegevoegd; de status is nu “afgerond” (was “lopend”)." in html.unescape(page.text)


def test_it_keeps_the_status_when_ongewijzigd_is_chosen(demo):
    update = add_update("1b", days_ago(1), new_status="")
    same = add_update("1b", days_ago(0), new_status=Project.objects.get(key="1b").status)

    assert (update.old_status, update.new_status) == ("", "")
    assert (same.old_status, same.new_status) == ("", "")
    assert Project.objects.get(key="1b").status == Project.Status.LOPEND


def test_it_rejects_a_future_date_and_keeps_what_was_typed(editor_client, demo):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    response = editor_client.post(
        url("progress_add", "1a"),
        form_data(date=tomorrow, text="Volgende week starten we.", new_status="afgerond"),
    )

    assert response.status_code == 400
    assert "Een update kan niet in de toekomst liggen." in response.text
    assert "Volgende week starten we." in response.text
    assert f'value="{tomorrow}"' in response.text
    assert '<option value="afgerond" selected>' in response.text
    assert not ProgressUpdate.objects.exists()
    assert Project.objects.get(key="1a").status == Project.Status.LOPEND


def test_it_rejects_an_empty_text_and_keeps_the_other_input(editor_client, demo):
    response = editor_client.post(
        url("progress_add", "1a"),
        form_data(text="   ", link_url="https://example.org/verslag", link_label="Verslag"),
    )

    assert response.status_code == 400
    assert 'href="#id_text"' in response.text  # the error summary points at the field
    assert 'value="https://example.org/verslag"' in response.text and 'value="Verslag"' in response.text
    assert not ProgressUpdate.objects.exists()


def test_it_needs_both_label_and_value_for_a_figure(demo):
    project = Project.objects.get(key="1a")

    with pytest.raises(ValidationError) as without_value:
        services.progress_update_add(
            project=project, date=days_ago(1), text="x", figure_label="scholen", by=None
        )
    with pytest.raises(ValidationError) as without_label:
        services.progress_update_add(
            project=project, date=days_ago(1), text="x", figure_value=Decimal(3), by=None
        )

    assert "figure_value" in without_value.value.message_dict
    assert "figure_label" in without_label.value.message_dict
    assert not ProgressUpdate.objects.exists()


def test_it_rejects_an_empty_text_and_a_future_date_in_the_service_too(demo):
    with pytest.raises(ValidationError) as refused:
        add_update("1a", timezone.localdate() + datetime.timedelta(days=2), text="  ")

    assert set(refused.value.message_dict) == {"date", "text"}


# --- the list of projects and stale ones -------------------------------------------------------


def test_it_flags_only_projects_without_a_recent_update(editor_client, demo):
    add_update("1a", days_ago(30), text="Recent nieuws.")
    add_update("1b", days_ago(400), text="Lang geleden.")
    total = Project.objects.count()

    everything = editor_client.get(url("progress_list"))
    stale = editor_client.get(url("progress_list"), {"verouderd": "on"})

    rows = {row.project.key: row for row in everything.context["overview"].rows}
    assert len(rows) == total
    assert not rows["1a"].is_stale and rows["1a"].latest_date == days_ago(30)
    assert rows["1b"].is_stale and rows["1c"].is_stale
    stale_keys = {row.project.key for row in stale.context["overview"].rows}
    assert stale_keys == set(Project.objects.exclude(key="1a").values_list("key", flat=True))
    old_date = days_ago(400)
    assert f"geen update sinds {old_date.day} " in stale.text  # a text badge, not colour alone
    assert "nog geen update" in stale.text
    assert f"{total - 1} projecten zonder recente update (van {total})" in stale.text


@override_settings(PROGRESS_STALE_MONTHS=24)
def test_it_takes_the_stale_period_from_the_setting(demo):
    add_update("1b", days_ago(400))

    overview = selectors.progress_overview(agenda=Agenda.objects.get(period=PERIOD))

    assert not next(row for row in overview.rows if row.project.key == "1b").is_stale
    assert overview.months == 24


def test_it_filters_the_list_by_theme(editor_client, demo):
    section = Project.objects.get(key="2a").section

    response = editor_client.get(url("progress_list"), {"thema": section.slug})

    keys = {row.project.key for row in response.context["overview"].rows}
    assert keys == set(section.projects.values_list("key", flat=True))


def test_it_answers_the_htmx_filter_with_only_the_results(editor_client, demo):
    response = editor_client.get(url("progress_list"), {"verouderd": "on"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="results"')


def test_the_overview_does_not_query_per_project(demo, django_assert_num_queries):
    agenda = Agenda.objects.get(period=PERIOD)
    for number, project in enumerate(Project.objects.all()[:20]):
        services.progress_update_add(
            project=project, date=days_ago(number * 20), text=f"Update {number}", by=None
        )

    with django_assert_num_queries(1):
        overview = selectors.progress_overview(agenda=agenda, stale_only=True)
        for row in overview.rows:
            str(row.project.section), row.project.agenda.period, row.latest_text

    assert overview.total == 58


def test_the_list_page_does_not_query_per_project(editor_client, demo, django_assert_max_num_queries):
    for project in Project.objects.all()[:10]:
        services.progress_update_add(project=project, date=days_ago(10), text="Voortgang", by=None)

    with django_assert_max_num_queries(8):
        response = editor_client.get(url("progress_list"))

    assert response.status_code == 200
    assert len(response.context["overview"].rows) == 58


def test_it_counts_calendar_months_back():
    assert selectors.months_before(datetime.date(2025, 8, 31), 6) == datetime.date(2025, 2, 28)
    assert selectors.months_before(datetime.date(2024, 8, 31), 6) == datetime.date(2024, 2, 29)
    assert selectors.months_before(datetime.date(2025, 3, 15), 6) == datetime.date(2024, 9, 15)


# --- contact and reminders ---------------------------------------------------------------------


def test_it_sends_a_reminder_to_the_contact(editor_client, demo, mailoutbox):
    version = Project.objects.get(key="1a").version
    editor_client.post(
        url("progress_contact", "1a"), {"contact_email": "trekker@example.org", "version": version}
    )
    add_update("1a", days_ago(300), text="Kick-off met alle partners.")

    response = editor_client.post(url("progress_remind", "1a"))

    assert response.status_code == 302
    [mail] = mailoutbox
    assert mail.to == ["trekker@example.org"]
    assert "1a" in mail.subject and "voortgangsupdate" in mail.subject
    assert "http://testserver" not in mail.body
    assert "/backoffice/voortgang/2023-2027/1a/" in mail.body
    assert "Kick-off met alle partners." in mail.body
    assert (
        "Er is een herinnering gestuurd naar trekker@example.org."
        in editor_client.get(response["Location"]).text
    )
    project = Project.objects.get(key="1a")
    assert project.last_reminder_at is not None
    listed = editor_client.get(url("progress_list"))
    with translation.override("nl"):
        shown = date_filter(timezone.localtime(project.last_reminder_at), "j M Y")
    row = next(row for row in listed.context["overview"].rows if row.project.key == "1a")
    assert row.project.last_reminder_at == project.last_reminder_at
    assert f"<td>{shown}</td>" in listed.text


def test_it_refuses_a_reminder_without_an_email(editor_client, demo, mailoutbox):
    response = editor_client.post(url("progress_remind", "1a"))

    assert response.status_code == 400
    assert "Er is geen e-mailadres van de contactpersoon bekend" in response.text
    assert mailoutbox == []
    assert Project.objects.get(key="1a").last_reminder_at is None
    with pytest.raises(ValidationError):
        services.progress_reminder_send(project=Project.objects.get(key="1a"), by=None)


def test_it_rejects_an_invalid_contact_email_and_keeps_it(editor_client, demo):
    response = editor_client.post(url("progress_contact", "1a"), {"contact_email": "geen-adres"})

    assert response.status_code == 400
    assert 'value="geen-adres"' in response.text
    assert Project.objects.get(key="1a").contact_email == ""


def test_it_clears_the_contact_email(demo):
    project = Project.objects.get(key="1a")
    services.project_contact_email_set(project=project, email=" a@example.org ", by=None)
    assert Project.objects.get(key="1a").contact_email == "a@example.org"

    services.project_contact_email_set(project=project, email="", by=None)

    assert Project.objects.get(key="1a").contact_email == ""


# --- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["progress_list", *PROJECT_URLS])
def test_it_sends_anonymous_visitors_to_the_login(client, demo, name):
    target = url(name) if name == "progress_list" else url(name, "1a")

    response = client.get(target)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "next=" in response["Location"]


@pytest.mark.parametrize("name", ["progress_list", *PROJECT_URLS])
def test_it_forbids_staff_without_the_permission(client, demo, staff_user, mailoutbox, name):
    Project.objects.filter(key="1a").update(contact_email="trekker@example.org")
    client.force_login(staff_user)
    target = url(name) if name == "progress_list" else url(name, "1a")

    assert client.get(target).status_code == 403
    assert client.post(target, form_data(contact_email="x@example.org")).status_code == 403
    assert not ProgressUpdate.objects.exists() and mailoutbox == []


def test_an_editor_adds_updates_to_the_projects_of_its_organisation_only(client, demo, staff_user):
    project = Project.objects.get(key="1a")
    organisation = project.participations.order_by("role", "position").first().organisation
    assign_role(staff_user, Role.REDACTEUR, [organisation.parent or organisation])
    scope = editor_organisation_ids(staff_user)
    client.force_login(staff_user)

    listed = {row.project.pk for row in client.get(url("progress_list")).context["overview"].rows}
    assert listed == set(
        Project.objects.filter(participations__organisation__in=scope).values_list("pk", flat=True)
    )
    assert project.pk in listed and len(listed) < Project.objects.count()
    assert client.post(url("progress_add", "1a"), form_data()).status_code == 302
    assert ProgressUpdate.objects.get().author == staff_user

    elsewhere = Project.objects.exclude(pk__in=listed).first()
    assert client.post(url("progress_add", elsewhere.key), form_data()).status_code == 403
    assert ProgressUpdate.objects.count() == 1


# --- the public project page -------------------------------------------------------------------


def test_the_public_project_page_shows_the_timeline(client, demo):
    without = client.get(reverse("portfolio:project", kwargs={"period": PERIOD, "key": "1a"}))
    add_update("1a", datetime.date(2025, 3, 4), text="Eerste meting gedaan.\nResultaten volgen.")
    add_update(
        "1a",
        datetime.date(2025, 9, 1),
        text="Afgerond.",
        new_status="afgerond",
        figure_label="deelnemers",
        figure_value=Decimal("1250"),
    )

    response = client.get(reverse("portfolio:project", kwargs={"period": PERIOD, "key": "1a"}))

    assert 'id="progress-title"' not in without.text
    assert 'id="progress-title">Voortgang</h2>' in response.text
    text = response.text
    assert text.index("1 september 2025") < text.index("4 maart 2025")  # newest first
    assert "Eerste meting gedaan.<br>Resultaten volgen." in text
    assert "Status: lopend → afgerond" in text
    assert "<strong>deelnemers:</strong> 1.250" in text
    assert "vastgelegd door" not in text  # who typed it is for the back office only
