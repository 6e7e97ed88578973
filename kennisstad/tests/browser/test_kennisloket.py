"""The kennisloket end to end, in the browser: a resident's question reaches the broker, becomes an
assignment a student takes on, is answered and published, and then helps the next asker."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from kennisstad.loket.models import Question
from kennisstad.tests.browser.conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

BROKER_PASSWORD = "geheim-wachtwoord-1"  # the kennismakelaar fixture's
QUESTION = (
    "Mijn dochter van 14 krijgt erge faalangst bij toetsen en slaapt er slecht van. "
    "Is er in de stad iemand die daar onderzoek naar doet of ouders kan helpen?"
)
NEXT_QUESTION = "Mijn zoon heeft faalangst voor toetsen. Wie kan ons helpen?"
PUBLISHED_TITLE = "Wie helpt scholieren met faalangst voor toetsen?"


def _ask(page, site, question: str, *, name: str, email: str) -> str:
    """Ask through the form as a resident would; returns the reference number shown."""
    page.goto(site + "/")
    page.get_by_role("link", name="Stel een vraag").click()
    page.get_by_label("Je vraag").fill(question)
    page.get_by_label("Wijk (optioneel)").select_option(label="Merenwijkdistrict")
    page.get_by_label("Bewoner").check()
    page.get_by_label("Naam (optioneel)").fill(name)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Vraag versturen").click()
    expect(page.locator("h1")).to_have_text("Je vraag is verstuurd")
    return page.locator(".reference-number").inner_text().strip()


def _new_page(browser):
    """Another person at another computer: a fresh context, so no shared session."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def _log_in(page, site, kennismakelaar):
    page.goto(site + "/backoffice/kennisloket/")
    page.locator("#id_username").fill(kennismakelaar.username)
    page.locator("#id_password").fill(BROKER_PASSWORD)
    page.locator("#login-form [type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Inbox")


def _change_status(page, status: str, reason: str = ""):
    form = page.locator("#status-form")
    form.get_by_label("Nieuwe status").select_option(label=status)
    if reason:
        form.get_by_label("Toelichting").fill(reason)
    form.get_by_role("button", name="Status wijzigen").click()
    expect(page.locator(".messages, [role=status]").first).to_be_visible()


