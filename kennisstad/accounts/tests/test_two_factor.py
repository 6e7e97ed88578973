"""Two-factor login (TOTP) for back-office staff: setup, the second login step, backup codes, reset."""

import io
import re
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kennisstad.accounts import two_factor
from kennisstad.accounts.management.commands.reset_two_factor import Command as ResetCommand

pytestmark = pytest.mark.django_db

PASSWORD = "geheim-wachtwoord-1"
INBOX = "/backoffice/kennisloket/"
SETUP = reverse("two_factor:setup")
VERIFY = reverse("two_factor:verify")
# The same pattern the security tests scan templates with.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.IGNORECASE
)


@pytest.fixture(autouse=True)
def _required(settings):
    settings.TWO_FACTOR_REQUIRED = True


@pytest.fixture
def staff(db):
    """A back-office user without a role that requires two-factor login."""
    return get_user_model().objects.create_user("redacteur", "r@example.org", PASSWORD, is_staff=True)


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the user's app shows now (or ``steps_ahead`` periods of 30 seconds later).

    No drift: the app's clock is right; the server's idea of drift follows the codes it accepts.
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that are no code of this device anywhere near now."""
    near = {code_for(device, steps_ahead=step) for step in range(-2, 4)}
    return next(code for code in ("000000", "111111", "222222") if code not in near)


def unthrottle(user) -> None:
    """As if the wait after the last wrong code has passed."""
    long_ago = timezone.now() - timedelta(days=1)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=long_ago)


def password_login(client, username="kennismakelaar"):
    response = client.post(reverse("admin:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return response


def with_app(user) -> TOTPDevice:
    """A user who has set up two-factor login; the code used for that is spent."""
    device = two_factor.start_setup(user=user)
    assert two_factor.confirm_setup(user=user, code=code_for(device)).accepted
    return device


def verified_client(user, device) -> Client:
    client = Client()
    client.force_login(user)
    assert client.post(VERIFY, {"code": code_for(device, steps_ahead=1)}).status_code == 302
    return client


def is_verified(client) -> bool:
    return "otp_device_id" in client.session


# --- setup -------------------------------------------------------------------------------------


def test_a_superuser_must_set_up_an_app_before_entering_the_back_office(client, kennismakelaar):
    password_login(client)

    for url in ("/backoffice/", INBOX, "/backoffice/portfolio/project/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{SETUP}?next={quote(url, safe='')}"

    page = client.get(f"{SETUP}?next={quote(INBOX)}")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=kennismakelaar)
    assert not device.confirmed
    assert two_factor.secret_for_typing(device) in page.text
    assert 'autocomplete="one-time-code"' in page.text
    assert 'inputmode="numeric"' in page.text

    wrong = client.post(f"{SETUP}?next={quote(INBOX)}", {"code": wrong_code(device)})
    assert wrong.status_code == 200
    assert "Deze code klopt niet" in wrong.text
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(INBOX).status_code == 302

    unthrottle(kennismakelaar)
    confirmed = client.post(f"{SETUP}?next={quote(INBOX)}", {"code": code_for(device)})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"{reverse('two_factor:backup_codes')}?next={quote(INBOX, safe='')}"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert is_verified(client)
    assert client.get(INBOX).status_code == 200
    assert client.get("/backoffice/").status_code == 200


def test_the_backup_codes_are_shown_once_after_setup(client, kennismakelaar):
    client.force_login(kennismakelaar)
    device = two_factor.start_setup(user=kennismakelaar)
    client.post(f"{SETUP}?next={quote(INBOX)}", {"code": code_for(device)})

    page = client.get(f"{reverse('two_factor:backup_codes')}?next={quote(INBOX)}")
    again = client.get(reverse("two_factor:backup_codes"))

    stored = set(StaticToken.objects.filter(device__user=kennismakelaar).values_list("token", flat=True))
    shown = {
        code.replace(" ", "") for code in re.findall(r"<code>([a-z2-7]{4} [a-z2-7]{4})</code>", page.text)
    }
    assert len(stored) == 10
    assert shown == stored
    assert f'href="{INBOX}"' in page.text
    assert again.status_code == 302
    assert again["Location"] == reverse("two_factor:status")


def test_reloading_the_setup_page_keeps_the_key_already_scanned(client, kennismakelaar):
    client.force_login(kennismakelaar)
    first = client.get(SETUP)
    second = client.get(SETUP)

    device = TOTPDevice.objects.get(user=kennismakelaar)
    assert two_factor.secret_for_typing(device) in first.text
    assert two_factor.secret_for_typing(device) in second.text


def test_the_qr_code_is_an_svg_without_inline_style(client, kennismakelaar):
    client.force_login(kennismakelaar)

    page = client.get(SETUP).content.decode()

    svg = re.search(r'<svg role="img"[^>]*class="two-factor-qr".*?</svg>', page, re.DOTALL).group(0)
    assert "<title>QR-code" in svg
    assert INLINE.findall(svg) == []
    # Elsewhere on the page only the admin's own elements, each carrying the CSP nonce.
    assert [m.group(0) for m in INLINE.finditer(page) if "nonce=" not in m.group(0)] == []


def test_the_provisioning_link_names_the_site_and_the_user(kennismakelaar, settings):
    device = two_factor.start_setup(user=kennismakelaar)

    assert device.config_url.startswith(f"otpauth://totp/{settings.OTP_TOTP_ISSUER}%3Akennismakelaar?")


def test_a_user_with_an_app_cannot_replace_it_through_the_setup_page(kennismakelaar):
    device = with_app(kennismakelaar)
    client = verified_client(kennismakelaar, device)

    response = client.get(SETUP)

    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor:status")
    assert list(TOTPDevice.objects.filter(user=kennismakelaar)) == [device]


# --- the second login step ---------------------------------------------------------------------


def test_after_a_new_login_the_code_is_asked_and_a_wrong_one_refused(client, kennismakelaar):
    device = with_app(kennismakelaar)
    password_login(client)

    sent = client.get(INBOX)
    assert sent.status_code == 302
    assert sent["Location"] == f"{VERIFY}?next={quote(INBOX, safe='')}"
    form = client.get(sent["Location"])
    assert form.status_code == 200
    assert 'autocomplete="one-time-code"' in form.text

    wrong = client.post(sent["Location"], {"code": wrong_code(device)})
    assert wrong.status_code == 200
    assert "Deze code klopt niet" in wrong.text
    assert not is_verified(client)
    assert client.get(INBOX).status_code == 302

    unthrottle(kennismakelaar)
    right = client.post(sent["Location"], {"code": code_for(device, steps_ahead=1)})
    assert right.status_code == 302
    assert right["Location"] == INBOX
    assert client.get(INBOX).status_code == 200


def test_a_code_is_not_accepted_twice(client, kennismakelaar):
    device = two_factor.start_setup(user=kennismakelaar)
    first = code_for(device)
    assert two_factor.confirm_setup(user=kennismakelaar, code=first).accepted
    client.force_login(kennismakelaar)

    # The code that confirmed the setup, seen by someone looking over a shoulder.
    replay = client.post(VERIFY, {"code": first})

    assert replay.status_code == 200
    assert not is_verified(client)


def test_after_several_wrong_codes_it_says_how_long_to_wait(client, kennismakelaar):
    device = with_app(kennismakelaar)
    client.force_login(kennismakelaar)
    for _ in range(4):
        client.post(VERIFY, {"code": wrong_code(device)})
        unthrottle(kennismakelaar)
    client.post(VERIFY, {"code": wrong_code(device)})  # the fifth: the next try must wait 16 seconds

    throttled = client.post(VERIFY, {"code": code_for(device, steps_ahead=1)})

    assert throttled.status_code == 200
    assert re.search(r"Te veel verkeerde codes\. Wacht 1[56] seconden", throttled.text)
    assert not is_verified(client)
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 5


def test_a_backup_code_works_once(client, kennismakelaar):
    with_app(kennismakelaar)
    code = two_factor.new_backup_codes(user=kennismakelaar)[0]
    client.force_login(kennismakelaar)

    used = client.post(VERIFY, {"backup-code": two_factor.format_backup_code(code.upper())})
    assert used.status_code == 302
    assert is_verified(client)

    other = Client()
    other.force_login(kennismakelaar)
    again = other.post(VERIFY, {"backup-code": code})
    assert again.status_code == 200
    assert "Deze code klopt niet" in again.text
    assert not is_verified(other)
    assert two_factor.backup_codes_left(kennismakelaar) == 9


def test_next_pointing_elsewhere_is_ignored(client, kennismakelaar):
    device = with_app(kennismakelaar)
    client.force_login(kennismakelaar)

    response = client.post(f"{VERIFY}?next=https://evil.example/", {"code": code_for(device, steps_ahead=1)})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_htmx_requests_get_a_redirect_header_instead_of_a_302(client, kennismakelaar):
    client.force_login(kennismakelaar)

    response = client.get(
        f"{INBOX}?status=nieuw",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/backoffice/kennisloket/?p=2"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{SETUP}?next={quote('/backoffice/kennisloket/?p=2', safe='')}"


# --- who is asked --------------------------------------------------------------------------------


def test_staff_without_the_requirement_may_skip_setup_but_must_verify_once_it_has_an_app(staff):
    client = Client()
    password_login(client, "redacteur")
    assert client.get("/backoffice/").status_code == 200
    assert "Tweestapsverificatie staat uit" in client.get(reverse("two_factor:status")).text

    with_app(staff)
    later = Client()
    password_login(later, "redacteur")

    assert later.get("/backoffice/")["Location"] == f"{VERIFY}?next=%2Fbackoffice%2F"


def test_without_the_setting_nobody_is_made_to_set_up(client, kennismakelaar, settings):
    settings.TWO_FACTOR_REQUIRED = False
    client.force_login(kennismakelaar)

    assert client.get("/backoffice/").status_code == 200
    assert client.get(INBOX).status_code == 200


def test_visitors_and_public_pages_are_left_alone(client, kennismakelaar):
    assert client.get("/backoffice/")["Location"].startswith(reverse("admin:login"))
    assert client.get(reverse("admin:login")).status_code == 200

    client.force_login(kennismakelaar)
    assert client.get("/").status_code == 200
    assert client.get(reverse("accounts:password_reset")).status_code == 200


def test_the_user_tools_link_to_the_two_factor_page(kennismakelaar):
    client = verified_client(kennismakelaar, with_app(kennismakelaar))

    index = client.get("/backoffice/")
    status = client.get(reverse("two_factor:status"))

    assert f'href="{reverse("two_factor:status")}"' in index.text
    assert "Tweestapsverificatie staat aan" in status.text
    assert "nog 10 ongebruikte reservecodes" in status.text


# --- new backup codes, turning off, reset ---------------------------------------------------------


def test_new_backup_codes_replace_the_old_ones(kennismakelaar):
    device = with_app(kennismakelaar)
    old = set(StaticToken.objects.filter(device__user=kennismakelaar).values_list("token", flat=True))
    client = verified_client(kennismakelaar, device)

    response = client.post(reverse("two_factor:backup_codes"), follow=True)

    new = set(StaticToken.objects.filter(device__user=kennismakelaar).values_list("token", flat=True))
    assert len(new) == 10
    assert not old & new
    assert all(two_factor.format_backup_code(code) in response.text for code in new)


def test_the_kennismakelaar_cannot_turn_it_off(kennismakelaar):
    device = with_app(kennismakelaar)
    client = verified_client(kennismakelaar, device)
    assert "Tweestapsverificatie uitzetten" not in client.get(reverse("two_factor:status")).text

    response = client.post(reverse("two_factor:disable"), {"disable-code": code_for(device, steps_ahead=2)})

    assert response.status_code == 403
    assert two_factor.has_two_factor(kennismakelaar)


def test_staff_without_the_requirement_can_turn_it_off_with_a_code(staff):
    device = with_app(staff)
    client = verified_client(staff, device)

    wrong = client.post(reverse("two_factor:disable"), {"disable-code": wrong_code(device)})
    assert wrong.status_code == 200
    assert "Deze code klopt niet" in wrong.text
    assert two_factor.has_two_factor(staff)

    unthrottle(staff)
    right = client.post(reverse("two_factor:disable"), {"disable-code": code_for(device, steps_ahead=2)})
    assert right.status_code == 302
    assert not two_factor.has_two_factor(staff)
    assert two_factor.backup_codes_left(staff) == 0
    assert client.get("/backoffice/").status_code == 200


def test_the_reset_command_removes_the_app_and_asks_for_a_new_one(kennismakelaar):
    client = verified_client(kennismakelaar, with_app(kennismakelaar))
    assert client.get(INBOX).status_code == 200
    out = io.StringIO()

    call_command("reset_two_factor", "kennismakelaar", stdout=out)

    assert "teruggezet" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=kennismakelaar).exists()
    assert two_factor.backup_codes_left(kennismakelaar) == 0
    assert client.get(INBOX)["Location"].startswith(SETUP)


def test_the_reset_command_refuses_an_unknown_user_and_explains_itself():
    with pytest.raises(CommandError, match="geen gebruiker met de gebruikersnaam 'niemand'"):
        call_command("reset_two_factor", "niemand")

    help_text = ResetCommand().create_parser("kennisstad", "reset_two_factor").format_help()
    assert "verloren" in help_text
    assert "username" in help_text


# --- the admin's device pages -------------------------------------------------------------------


def test_the_admin_shows_devices_without_their_secrets(kennismakelaar):
    device = with_app(kennismakelaar)
    token = StaticToken.objects.filter(device__user=kennismakelaar).first()
    client = verified_client(kennismakelaar, device)

    changelist = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    static = client.get(reverse("admin:otp_static_staticdevice_change", args=[token.device_id]))
    config = client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))

    secret = two_factor.secret_for_typing(device).replace(" ", "")
    for page in (changelist, change, static):
        assert page.status_code == 200
        assert device.key not in page.text
        assert secret not in page.text
        assert token.token not in page.text
    assert config.status_code == 403
