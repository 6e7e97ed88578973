"""The permission matrix: every role × object × action, asked through the web views and the admin.

Organisation A has a unit (A/FSW) that is a partner in project "eigen"; organisation B leads project
"ander". The editor (redacteur) keeps organisation A. Each row says which roles may do the action;
the others must get 403, and an anonymous visitor is sent to the login page. An allowed request may
still be refused for its content (400, a form with errors): what matters here is that the door opens.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from kennisstad.accounts.models import Role
from kennisstad.accounts.roles import assign_role
from kennisstad.lib.concurrency import VERSION_FIELD
from kennisstad.organisations.models import Alias
from kennisstad.portfolio.models import Project, UnresolvedMention
from kennisstad.portfolio.models import Role as ProjectRole
from kennisstad.portfolio.tests.factories import (
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
    SectionFactory,
)
from kennisstad.tests.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db

KM, RED, SG, NONE = "kennismakelaar", "redacteur", "stuurgroep", "zonder rol"
ROLES = [KM, RED, SG, NONE]
EVERY_ROLE = {KM, RED, SG}


@dataclass
class World:
    own: Project
    other: Project
    organisation_a: object
    organisation_b: object
    alias_b: Alias
    users: dict


@pytest.fixture
def world(db):
    section = SectionFactory()
    organisation_a = OrganisationFactory(name="Organisatie A", slug="a")
    unit = OrganisationFactory(name="A/FSW", slug="a-fsw", parent=organisation_a)
    organisation_b = OrganisationFactory(name="Organisatie B", slug="b")
    own = ProjectFactory(section=section, code="1a", key="1a", title="Eigen project")
    other = ProjectFactory(section=section, code="1b", key="1b", title="Ander project")
    ParticipationFactory(project=own, organisation=organisation_b, role=ProjectRole.TREKKER)
    ParticipationFactory(project=own, organisation=unit, role=ProjectRole.PARTNER)
    ParticipationFactory(project=other, organisation=organisation_b, role=ProjectRole.TREKKER)
    UnresolvedMention.objects.create(project=other, role=ProjectRole.PARTNER, text="Bureau X")
    alias_b = Alias.objects.create(organisation=organisation_b, text="OrgB", normalised="orgb")

    User = get_user_model()
    users = {}
    for role in ROLES:
        user = User.objects.create_user(
            f"m-{role.replace(' ', '-')}", f"{role[:4]}@example.org", "x", is_staff=True
        )
        if role == RED:
            assign_role(user, Role.REDACTEUR, [organisation_a])
        elif role != NONE:
            assign_role(user, role)
        users[role] = user
    return World(own, other, organisation_a, organisation_b, alias_b, users)


def progress(name: str, project: Project) -> str:
    return reverse(f"portfolio:{name}", kwargs={"period": project.agenda.period, "key": project.key})


def admin_url(name: str, obj) -> str:
    return reverse(f"admin:{name}", args=[obj.pk])


@dataclass(frozen=True)
class Row:
    action: str
    method: str
    url: Callable[[World], str]
    allowed: frozenset
    data: Callable[[World], dict] | None = None


def both(action, method, url_for, *, own, other, data=None):
    """Two rows: the action on the editor's own project/organisation, and on another one."""
    return [
        Row(f"{action} (eigen)", method, lambda w: url_for(w, mine=True), frozenset(own), data),
        Row(f"{action} (ander)", method, lambda w: url_for(w, mine=False), frozenset(other), data),
    ]


def project_of(w: World, mine: bool) -> Project:
    return w.own if mine else w.other


def organisation_of(w: World, mine: bool):
    return w.organisation_a if mine else w.organisation_b


def update_data(w):
    return {"date": "2026-11-01", "text": "De eerste bijeenkomst is gehouden."}


def contact_data(w):
    return {"contact_email": "contact@example.org", "version": "1"}


VIEW_ROWS = [
    Row(
        "voortgangslijst bekijken", "get", lambda w: reverse("portfolio:progress_list"), frozenset(EVERY_ROLE)
    ),
    *both(
        "voortgang van een project bekijken",
        "get",
        lambda w, mine: progress("progress_project", project_of(w, mine)),
        own={KM, RED, SG},
        other={KM, SG},
    ),
    *both(
        "voortgangsupdate toevoegen",
        "post",
        lambda w, mine: progress("progress_add", project_of(w, mine)),
        own={KM, RED},
        other={KM},
        data=update_data,
    ),
    *both(
        "e-mailadres contactpersoon wijzigen",
        "post",
        lambda w, mine: progress("progress_contact", project_of(w, mine)),
        own={KM, RED},
        other={KM},
        data=contact_data,
    ),
    *both(
        "herinnering sturen",
        "post",
        lambda w, mine: progress("progress_remind", project_of(w, mine)),
        own={KM},
        other={KM},
    ),
    Row("kennisloket-inbox", "get", lambda w: reverse("loket:inbox"), frozenset({KM})),
    Row("rapporten", "get", lambda w: reverse("insights:reports"), frozenset({KM, SG})),
    Row("agenda's vergelijken", "get", lambda w: reverse("portfolio:agenda_compare"), frozenset({KM, SG})),
    Row(
        "vervolg bevestigen",
        "post",
        lambda w: progress("lineage_confirm", w.own),
        frozenset({KM}),
    ),
]


