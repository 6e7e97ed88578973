"""The kennismakelaar's first login with two-factor login required, in Chromium.

The test types the key from the page into a TOTP calculation, as an authenticator app would after
"enter a key", so it checks what the person sees, not what the database holds.
"""

import base64
import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from kennisstad.tests.browser.test_accessibility import FAILING_IMPACTS, _axe_violations, _describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "geheim-wachtwoord-1"


def code_from_typed_key(typed: str) -> str:
    key = typed.replace(" ", "")
    key += "=" * (-len(key) % 8)
    return f"{TOTP(base64.b32decode(key)).token():06d}"


def log_in(page, site, username):
    page.goto(site + "/backoffice/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()


def test_the_kennismakelaar_sets_up_an_app_and_later_logs_in_with_a_backup_code(
    page, live_server, kennismakelaar, settings
):
    settings.TWO_FACTOR_REQUIRED = True
    site = live_server.url
    failures = []

    def check(page_type):
        violations = [v for v in _axe_violations(page) if v["impact"] in FAILING_IMPACTS]
        if violations:
            failures.append(_describe(page_type, page.url, violations))

    log_in(page, site, kennismakelaar.username)
    expect(page).to_have_url(re.compile(r"/backoffice/tweestaps/instellen/"))
    expect(page.locator(".two-factor-qr-code svg")).to_be_visible()
    check("two-factor-setup")

    # A wrong code keeps the person on the page with the message at the field.
    page.get_by_label("Code uit de app").fill("000000")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.locator(".errorlist")).to_be_visible()
    check("two-factor-setup-with-error")

    # django-otp refuses every code for a second after a wrong one (then 2, 4 … seconds).
    page.wait_for_timeout(1500)
    page.get_by_label("Code uit de app").fill(
        code_from_typed_key(page.locator(".two-factor-secret").inner_text())
    )
    page.get_by_role("button", name="Bevestigen").click()
    codes = page.locator(".two-factor-backup-codes code")
    expect(codes).to_have_count(10)
    check("two-factor-backup-codes")
    backup_code = codes.first.inner_text()

    page.get_by_role("link", name="Ik heb de codes bewaard, ga verder").click()
    expect(page.locator("#kennisloket-module")).to_be_visible()

    page.get_by_role("button", name="Afmelden").click()
    log_in(page, site, kennismakelaar.username)
    expect(page).to_have_url(re.compile(r"/backoffice/tweestaps/controleren/"))
    check("two-factor-verify")
    page.get_by_label("Reservecode").fill(backup_code)
    page.get_by_role("button", name="Inloggen met reservecode").click()
    expect(page.locator("#kennisloket-module")).to_be_visible()

    assert not failures, "Serious or critical WCAG 2.1 AA violations:\n" + "\n".join(failures)
