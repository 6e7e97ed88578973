"""What the renderers share: column headings, table rows, the annex's labelled figures, dates."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kennisstad.insights.network import CollaborationNetwork, cached_collaboration_network, verbinder_rule
from kennisstad.insights.selectors import ProgressReport


def document_headings() -> list[str]:
    """The columns of the alliance's own "Voortgang Projecten" table, then status and progress."""
    return [
        _("nr"),
        _("Project"),
        _("Beschrijving doel"),
        _("T: Trekker\nP: overige (beoogde) Partners"),
        _("Status"),
        _("Laatste voortgang"),
    ]


def long_date(value) -> str:
    return date_format(value, "j F Y")


def table_headings() -> list[str]:
    """The columns of the one-table formats (XLSX projects sheet, CSV)."""
    return [
        _("thema"),
        _("groep"),
        _("nr"),
        _("project"),
        _("beschrijving doel"),
        _("trekkers"),
        _("partners"),
        _("status"),
        _("laatste voortgang datum"),
        _("laatste voortgang"),
    ]


def table_rows(report: ProgressReport):
    for section in report.sections:
        for project in section.projects:
            yield [
                section.label,
                project.group,
                project.code,
                project.title,
                project.description,
                project.leads_text,
                project.partners_text,
                project.status_label,
                project.latest_date,
                project.latest_text,
            ]


def leads_note(report: ProgressReport) -> str:
    """What the list of trekkers leaves out, and how units are counted."""
    others = report.figures.other_lead_organisations
    text = ngettext(
        "Verder is nog %(count)s organisatie trekker van een project.",
        "Verder zijn nog %(count)s organisaties trekker van een of meer projecten.",
        others,
    ) % {"count": others}
    units = _("Onderdelen (faculteiten, labs, lectoraten) tellen bij hun organisatie.")
    return f"{text} {units}"


def figure_rows(report: ProgressReport) -> list[tuple[str, object]]:
    """The single-number figures of the annex, labelled."""
    figures = report.figures
    return [
        (_("Projecten"), figures.projects),
        (_("Betrokken organisaties (onderdelen tellen bij hun organisatie)"), figures.organisations),
        (_("Projecten die twee of meer sectoren verbinden"), figures.multi_sector_projects),
        (_("Projecten met een voortgangsupdate"), figures.projects_with_update),
    ]


def annex_network(report: ProgressReport) -> CollaborationNetwork:
    """The collaboration network of the report's agenda, for the annex's picture."""
    return cached_collaboration_network(agenda=report.agenda)


def network_heading() -> str:
    return _("Samenwerkingsnetwerk")


def network_caption(network: CollaborationNetwork) -> str:
    return _(
        "Figuur: samenwerkingsnetwerk van %(agenda)s (%(summary)s). Grootte: aantal projecten; het "
        "donkere deel: aandeel als trekker; lijndikte: gedeelde projecten; ruit: verbinder."
    ) % {"agenda": network.agenda.title, "summary": network.summary}


def verbinders_text(network: CollaborationNetwork) -> str:
    """A short text naming the verbinders and why they are."""
    if not network.verbinders:
        return _("In dit netwerk is geen organisatie een verbinder.")
    names = "; ".join(f"{node.name} ({node.reasons_text})" for node in network.verbinders)
    listed = _("Verbinders houden het netwerk bij elkaar: %(names)s.") % {"names": names}
    return f"{listed} {verbinder_rule()}"
