"""The whole agenda as one file: CSV, XLSX or JSON, one row (or object) per project."""

import csv
import io
import json

import openpyxl
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from kennisstad.lib.spreadsheet import as_text
from kennisstad.portfolio.models import Agenda, Role

from . import selectors


def _names(project, role: str) -> str:
    return "; ".join(p.organisation.name for p in project.participations.all() if p.role == role)


def export_headers() -> list[str]:
    return [
        _("thema"),
        _("code"),
        _("sleutel"),
        _("titel"),
        _("status"),
        _("trekkers"),
        _("partners"),
        _("adres"),
    ]


def export_rows(agenda: Agenda, request=None) -> list[list[str]]:
    """One row per project of ``agenda``, in agenda order."""
    return [
        [
            str(project.section),
            project.code,
            project.key,
            project.title,
            project.status,
            _names(project, Role.TREKKER),
            _names(project, Role.PARTNER),
            selectors._absolute(request, project.get_absolute_url()),
        ]
        for project in selectors.projects(period=agenda.period)
    ]


def agenda_csv(agenda: Agenda, request=None) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads the accents; no cell can run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([as_text(header) for header in export_headers()])
    writer.writerows([as_text(cell) for cell in row] for row in export_rows(agenda, request))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def agenda_xlsx(agenda: Agenda, request=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = agenda.period[:31]
    sheet.append(export_headers())
    for row in export_rows(agenda, request):
        sheet.append(row)
    # openpyxl would store a string that starts with "=" as a formula; every cell is text here.
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def agenda_json(agenda: Agenda, request=None) -> bytes:
    """The agenda with its themes, each with its projects as the API shows them."""
    by_section: dict[int, list[dict]] = {}
    for project in selectors.projects(period=agenda.period):
        by_section.setdefault(project.section_id, []).append(selectors.project_data(project, request))
    data = {
        "agenda": selectors.agenda_data(selectors.agenda_with_counts(agenda.period)),
        "sections": [
            {**selectors.section_data(section, request), "projects": by_section.get(section.pk, [])}
            for section in selectors.sections(agenda.period)
        ],
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode("utf-8")
