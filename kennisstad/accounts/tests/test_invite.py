"""Inviting a back-office user: an account without a password and a one-time link that expires."""

import io
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from kennisstad.accounts.services import invite_backoffice_user

pytestmark = pytest.mark.django_db

PASSWORD = "Pieterskerk-Hooglandse-1121"


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def choose_password(client, url: str, password: str = PASSWORD):
    page = client.get(path_of(url), follow=True)
    target = page.redirect_chain[-1][0] if page.redirect_chain else path_of(url)
    return page, client.post(target, {"new_password1": password, "new_password2": password})


def test_the_command_creates_a_staff_account_without_password_and_mails_a_link(mailoutbox):
    out = io.StringIO()

    call_command("invite_backoffice_user", "Jet.Smit@Example.org", "--name", "Jet Smit", stdout=out)

    user = get_user_model().objects.get()
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "jet.smit@example.org",
        "jet.smit@example.org",
        "Jet",
        "Smit",
    )
    assert user.is_staff and user.is_active and not user.is_superuser
    assert not user.has_usable_password()
    assert "aangemaakt en uitgenodigd" in out.getvalue()
    assert [m.to for m in mailoutbox] == [["jet.smit@example.org"]]
    assert mailoutbox[0].subject.startswith("Uitnodiging voor de backoffice")
    assert "/backoffice/wachtwoord/welkom/" in mailoutbox[0].body


def test_the_invited_user_sets_a_password_once_and_logs_in(client, mailoutbox):
    invitation = invite_backoffice_user(email="jet@example.org")
    assert invitation.url in mailoutbox[0].body

    page, saved = choose_password(client, invitation.url)
    assert "Welkom" in page.content.decode()
    assert saved.status_code == 302
    assert saved["Location"] == reverse("accounts:password_reset_complete")

    assert (
        client.post(reverse("admin:login"), {"username": "jet@example.org", "password": PASSWORD}).status_code
        == 302
    )
    client.logout()
    again = client.get(path_of(invitation.url), follow=True).content.decode()
    assert "new_password1" not in again
    assert "Deze uitnodiging werkt niet (meer)" in again


def test_the_link_expires(client, settings):
    invitation = invite_backoffice_user(email="jet@example.org")
    later = default_token_generator._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)

    with mock.patch.object(type(default_token_generator), "_now", return_value=later):
        page, saved = choose_password(client, invitation.url)

    assert "new_password1" not in page.content.decode()
    assert not get_user_model().objects.get().has_usable_password()


def test_inviting_again_sends_a_new_link_until_a_password_is_set(client, mailoutbox):
    first = invite_backoffice_user(email="jet@example.org")
    second = invite_backoffice_user(email="JET@example.org")

    assert not second.created and second.user == first.user
    assert len(mailoutbox) == 2
    choose_password(client, second.url)

    with pytest.raises(ValidationError):
        invite_backoffice_user(email="jet@example.org")
    with pytest.raises(CommandError, match="heeft al een account"):
        call_command("invite_backoffice_user", "jet@example.org", stdout=io.StringIO())
    assert get_user_model().objects.count() == 1


def test_an_existing_account_is_not_invited(kennismakelaar, mailoutbox):
    with pytest.raises(CommandError):
        call_command("invite_backoffice_user", "km@example.org", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("invite_backoffice_user", "geen-adres", stdout=io.StringIO())

    assert mailoutbox == []


def test_an_editor_is_invited_with_its_role_and_organisation(mailoutbox):
    from kennisstad.accounts import roles
    from kennisstad.portfolio.tests.factories import OrganisationFactory

    hogeschool = OrganisationFactory(name="Hogeschool Leiden", slug="hogeschool-leiden")
    call_command(
        "invite_backoffice_user",
        "redacteur@hsleiden.example",
        "--rol",
        "redacteur",
        "--organisatie",
        "hogeschool-leiden",
        stdout=io.StringIO(),
    )

    user = get_user_model().objects.get()
    assert user.is_staff
    assert roles.role_of(user) == "redacteur"
    assert roles.editor_organisation_ids(user) == {hogeschool.pk}
    assert len(mailoutbox) == 1


def test_an_editor_without_a_known_organisation_is_not_invited(mailoutbox):
    with pytest.raises(CommandError, match="Geen organisatie gevonden"):
        call_command(
            "invite_backoffice_user", "x@example.org", "--rol", "redacteur", "--organisatie", "Onbekend"
        )
    with pytest.raises(CommandError, match="ten minste één organisatie"):
        call_command("invite_backoffice_user", "x@example.org", "--rol", "redacteur")
    assert not get_user_model().objects.exists()
    assert mailoutbox == []


def test_the_kennismakelaar_invites_an_editor_from_the_back_office(client, kennismakelaar, mailoutbox):
    from kennisstad.accounts import roles
    from kennisstad.portfolio.tests.factories import OrganisationFactory

    naturalis = OrganisationFactory(name="Naturalis", slug="naturalis")
    client.force_login(kennismakelaar)
    url = reverse("admin:accounts_invite")
    assert reverse("admin:accounts_invite") in client.get(reverse("admin:auth_user_changelist")).text

    typed = {"email": "editor@naturalis.example", "name": "An Editor", "role": "redacteur", "language": "nl"}
    refused = client.post(url, typed)
    assert refused.status_code == 200
    assert "Kies de organisatie(s) van deze redacteur." in refused.text
    assert 'value="editor@naturalis.example"' in refused.text  # what was typed stays
    assert mailoutbox == []

    response = client.post(url, {**typed, "organisations": [naturalis.pk]})
    user = get_user_model().objects.get(email="editor@naturalis.example")
    assert response.status_code == 302
    assert roles.role_of(user) == "redacteur"
    assert roles.editor_organisation_ids(user) == {naturalis.pk}
    assert len(mailoutbox) == 1


def test_only_who_may_add_users_can_invite(client, django_user_model):
    from kennisstad.accounts.roles import assign_role

    steering = django_user_model.objects.create_user("sg", "sg@example.org", "x", is_staff=True)
    assign_role(steering, "stuurgroep")
    client.force_login(steering)
    assert client.get(reverse("admin:accounts_invite")).status_code == 403
