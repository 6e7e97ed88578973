"""The collaboration network: its counts against the database, the verbinder rule on a known case,
the pictures, the JSON and the public page."""

import io
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from itertools import combinations

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from PIL import Image

from kennisstad.insights.network import (
    cached_collaboration_network,
    collaboration_network,
    network_png,
    network_svg,
)
from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Agenda, Participation, Project, Role, Section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("network_demo")]

PERIOD = "2023-2027"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def network_demo(django_db_setup, django_db_blocker):
    """The Leiden demo, loaded once for this module and rolled back after it (each test in a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def agenda():
    return Agenda.objects.get(period=PERIOD)


def direct_counts(agenda, *, section=None, with_units=False):
    """Per node (organisation id): sets of projects, led projects, partner projects, sections; and
    per pair of nodes: the shared project ids and whether one of the two leads one of them.
    Plain Python over the participations, independent of the aggregate query the network uses."""
    participations = Participation.objects.filter(project__agenda=agenda).select_related(
        "organisation__parent", "project"
    )
    if section:
        participations = participations.filter(project__section=section)
    projects, led, partnered, sections = (defaultdict(set) for _ in range(4))
    members = defaultdict(dict)
    for participation in participations:
        node = participation.organisation if with_units else participation.organisation.root()
        project = participation.project
        projects[node.slug].add(project.pk)
        sections[node.slug].add(project.section_id)
        leads = participation.role == Role.TREKKER
        (led if leads else partnered)[node.slug].add(project.pk)
        members[project.pk][node.slug] = members[project.pk].get(node.slug, False) or leads
    shared = Counter()
    led_pairs = set()
    for by_node in members.values():
        for a, b in combinations(sorted(by_node), 2):
            shared[a, b] += 1
            if by_node[a] or by_node[b]:
                led_pairs.add((a, b))
    return projects, led, partnered, sections, shared, led_pairs


def pairs(network):
    return {tuple(sorted((e.source.slug, e.target.slug))): e for e in network.edges}


# --- the numbers -------------------------------------------------------------------------


def test_nodes_and_edges_equal_direct_counts(agenda):
    network = collaboration_network(agenda=agenda)

    projects, led, partnered, sections, shared, led_pairs = direct_counts(agenda)
    nodes = {node.slug: node for node in network.nodes}
    assert set(nodes) == set(projects)
    assert not any(
        Organisation.objects.get(slug=slug).parent_id for slug in nodes
    )  # units count for their root
    for slug, node in nodes.items():
        assert (node.projects, node.as_trekker, node.as_partner, node.themes) == (
            len(projects[slug]),
            len(led[slug]),
            len(partnered[slug]),
            len(sections[slug]),
        ), slug
    edges = pairs(network)
    assert {pair: edge.weight for pair, edge in edges.items()} == dict(shared)
    assert {pair for pair, edge in edges.items() if edge.led} == led_pairs
    assert 0 < len(led_pairs) < len(shared)  # both kinds of link occur in Leiden
    for node in network.nodes:
        assert node.degree == sum(1 for pair in edges if node.slug in pair)
    assert network.project_count == len({pk for ids in projects.values() for pk in ids})
    # Most projects first; the strongest links first.
    assert network.nodes[0].slug == "gemeente-leiden"
    assert [e.weight for e in network.edges] == sorted((e.weight for e in network.edges), reverse=True)


def test_the_theme_filter_counts_only_that_themes_projects(agenda):
    section = Section.objects.get(agenda=agenda, slug="cultureel-erfgoed")

    network = collaboration_network(agenda=agenda, section=section)

    projects, led, _partnered, _sections, shared, _led = direct_counts(agenda, section=section)
    whole = collaboration_network(agenda=agenda)
    assert {n.slug: n.projects for n in network.nodes} == {slug: len(ids) for slug, ids in projects.items()}
    assert {n.slug: n.as_trekker for n in network.nodes} == {slug: len(led[slug]) for slug in projects}
    assert {pair: e.weight for pair, e in pairs(network).items()} == dict(shared)
    assert (
        network.project_count
        == Project.objects.filter(section=section, participations__isnull=False).distinct().count()
    )
    assert len(network.nodes) < len(whole.nodes)
    assert {n.themes for n in network.nodes} == {1}
    # Working in several themes only counts on the whole agenda.
    assert not any("thema's" in reason for n in network.nodes for reason in n.reasons)


def test_with_units_each_unit_is_its_own_node(agenda):
    network = collaboration_network(agenda=agenda, with_units=True)

    projects, led, partnered, _sections, shared, _led = direct_counts(agenda, with_units=True)
    nodes = {node.slug: node for node in network.nodes}
    assert {slug: n.projects for slug, n in nodes.items()} == {
        slug: len(ids) for slug, ids in projects.items()
    }
    assert {slug: n.as_partner for slug, n in nodes.items()} == {
        slug: len(partnered[slug]) for slug in projects
    }
    assert {pair: e.weight for pair, e in pairs(network).items()} == dict(shared)
    units = [slug for slug in nodes if Organisation.objects.get(slug=slug).parent_id]
    assert units, "the Leiden demo has projects led by faculties and lectoraten"
    rooted = {n.slug: n.projects for n in collaboration_network(agenda=agenda).nodes}
    assert nodes["universiteit-leiden"].projects < rooted["universiteit-leiden"]


def test_it_reads_two_queries_whatever_the_size(agenda, django_assert_num_queries):
    with django_assert_num_queries(2):
        collaboration_network(agenda=agenda)


def test_the_layout_is_the_same_every_time_and_inside_the_unit_square(agenda):
    first = collaboration_network(agenda=agenda)
    second = collaboration_network(agenda=agenda)

    assert [(n.slug, n.x, n.y) for n in first.nodes] == [(n.slug, n.x, n.y) for n in second.nodes]
    assert all(0 <= n.x <= 1 and 0 <= n.y <= 1 for n in first.nodes)
    assert len({(n.x, n.y) for n in first.nodes}) == len(first.nodes)
    assert network_svg(first) == network_svg(second)


# --- verbinders -----------------------------------------------------------------------------


def test_leiden_has_verbinders_each_with_a_reason(agenda):
    network = collaboration_network(agenda=agenda)

    verbinders = {node.slug: node for node in network.verbinders}
    assert verbinders
    assert all(
        node.reasons and all(reason.strip() for reason in node.reasons) for node in verbinders.values()
    )
    highest = max(network.nodes, key=lambda n: n.betweenness)
    assert "hoogste tussenpositie" in verbinders[highest.slug].reasons
    assert "verbindt 4 thema's" in verbinders["gemeente-leiden"].reasons
    # Nobody who meets none of the rule's parts is called a verbinder.
    for node in network.nodes:
        if node.slug not in verbinders:
            assert node.themes < 3


def make_organisation(name: str, parent=None) -> Organisation:
    slug = name.lower().replace(" ", "-")
    return Organisation.objects.create(name=name, slug=slug, kind=Organisation.Kind.OVERIG, parent=parent)


def make_project(section: Section, key: str, *, leads=(), partners=()) -> Project:
    project = Project.objects.create(
        agenda=section.agenda, section=section, code=key, key=key, slug=key.lower(), title=f"Project {key}"
    )
    for position, organisation in enumerate(leads):
        Participation.objects.create(
            project=project, organisation=organisation, role=Role.TREKKER, position=position
        )
    for position, organisation in enumerate(partners):
        Participation.objects.create(
            project=project, organisation=organisation, role=Role.PARTNER, position=position
        )
    return project


@pytest.fixture
def two_groups():
    """Two triangles, {Alfa, Bravo, Charlie} and {Delta, Echo, Foxtrot}, joined only by Charlie–Delta.

    Charlie and Delta are articulation points and their link is the one bridge. Lab Alfa is a unit
    of Alfa and leads a project of its own with Bravo.
    """
    agenda = Agenda.objects.create(title="Agenda proef", period="2090-2094", slug="proef")
    one = Section.objects.create(agenda=agenda, number="1", title="Een", slug="een", position=1)
    two = Section.objects.create(agenda=agenda, number="2", title="Twee", slug="twee", position=2)
    alfa, bravo, charlie, delta, echo, foxtrot = (
        make_organisation(name) for name in ("Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot")
    )
    lab = make_organisation("Lab Alfa", parent=alfa)
    make_project(one, "1a", leads=[alfa], partners=[bravo, charlie])
    make_project(one, "1b", leads=[lab], partners=[bravo])
    make_project(two, "2a", leads=[delta], partners=[charlie])
    make_project(two, "2b", partners=[delta, echo, foxtrot])
    return agenda


def test_a_known_articulation_point_and_bridge(two_groups):
    network = collaboration_network(agenda=two_groups)

    nodes = {node.slug: node for node in network.nodes}
    assert set(nodes) == {"alfa", "bravo", "charlie", "delta", "echo", "foxtrot"}
    assert (nodes["alfa"].projects, nodes["alfa"].as_trekker, nodes["alfa"].as_partner) == (2, 2, 0)
    edges = pairs(network)
    assert edges["alfa", "bravo"].weight == 2
    assert [pair for pair, edge in edges.items() if edge.is_bridge] == [("charlie", "delta")]
    assert edges["charlie", "delta"].led and not edges["echo", "foxtrot"].led
    assert {n.slug for n in network.verbinders} == {"charlie", "delta"}
    assert "enige verbinding van Alfa en Bravo met de rest van het netwerk" in nodes["charlie"].reasons
    assert "enige verbinding van Echo en Foxtrot met de rest van het netwerk" in nodes["delta"].reasons
    assert nodes["charlie"].betweenness == nodes["delta"].betweenness > nodes["alfa"].betweenness == 0


def test_units_split_off_in_the_known_case(two_groups):
    network = collaboration_network(agenda=two_groups, with_units=True)

    nodes = {node.slug: node for node in network.nodes}
    assert (nodes["alfa"].projects, nodes["lab-alfa"].projects, nodes["lab-alfa"].as_trekker) == (1, 1, 1)
    assert pairs(network)["alfa", "bravo"].weight == 1
    assert pairs(network)["bravo", "lab-alfa"].weight == 1


# --- pictures and JSON ----------------------------------------------------------------------


def test_the_svg_is_valid_xml_with_a_title_a_description_and_every_node(agenda):
    network = collaboration_network(agenda=agenda)

    root = ET.fromstring(network_svg(network, width=800, height=600))

    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert "Samenwerkingsnetwerk" in root.find(f"{SVG}title").text
    assert "Verbinders: Gemeente Leiden" in root.find(f"{SVG}desc").text
    node_groups = [g for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("svg-org-")]
    assert len(node_groups) == len(network.nodes)
    assert len(root.findall(f".//{SVG}polygon")) >= len(network.verbinders)  # the diamonds
    labels = {text.text for text in root.iter(f"{SVG}text")}
    assert {"Gemeente Leiden", "verbinder"} <= labels


def test_the_png_opens_with_pillow(agenda):
    content = network_png(collaboration_network(agenda=agenda), width=600, height=400)

    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "PNG" and image.size == (600, 400)
        # Not a blank picture: the dark fill of the trekkers is there.
        assert image.convert("RGB").getcolors(600 * 400)[0][0] < 600 * 400


URL = reverse("insights:network")


def test_the_json_has_cytoscape_elements_with_positions(client):
    response = client.get(reverse("insights:network_json"), {"agenda": PERIOD})

    assert response.status_code == 200
    data = response.json()
    ids = {node["data"]["id"] for node in data["nodes"]}
    assert "org-gemeente-leiden" in ids
    for node in data["nodes"]:
        assert 0 <= node["position"]["x"] <= data["width"] and 0 <= node["position"]["y"] <= data["height"]
        assert node["data"]["url"] == reverse("organisations:detail", kwargs={"slug": node["data"]["id"][4:]})
    assert all(edge["data"]["source"] in ids and edge["data"]["target"] in ids for edge in data["edges"])
    themed = client.get(reverse("insights:network_json"), {"thema": "cultureel-erfgoed"}).json()
    assert len(themed["nodes"]) < len(data["nodes"])


@pytest.mark.parametrize("name", ["network_json", "network_svg", "network_png"])
def test_the_data_urls_refuse_invalid_filters(client, name):
    assert client.get(reverse(f"insights:{name}"), {"thema": "bestaat-niet"}).status_code == 400


@pytest.mark.parametrize(
    ("name", "content_type"), [("network_svg", "image/svg+xml"), ("network_png", "image/png")]
)
def test_the_downloads_are_attachments_with_the_filters_in_their_name(client, name, content_type):
    response = client.get(reverse(f"insights:{name}"), {"thema": "cultureel-erfgoed", "afdelingen": "on"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    extension = name.removeprefix("network_")
    assert response["Content-Disposition"] == (
        f'attachment; filename="netwerk-{PERIOD}-cultureel-erfgoed-onderdelen.{extension}"'
    )


# --- the page -------------------------------------------------------------------------------


def table_rows(html: str) -> list[str]:
    table = re.search(r'<table[^>]*id="network-table".*?</table>', html, re.S).group(0)
    return re.findall(r"<tr>.*?</tr>", table.split("<tbody>")[1], re.S)


def test_the_page_shows_the_graph_the_verbinders_and_a_row_per_organisation(client, agenda):
    network = collaboration_network(agenda=agenda)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.text
    rows = table_rows(html)
    assert len(rows) == len(network.nodes)
    for node in network.nodes:
        assert f'href="{reverse("organisations:detail", kwargs={"slug": node.slug})}"' in html
    assert 'id="network-graph"' in html and "<svg" in html  # the server picture, before any script
    assert 'data-src="/netwerk/netwerk.json?agenda=2023-2027"' in html
    assert "vendor/cytoscape/cytoscape.min.js" in html and "<script>" not in html
    verbinders = re.search(r'<ul class="verbinder-list">.*?</ul>', html, re.S).group(0)
    assert verbinders.count("<li>") == len(network.verbinders)
    assert "hoogste tussenpositie" in verbinders
    assert "<caption>" in html and 'scope="col"' in html
    assert f"/netwerk/netwerk.png?agenda={PERIOD}" in html and f"/netwerk/netwerk.svg?agenda={PERIOD}" in html


def test_the_page_filters_by_theme_and_shows_units(client, agenda):
    themed = client.get(URL, {"agenda": PERIOD, "thema": "cultureel-erfgoed"})
    units = client.get(URL, {"afdelingen": "on"})

    section = Section.objects.get(slug="cultureel-erfgoed")
    assert len(table_rows(themed.text)) == len(collaboration_network(agenda=agenda, section=section).nodes)
    assert "thema=cultureel-erfgoed" in themed.text
    assert '<option value="cultureel-erfgoed" selected>' in themed.text
    assert "Faculteit der Sociale Wetenschappen" in units.text
    assert len(table_rows(units.text)) == len(collaboration_network(agenda=agenda, with_units=True).nodes)


def test_invalid_filters_show_an_error_not_a_crash(client, agenda):
    response = client.get(URL, {"agenda": "1999-2003", "thema": "bestaat-niet", "afdelingen": "on"})

    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert set(response.context["form"].errors) == {"agenda", "thema"}
    # The whole current agenda is shown instead, and says so.
    assert len(table_rows(response.text)) == len(collaboration_network(agenda=agenda).nodes)


def test_a_theme_of_another_agenda_is_refused(client, two_groups):
    response = client.get(URL, {"agenda": PERIOD, "thema": "een"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"thema"}
    assert client.get(URL, {"agenda": "2090-2094", "thema": "een"}).context["form"].is_valid()


def test_the_page_says_so_when_there_is_no_agenda(client):
    Project.objects.all().delete()
    Agenda.objects.all().delete()

    response = client.get(URL)

    assert response.status_code == 200
    assert "Er is nog geen agenda." in response.text
    assert client.get(reverse("insights:network_png")).status_code == 400


def test_the_page_names_the_bridges_and_the_verbinders_of_the_known_case(client, two_groups):
    response = client.get(URL, {"agenda": "2090-2094"})

    bridges = re.search(r'<ul class="bridge-list">.*?</ul>', response.text, re.S).group(0)
    assert re.sub(r"<[^>]+>", "", bridges).split() == ["Charlie", "–", "Delta", "(1", "gedeeld", "project)"]
    verbinders = re.search(r'<ul class="verbinder-list">.*?</ul>', response.text, re.S).group(0)
    assert "enige verbinding van Alfa en Bravo met de rest van het netwerk" in verbinders
    data = client.get(reverse("insights:network_json"), {"agenda": "2090-2094"}).json()
    assert [e["data"]["id"] for e in data["edges"] if "bridge" in e["classes"]] == ["org-charlie--org-delta"]


def test_an_agenda_without_participants_gives_an_empty_network_and_pictures(client, two_groups):
    empty = Agenda.objects.create(title="Agenda leeg", period="2095-2099", slug="leeg")

    network = collaboration_network(agenda=empty)

    assert (network.nodes, network.edges, network.verbinders, network.project_count) == ([], [], [], 0)
    assert ET.fromstring(network_svg(network)).find(f"{SVG}title") is not None
    assert Image.open(io.BytesIO(network_png(network, width=300, height=200))).size == (300, 200)
    response = client.get(URL, {"agenda": "2095-2099"})
    assert (
        response.status_code == 200 and "Geen organisaties met projecten in deze selectie." in response.text
    )


def test_the_cached_network_follows_changes_to_its_data(agenda, django_assert_max_num_queries):
    before = cached_collaboration_network(agenda=agenda)
    # Unchanged data: only the three version queries, no rebuild.
    with django_assert_max_num_queries(3):
        again = cached_collaboration_network(agenda=agenda)
    assert [(n.slug, n.projects) for n in again.nodes] == [(n.slug, n.projects) for n in before.nodes]

    newcomer = Organisation.objects.create(name="Stichting Nieuwkomer", slug="stichting-nieuwkomer")
    project = Project.objects.filter(agenda=agenda).order_by("position").first()
    Participation.objects.create(project=project, organisation=newcomer, role=Role.PARTNER, position=99)
    after = cached_collaboration_network(agenda=agenda)
    assert "stichting-nieuwkomer" in {node.slug for node in after.nodes}

    Participation.objects.filter(organisation=newcomer).delete()
    assert "stichting-nieuwkomer" not in {
        node.slug for node in cached_collaboration_network(agenda=agenda).nodes
    }

    # Kinds and reasons are words: each language has its own entry.
    with translation.override("en"):
        english = cached_collaboration_network(agenda=agenda)
    assert english.nodes[0].kind_label == "municipality"
    assert cached_collaboration_network(agenda=agenda).nodes[0].kind_label == "gemeente"
