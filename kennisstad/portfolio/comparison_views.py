"""The back-office page that compares two agendas, and the kennismakelaar's decisions on it.

GET shows the comparison; every POST calls one service of ``portfolio.comparison`` and redirects
back to the same comparison at the project's row. A refused decision shows the page again with
the reason, status 400, nothing changed.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kennisstad.accounts import roles
from kennisstad.lib.access import back_office_required

from . import comparison, selectors
from .models import Agenda, Project

NEW_PROJECT = "nieuw"


# The steering group reads the comparison; only the kennismakelaar decides which project continued which.
def can_compare_agendas(user) -> bool:
    return user.is_authenticated and user.is_staff and roles.can_read_reports(user)


def can_decide_lineage(user) -> bool:
    return user.is_authenticated and user.is_staff and roles.is_kennismakelaar(user)


comparison_reader_required = back_office_required(can_compare_agendas)
comparison_editor_required = back_office_required(can_decide_lineage)


class AgendaChoiceForm(forms.Form):
    eerder = forms.ChoiceField(label=gettext_lazy("Eerdere agenda"))
    later = forms.ChoiceField(label=gettext_lazy("Latere agenda"))

    def __init__(self, *args, agendas: list[Agenda], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(agenda.period, agenda.title) for agenda in agendas]
        self.fields["eerder"].choices = choices
        self.fields["later"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("eerder") and data.get("eerder") == data.get("later"):
            raise ValidationError(_("Kies twee verschillende agenda's om te vergelijken."))
        return data


def _compare_page(request, *, status: int = 200):
    agendas = list(Agenda.objects.order_by("-period"))
    context = {"agendas": agendas, "comparison": None, "form": None}
    if len(agendas) >= 2:
        earlier, later = comparison.default_agendas()
        params = request.POST if request.method == "POST" else request.GET
        initial = {"eerder": earlier.period, "later": later.period}
        if params.get("eerder") or params.get("later"):
            form = AgendaChoiceForm({**initial, **params.dict()}, agendas=agendas)
        else:
            form = AgendaChoiceForm(initial, agendas=agendas)
        context["form"] = form
        if form.is_valid():
            by_period = {agenda.period: agenda for agenda in agendas}
            context["comparison"] = comparison.compare_agendas(
                earlier=by_period[form.cleaned_data["eerder"]], later=by_period[form.cleaned_data["later"]]
            )
    return render(request, "portfolio/backoffice/agenda_compare.html", context, status=status)


@comparison_reader_required
@require_GET
def agenda_compare(request):
    return _compare_page(request)


# --- decisions ----------------------------------------------------------------------------------


def _later_project(period: str, key: str) -> Project:
    project = (
        Project.objects.select_related("agenda")
        .filter(agenda=selectors.agenda_by_period(period), key__iexact=key)
        .first()
    )
    if project is None:
        raise Http404(_("Dit project bestaat niet."))
    return project


def _earlier_agenda(request) -> Agenda:
    agenda = Agenda.objects.filter(period=request.POST.get("eerder", "")).first()
    if agenda is None:
        raise Http404(_("Deze agenda bestaat niet."))
    return agenda


def _chosen_earlier_project(request) -> Project | None:
    """The earlier project named in the form, ``None`` for "geen voorganger"; ValidationError else."""
    value = request.POST.get("voorganger", "")
    if value == NEW_PROJECT:
        return None
    project = (
        Project.objects.select_related("agenda").filter(pk=int(value)).first() if value.isdigit() else None
    )
    if project is None:
        raise ValidationError(_("Kies een eerder project of “geen voorganger (nieuw project)”."))
    return project


def _back(later: Project, earlier_agenda: Agenda):
    query = urlencode({"eerder": earlier_agenda.period, "later": later.agenda.period})
    return redirect(f"{reverse('portfolio:agenda_compare')}?{query}#project-{later.key}")


def _refused(request, error: ValidationError):
    messages.error(request, " ".join(error.messages))
    return _compare_page(request, status=400)


@comparison_editor_required
@require_POST
def lineage_confirm(request, period: str, key: str):
    later = _later_project(period, key)
    earlier_agenda = _earlier_agenda(request)
    try:
        earlier = _chosen_earlier_project(request)
        comparison.lineage_confirm(
            later=later, earlier=earlier, user=request.user, earlier_agenda=earlier_agenda
        )
    except ValidationError as error:
        return _refused(request, error)
    messages.success(
        request,
        _("Bevestigd: %(later)s is een vervolg op %(earlier)s.") % {"later": later, "earlier": earlier},
    )
    return _back(later, earlier_agenda)


@comparison_editor_required
@require_POST
def lineage_set(request, period: str, key: str):
    later = _later_project(period, key)
    earlier_agenda = _earlier_agenda(request)
    try:
        earlier = _chosen_earlier_project(request)
        comparison.lineage_set(
            later=later, earlier_or_none=earlier, user=request.user, earlier_agenda=earlier_agenda
        )
    except ValidationError as error:
        return _refused(request, error)
    if earlier is None:
        messages.success(request, _("Vastgelegd: %(later)s is een nieuw project.") % {"later": later})
    else:
        messages.success(
            request,
            _("Vastgelegd: %(later)s is een vervolg op %(earlier)s.") % {"later": later, "earlier": earlier},
        )
    return _back(later, earlier_agenda)


@comparison_editor_required
@require_POST
def lineage_clear(request, period: str, key: str):
    later = _later_project(period, key)
    earlier_agenda = _earlier_agenda(request)
    if comparison.lineage_clear(later=later, user=request.user):
        messages.success(
            request,
            _("Het besluit over %(later)s is ingetrokken; het voorstel geldt weer.") % {"later": later},
        )
    else:
        messages.info(request, _("Over %(later)s was nog niets vastgelegd.") % {"later": later})
    return _back(later, earlier_agenda)
