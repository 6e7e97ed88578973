"""Back-office password reset: by e-mail, one-time links, no telling who has an account, rate-limited."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

RESET_URL = reverse("accounts:password_reset")
NEW_PASSWORD = "Lakenhal-Molen-1574"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        "redacteur", "redacteur@example.org", "oud-wachtwoord-123", is_staff=True
    )


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def without_nonce(response) -> str:
    return re.sub(r'nonce="[^"]*"', "", response.content.decode())


def set_password(client, link: str, password: str = NEW_PASSWORD):
    """Follow the link (Django swaps the token for a session and redirects) and post the form."""
    form_page = client.get(link, follow=True)
    return form_page, client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": password, "new_password2": password},
    )


def test_the_login_page_links_to_the_reset_form(client):
    page = client.get(reverse("admin:login")).content.decode()

    assert f'href="{RESET_URL}"' in page
    assert "Wachtwoord vergeten?" in page
    assert RESET_URL == "/backoffice/wachtwoord/"


def test_it_resets_a_password_by_e_mail_and_the_new_one_logs_in(client, staff, mailoutbox, settings):
    settings.SITE_URL = "https://kennisstad.example.org"
    form = client.get(RESET_URL)
    assert form.status_code == 200
    assert "E-mailadres" in form.content.decode()

    response = client.post(RESET_URL, {"email": "REDACTEUR@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert [m.to for m in mailoutbox] == [["redacteur@example.org"]]
    message = mailoutbox[0]
    assert "Nieuw wachtwoord" in message.subject
    assert "redacteur" in message.body
    link = link_in(message)
    assert link.startswith("https://kennisstad.example.org/backoffice/wachtwoord/nieuw/")

    form_page, saved = set_password(client, link.removeprefix("https://kennisstad.example.org"))
    assert form_page.status_code == 200
    assert 'name="new_password1"' in form_page.content.decode()
    assert saved.status_code == 302
    assert saved["Location"] == reverse("accounts:password_reset_complete")
    assert "Je wachtwoord is ingesteld" in client.get(saved["Location"]).content.decode()

    login = client.post(reverse("admin:login"), {"username": "redacteur", "password": NEW_PASSWORD})
    assert login.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_link_works_once(client, staff, mailoutbox):
    client.post(RESET_URL, {"email": "redacteur@example.org"})
    link = link_in(mailoutbox[0]).removeprefix("http://127.0.0.1:8000")
    set_password(client, link)

    again = client.get(link, follow=True)
    assert "new_password1" not in again.content.decode()
    assert "Deze link werkt niet (meer)" in again.content.decode()
    assert "<title>Deze link werkt niet (meer) | Kennisstad backoffice</title>" in again.content.decode()
    set_password(client, link, "Een-Ander-Wachtwoord-99")
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
    assert not staff.check_password("Een-Ander-Wachtwoord-99")


def test_an_unknown_address_sends_nothing_but_looks_the_same(client, staff, mailoutbox):
    known = client.post(RESET_URL, {"email": "redacteur@example.org"}, follow=True)
    unknown = client.post(RESET_URL, {"email": "niemand@example.org"}, follow=True)

    assert len(mailoutbox) == 1
    assert unknown.redirect_chain == known.redirect_chain
    # Identical but for the CSP nonce, which is new on every response.
    assert without_nonce(unknown) == without_nonce(known)


def test_accounts_without_back_office_access_get_no_e_mail(client, mailoutbox):
    get_user_model().objects.create_user("bezoeker", "bezoeker@example.org", "wachtwoord-123", is_staff=False)

    response = client.post(RESET_URL, {"email": "bezoeker@example.org"})

    assert response.status_code == 302
    assert mailoutbox == []


def test_the_form_is_rate_limited_per_address(client, staff, mailoutbox, settings):
    limit = settings.RATE_LIMITS["accounts:password_reset"][1]
    for _ in range(limit):
        assert client.post(RESET_URL, {"email": "redacteur@example.org"}).status_code == 302

    refused = client.post(RESET_URL, {"email": "redacteur@example.org"})

    assert refused.status_code == 429
    assert len(mailoutbox) == limit
