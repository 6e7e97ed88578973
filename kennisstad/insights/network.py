"""The collaboration network of an agenda: who works with whom, and who connects the rest.

Organisations are nodes (units count for their organisation unless ``with_units``), two
organisations are linked when they share a project, and the link weighs the number of
projects they share. The network is built from one query over the agenda's participations,
so it costs the same two queries for 58 projects or for 5,800.

*Verbinders* follow one small rule, defined here and nowhere else (see ``_verbinder_reasons``):

1. an articulation point: without it a group of organisations loses its only link to the rest;
2. one of the ``TOP_BETWEENNESS`` highest betweenness scores, if at least ``MIN_BETWEENNESS``
   (it lies on many of the shortest paths between other organisations);
3. on the whole agenda (no theme filter), taking part in at least ``MIN_THEMES`` themes.
"""

from __future__ import annotations

import io
import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from xml.sax.saxutils import escape

import networkx as nx
import numpy as np
from django.core.cache import cache
from django.db.models import Count, F, Max
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Agenda, Participation, Project, Role, Section
from kennisstad.portfolio.selectors import root_of_participant

MIN_THEMES = 3
TOP_BETWEENNESS = 3
MIN_BETWEENNESS = 0.05
# Any fixed seed gives a fixed picture; this one spreads the Leiden network evenly.
LAYOUT_SEED = 20
LAYOUT_ITERATIONS = 200
# A cached network is rebuilt when its data changes (see _data_version) and at the latest after this.
CACHE_SECONDS = 15 * 60
# Labels for the largest nodes (and every verbinder) keep the picture readable.
LABELLED_NODES = 14

FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
INK = "#1b1b1b"
BRAND = "#123c69"
LIGHT = "#d4e5f7"
EDGE_LED = "#4a4a4a"
EDGE_PARTNER = "#6b7785"


