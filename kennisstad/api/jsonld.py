"""schema.org data for a project page, so search engines and harvesters read who does what."""

from django.utils.translation import gettext as _

from kennisstad.portfolio.models import Project, Role


def _organisation(organisation, request) -> dict:
    data = {
        "@type": "Organization",
        "name": organisation.name,
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
    }
    if organisation.website:
        data["sameAs"] = organisation.website
    if organisation.parent_id:
        data["parentOrganization"] = {"@type": "Organization", "name": organisation.parent.name}
    return data


def project_jsonld(project: Project, request) -> dict:
    """A ``ResearchProject``: the trekkers as its ``sponsor``s (who lead and carry it), every
    participant as a ``member``, the agenda as ``isPartOf``. Expects the participations with
    their organisations (and parents) prefetched, as ``portfolio.selectors.project_page`` does."""
    participations = list(project.participations.all())
    leads = [p.organisation for p in participations if p.role == Role.TREKKER]
    data = {
        "@context": "https://schema.org",
        "@type": "ResearchProject",
        "name": project.title,
        "identifier": f"{project.agenda.period}/{project.key}",
        "alternateName": project.code,
        "url": request.build_absolute_uri(project.get_absolute_url()),
        "description": project.description,
        "keywords": project.section.title,
        "isPartOf": {
            "@type": "CreativeWork",
            "name": project.agenda.title,
            "temporalCoverage": project.agenda.period,
        },
        "sponsor": [_organisation(organisation, request) for organisation in leads],
        "member": [_organisation(p.organisation, request) for p in participations],
        "additionalProperty": {
            "@type": "PropertyValue",
            "name": _("status"),
            "value": project.get_status_display(),
        },
    }
    return data
