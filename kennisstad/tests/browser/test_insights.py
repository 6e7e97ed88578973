"""Insights in the browser, on the Leiden demo data: the collaboration network and "Kennisstad in cijfers".

The progress timeline has its own browser test (test_progress.py).
"""

import csv
import io
import re
from pathlib import Path

import pytest
from django.db.models import Count, Q
from playwright.sync_api import expect

from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Project, Section

pytestmark = pytest.mark.browser


def _rendered_position(page, node_id: str) -> dict:
    """Where cytoscape drew a node, in page coordinates (cytoscape keeps its instance on the container)."""
    return page.evaluate(
        """id => {
            const container = document.getElementById("network-graph");
            const node = container._cyreg.cy.getElementById(id);
            const box = container.getBoundingClientRect();
            const at = node.renderedPosition();
            return {x: box.left + at.x, y: box.top + at.y};
        }""",
        node_id,
    )


def test_the_network_filters_by_theme_downloads_and_opens_an_organisation(page, site):
    gemeente = Organisation.objects.get(name="Gemeente Leiden")
    page.goto(site + "/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Netwerk").click()
    expect(page.locator("h1")).to_have_text("Samenwerkingsnetwerk")
    expect(page.locator("#network-graph")).to_have_attribute("data-ready", "true")

    # The table alternative lists every organisation of the current agenda, with its projects.
    organisations = (
        Organisation.objects.filter(participations__project__agenda__is_current=True).values("pk").distinct()
    )
    roots = {org.parent_id or org.pk for org in Organisation.objects.filter(pk__in=organisations)}
    expect(page.locator("#network-table tbody tr")).to_have_count(len(roots))
    gemeente_projects = (
        Project.objects.filter(agenda__is_current=True)
        .filter(Q(participations__organisation=gemeente) | Q(participations__organisation__parent=gemeente))
        .distinct()
        .count()
    )
    row = page.locator("#network-table tbody tr").filter(has_text="Gemeente Leiden").first
    expect(row.locator("td").nth(1)).to_have_text(str(gemeente_projects))

    # A theme narrows the network to that theme's projects.
    theme = Section.objects.annotate(n=Count("projects")).order_by("n", "position").first()
    page.get_by_label("Thema", exact=True).select_option(label=str(theme))
    page.get_by_role("button", name="Netwerk tonen").click()
    expect(page.locator("#network-title")).to_contain_text(theme.title)
    expect(page.locator("#network-graph")).to_have_attribute("data-ready", "true")
    theme_roots = {
        org.parent_id or org.pk
        for org in Organisation.objects.filter(participations__project__section=theme).distinct()
    }
    expect(page.locator("#network-table tbody tr")).to_have_count(len(theme_roots))

    for label, suffix in (("tekening als SVG", ".svg"), ("tekening als PNG", ".png")):
        with page.expect_download() as download_info:
            page.get_by_role("link", name=label).click()
        assert download_info.value.suggested_filename.endswith(suffix)
        assert theme.slug in download_info.value.suggested_filename

    # Clicking a node in the drawing opens that organisation's page. The window is tall enough to
    # show the whole graph without scrolling: cytoscape learns of a scroll from an event that can
    # arrive after the pointer, and would then look for the node at its old place.
    page.set_viewport_size({"width": 1280, "height": 1800})
    page.goto(site + "/netwerk/")
    expect(page.locator("#network-graph")).to_have_attribute("data-ready", "true")
    at = _rendered_position(page, f"org-{gemeente.slug}")
    # As a visitor does: the pointer arrives (cytoscape highlights the neighbours), then clicks.
    page.mouse.move(at["x"], at["y"], steps=5)
    expect(page.locator("#network-graph")).to_have_css("cursor", "pointer")
    page.mouse.click(at["x"], at["y"])
    expect(page).to_have_url(re.compile(rf"/organisaties/{gemeente.slug}/$"))
    expect(page.locator("h1")).to_have_text("Gemeente Leiden")


def test_the_figures_show_their_tables_and_download_them(page, site):
    page.goto(site + "/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Cijfers").click()
    expect(page.locator("h1")).to_contain_text("Kennisstad in cijfers")

    chart = page.locator("#cijfers-themas-en-status")
    table = chart.locator("table")
    expect(table).to_be_hidden()
    chart.get_by_text("Toon de tabel").click()
    expect(table).to_be_visible()
    # Every theme's row ends in its number of projects, as the database counts them.
    for section in Section.objects.filter(agenda__is_current=True).annotate(n=Count("projects")):
        row = table.locator("tbody tr").filter(has_text=section.title)
        expect(row.locator("td").last).to_have_text(str(section.n))

    with page.expect_download() as download_info:
        chart.get_by_role("link", name=re.compile("Download de tabel als CSV")).click()
    download = download_info.value
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == table.locator("thead th").first.inner_text()
    by_theme = {row[0]: row[-1] for row in rows[1:]}
    for section in Section.objects.filter(agenda__is_current=True).annotate(n=Count("projects")):
        assert by_theme[str(section)] == str(section.n)
