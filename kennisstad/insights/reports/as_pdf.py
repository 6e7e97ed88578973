import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kennisstad.insights.network import network_svg
from kennisstad.insights.selectors import ProgressReport

from . import ReportUnavailable
from .common import (
    annex_network,
    document_headings,
    figure_rows,
    leads_note,
    network_caption,
    network_heading,
    verbinders_text,
)

PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"


def _weasyprint():
    try:
        import weasyprint
    except OSError as error:  # WeasyPrint loads Pango through ctypes when imported
        raise ReportUnavailable(
            _("PDF maken lukt niet: WeasyPrint vindt Pango niet (%(error)s). Installeer %(packages)s.")
            % {"error": error, "packages": PANGO_PACKAGES}
        ) from error
    return weasyprint


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_counter_content() -> str:
    """The CSS ``content`` value for "pagina X van Y", from a translatable sentence."""
    parts = re.split(r"(%\(pages?\)s)", _("pagina %(page)s van %(pages)s"))
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    return " ".join(counters.get(part) or _css_string(part) for part in parts if part)


def render(report: ProgressReport) -> bytes:
    weasyprint = _weasyprint()
    network = annex_network(report)
    html = render_to_string(
        "insights/voortgang.html",
        {
            "report": report,
            "headings": document_headings(),
            "figure_rows": figure_rows(report),
            "leads_note": leads_note(report),
            "page_counter": page_counter_content(),
            "network_heading": network_heading(),
            # WeasyPrint draws inline SVG as vectors; the markup is built from escaped text.
            "network_svg": mark_safe(network_svg(network, width=1200, height=780)),
            "network_caption": network_caption(network),
            "verbinders_text": verbinders_text(network),
        },
    )
    # No network: the stylesheet is inline and the only resources are local files (fonts
    # come from fontconfig), so remote URLs a text might contain are refused, not fetched.
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"file", "data"})
    document = weasyprint.HTML(
        string=html, base_url=str(settings.PACKAGE_DIR / "static"), url_fetcher=fetcher
    )
    return document.write_pdf(pdf_tags=True)
