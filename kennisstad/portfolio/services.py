"""Changes to projects and their participations."""

from django.db import transaction

from kennisstad.lib.text import normalise_written_form
from kennisstad.organisations.models import Organisation
from kennisstad.organisations.services import alias_add, non_organisation_term_add
from kennisstad.search.services import index_projects

from .models import Participation, UnresolvedMention


@transaction.atomic
def unresolved_text_map(*, text: str, organisation: Organisation) -> list[str]:
    """Map a written form to an organisation everywhere it is unresolved.

    The form becomes an alias, so later imports resolve it too, and every
    project mentioning it gets the organisation as participant in the same
    role. Returns the keys of the projects that changed.
    """
    normalised = normalise_written_form(text)
    alias_add(organisation=organisation, text=text)
    mentions = [
        mention
        for mention in UnresolvedMention.objects.select_related("project")
        if normalise_written_form(mention.text) == normalised
    ]
    changed = []
    for mention in mentions:
        Participation.objects.get_or_create(
            project=mention.project,
            organisation=organisation,
            role=mention.role,
            defaults={"raw_text": mention.text, "position": 1000 + mention.position},
        )
        mention.delete()
        if mention.project.key not in changed:
            changed.append(mention.project.key)
    index_projects({mention.project for mention in mentions})
    return changed


def unresolved_text_mark_not_organisation(*, text: str) -> bool:
    """Remember that a text is no organisation so imports stop reporting it as unknown."""
    return non_organisation_term_add(text=text) is not None
