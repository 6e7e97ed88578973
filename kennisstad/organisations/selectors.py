"""Reads of organisations for importers and pages."""

from kennisstad.ingest.cells import AliasIndex

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
