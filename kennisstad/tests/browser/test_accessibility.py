"""Each type of public page checked with axe-core against WCAG 2.1 A and AA.

axe finds what a machine can (contrast, names, labels, landmarks, ARIA); it does not replace testing with
a screen reader and the keyboard. Minor and moderate findings are left to review; serious and critical
ones fail the test.
"""

from pathlib import Path

import pytest
from django.db.models import Count
from playwright.sync_api import expect

from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Project, Section
from kennisstad.portfolio.tests.test_compare import build_earlier_agenda

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
PAGE_TYPES = [
    "home",
    "theme",
    "project",
    "organisation-list",
    "organisation",
    "search-with-facets",
    "network",
    "network-theme-with-units",
    "figures",
    "home-english",
]


def _path(page_type: str) -> str:
    """The richest page of each type, so the check sees as many of the template's parts as possible."""
    largest_theme = Section.objects.annotate(n=Count("projects")).order_by("-n", "position").first()
    if page_type == "theme":
        return largest_theme.get_absolute_url()
    if page_type == "search-with-facets":
        # A facet applied as well: the selected facet and the list of active filters are checked too.
        return f"/zoeken/?q=onderzoek&thema={largest_theme.slug}"
    if page_type == "project":
        return (
            Project.objects.annotate(n=Count("participations"))
            .order_by("-n", "position")
            .first()
            .get_absolute_url()
        )
    if page_type == "organisation":
        organisation = (
            Organisation.objects.filter(parent=None)
            .annotate(n=Count("participations"))
            .order_by("-n")
            .first()
        )
        return organisation.get_absolute_url()
    if page_type == "network-theme-with-units":
        return f"/netwerk/?thema={largest_theme.slug}&afdelingen=on"
    return {
        "home": "/",
        "organisation-list": "/organisaties/",
        "network": "/netwerk/",
        "figures": "/cijfers/",
    }[page_type]


def _axe_violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol: the site's Content-Security-Policy (rightly) blocks
    # the inline <script> that add_script_tag would insert.
    page.evaluate(AXE.read_text())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    return results["violations"]


def _describe(page_type: str, url: str, violations: list[dict]) -> str:
    lines = [f"{page_type} ({url}):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(node['target'])}: {summary}")
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


# One test for all page types: the demo data takes seconds to load per test, and every page is still
# checked (and reported) even when an earlier one fails.
def test_public_pages_have_no_serious_wcag_violations(page, site):
    failures = []
    for page_type in PAGE_TYPES:
        if page_type == "home-english":
            page.goto(site + "/")
            page.locator("#language-switch").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        else:
            page.goto(site + _path(page_type))
        expect(page.locator("h1")).to_be_visible()
        if page_type == "search-with-facets":
            expect(page.locator(".facet-link[aria-current='true']")).to_be_visible()
        if page_type.startswith("network"):
            # Checked as visitors with JavaScript see it: the interactive graph in place of the picture.
            expect(page.locator("#network-graph")).to_have_attribute("data-ready", "true")

        violations = [v for v in _axe_violations(page) if v["impact"] in FAILING_IMPACTS]
        if violations:
            failures.append(_describe(page_type, page.url, violations))

    assert not failures, "Serious or critical WCAG 2.1 AA violations:\n" + "\n".join(failures)


def _kennisloket_data(broker):
    """A question that went all the way: answered, an assignment with a registration, published."""
    from kennisstad.loket import services
    from kennisstad.loket.models import Question

    question = services.question_submit(
        question="Hoe kunnen we eenzame ouderen in onze straat beter bereiken?",
        background="We zijn een groep buren in de Merenwijk.",
        asker_kind="wijkvereniging",
        asker_name="Anna de Vries",
        asker_email="anna@example.org",
        privacy_statement=services.current_privacy_statement(),
        consent=True,
    ).question
    services.question_change_status(question=question, status=Question.Status.IN_BEHANDELING, by=broker)
    assignment = services.assignment_create(
        question=question,
        title="Eenzaamheid onder ouderen in de wijk",
        description="Hoe bereik je ouderen die alleen wonen?",
        levels=["hbo", "wo"],
        size="vakopdracht",
        by=broker,
    )
    services.interest_register(
        assignment=assignment,
        name="Sam",
        email="sam@example.org",
        role="student",
        institution="Hogeschool Leiden",
        message="Graag!",
        privacy_statement=services.current_privacy_statement(),
        consent=True,
    )
    services.question_set_answer(question=question, answer="Het wijkteam en de studenten helpen.", by=broker)
    services.question_change_status(question=question, status=Question.Status.BEANTWOORD, by=broker)
    published = services.answer_publish(
        question=question, title="Hoe bereik je eenzame ouderen?", answer="Via het wijkteam.", by=broker
    )
    return question, assignment, published, services.data_token(question)


def test_kennisloket_and_back_office_pages_have_no_serious_wcag_violations(page, site, kennismakelaar):
    question, assignment, published, token = _kennisloket_data(kennismakelaar)
    # A second agenda, so the comparison page shows its three lists and the correction forms.
    build_earlier_agenda()
    public = {
        "ask": "/vraag/",
        "assignments": "/opgaven/",
        "assignment": assignment.get_absolute_url(),
        "knowledge-base": "/kennisbank/?q=ouderen",
        "answer": published.get_absolute_url(),
        "privacy": "/privacy/",
        "my-data": f"/mijn-gegevens/{token}/",
    }
    backoffice = {
        "inbox": "/backoffice/kennisloket/",
        "inbox-question": question.get_absolute_url(),
        "backoffice-assignment": f"/backoffice/kennisloket/opgaven/{assignment.pk}/",
        "backoffice-answer": f"/backoffice/kennisloket/kennisbank/{published.pk}/",
        "progress-list": "/backoffice/voortgang/",
        "progress-project": "/backoffice/voortgang/2023-2027/1i/",
        "reports": "/backoffice/rapporten/",
        "agenda-compare": "/backoffice/agendas/vergelijken/",
    }
    failures = []

    def check(page_type):
        expect(page.locator("h1")).to_be_visible()
        violations = [v for v in _axe_violations(page) if v["impact"] in FAILING_IMPACTS]
        if violations:
            failures.append(_describe(page_type, page.url, violations))

    for page_type, path in public.items():
        page.goto(site + path)
        check(page_type)
    # The form as it comes back with errors: the error summary and the marked fields.
    page.goto(site + "/vraag/")
    page.get_by_role("button", name="Vraag versturen").click()
    expect(page.locator("#form-errors")).to_be_visible()
    check("ask-with-errors")

    page.goto(site + "/backoffice/login/")
    page.locator("#id_username").fill(kennismakelaar.username)
    page.locator("#id_password").fill("geheim-wachtwoord-1")
    page.locator("#login-form [type=submit]").click()
    for page_type, path in backoffice.items():
        page.goto(site + path)
        check(page_type)

    assert not failures, "Serious or critical WCAG 2.1 AA violations:\n" + "\n".join(failures)