def history(project: Project) -> str:
    return reverse("history:object", kwargs={"label": "portfolio.project", "pk": project.pk})


def restore(project: Project) -> str:
    first = project.history.earliest()
    return reverse(
        "history:restore",
        kwargs={"label": "portfolio.project", "pk": project.pk, "history_id": first.history_id},
    )


HISTORY_ROWS = [
    *both(
        "geschiedenis van een project bekijken",
        "get",
        lambda w, mine: history(project_of(w, mine)),
        own={KM, RED, SG},
        other={KM, SG},
    ),
    *both(
        "versie van een project terugzetten",
        "post",
        lambda w, mine: restore(project_of(w, mine)),
        own={KM, RED},
        other={KM},
    ),
]

ADMIN_ROWS = [
    *both(
        "project openen in de backoffice",
        "get",
        lambda w, mine: admin_url("portfolio_project_change", project_of(w, mine)),
        own={KM, RED, SG},
        other={KM, SG},
    ),
    *both(
        "project opslaan in de backoffice",
        "post",
        lambda w, mine: admin_url("portfolio_project_change", project_of(w, mine)),
        own={KM, RED},
        other={KM},
        data=lambda w: {},
    ),
    *both(
        "project verwijderen",
        "get",
        lambda w, mine: admin_url("portfolio_project_delete", project_of(w, mine)),
        own={KM},
        other={KM},
    ),
    Row("project toevoegen", "get", lambda w: reverse("admin:portfolio_project_add"), frozenset({KM})),
    *both(
        "organisatiepagina openen",
        "get",
        lambda w, mine: admin_url("organisations_organisation_change", organisation_of(w, mine)),
        own={KM, RED, SG},
        other={KM, SG},
    ),
    *both(
        "organisatiepagina opslaan",
        "post",
        lambda w, mine: admin_url("organisations_organisation_change", organisation_of(w, mine)),
        own={KM, RED},
        other={KM},
        data=lambda w: {},
    ),
    Row(
        "alias openen",
        "get",
        lambda w: admin_url("organisations_alias_change", w.alias_b),
        frozenset({KM, SG}),
    ),
    Row(
        "alias opslaan",
        "post",
        lambda w: admin_url("organisations_alias_change", w.alias_b),
        frozenset({KM}),
        lambda w: {"text": "Org B", "organisation": w.organisation_b.pk},
    ),
    Row("agenda importeren", "get", lambda w: reverse("admin:ingest_import_agenda"), frozenset({KM})),
    Row(
        "gebruiker bewerken",
        "get",
        lambda w: admin_url("auth_user_change", w.users[NONE]),
        frozenset({KM}),
    ),
]


def _id(row: Row) -> str:
    return f"{row.method} {row.action}"


@pytest.mark.parametrize("row", VIEW_ROWS + HISTORY_ROWS + ADMIN_ROWS, ids=_id)
@pytest.mark.parametrize("role", ROLES)
def test_the_matrix(client, world, row, role):
    client.force_login(world.users[role])
    url = row.url(world)
    data = row.data(world) if row.data else {}
    response = client.post(url, data) if row.method == "post" else client.get(url)
    if role in row.allowed:
        assert response.status_code != 403, f"{role} should be allowed: {row.action}"
        assert "/login/" not in response.get("Location", "")
    else:
        assert response.status_code == 403, f"{role} should get 403: {row.action} ({response.status_code})"


@pytest.mark.parametrize("row", VIEW_ROWS + HISTORY_ROWS + ADMIN_ROWS, ids=_id)
def test_anonymous_visitors_are_sent_to_the_login(client, world, row):
    url = row.url(world)
    response = (
        client.post(url, row.data(world) if row.data else {}) if row.method == "post" else client.get(url)
    )
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


# --- admin actions: offered only where the role may carry them out -----------------------------

ACTION_ROWS = [
    (UnresolvedMention, "map_to_organisation", {KM}),
    (UnresolvedMention, "mark_not_organisation", {KM}),
    (Project, "delete_selected", {KM}),
    (Alias, "delete_selected", {KM}),
]


@pytest.mark.parametrize(("model", "action", "allowed"), ACTION_ROWS, ids=lambda v: getattr(v, "__name__", v))
@pytest.mark.parametrize("role", ROLES)
def test_admin_actions_per_role(world, model, action, allowed, role):
    request = RequestFactory().get("/")
    request.user = world.users[role]
    model_admin = admin.site._registry[model]
    assert (action in model_admin.get_actions(request)) == (role in allowed)


# --- what the permission API answers per object --------------------------------------------------


