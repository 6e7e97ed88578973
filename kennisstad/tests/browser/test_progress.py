"""Progress in the browser: an editor records an update in the back office, the public sees it on
the project page, and the progress report downloads in the alliance's format."""

import pytest
from playwright.sync_api import expect

from kennisstad.portfolio.models import Project

pytestmark = pytest.mark.browser


def _log_in(page, site, user, next_path):
    page.goto(f"{site}/backoffice/login/?next={next_path}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("geheim-wachtwoord-1")
    page.locator("#login-form [type=submit]").click()


def test_an_editor_records_progress_and_the_public_sees_the_timeline(page, site, kennismakelaar):
    project = Project.objects.get(agenda__period="2023-2027", key="1i")
    _log_in(page, site, kennismakelaar, "/backoffice/voortgang/?verouderd=on")

    # Every project starts without updates, so this one is flagged.
    row = page.locator("tr").filter(has_text=project.title)
    expect(row).to_contain_text("nog geen update")
    row.get_by_role("link").first.click()
    expect(page.locator("h1")).to_contain_text(project.title)

    page.get_by_label("Voortgang", exact=True).fill(
        "Twaalf scholen doen mee aan de lessen over angst en stress."
    )
    page.get_by_label("Nieuwe status").select_option(value="afgerond")
    page.get_by_label("Kengetal").fill("deelnemende scholen")
    page.get_by_label("Waarde").fill("12")
    page.get_by_role("button", name="Update toevoegen").click()
    timeline = page.locator("section", has=page.get_by_role("heading", name="Tijdlijn"))
    expect(timeline).to_contain_text("Twaalf scholen doen mee")

    page.goto(site + project.get_absolute_url())
    public = page.locator("section", has=page.get_by_role("heading", name="Voortgang"))
    expect(public).to_contain_text("Twaalf scholen doen mee")
    expect(public).to_contain_text("afgerond")
    expect(public).to_contain_text("12")

    # The report in the alliance's format carries the update.
    page.goto(site + "/backoffice/rapporten/")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Rapport downloaden").click()
    download = download_info.value
    assert download.suggested_filename.startswith("voortgang-2023-2027")
