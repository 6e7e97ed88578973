"""Partners post progress updates with a token, only to their own projects; the token admin."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from kennisstad.accounts.models import Role as BackOfficeRole
from kennisstad.accounts.roles import assign_role
from kennisstad.api.models import ApiToken, ApiWrite
from kennisstad.api.tokens import token_authenticate, token_create, token_revoke, token_scope
from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import ProgressUpdate, Project
from kennisstad.portfolio.models import Role as ProjectRole
from kennisstad.portfolio.tests.factories import OrganisationFactory, ParticipationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(db):
    partner = OrganisationFactory(name="Hogeschool X", slug="hogeschool-x")
    lab = OrganisationFactory(name="X Lab", slug="x-lab", parent=partner)
    other = OrganisationFactory(name="Museum Y", slug="museum-y")
    own = ProjectFactory(code="1a", key="1a", status=Project.Status.LOPEND)
    via_unit = ProjectFactory(section=own.section, code="1b", key="1b")
    foreign = ProjectFactory(section=own.section, code="1c", key="1c")
    ParticipationFactory(project=own, organisation=partner, role=ProjectRole.TREKKER)
    ParticipationFactory(project=via_unit, organisation=lab, role=ProjectRole.PARTNER)
    ParticipationFactory(project=foreign, organisation=other, role=ProjectRole.TREKKER)
    token, key = token_create(organisation=partner, name="website", by=None)
    return {"own": own, "via_unit": via_unit, "foreign": foreign, "token": token, "key": key, "lab": lab}


def post(client, project, data, key=None, **headers):
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    url = reverse("v1:project_update_add", kwargs={"period": project.agenda.period, "key": project.key})
    return client.post(url, data, content_type="application/json", **headers)


def today():
    return timezone.localdate().isoformat()


def test_the_key_is_stored_only_as_a_hash(setup):
    token = ApiToken.objects.get()

    assert setup["key"] not in (token.key_hash, token.prefix)
    assert setup["key"].startswith(token.prefix)
    assert len(token.key_hash) == 64
    assert token_authenticate(setup["key"]) == token
    assert token_authenticate(setup["key"] + "x") is None


def test_a_token_writes_for_its_organisation_and_its_units(setup):
    assert token_scope(setup["token"]) == {setup["token"].organisation_id, setup["lab"].pk}


def test_a_partner_posts_an_update_to_its_own_project(client, setup):
    response = post(client, setup["own"], {"date": today(), "text": "Eerste sessie gehouden."}, setup["key"])

    assert response.status_code == 201, response.content
    update = ProgressUpdate.objects.get()
    assert response.json()["id"] == update.pk
    assert update.text == "Eerste sessie gehouden."
    assert update.author is None
    assert ApiWrite.objects.get().progress_update == update
    assert ApiWrite.objects.get().token == setup["token"]
    setup["token"].refresh_from_db()
    assert setup["token"].last_used_at is not None


def test_a_partner_posts_to_a_project_of_its_unit_and_changes_the_status(client, setup):
    response = post(
        client,
        setup["via_unit"],
        {"date": today(), "text": "Afgerond.", "new_status": "afgerond"},
        setup["key"],
    )

    assert response.status_code == 201, response.content
    assert response.json()["new_status"] == "afgerond"
    assert Project.objects.get(pk=setup["via_unit"].pk).status == "afgerond"


def test_another_organisations_project_is_forbidden_and_nothing_is_stored(client, setup):
    response = post(client, setup["foreign"], {"date": today(), "text": "Ingebroken."}, setup["key"])

    assert response.status_code == 403
    assert "eigen organisatie" in response.json()["detail"]
    assert not ProgressUpdate.objects.exists()
    assert not ApiWrite.objects.exists()


@pytest.mark.parametrize("key", [None, "ks_onzin", "geen-token"])
def test_without_a_valid_token_the_answer_is_401(client, setup, key):
    response = post(client, setup["own"], {"date": today(), "text": "Zomaar."}, key)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert not ProgressUpdate.objects.exists()


def test_a_revoked_token_is_refused(client, setup):
    token_revoke(token=setup["token"], by=None)

    response = post(client, setup["own"], {"date": today(), "text": "Nog even."}, setup["key"])

    assert response.status_code == 401
    assert not ProgressUpdate.objects.exists()


def test_a_session_login_does_not_count_as_a_token(client, setup, kennismakelaar):
    client.force_login(kennismakelaar)

    assert post(client, setup["own"], {"date": today(), "text": "Via sessie."}).status_code == 401


def test_the_web_forms_rules_apply_with_messages_per_field(client, setup):
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()

    response = post(
        client,
        setup["own"],
        {"date": tomorrow, "text": "Gepland.", "figure_label": "scholen", "link_label": "verslag"},
        setup["key"],
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["date"] == ["Een update kan niet in de toekomst liggen."]
    assert errors["figure_value"] == ["Geef bij het kengetal ook een waarde."]
    assert errors["link_url"] == ["Geef bij de omschrijving ook de link."]
    assert not ProgressUpdate.objects.exists()


def test_the_schema_refuses_an_empty_text_an_unknown_status_and_an_inexact_figure(client, setup):
    response = post(
        client,
        setup["own"],
        {"date": today(), "text": " ", "new_status": "weg", "figure_label": "x", "figure_value": "1.005"},
        setup["key"],
    )

    assert response.status_code == 422
    assert {"text", "new_status", "figure_value"} <= set(response.json()["errors"])
    assert not ProgressUpdate.objects.exists()


def test_a_figure_value_is_stored_exactly(client, setup):
    response = post(
        client,
        setup["own"],
        {"date": today(), "text": "Geteld.", "figure_label": "scholen", "figure_value": "12.50"},
        setup["key"],
    )

    assert response.status_code == 201, response.content
    assert str(ProgressUpdate.objects.get().figure_value) == "12.50"


def test_validation_messages_follow_accept_language(client, setup):
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    data = {"date": tomorrow, "text": "Gepland."}

    dutch = post(client, setup["own"], data, setup["key"])
    english = post(client, setup["own"], data, setup["key"], HTTP_ACCEPT_LANGUAGE="en")

    assert dutch.json()["errors"]["date"] == ["Een update kan niet in de toekomst liggen."]
    assert english.json()["errors"]["date"] == ["An update cannot be dated in the future."]


def test_a_malformed_body_is_a_422_naming_the_field(client, setup):
    response = post(client, setup["own"], {"date": "gisteren", "text": "x"}, setup["key"])

    assert response.status_code == 422
    assert "date" in response.json()["errors"]


def test_an_unknown_project_is_404(client, setup):
    response = client.post(
        "/api/v1/projects/2023-2027/zz/updates",
        {"date": today(), "text": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {setup['key']}",
    )

    assert response.status_code == 404


def test_token_writes_are_rate_limited(client, setup, settings):
    settings.API_WRITES_PER_HOUR = 2
    for number in range(2):
        assert (
            post(
                client, setup["own"], {"date": today(), "text": f"Update {number}"}, setup["key"]
            ).status_code
            == 201
        )

    refused = post(client, setup["own"], {"date": today(), "text": "Te veel"}, setup["key"])

    assert refused.status_code == 429
    assert ProgressUpdate.objects.count() == 2


def test_writes_are_not_cached(client, setup):
    response = post(client, setup["own"], {"date": today(), "text": "x"}, setup["key"])

    assert response["Cache-Control"] == "no-store"
    assert "ETag" not in response


# --- the token admin ---------------------------------------------------------------------------


def test_the_kennismakelaar_makes_a_token_and_sees_it_once(client, kennismakelaar, setup):
    client.force_login(kennismakelaar)
    organisation = Organisation.objects.get(slug="museum-y")

    response = client.post(
        reverse("admin:api_apitoken_add"),
        {"organisation": organisation.pk, "name": "museumsite"},
        follow=True,
    )

    token = ApiToken.objects.get(organisation=organisation)
    shown = [str(message) for message in response.context["messages"]]
    key = next(word for message in shown for word in message.split() if word.startswith("ks_"))
    assert token_authenticate(key) == token
    assert token.created_by == kennismakelaar
    later = client.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert key not in later.content.decode()
    assert token.prefix in later.content.decode()


def test_the_kennismakelaar_revokes_tokens_with_the_action(client, kennismakelaar, setup):
    client.force_login(kennismakelaar)

    client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [setup["token"].pk]},
    )

    setup["token"].refresh_from_db()
    assert setup["token"].revoked_at is not None
    assert token_authenticate(setup["key"]) is None


@pytest.mark.parametrize("role", [BackOfficeRole.REDACTEUR, BackOfficeRole.STUURGROEP])
def test_other_roles_cannot_see_or_make_tokens(client, setup, role):
    user = get_user_model().objects.create_user("medewerker", "m@example.org", "x", is_staff=True)
    assign_role(user, role, [setup["token"].organisation] if role == BackOfficeRole.REDACTEUR else [])
    client.force_login(user)

    assert client.get(reverse("admin:api_apitoken_changelist")).status_code == 403
    assert (
        client.post(
            reverse("admin:api_apitoken_add"), {"organisation": setup["token"].organisation_id, "name": "x"}
        ).status_code
        == 403
    )
    assert ApiToken.objects.count() == 1
