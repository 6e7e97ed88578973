import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SEARCH_LABEL = "Zoek projecten en organisaties"


def _count(text: str) -> int:
    """The number in a facet or filter label such as "Universiteit Leiden (12)"."""
    return int(re.search(r"\((\d+)\)\s*$", text.strip()).group(1))


def test_it_leads_from_home_through_theme_and_project_to_a_lead_organisation(page, site):
    page.goto(site + "/")

    theme_link = page.locator(".theme-card a").first
    theme_title = theme_link.inner_text()
    theme_link.click()
    expect(page.locator("h1")).to_have_text(theme_title)

    project_link = page.locator(".project-card a").first
    project_title = project_link.inner_text()
    project_link.click()
    expect(page.locator("h1")).to_have_text(project_title)
    expect(page.get_by_role("heading", name="Wie doen mee")).to_be_visible()
    project_url = page.url

    # The first list under "Trekkers" holds the lead organisations.
    lead = page.locator(".people h3:text-is('Trekkers') + .participants > li > a").first
    lead_name = lead.inner_text()
    lead.click()

    expect(page).to_have_url(re.compile(r"/organisaties/[\w-]+/$"))
    expect(page.locator("h1")).to_have_text(lead_name)
    expect(page.get_by_role("heading", name="Projecten per thema")).to_be_visible()
    expect(page.get_by_role("heading", name=theme_title)).to_be_visible()
    expect(page.get_by_role("heading", name="Als trekker").first).to_be_visible()
    expect(page.locator(f"a[href='{project_url.removeprefix(site)}']").first).to_be_visible()


def test_it_finds_student_housing_from_the_header_search_box(page, site):
    page.goto(site + "/")

    search_box = page.get_by_label(SEARCH_LABEL)
    expect(search_box).to_have_attribute("name", "q")
    search_box.fill("huisvesting")
    search_box.press("Enter")

    expect(page).to_have_url(re.compile(r"/zoeken/\?q=huisvesting"))
    expect(page.get_by_label(SEARCH_LABEL)).to_have_value("huisvesting")
    hit = page.locator(".hit-list .hit a").filter(has_text="studentenhuisvesting")
    expect(hit).to_have_count(1)
    expect(hit).to_have_attribute("href", re.compile(r"^/project/"))


def test_it_narrows_search_results_by_a_theme_facet(page, site):
    # "huisvesting" has a single hit in the demo data; "onderzoek" spreads over every theme.
    page.goto(site + "/")
    page.get_by_label(SEARCH_LABEL).fill("onderzoek")
    page.get_by_label(SEARCH_LABEL).press("Enter")
    total = int(re.match(r"\d+", page.locator("#hits-title").inner_text()).group())

    # A theme that holds some but not all hits, so applying it must change the count.
    theme_links = page.locator(".facets h3:text-is('Thema') + ul .facet-link")
    expect(theme_links.first).to_be_visible()
    facet = next(link for link in theme_links.all() if _count(link.inner_text()) < total)
    label, expected = facet.inner_text().rsplit("(", 1)[0].strip(), _count(facet.inner_text())
    facet.click()

    expect(page).to_have_url(re.compile(r"thema="))
    expect(page.locator("#hits-title")).to_contain_text(re.compile(rf"^{expected} resulta(at|ten)\b"))
    expect(page.locator(".hit-list > .hit")).to_have_count(min(expected, 20))
    current = page.locator(".facet-link[aria-current='true']")
    expect(current).to_have_count(1)
    expect(current).to_contain_text(label)


def test_it_switches_the_interface_to_english_and_back_on_the_same_page(page, site):
    page.goto(site + "/organisaties/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    nav = page.locator(".site-nav")
    expect(nav).to_contain_text("Organisaties")

    page.locator("#language-switch").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(site + "/organisaties/")
    expect(nav).to_contain_text("Organisations")
    expect(nav).to_contain_text("Search")
    expect(page.get_by_label("Search projects and organisations")).to_be_visible()
    expect(page.locator("#language-switch")).to_have_text("Nederlands")

    page.locator("#language-switch").click()

    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(nav).to_contain_text("Organisaties")
    expect(page.locator("#language-switch")).to_have_text("English")


def test_it_narrows_a_theme_by_organisation_without_reloading_the_page(page, site):
    page.goto(site + "/")
    page.locator(".theme-card a").first.click()
    result_count = page.locator("#project-list .result-count")
    total = int(re.search(r"van (\d+)", result_count.inner_text()).group(1))
    # Survives only if HTMX swaps the list in place instead of the browser loading a new page.
    page.evaluate("window.stillTheSamePage = true")

    options = page.locator("#filter-organisatie option:not([value=''])")
    option = next(o for o in options.all() if _count(o.inner_text()) < total)
    value, expected = option.get_attribute("value"), _count(option.inner_text())
    page.locator("#filter-organisatie").select_option(value)

    expect(page).to_have_url(re.compile(rf"organisatie={re.escape(value)}"))
    expect(result_count).to_have_text(f"{expected} van {total} projecten")
    expect(page.locator("#project-list .project-card")).to_have_count(expected)
    assert page.evaluate("window.stillTheSamePage") is True


def test_it_offers_a_skip_link_as_the_first_tab_stop(page, site):
    page.goto(site + "/")
    skip_link = page.locator(".skip-link")
    expect(skip_link).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_text("Naar de inhoud")
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
