"""Changes to organisations and their aliases."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from kennisstad.lib.text import normalise_written_form

from .models import Alias, NonOrganisationTerm, Organisation


@dataclass
class SeedResult:
    organisations_created: int = 0
    aliases_created: int = 0
    terms_created: int = 0


def _unique_slug(name: str) -> str:
    base = slugify(name)[:190] or "organisatie"
    slug, counter = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def organisation_create(
    *,
    name: str,
    kind: str = Organisation.Kind.OVERIG,
    parent: Organisation | None = None,
    website: str = "",
    uncertain: bool = False,
) -> Organisation:
    organisation = Organisation(
        name=name.strip(),
        slug=_unique_slug(name),
        kind=kind,
        parent=parent,
        website=website,
        uncertain=uncertain,
    )
    organisation.full_clean()
    organisation.save()
    return organisation


def alias_add(*, organisation: Organisation, text: str) -> Alias | None:
    """Add a written form for an organisation; None when that form is already known (for any organisation)."""
    normalised = normalise_written_form(text)
    if not normalised or Alias.objects.filter(normalised=normalised).exists():
        return None
    alias = Alias(organisation=organisation, text=text.strip(), normalised=normalised)
    alias.full_clean()
    alias.save()
    return alias


def non_organisation_term_add(*, text: str) -> NonOrganisationTerm | None:
    normalised = normalise_written_form(text)
    if not normalised or NonOrganisationTerm.objects.filter(normalised=normalised).exists():
        return None
    term = NonOrganisationTerm(text=text.strip(), normalised=normalised)
    term.full_clean()
    term.save()
    return term


@transaction.atomic
def seed_organisations(entries: Iterable[dict], non_organisation_terms: Iterable[str] = ()) -> SeedResult:
    """Load organisations with their aliases; existing organisations keep their edited fields.

    ``entries`` follow the shape of the bundled ``organisations.json``:
    ``{"name", "kind", "parent", "aliases", "uncertain"}``.
    """
    entries = list(entries)
    result = SeedResult()
    by_name = {organisation.name: organisation for organisation in Organisation.objects.all()}
    # Parents first, so units can point at them whatever the order in the file.
    for entry in sorted(entries, key=lambda item: item.get("parent") is not None):
        if entry["name"] in by_name:
            continue
        parent = by_name.get(entry["parent"]) if entry.get("parent") else None
        by_name[entry["name"]] = organisation_create(
            name=entry["name"],
            kind=entry.get("kind") or Organisation.Kind.OVERIG,
            parent=parent,
            website=entry.get("website", ""),
            uncertain=bool(entry.get("uncertain")),
        )
        result.organisations_created += 1
    for entry in entries:
        organisation = by_name[entry["name"]]
        for text in entry.get("aliases", []):
            if alias_add(organisation=organisation, text=text):
                result.aliases_created += 1
    for text in non_organisation_terms:
        if non_organisation_term_add(text=text):
            result.terms_created += 1
    return result
