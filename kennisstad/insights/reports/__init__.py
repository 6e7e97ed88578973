"""The progress report in four formats. Each ``as_<format>.render(report)`` returns the file's bytes."""

from dataclasses import dataclass
from importlib import import_module

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kennisstad.insights.selectors import ProgressReport


class ReportUnavailable(Exception):
    """A format cannot be produced on this machine (a system library is missing)."""


@dataclass(frozen=True)
class ReportFormat:
    name: str
    label: str | Promise
    content_type: str


FORMATS = {
    fmt.name: fmt
    for fmt in [
        ReportFormat("pdf", _("PDF"), "application/pdf"),
        ReportFormat(
            "docx",
            _("Word (DOCX)"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ReportFormat(
            "xlsx", _("Excel (XLSX)"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
        ReportFormat("csv", _("CSV (alle projecten in één tabel)"), "text/csv; charset=utf-8"),
    ]
}


def render(report: ProgressReport, fmt: str) -> bytes:
    # Imported on use: WeasyPrint loads Pango when imported, which only the PDF needs.
    return import_module(f"{__name__}.as_{fmt}").render(report)


def filename(report: ProgressReport, fmt: str) -> str:
    return f"voortgang-{report.agenda.period}.{fmt}"