def test_an_editor_may_change_the_projects_of_its_organisation_and_units_only(world):
    editor = world.users[RED]
    assert editor.has_perm("portfolio.change_project", world.own)
    assert not editor.has_perm("portfolio.change_project", world.other)
    assert editor.has_perm("portfolio.add_progressupdate", world.own)
    assert not editor.has_perm("portfolio.add_progressupdate", world.other)
    participation = world.own.participations.first()
    assert editor.has_perm("portfolio.change_participation", participation)
    assert not editor.has_perm("portfolio.change_participation", world.other.participations.first())
    assert editor.has_perm("organisations.change_organisation", world.organisation_a)
    assert not editor.has_perm("organisations.change_organisation", world.organisation_b)
    assert not editor.has_perm("organisations.change_alias")
    assert not editor.has_perm("loket.handle_question")


def test_the_steering_group_reads_everything_and_changes_nothing(world):
    steering = world.users[SG]
    assert steering.has_perm("portfolio.view_project", world.other)
    assert not steering.has_perm("portfolio.change_project", world.own)
    assert not steering.has_perm("portfolio.add_progressupdate", world.own)
    assert not steering.has_perm("loket.handle_question")


def test_permissions_ticked_by_hand_do_not_open_objects(world):
    from django.contrib.auth.models import Permission

    user = world.users[NONE]
    user.user_permissions.add(Permission.objects.get(codename="change_project"))
    user = get_user_model().objects.get(pk=user.pk)
    assert user.has_perm("portfolio.change_project")
    assert not user.has_perm("portfolio.change_project", world.own)


def test_an_inactive_editor_may_do_nothing(world):
    editor = world.users[RED]
    editor.is_active = False
    editor.save()
    editor = get_user_model().objects.get(pk=editor.pk)
    assert not editor.has_perm("portfolio.change_project", world.own)


# --- what an editor sees and saves ---------------------------------------------------------------


def test_the_editors_project_list_holds_only_its_own_projects(client, world):
    client.force_login(world.users[RED])
    response = client.get(reverse("admin:portfolio_project_changelist"))
    assert response.status_code == 200
    listed = {project.pk for project in response.context["cl"].result_list}
    assert listed == {world.own.pk}

    progress_list = client.get(reverse("portfolio:progress_list"))
    rows = {row.project.pk for row in progress_list.context["overview"].rows}
    assert rows == {world.own.pk}


def test_an_editor_saves_its_project_but_cannot_move_it_to_another_theme(client, world):
    other_section = SectionFactory(agenda=world.own.agenda)
    client.force_login(world.users[RED])
    url = admin_url("portfolio_project_change", world.own)
    page = client.get(url)
    assert "section" not in page.context["adminform"].form.fields  # read-only for an editor
    data = {
        **admin_form_data(page),
        VERSION_FIELD: page.context["edit_version"],
        "title": "Eigen project, nieuwe titel",
        "section": other_section.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    world.own.refresh_from_db()
    assert world.own.title == "Eigen project, nieuwe titel"
    assert world.own.section_id != other_section.pk


def test_a_superuser_is_a_kennismakelaar(world, kennismakelaar):
    from kennisstad.accounts import roles

    assert roles.role_of(kennismakelaar) == Role.KENNISMAKELAAR
    assert roles.requires_two_factor(kennismakelaar)
    assert not roles.requires_two_factor(world.users[RED])


# --- handing out roles ---------------------------------------------------------------------------


def test_the_kennismakelaar_makes_someone_editor_in_the_user_admin(client, world):
    newcomer = world.users[NONE]
    client.force_login(world.users[KM])
    url = admin_url("auth_user_change", newcomer)
    page = client.get(url)
    assert "is_superuser" not in page.context["adminform"].form.fields  # only a superuser hands that out
    data = user_form_data(page) | {
        "backoffice_role-0-role": Role.REDACTEUR,
        "backoffice_role-0-organisations": [world.organisation_b.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""

    newcomer = get_user_model().objects.get(pk=newcomer.pk)
    assert newcomer.has_perm("portfolio.change_project", world.other)
    assert not newcomer.has_perm("organisations.change_organisation", world.organisation_a)


def test_an_editor_needs_an_organisation_and_other_roles_take_none(client, world):
    client.force_login(world.users[KM])
    url = admin_url("auth_user_change", world.users[NONE])
    page = client.get(url)
    without = client.post(url, user_form_data(page) | {"backoffice_role-0-role": Role.REDACTEUR})
    assert without.status_code == 200
    assert "Kies de organisatie(s) van deze redacteur." in without.text
    steering_with_one = client.post(
        url,
        admin_form_data(page)
        | {
            "backoffice_role-0-role": Role.STUURGROEP,
            "backoffice_role-0-organisations": [world.organisation_a.pk],
        },
    )
    assert "Alleen een redacteur hoort bij organisaties" in steering_with_one.text
    assert roles_of(world.users[NONE]) is None


def user_form_data(page) -> dict:
    """The user change form as sent back; its dates are split into a date and a time input."""
    data = admin_form_data(page)
    for name in ("last_login", "date_joined"):
        value = data.pop(name, None)
        if value is not None:
            data[f"{name}_0"], data[f"{name}_1"] = f"{value:%Y-%m-%d}", f"{value:%H:%M:%S}"
    return data


def roles_of(user):
    from kennisstad.accounts import roles

    return roles.role_of(get_user_model().objects.get(pk=user.pk))
