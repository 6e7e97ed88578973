"""Reads of organisations for importers and pages."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from kennisstad.ingest.cells import AliasIndex
from kennisstad.portfolio.models import Participation, Role
from kennisstad.portfolio.selectors import (
    current_agenda,
    project_cards,
    projects_with_people,
    root_of_participant,
)

from .models import Alias, NonOrganisationTerm, Organisation


def alias_index() -> AliasIndex:
    """Every written form the platform knows, canonical names included, as one lookup."""
    organisations = list(Organisation.objects.select_related("parent"))
    entries = [(o.name, o.name, o.parent.name if o.parent else None) for o in organisations]
    entries += [
        (
            alias.text,
            alias.organisation.name,
            alias.organisation.parent.name if alias.organisation.parent else None,
        )
        for alias in Alias.objects.select_related("organisation__parent")
    ]
    return AliasIndex.from_entries(entries)


def non_organisation_terms() -> set[str]:
    """Normalised forms of words known not to be organisations."""
    return set(NonOrganisationTerm.objects.values_list("normalised", flat=True))


ORGANISATION_LIST_LIMIT = 25


@dataclass
class RoleProjects:
    cards: list
    total: int
    more_url: str


@dataclass
class ThemeProjects:
    section_title: str
    trekker: RoleProjects | None
    partner: RoleProjects | None


@dataclass
class Collaborator:
    organisation: Organisation
    shared_projects: int


@dataclass
class OrganisationPage:
    organisation: Organisation
    units: list[Organisation]
    aliases: list[str]
    themes: list[ThemeProjects]
    lead_count: int
    partner_count: int
    collaborators: list[Collaborator]


def organisation_page(slug: str, *, collaborator_limit: int = 10) -> OrganisationPage:
    """An organisation with its units, its projects per theme and role, and whom it works with most.

    Counts come from aggregates and each list is bounded, so the page stays small for an
    organisation that takes part in thousands of projects.
    """
    organisation = Organisation.objects.select_related("parent").filter(slug=slug).first()
    if organisation is None:
        raise Http404(_("Deze organisatie bestaat niet."))
    units = list(organisation.units.order_by("name"))
    family = {organisation.pk, *(unit.pk for unit in units)}
    agenda = current_agenda()
    rows = (
        Participation.objects.filter(project__agenda=agenda, organisation_id__in=family)
        .order_by("project__section__position", "project__position")
        .values_list(
            "project_id", "project__section_id", "project__section__title", "project__section__slug", "role"
        )
    )
    ids_by_theme_role: dict[tuple[int, str], list[int]] = {}
    themes: dict[int, tuple[str, str]] = {}
    for project_id, section_id, section_title, section_slug, role in rows:
        themes.setdefault(section_id, (section_title, section_slug))
        ids = ids_by_theme_role.setdefault((section_id, role), [])
        if project_id not in ids:
            ids.append(project_id)
    shown_ids = {pk for ids in ids_by_theme_role.values() for pk in ids[:ORGANISATION_LIST_LIMIT]}
    projects = projects_with_people().in_bulk(shown_ids)

    def role_projects(section_id: int, role: str) -> RoleProjects | None:
        ids = ids_by_theme_role.get((section_id, role))
        if not ids:
            return None
        query = urlencode({"organisatie": organisation.slug, "thema": themes[section_id][1], "rol": role})
        return RoleProjects(
            cards=project_cards([projects[pk] for pk in ids[:ORGANISATION_LIST_LIMIT]]),
            total=len(ids),
            more_url=f"{reverse('search:search')}?{query}",
        )

    family_projects = Participation.objects.filter(project__agenda=agenda, organisation_id__in=family)
    root = organisation.root().pk
    shared = (
        Participation.objects.filter(project_id__in=family_projects.values("project_id"))
        .order_by()
        .annotate(root=root_of_participant())
        .exclude(root=root)
        .values("root")
        .annotate(projects=Count("project_id", distinct=True))
        .order_by("-projects")[: collaborator_limit * 2]
    )
    counts = {row["root"]: row["projects"] for row in shared}
    partners = Organisation.objects.in_bulk(list(counts))
    collaborators = sorted(
        (Collaborator(partners[pk], n) for pk, n in counts.items()),
        key=lambda item: (-item.shared_projects, item.organisation.name.casefold()),
    )[:collaborator_limit]
    return OrganisationPage(
        organisation=organisation,
        units=units,
        aliases=sorted({alias.text for alias in organisation.aliases.all()}, key=str.casefold),
        themes=[
            ThemeProjects(
                title, role_projects(section_id, Role.TREKKER), role_projects(section_id, Role.PARTNER)
            )
            for section_id, (title, _slug) in themes.items()
        ],
        lead_count=family_projects.filter(role=Role.TREKKER)
        .order_by()
        .values("project_id")
        .distinct()
        .count(),
        partner_count=family_projects.filter(role=Role.PARTNER)
        .order_by()
        .values("project_id")
        .distinct()
        .count(),
        collaborators=collaborators,
    )


@dataclass
class OrganisationListEntry:
    organisation: Organisation
    project_count: int


def organisations_with_projects() -> list[OrganisationListEntry]:
    """Top-level organisations taking part in the current agenda, with how many projects (units included)."""
    agenda = current_agenda()
    counts: dict[int, set[int]] = {}
    participations = Participation.objects.filter(project__agenda=agenda).select_related(
        "organisation__parent"
    )
    for participation in participations:
        counts.setdefault(participation.organisation.root().pk, set()).add(participation.project_id)
    organisations = Organisation.objects.in_bulk(list(counts))
    return sorted(
        (OrganisationListEntry(organisations[pk], len(projects)) for pk, projects in counts.items()),
        key=lambda entry: entry.organisation.name.casefold(),
    )
