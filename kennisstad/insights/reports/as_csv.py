import csv
import io

from kennisstad.insights.selectors import ProgressReport
from kennisstad.lib.spreadsheet import as_text

from .common import table_headings, table_rows


def render(report: ProgressReport) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(table_headings())
    for row in table_rows(report):
        writer.writerow(["" if value is None else as_text(value) for value in row])
    # The byte-order mark makes Excel read the file as UTF-8 instead of the system code page.
    return out.getvalue().encode("utf-8-sig")
