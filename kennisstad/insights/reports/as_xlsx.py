import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kennisstad.insights.network import network_png
from kennisstad.insights.selectors import ProgressReport

from .common import (
    annex_network,
    figure_rows,
    leads_note,
    long_date,
    network_caption,
    network_heading,
    table_headings,
    table_rows,
    verbinders_text,
)

# thema, groep, nr, project, beschrijving doel, trekkers, partners, status, datum, voortgang
WIDTHS = [24, 18, 6, 34, 80, 36, 44, 12, 14, 60]
DATE_COLUMN = 9
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def render(report: ProgressReport) -> bytes:
    book = Workbook()
    _projects_sheet(book.active, report)
    _figures_sheet(book.create_sheet(_("Cijfers")), report)
    _network_sheet(book.create_sheet(_("Netwerk")), report)
    book.properties.title = f"{report.site_name} — {report.title}"
    book.properties.creator = report.site_name
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _projects_sheet(sheet, report: ProgressReport) -> None:
    sheet.title = _("Projecten")
    sheet.append(table_headings())
    for cell in sheet[1]:
        cell.font = BOLD
    for row in table_rows(report):
        sheet.append(row)
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAP
        row[DATE_COLUMN - 1].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _figures_sheet(sheet, report: ProgressReport) -> None:
    figures = report.figures
    sheet.append([report.site_name])
    sheet.append([report.title])
    sheet.append([_("Stand van %(date)s") % {"date": long_date(report.generated_on)}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    for label, value in figure_rows(report):
        sheet.append([label, value])
    sheet.append([])
    sheet.append([_("Projecten per thema en status")])
    sheet.cell(sheet.max_row, 1).font = BOLD
    sheet.append([_("Thema"), *figures.status_labels, _("Totaal")])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for row in [*figures.status_rows, figures.status_totals]:
        sheet.append([row.label, *row.counts, row.total])
    sheet.append([])
    sheet.append([_("Trekkers: organisaties met twee of meer projecten als trekker")])
    sheet.cell(sheet.max_row, 1).font = BOLD
    sheet.append([_("Organisatie"), _("Projecten als trekker")])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for entry in figures.top_leads:
        sheet.append([entry.name, entry.projects])
    sheet.append([leads_note(report)])
    sheet.column_dimensions["A"].width = 60
    for column in range(2, len(figures.status_labels) + 3):
        sheet.column_dimensions[get_column_letter(column)].width = 14


def _network_sheet(sheet, report: ProgressReport) -> None:
    """The network picture with its caption, then the verbinders with their reasons."""
    network = annex_network(report)
    sheet.append([network_heading()])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([network_caption(network)])
    sheet.append([verbinders_text(network)])
    sheet.append([])
    sheet.append([_("Verbinder"), _("Waarom")])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for node in network.verbinders:
        sheet.append([node.name, node.reasons_text])
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 110
    picture = Image(io.BytesIO(network_png(network, width=1200, height=800)))
    sheet.add_image(picture, f"A{sheet.max_row + 2}")
