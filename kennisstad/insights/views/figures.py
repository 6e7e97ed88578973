"""Kennisstad in cijfers: the public figures dashboard and each chart's table as CSV."""

import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kennisstad.insights.charts import render_chart
from kennisstad.insights.figures import CHART_SLUGS, dashboard
from kennisstad.insights.selectors import agenda_for_report, agenda_periods
from kennisstad.lib.spreadsheet import as_text


def _requested_agenda(request):
    """(period asked for, agenda or None); the agenda is None for an unknown period too."""
    period = request.GET.get("agenda", "").strip()
    return period, agenda_for_report(period or None)


@require_GET
def figures(request):
    period, agenda = _requested_agenda(request)
    context = {"periods": agenda_periods(), "selected": agenda.period if agenda else period}
    if period and agenda is None:
        context["error"] = _(
            "Er is geen agenda met de periode “%(period)s”. Kies een agenda uit de lijst."
        ) % {"period": period[:40]}
        return render(request, "insights/figures.html", context, status=404)
    page = dashboard(agenda=agenda)
    context.update(
        page=page,
        agenda_sections=[(chart, render_chart(chart)) for chart in page.agenda_charts],
        loket_sections=[(chart, render_chart(chart)) for chart in page.loket_charts],
    )
    return render(request, "insights/figures.html", context)


@require_GET
def figures_csv(request, slug: str):
    period, agenda = _requested_agenda(request)
    if slug not in CHART_SLUGS or (period and agenda is None):
        raise Http404(_("Deze tabel bestaat niet."))
    chart = dashboard(agenda=agenda).chart(slug)
    if chart is None:  # an agenda's chart while there is no agenda at all
        raise Http404(_("Deze tabel bestaat niet."))
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([as_text(header) for header in chart.headers])
    writer.writerows([as_text(cell) for cell in row] for row in chart.rows)
    name = f"kennisstad-cijfers-{slug}-{agenda.period}.csv" if agenda else f"kennisstad-cijfers-{slug}.csv"
    # The byte-order mark makes Excel read the file as UTF-8 instead of the system code page.
    return HttpResponse(
        out.getvalue().encode("utf-8-sig"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )
