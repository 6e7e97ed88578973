from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kennisstad.accounts import roles
from kennisstad.insights import reports as report_formats
from kennisstad.insights.forms import ReportForm
from kennisstad.insights.selectors import agenda_for_report, progress_report
from kennisstad.lib.access import back_office_required
from kennisstad.portfolio.models import Agenda


def can_view_reports(user) -> bool:
    return user.is_staff and roles.can_read_reports(user)


report_viewer_required = back_office_required(can_view_reports)


@require_GET
@report_viewer_required
@never_cache
def reports(request):
    """Choose an agenda and a format; the same form's GET downloads the file (a read, so GET)."""
    agendas = list(Agenda.objects.order_by("-period"))
    current = agenda_for_report(None)
    form = ReportForm(
        request.GET if "formaat" in request.GET else None,
        agendas=agendas,
        initial={"agenda": current.period if current else None},
    )
    if form.is_bound and form.is_valid():
        report = progress_report(agenda=agenda_for_report(form.cleaned_data["agenda"]))
        fmt = form.cleaned_data["formaat"]
        try:
            content = report_formats.render(report, fmt)
        except report_formats.ReportUnavailable as error:
            form.add_error("formaat", str(error))
        else:
            return HttpResponse(
                content,
                content_type=report_formats.FORMATS[fmt].content_type,
                headers={
                    "Content-Disposition": content_disposition_header(
                        True, report_formats.filename(report, fmt)
                    )
                },
            )
    return render(request, "insights/backoffice/reports.html", {"form": form, "has_agenda": bool(agendas)})