def test_a_question_travels_from_resident_to_knowledge_base_and_helps_the_next_one(
    page, browser, site, kennismakelaar
):
    # A resident asks, in everyday words, and sees what may already help.
    reference = _ask(page, site, QUESTION, name="Marieke Jansen", email="marieke@example.org")
    assert re.fullmatch(r"\d{4}-\d{5}", reference)
    help_box = page.locator(".suggestions-box")
    expect(help_box.get_by_role("heading", name="Misschien helpt dit al")).to_be_visible()
    expect(help_box.locator(".suggestions a").filter(has_text="angst")).not_to_have_count(0)
    confirmation = mail.outbox[-1]
    assert confirmation.to == ["marieke@example.org"] and reference in confirmation.body

    # The broker finds it at the top of the inbox, with suggestions and their reasons.
    broker = _new_page(browser)
    _log_in(broker, site, kennismakelaar)
    first_row = broker.locator("table tbody tr").first
    expect(first_row).to_contain_text(reference)
    expect(first_row).to_contain_text("nieuw")
    first_row.get_by_role("link", name=reference).click()
    expect(broker.locator("h1")).to_contain_text(reference)
    suggestions = broker.locator("#suggestions")
    expect(suggestions).to_contain_text("angst")
    expect(suggestions).to_contain_text("Waarom dit project:")
    expect(broker.get_by_text("marieke@example.org").first).to_be_visible()

    _change_status(broker, "in behandeling")
    assert "in behandeling" in mail.outbox[-1].subject.lower() or reference in mail.outbox[-1].body

    # It becomes an assignment for Leren met de Stad, without the asker's data.
    broker.locator("summary", has_text="Maak er een opgave van").click()
    form = broker.locator("#assignment-form")
    form.get_by_label("Titel van de opgave").fill("Faalangst bij toetsen: wat helpt scholieren?")
    form.get_by_label("Omschrijving").fill(
        "Ouders in de Merenwijk zien kinderen met faalangst bij toetsen. Zoek uit welke hulp er is "
        "en wat scholen en ouders kunnen doen."
    )
    form.get_by_label("hbo").check()
    form.get_by_label("wo").check()
    form.get_by_label("Omvang").select_option(value="vakopdracht")
    form.get_by_role("button", name="Opgave aanmaken").click()
    expect(broker.locator("h1")).to_have_text("Faalangst bij toetsen: wat helpt scholieren?")
    assert Question.objects.get(reference=reference).status == Question.Status.OPDRACHT

    # A student finds it among the open assignments and signs up.
    student = _new_page(browser)
    student.goto(site + "/opgaven/")
    student.get_by_role("link", name="Faalangst bij toetsen: wat helpt scholieren?").click()
    expect(student.get_by_text("Marieke")).to_have_count(0)
    student.get_by_label("Naam", exact=True).fill("Sam de Student")
    student.get_by_label("E-mailadres", exact=True).fill("sam@student.example.org")
    student.get_by_role("radio", name=re.compile("^student$", re.IGNORECASE)).check()
    student.get_by_label("Onderwijsinstelling en opleiding").fill("Hogeschool Leiden, Pedagogiek")
    student.get_by_label("Bericht", exact=True).fill("Past goed bij ons vak over jeugd en onderwijs.")
    student.locator("#aanmelden").get_by_role("checkbox").check()
    student.get_by_role("button", name="Aanmelden").click()
    expect(student.get_by_text("aanmelding", exact=False).first).to_be_visible()
    assert mail.outbox[-1].to == ["sam@student.example.org"]

    # The broker picks the student, and later records the result.
    broker.reload()
    expect(broker.get_by_role("heading", name="1 aanmelding")).to_be_visible()
    broker.get_by_role("button", name="Kies Sam de Student").click()
    expect(broker.locator(".facts")).to_contain_text("Sam de Student")
    assert mail.outbox[-1].to == ["sam@student.example.org"]
    broker.get_by_label("Voortgang", exact=True).fill("De studenten hebben ouders en mentoren geïnterviewd.")
    broker.get_by_label("Nieuwe status").select_option(value="afgerond")
    broker.locator("#id_progress-result").fill("Een overzicht van hulp bij faalangst voor ouders en scholen.")
    broker.get_by_role("button", name="Voortgang opslaan").click()
    expect(broker.locator(".facts")).to_contain_text("afgerond")

    # Back on the question: answer it, close the loop with the asker, publish it.
    broker.get_by_role("link", name=reference).click()
    broker.locator("#answer-form").get_by_label("Antwoord aan de vraagsteller").fill(
        "Studenten van de hogeschool zochten het uit: het SPIL-programma over angst en stress helpt "
        "scholieren, en de schoolmentor kan je doorverwijzen."
    )
    broker.locator("#answer-form").get_by_role("button", name="Antwoord opslaan").click()
    _change_status(broker, "beantwoord")
    answer_mail = mail.outbox[-1]
    assert answer_mail.to == ["marieke@example.org"] and "SPIL-programma" in answer_mail.body

    broker.locator("summary", has_text="Publiceer in de kennisbank").click()
    publish = broker.locator("#publish-form")
    publish.get_by_label("Vraag zoals gepubliceerd").fill(PUBLISHED_TITLE)
    publish.get_by_role("button", name="Publiceren").click()
    expect(broker.locator("h1")).to_have_text("Beantwoorde vraag bewerken")
    expect(broker.get_by_label("Vraag zoals gepubliceerd")).to_have_value(PUBLISHED_TITLE)

    broker.goto(site + f"/backoffice/kennisloket/vraag/{reference}/")
    _change_status(broker, "afgesloten")
    history = broker.locator("#history")
    for step in ("nieuw", "in behandeling", "uitgezet als opdracht", "beantwoord", "afgesloten"):
        expect(history).to_contain_text(step)
    expect(history).to_contain_text(kennismakelaar.username)

    # The public finds the answer in the knowledge base, without the asker's name or address.
    page.goto(site + "/kennisbank/?q=faalangst")
    page.get_by_role("link", name=PUBLISHED_TITLE).click()
    expect(page.locator("h1")).to_have_text(PUBLISHED_TITLE)
    expect(page.get_by_text("SPIL-programma", exact=False).first).to_be_visible()
    assert "Marieke" not in page.content() and "marieke@example.org" not in page.content()

    # And the next parent with a similar worry is pointed to it straight away.
    _ask(page, site, NEXT_QUESTION, name="", email="ouder@example.org")
    expect(page.locator(".similar-answers").get_by_role("link", name=PUBLISHED_TITLE)).to_be_visible()
