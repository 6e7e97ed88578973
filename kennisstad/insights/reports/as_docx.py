import io

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from kennisstad.insights.network import network_png, picture_description
from kennisstad.insights.selectors import ProgressReport, ReportProject

from .common import (
    annex_network,
    document_headings,
    figure_rows,
    leads_note,
    long_date,
    network_caption,
    network_heading,
    verbinders_text,
)

PAGE_WIDTH, PAGE_HEIGHT = Mm(297), Mm(210)
MARGIN = Mm(14)
# nr, Project, Beschrijving doel, T:/P:, Status, Laatste voortgang: 269 mm in all.
COLUMN_WIDTHS = [Mm(13), Mm(38), Mm(96), Mm(52), Mm(22), Mm(48)]
HEADER_FILL = "DBE5F1"
# 3:2, like the picture: 147 mm high, which leaves room for the heading and caption on the page.
NETWORK_WIDTH = Mm(220)


def render(report: ProgressReport) -> bytes:
    document = Document()
    _set_up_page(document, report)
    _set_up_styles(document)
    document.add_paragraph(report.site_name, style="Subtitle")
    document.add_heading(report.title, level=0)
    document.add_paragraph(_("Stand van %(date)s") % {"date": long_date(report.generated_on)})

    for section in report.sections:
        document.add_heading(section.label, level=1)
        if not section.groups:
            document.add_paragraph(_("Geen projecten in dit thema."))
        for group in section.groups:
            if group.title:
                document.add_heading(group.title, level=2)
            _projects_table(document, group.projects)

    document.add_page_break()
    _annex(document, report)

    properties = document.core_properties
    properties.title = f"{report.site_name} — {report.title}"
    properties.author = report.site_name
    properties.language = get_language() or "nl"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _set_up_page(document, report: ProgressReport) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    right = PAGE_WIDTH - 2 * MARGIN

    header = section.header.paragraphs[0]
    _right_tab_only(header, right)
    header.add_run(report.site_name).bold = True
    header.add_run(f"\t{report.title}")

    footer = section.footer.paragraphs[0]
    _right_tab_only(footer, right)
    footer.add_run(_("Stand van %(date)s") % {"date": long_date(report.generated_on)} + "\t")
    # "pagina X van Y" with PAGE and NUMPAGES fields, which Word and LibreOffice fill in.
    sentence = _("pagina %(page)s van %(pages)s")
    for part in sentence.replace("%(pages)s", "\0NUMPAGES\0").replace("%(page)s", "\0PAGE\0").split("\0"):
        if part in ("PAGE", "NUMPAGES"):
            _add_field(footer, part)
        elif part:
            footer.add_run(part)


def _right_tab_only(paragraph, position) -> None:
    """One right-aligned tab at the margin; the Header and Footer styles' portrait-page stops are cleared."""
    stops = paragraph.paragraph_format.tab_stops
    for stop in paragraph.style.paragraph_format.tab_stops:
        stops.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
    stops.add_tab_stop(position, WD_TAB_ALIGNMENT.RIGHT)


def _add_field(paragraph, instruction: str) -> None:
    def char(kind):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    paragraph.add_run()._r.append(char("begin"))
    paragraph.add_run()._r.append(text)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run("1")
    paragraph.add_run()._r.append(char("end"))


def _set_up_styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.size = Pt(9)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), get_language() or "nl")
    normal.element.get_or_add_rPr().append(language)
    for name, size in (("Title", 22), ("Heading 1", 14), ("Heading 2", 11)):
        document.styles[name].font.size = Pt(size)
    document.styles["Heading 1"].font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_as_header(row) -> None:
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _write_lines(cell, lines: list[str], *, bold: bool = False, style: str | None = None) -> None:
    """Each line its own paragraph; the cell's empty first paragraph takes the first."""
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        if style:
            paragraph.style = style
        paragraph.add_run(line).bold = bold


def _projects_table(document, projects: list[ReportProject]) -> None:
    table = document.add_table(rows=1, cols=len(COLUMN_WIDTHS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, heading in zip(header.cells, document_headings(), strict=True):
        _write_lines(cell, heading.splitlines(), bold=True)
        _shade(cell, HEADER_FILL)
    for project in projects:
        cells = table.add_row().cells
        _write_lines(cells[0], [project.code])
        _write_lines(cells[1], [project.title], bold=True)
        first = True
        for block in project.blocks:
            for line in block.lines:
                paragraph = cells[2].paragraphs[0] if first else cells[2].add_paragraph()
                if block.kind == "ul":
                    paragraph.style = "List Bullet"
                paragraph.add_run(line)
                first = False
        _write_lines(cells[3], project.participant_lines)
        _write_lines(cells[4], [project.status_label])
        if project.latest_date:
            _write_lines(cells[5], [long_date(project.latest_date)], bold=True)
            for line in project.latest_text.splitlines():
                cells[5].add_paragraph(line)
        else:
            cells[5].paragraphs[0].add_run(_("Nog geen voortgang gemeld.")).italic = True
    # Word reads the cells' widths, LibreOffice the grid's: set both.
    for column, width in zip(table.columns, COLUMN_WIDTHS, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, COLUMN_WIDTHS, strict=True):
            cell.width = width


def _simple_table(document, headings: list[str], rows: list[list]) -> None:
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    _repeat_as_header(table.rows[0])
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        _write_lines(cell, [heading], bold=True)
        _shade(cell, HEADER_FILL)
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            _write_lines(cell, [str(value)])
    document.add_paragraph()


def _annex(document, report: ProgressReport) -> None:
    figures = report.figures
    document.add_heading(_("Bijlage: cijfers"), level=1)
    _simple_table(document, [_("Cijfer"), _("Aantal")], [list(row) for row in figure_rows(report)])

    document.add_heading(_("Projecten per thema en status"), level=2)
    _simple_table(
        document,
        [_("Thema"), *figures.status_labels, _("Totaal")],
        [[row.label, *row.counts, row.total] for row in [*figures.status_rows, figures.status_totals]],
    )

    document.add_heading(_("Trekkers: organisaties met twee of meer projecten als trekker"), level=2)
    if figures.top_leads:
        _simple_table(
            document,
            [_("Organisatie"), _("Projecten als trekker")],
            [[entry.name, entry.projects] for entry in figures.top_leads],
        )
    document.add_paragraph(leads_note(report))

    network = annex_network(report)
    document.add_page_break()
    document.add_heading(network_heading(), level=2)
    document.add_picture(io.BytesIO(network_png(network, width=1500, height=1000)), width=NETWORK_WIDTH)
    # The picture's text alternative, which screen readers and Word's accessibility check read.
    document.inline_shapes[-1]._inline.docPr.set("descr", picture_description(network))
    document.add_paragraph(network_caption(network), style="Caption")
    document.add_paragraph(verbinders_text(network))