@dataclass
class NetworkNode:
    id: int
    slug: str
    name: str
    kind: str
    kind_label: str
    url: str
    projects: int
    as_trekker: int  # projects it (or one of its units) leads
    as_partner: int  # projects it (or one of its units) is partner in
    themes: int
    degree: int = 0
    betweenness: float = 0.0
    reasons: list[str] = field(default_factory=list)
    x: float = 0.5
    y: float = 0.5

    @property
    def is_verbinder(self) -> bool:
        return bool(self.reasons)

    @property
    def element_id(self) -> str:
        return f"org-{self.slug}"

    @property
    def trekker_share(self) -> float:
        """The share of its projects it leads: the dark slice of its circle."""
        return self.as_trekker / self.projects if self.projects else 0.0

    @property
    def reasons_text(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class NetworkEdge:
    source: NetworkNode
    target: NetworkNode
    weight: int  # shared projects
    led: bool  # one of the two leads at least one of the shared projects
    is_bridge: bool = False


@dataclass
class CollaborationNetwork:
    agenda: Agenda
    section: Section | None
    with_units: bool
    project_count: int
    nodes: list[NetworkNode]  # most projects first
    edges: list[NetworkEdge]  # heaviest first

    @property
    def verbinders(self) -> list[NetworkNode]:
        return [node for node in self.nodes if node.is_verbinder]

    @property
    def bridges(self) -> list[NetworkEdge]:
        """Links without which the network falls apart: the only tie of an organisation or group."""
        return [edge for edge in self.edges if edge.is_bridge]

    def strongest_links(self, limit: int = 15) -> list[NetworkEdge]:
        return self.edges[:limit]

    @property
    def scope(self) -> str:
        """What the picture shows, in words: the agenda, the theme, units or not."""
        parts = [self.agenda.title, str(self.section) if self.section else _("alle thema's")]
        if self.with_units:
            parts.append(_("onderdelen apart"))
        return ", ".join(parts)

    @property
    def summary(self) -> str:
        return ngettext(
            "%(nodes)s organisatie, %(edges)s samenwerkingsverbinding, %(projects)s projecten",
            "%(nodes)s organisaties, %(edges)s samenwerkingsverbindingen, %(projects)s projecten",
            len(self.nodes),
        ) % {"nodes": len(self.nodes), "edges": len(self.edges), "projects": self.project_count}


# ---------------------------------------------------------------------------
# Building the network


def collaboration_network(
    *, agenda: Agenda, section: Section | None = None, with_units: bool = False
) -> CollaborationNetwork:
    participations = Participation.objects.filter(project__agenda=agenda).order_by()
    if section is not None:
        participations = participations.filter(project__section=section)
    node_of = F("organisation_id") if with_units else root_of_participant()
    rows = (
        participations.annotate(node=node_of)
        .values_list("project_id", "project__section_id", "node", "role")
        .distinct()
    )

    projects: dict[int, set[int]] = defaultdict(set)
    led: dict[int, set[int]] = defaultdict(set)
    partnered: dict[int, set[int]] = defaultdict(set)
    sections: dict[int, set[int]] = defaultdict(set)
    # project -> node -> whether that node leads the project
    members: dict[int, dict[int, bool]] = defaultdict(dict)
    for project_id, section_id, node_id, role in rows:
        projects[node_id].add(project_id)
        sections[node_id].add(section_id)
        leads = role == Role.TREKKER
        (led if leads else partnered)[node_id].add(project_id)
        members[project_id][node_id] = members[project_id].get(node_id, False) or leads

    organisations = Organisation.objects.only("name", "slug", "kind").in_bulk(list(projects))
    nodes = {
        pk: NetworkNode(
            id=pk,
            slug=organisation.slug,
            name=organisation.name,
            kind=organisation.kind,
            kind_label=str(Organisation.Kind(organisation.kind).label),
            url=organisation.get_absolute_url(),
            projects=len(projects[pk]),
            as_trekker=len(led[pk]),
            as_partner=len(partnered[pk]),
            themes=len(sections[pk]),
        )
        for pk, organisation in organisations.items()
    }

    weights: dict[tuple[int, int], int] = defaultdict(int)
    led_pairs: set[tuple[int, int]] = set()
    for leads_by_node in members.values():
        for a, b in combinations(sorted(leads_by_node), 2):
            weights[a, b] += 1
            if leads_by_node[a] or leads_by_node[b]:
                led_pairs.add((a, b))
    edges = [
        NetworkEdge(nodes[a], nodes[b], weight, (a, b) in led_pairs) for (a, b), weight in weights.items()
    ]

    _analyse(list(nodes.values()), edges, theme_rule=section is None)
    return CollaborationNetwork(
        agenda=agenda,
        section=section,
        with_units=with_units,
        project_count=len(members),
        nodes=sorted(nodes.values(), key=lambda n: (-n.projects, n.name.casefold(), n.slug)),
        edges=sorted(edges, key=lambda e: (-e.weight, e.source.name.casefold(), e.target.name.casefold())),
    )


def _data_version(agenda: Agenda) -> str:
    """Changes whenever anything the network is built from changes: participations, projects, organisations.

    Participations are only ever added and deleted (imports replace them), so their count and highest
    id change with them; projects and organisations carry their last change.
    """
    participations = Participation.objects.filter(project__agenda=agenda).aggregate(
        n=Count("pk"), top=Max("pk")
    )
    projects = Project.objects.filter(agenda=agenda).aggregate(n=Count("pk"), changed=Max("updated_at"))
    organisations = Organisation.objects.aggregate(n=Count("pk"), changed=Max("updated_at"))
    return "|".join(
        str(value)
        for value in (
            participations["n"],
            participations["top"],
            projects["n"],
            projects["changed"] and projects["changed"].timestamp(),
            organisations["n"],
            organisations["changed"] and organisations["changed"].timestamp(),
        )
    )


def cached_collaboration_network(
    *, agenda: Agenda, section: Section | None = None, with_units: bool = False
) -> CollaborationNetwork:
    """``collaboration_network`` from the cache while its data is unchanged.

    The layout and betweenness dominate the cost on a large agenda, and the page, the SVG, the PNG
    and the JSON of one filter are asked for one after the other. The reasons are words, so the
    language is part of the key.
    """
    key = "insights:network:" + ":".join(
        str(part)
        for part in (
            agenda.pk,
            section.pk if section else "-",
            int(with_units),
            get_language(),
            _data_version(agenda),
        )
    )
    network = cache.get(key)
    if network is None:
        network = collaboration_network(agenda=agenda, section=section, with_units=with_units)
        cache.set(key, network, CACHE_SECONDS)
    return network


def _stable(node: NetworkNode) -> tuple[str, str]:
    """Node order by name, not by database id: the same agenda gives the same layout on any database."""
    return (node.name.casefold(), node.slug)


def _analyse(nodes: list[NetworkNode], edges: list[NetworkEdge], *, theme_rule: bool) -> None:
    graph = nx.Graph()
    for node in sorted(nodes, key=_stable):
        graph.add_node(node.slug)
    for edge in sorted(edges, key=lambda e: sorted([_stable(e.source), _stable(e.target)])):
        # Attraction grows with shared projects, but slowly: on a large agenda weights run
        # into the hundreds and would otherwise pull everything into one point.
        graph.add_edge(edge.source.slug, edge.target.slug, pull=1 + math.log(edge.weight))

    bridges = {frozenset(pair) for pair in nx.bridges(graph)}
    for edge in edges:
        edge.is_bridge = frozenset((edge.source.slug, edge.target.slug)) in bridges
    # Betweenness on hops: one shared project is a connection all the same.
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    for node in nodes:
        node.degree = graph.degree(node.slug)
        node.betweenness = betweenness[node.slug]

    by_slug = {node.slug: node for node in nodes}
    _verbinder_reasons(graph, by_slug, theme_rule=theme_rule)
    _layout(graph, by_slug)


def _verbinder_reasons(graph: nx.Graph, by_slug: dict[str, NetworkNode], *, theme_rule: bool) -> None:
    """The verbinder rule (see the module docstring): each node that meets it gets the reasons in words."""
    for slug in sorted(nx.articulation_points(graph)):
        cut_off = _groups_cut_off(graph, slug)
        names = sorted(
            (by_slug[s] for group in cut_off for s in group), key=lambda n: (-n.projects, _stable(n))
        )
        by_slug[slug].reasons.append(
            _("enige verbinding van %(names)s met de rest van het netwerk") % {"names": _name_list(names)}
        )

    ranked = sorted(by_slug.values(), key=lambda n: (-n.betweenness, _stable(n)))
    for rank, node in enumerate(ranked[:TOP_BETWEENNESS], start=1):
        if node.betweenness < MIN_BETWEENNESS:
            break
        if rank == 1:
            node.reasons.append(_("hoogste tussenpositie"))
        else:
            node.reasons.append(_("een van de %(count)s hoogste tussenposities") % {"count": TOP_BETWEENNESS})

    if theme_rule:
        for node in ranked:
            if node.themes >= MIN_THEMES:
                node.reasons.append(_("verbindt %(count)s thema's") % {"count": node.themes})


def verbinder_rule() -> str:
    """The rule in words, for readers of the page and the report."""
    return _(
        "Een verbinder is de enige verbinding van een groep organisaties met de rest van het netwerk, "
        "ligt op veel kortste verbindingen tussen anderen (een van de %(top)s hoogste tussenposities), "
        "of werkt in %(themes)s of meer thema's."
    ) % {"top": TOP_BETWEENNESS, "themes": MIN_THEMES}


def _groups_cut_off(graph: nx.Graph, slug: str) -> list[set[str]]:
    """The groups that lose their connection when this node goes: all but the largest remaining part."""
    component = nx.node_connected_component(graph, slug) - {slug}
    parts = sorted(
        nx.connected_components(graph.subgraph(component)), key=lambda part: (-len(part), sorted(part))
    )
    return parts[1:]


def _name_list(nodes: list[NetworkNode], shown: int = 3) -> str:
    names = [node.name for node in nodes[:shown]]
    rest = len(nodes) - len(names)
    if rest:
        return ngettext("%(names)s en %(count)s andere", "%(names)s en %(count)s andere", rest) % {
            "names": ", ".join(names),
            "count": rest,
        }
    if len(names) == 1:
        return names[0]
    return _("%(names)s en %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def _labelled(nodes: list[NetworkNode]) -> set[str]:
    """The nodes whose names the pictures show: the largest, and every verbinder."""
    largest = sorted(nodes, key=lambda n: (-n.projects, _stable(n)))[:LABELLED_NODES]
    return {node.slug for node in largest} | {node.slug for node in nodes if node.is_verbinder}


def _layout(graph: nx.Graph, by_slug: dict[str, NetworkNode]) -> None:
    """Fixed-seed spring layout, spread so that nodes do not overlap, in the unit square (y down)."""
    if not graph:
        return
    positions = nx.spring_layout(graph, seed=LAYOUT_SEED, weight="pull", iterations=LAYOUT_ITERATIONS)
    slugs = list(positions)
    points = np.array([positions[slug] for slug in slugs], dtype=float)
    points[:, 1] *= -1  # screen coordinates: y grows downwards
    max_projects = max(node.projects for node in by_slug.values())
    labelled = _labelled(list(by_slug.values()))
    # Room for the node's shape, and a little more under a label.
    radii = np.array(
        [
            node_radius(by_slug[slug], max_projects) * (1.55 if by_slug[slug].is_verbinder else 1)
            + (10 if slug in labelled else 4)
            for slug in slugs
        ]
    )
    points = _spread(_to_box(points), radii)
    for slug, (x, y) in zip(slugs, _unit(points), strict=True):
        by_slug[slug].x, by_slug[slug].y = round(float(x), 4), round(float(y), 4)


# The layout is made on a reference canvas of this size; pictures of other sizes scale it.
LAYOUT_BOX = np.array([900.0, 560.0])


def _unit(points: np.ndarray) -> np.ndarray:
    low, span = points.min(axis=0), np.ptp(points, axis=0)
    span[span == 0] = 1.0
    result = (points - low) / span
    result[:, np.ptp(points, axis=0) == 0] = 0.5
    return result


def _to_box(points: np.ndarray) -> np.ndarray:
    """Into the reference canvas, the crowded centre widened: distances from the centre to the power 0.7."""
    centred = _unit(points) - 0.5
    distance = np.linalg.norm(centred, axis=1, keepdims=True)
    widened = np.where(distance > 0, centred / np.where(distance > 0, distance, 1) * distance**0.7, 0)
    return (_unit(widened) if len(points) > 1 else widened + 0.5) * LAYOUT_BOX


def _spread(points: np.ndarray, radii: np.ndarray, rounds: int = 120) -> np.ndarray:
    """Push overlapping nodes apart (each pair by half the overlap), a fixed number of rounds: deterministic."""
    count = len(points)
    if count < 2:
        return points
    # Where two nodes sit on the same point, a fixed direction per pair of indices separates them.
    fallback = np.stack([np.cos(np.arange(count)), np.sin(np.arange(count))], axis=1)
    needed = radii[:, None] + radii[None, :]
    np.fill_diagonal(needed, 0)
    for _round in range(rounds):
        delta = points[:, None, :] - points[None, :, :]
        distance = np.linalg.norm(delta, axis=2)
        overlap = needed - distance
        np.fill_diagonal(overlap, 0)
        if (overlap <= 0.01).all():
            break
        direction = np.where(
            distance[:, :, None] > 1e-9,
            delta / np.where(distance > 1e-9, distance, 1)[:, :, None],
            fallback[:, None, :] - fallback[None, :, :],
        )
        points = points + (direction * (np.clip(overlap, 0, None) / 2)[:, :, None]).sum(axis=1)
        points = np.clip(points, 0, LAYOUT_BOX)
    return points


# ---------------------------------------------------------------------------
# Drawing: one geometry for the SVG, the PNG and the interactive graph


@dataclass
class _Shape:
    node: NetworkNode
    cx: float
    cy: float
    r: float
    label: bool  # a candidate for a name in the picture
    label_y: float | None = None  # the name's baseline; None when it would cover another name
    label_above: bool = False

    @property
    def outer(self) -> float:
        """The radius of what is drawn: the diamond around a verbinder reaches further."""
        return self.r * (1.55 if self.node.is_verbinder else 1)


@dataclass
class _Geometry:
    width: int
    height: int
    shapes: list[_Shape]
    lines: list[tuple[_Shape, _Shape, float, NetworkEdge]]  # from, to, stroke width, edge
    plot_bottom: float


LEGEND_HEIGHT = 80
MARGIN = 48


def node_radius(node: NetworkNode, max_projects: int, scale: float = 1.0) -> float:
    """Area grows with the number of projects."""
    return scale * (5 + 17 * math.sqrt(node.projects / max_projects)) if max_projects else 5 * scale


def edge_width(edge: NetworkEdge, max_weight: int, scale: float = 1.0) -> float:
    """Relative to the heaviest link, so a ten times larger agenda gives the same picture."""
    return scale * (0.8 + 7 * edge.weight / max_weight)


def _geometry(
    network: CollaborationNetwork, width: int, height: int, scale: float = 1.0, legend: bool = True
) -> _Geometry:
    margin = MARGIN * scale
    plot_bottom = height - (LEGEND_HEIGHT * scale if legend else 0)
    max_projects = max((node.projects for node in network.nodes), default=0)
    labelled = _labelled(network.nodes)
    max_weight = network.edges[0].weight if network.edges else 1
    shapes = {
        node.slug: _Shape(
            node,
            margin + node.x * (width - 2 * margin),
            margin + node.y * (plot_bottom - 2 * margin),
            node_radius(node, max_projects, scale),
            node.slug in labelled,
        )
        for node in network.nodes
    }
    # Light links first, so heavy ones stay on top.
    lines = [
        (shapes[e.source.slug], shapes[e.target.slug], edge_width(e, max_weight, scale), e)
        for e in reversed(network.edges)
    ]
    _place_labels(list(shapes.values()), scale)
    return _Geometry(width, height, list(shapes.values()), lines, plot_bottom)


LABEL_SIZE = 12


def _place_labels(shapes: list[_Shape], scale: float) -> None:
    """Each candidate's name under its node, else above it, else not at all (the tables have every name).

    The largest nodes go first; the width of a name is estimated from its length, which is
    close enough for DejaVu Sans and keeps the SVG and the PNG alike.
    """
    size = LABEL_SIZE * scale
    taken: list[tuple[float, float, float, float]] = []
    for shape in sorted(shapes, key=lambda sh: (-sh.node.projects, _stable(sh.node))):
        if not shape.label:
            continue
        half = 0.3 * size * len(shape.node.name)
        for above, baseline in (
            (False, shape.cy + shape.outer + 4 * scale + 0.8 * size),
            (True, shape.cy - shape.outer - 4 * scale),
        ):
            box = (shape.cx - half, baseline - 0.8 * size, shape.cx + half, baseline + 0.25 * size)
            if not any(_overlap(box, other) for other in taken):
                taken.append(box)
                shape.label_y, shape.label_above = baseline, above
                break


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def picture_title(network: CollaborationNetwork) -> str:
    return _("Samenwerkingsnetwerk — %(scope)s") % {"scope": network.scope}


def picture_description(network: CollaborationNetwork) -> str:
    verbinders = ", ".join(node.name for node in network.verbinders) or _("geen")
    return " ".join(
        [
            _(
                "Organisaties als cirkels, groter naarmate ze aan meer projecten meedoen; het donkere deel "
                "is het aandeel projecten waarin ze trekker zijn. Een lijn verbindt organisaties met een "
                "gemeenschappelijk project, dikker bij meer gedeelde projecten; doorgetrokken als een van "
                "beide een gedeeld project trekt, gestippeld als ze alleen samen partner zijn. Verbinders "
                "staan in een ruit."
            ),
            network.summary + ".",
            _("Verbinders: %(names)s.") % {"names": verbinders},
        ]
    )


LEGEND_SHARES = {"full": 1.0, "half": 0.5, "none": 0.0}


def _legend_slots(geometry: _Geometry, s: float) -> list[tuple[str, str, float, float]]:
    """The legend in two rows under the picture: (kind, label, x, y) in the picture's coordinates."""
    rows = [
        [
            ("full", _("trekker in al zijn projecten")),
            ("half", _("trekker in de helft")),
            ("none", _("alleen partner")),
            ("verbinder", _("verbinder")),
        ],
        [
            ("led", _("een van beide trekt een gedeeld project")),
            ("partner", _("alleen samen partner")),
            ("note", _("Grootte: aantal projecten. Lijndikte: gedeelde projecten.")),
        ],
    ]
    step = (geometry.width - 2 * MARGIN * s) / 4
    slots = []
    for row_index, row in enumerate(rows):
        y = geometry.plot_bottom + (24 + 28 * row_index) * s
        x = MARGIN * s
        for kind, label in row:
            slots.append((kind, label, x, y))
            x += step * (1.5 if kind == "led" else 1)
    return slots


def _pie_path(cx: float, cy: float, r: float, share: float) -> str:
    angle = 2 * math.pi * share
    x, y = cx + r * math.sin(angle), cy - r * math.cos(angle)
    large = 1 if share > 0.5 else 0
    return f"M{cx:.1f},{cy:.1f} L{cx:.1f},{cy - r:.1f} A{r:.1f},{r:.1f} 0 {large} 1 {x:.1f},{y:.1f} Z"


def _svg_node(cx: float, cy: float, r: float, share: float, verbinder: bool) -> list[str]:
    parts = []
    if verbinder:
        d = r * 1.55
        points = f"{cx:.1f},{cy - d:.1f} {cx + d:.1f},{cy:.1f} {cx:.1f},{cy + d:.1f} {cx - d:.1f},{cy:.1f}"
        parts.append(f'<polygon points="{points}" fill="#fff" stroke="{INK}" stroke-width="2.5"/>')
    parts.append(
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{LIGHT}" stroke="{BRAND}" stroke-width="1.5"/>'
    )
    if share >= 0.999:
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{BRAND}"/>')
    elif share > 0:
        parts.append(f'<path d="{_pie_path(cx, cy, r, share)}" fill="{BRAND}"/>')
    return parts


def network_svg(
    network: CollaborationNetwork,
    *,
    width: int = 960,
    height: int = 680,
    legend: bool = True,
) -> str:
    """A self-contained SVG picture of the network, with title, description, labels and legend.

    ``legend=False`` leaves the legend out, for the web page, which has its legend in HTML.
    Nodes are not links: the picture is one image to assistive technology, and the page's
    table links every organisation.
    """
    geometry = _geometry(network, width, height, legend=legend)
    title, desc = escape(picture_title(network)), escape(picture_description(network))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="network-svg-title network-svg-desc" '
        'font-family="DejaVu Sans, Verdana, sans-serif">',
        f'<title id="network-svg-title">{title}</title>',
        f'<desc id="network-svg-desc">{desc}</desc>',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        '<g class="edges" fill="none">',
    ]
    for a, b, stroke, edge in geometry.lines:
        colour = EDGE_LED if edge.led else EDGE_PARTNER
        dash = "" if edge.led else ' stroke-dasharray="5 4"'
        out.append(
            f'<line x1="{a.cx:.1f}" y1="{a.cy:.1f}" x2="{b.cx:.1f}" y2="{b.cy:.1f}" stroke="{colour}" '
            f'stroke-opacity="0.55" stroke-width="{stroke:.1f}"{dash}/>'
        )
    out.append("</g>")
    out.append('<g class="nodes">')
    for shape in sorted(geometry.shapes, key=lambda s: -s.r):
        node = shape.node
        tooltip = escape(
            _("%(name)s: %(projects)s projecten, %(leads)s als trekker")
            % {"name": node.name, "projects": node.projects, "leads": node.as_trekker}
        )
        body = "".join(_svg_node(shape.cx, shape.cy, shape.r, node.trekker_share, node.is_verbinder))
        out.append(f'<g id="svg-{escape(node.element_id)}"><title>{tooltip}</title>{body}</g>')
    out.append("</g>")
    # A white halo under each label: drawn as a separate text, because not every SVG renderer
    # (WeasyPrint's, for one) knows paint-order.
    labels = [
        (shape.cx, shape.label_y, escape(shape.node.name))
        for shape in geometry.shapes
        if shape.label_y is not None
    ]
    out.append(f'<g class="labels" font-size="{LABEL_SIZE}" text-anchor="middle">')
    for x, y, name in labels:
        out.append(
            f'<text x="{x:.1f}" y="{y:.1f}" fill="#fff" stroke="#fff" stroke-width="3" '
            f'stroke-linejoin="round" aria-hidden="true">{name}</text>'
        )
    for x, y, name in labels:
        out.append(f'<text x="{x:.1f}" y="{y:.1f}" fill="{INK}">{name}</text>')
    out.append("</g>")
    if legend:
        out.append(_svg_legend(geometry))
    out.append("</svg>")
    return "\n".join(out)


def _svg_legend(geometry: _Geometry) -> str:
    out = [
        f'<g class="legend" font-size="12" fill="{INK}">',
        f'<line x1="{MARGIN}" y1="{geometry.plot_bottom:.1f}" x2="{geometry.width - MARGIN}" '
        f'y2="{geometry.plot_bottom:.1f}" stroke="#c9d1dc"/>',
    ]
    for kind, label, x, y in _legend_slots(geometry, 1):
        if kind in LEGEND_SHARES:
            out += _svg_node(x + 8, y, 8, LEGEND_SHARES[kind], False)
        elif kind == "verbinder":
            out += _svg_node(x + 8, y, 6, 0.5, True)
        elif kind in ("led", "partner"):
            dash = "" if kind == "led" else ' stroke-dasharray="5 4"'
            colour = EDGE_LED if kind == "led" else EDGE_PARTNER
            out.append(
                f'<line x1="{x}" y1="{y}" x2="{x + 20}" y2="{y}" stroke="{colour}" stroke-width="3"{dash}/>'
            )
        out.append(f'<text x="{x + (0 if kind == "note" else 26)}" y="{y + 4}">{escape(label)}</text>')
    out.append("</g>")
    return "\n".join(out)


def _font(size: int):
    from PIL import ImageFont

    if FONT_PATH.exists():
        return ImageFont.truetype(str(FONT_PATH), size)
    return ImageFont.load_default(size)


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _png_node(draw, cx: float, cy: float, r: float, share: float, verbinder: bool, s: float) -> None:
    if verbinder:
        d = r * 1.55
        draw.polygon(
            [(cx, cy - d), (cx + d, cy), (cx, cy + d), (cx - d, cy)],
            fill="#ffffff",
            outline=INK,
            width=round(2.5 * s),
        )
    box = [cx - r, cy - r, cx + r, cy + r]
    draw.ellipse(box, fill=LIGHT)
    if share >= 0.999:
        draw.ellipse(box, fill=BRAND)
    elif share > 0:
        # Pillow measures angles clockwise from 3 o'clock; the slice starts at 12.
        draw.pieslice(box, -90, -90 + 360 * share, fill=BRAND)
    draw.ellipse(box, outline=BRAND, width=max(1, round(1.5 * s)))


def network_png(network: CollaborationNetwork, *, width: int = 1200, height: int = 850) -> bytes:
    """The same picture as ``network_svg`` as a PNG, drawn at twice the size and scaled down for smooth edges."""
    from PIL import Image, ImageDraw

    s = 2
    geometry = _geometry(network, width * s, height * s, scale=s)
    image = Image.new("RGB", (width * s, height * s), "#ffffff")
    draw = ImageDraw.Draw(image, "RGBA")
    for a, b, stroke, edge in geometry.lines:
        colour = (*_hex(EDGE_LED if edge.led else EDGE_PARTNER), 140)
        if edge.led:
            draw.line([(a.cx, a.cy), (b.cx, b.cy)], fill=colour, width=max(1, round(stroke)))
        else:
            _dashed_line(draw, (a.cx, a.cy), (b.cx, b.cy), colour, max(1, round(stroke)), 10 * s, 8 * s)
    for shape in sorted(geometry.shapes, key=lambda sh: -sh.r):
        _png_node(draw, shape.cx, shape.cy, shape.r, shape.node.trekker_share, shape.node.is_verbinder, s)
    label_font = _font(LABEL_SIZE * s)
    for shape in geometry.shapes:
        if shape.label_y is not None:
            draw.text(
                (shape.cx, shape.label_y),
                shape.node.name,
                font=label_font,
                fill=INK,
                anchor="ms",
                stroke_width=3 * s // 2,
                stroke_fill="#ffffff",
            )
    _png_legend(draw, geometry, s)
    image = image.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _dashed_line(draw, start, end, colour, width: int, dash: float, gap: float) -> None:
    (x1, y1), (x2, y2) = start, end
    length = math.hypot(x2 - x1, y2 - y1)
    if not length:
        return
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    position = 0.0
    while position < length:
        stop = min(position + dash, length)
        draw.line(
            [(x1 + ux * position, y1 + uy * position), (x1 + ux * stop, y1 + uy * stop)],
            fill=colour,
            width=width,
        )
        position = stop + gap


def _png_legend(draw, geometry: _Geometry, s: int) -> None:
    font = _font(12 * s)
    draw.line(
        [(MARGIN * s, geometry.plot_bottom), (geometry.width - MARGIN * s, geometry.plot_bottom)],
        fill="#c9d1dc",
        width=s,
    )
    for kind, label, x, y in _legend_slots(geometry, s):
        if kind in LEGEND_SHARES:
            _png_node(draw, x + 8 * s, y, 8 * s, LEGEND_SHARES[kind], False, s)
        elif kind == "verbinder":
            _png_node(draw, x + 8 * s, y, 6 * s, 0.5, True, s)
        elif kind == "led":
            draw.line([(x, y), (x + 20 * s, y)], fill=EDGE_LED, width=3 * s)
        elif kind == "partner":
            _dashed_line(draw, (x, y), (x + 20 * s, y), EDGE_PARTNER, 3 * s, 5 * s, 4 * s)
        draw.text((x + (0 if kind == "note" else 26 * s), y), label, font=font, fill=INK, anchor="lm")


# ---------------------------------------------------------------------------
# The interactive graph's data


def network_elements(network: CollaborationNetwork, *, width: int = 960, height: int = 680) -> dict:
    """Cytoscape elements with preset positions (the same as the pictures), as plain JSON data."""
    geometry = _geometry(network, width, height, legend=False)
    nodes = [
        {
            "data": {
                "id": shape.node.element_id,
                "label": shape.node.name,
                "url": shape.node.url,
                "projects": shape.node.projects,
                "asTrekker": shape.node.as_trekker,
                "asPartner": shape.node.as_partner,
                "trekkerShare": round(100 * shape.node.trekker_share),
                "degree": shape.node.degree,
                "betweenness": round(shape.node.betweenness, 4),
                "verbinder": shape.node.is_verbinder,
                "reasons": shape.node.reasons,
                "size": round(2 * shape.r, 1),
            },
            "position": {"x": round(shape.cx, 1), "y": round(shape.cy, 1)},
            "classes": " ".join(
                ["verbinder" if shape.node.is_verbinder else "organisatie"]
                + (["labelled"] if shape.label_y is not None else [])
                + (["label-above"] if shape.label_above else [])
            ),
        }
        for shape in geometry.shapes
    ]
    edges = [
        {
            "data": {
                "id": f"{edge.source.element_id}--{edge.target.element_id}",
                "source": edge.source.element_id,
                "target": edge.target.element_id,
                "weight": edge.weight,
                "led": edge.led,
                "bridge": edge.is_bridge,
                "width": round(stroke, 1),
            },
            "classes": ("led" if edge.led else "partner") + (" bridge" if edge.is_bridge else ""),
        }
        for _a, _b, stroke, edge in geometry.lines
    ]
    return {"width": width, "height": height, "nodes": nodes, "edges": edges}
