"""The collaboration network: the public page, and the same network as SVG, PNG and cytoscape JSON.

All four read the same GET filters (``agenda``, ``thema``, ``afdelingen``) through one form.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from kennisstad.insights.network import (
    CollaborationNetwork,
    cached_collaboration_network,
    network_elements,
    network_png,
    network_svg,
    verbinder_rule,
)
from kennisstad.portfolio.models import Agenda
from kennisstad.portfolio.selectors import current_agenda

PAGE_SVG_SIZE = (960, 600)
DOWNLOAD_SVG_SIZE = (1200, 850)


class NetworkFilterForm(forms.Form):
    agenda = forms.ChoiceField(label=gettext_lazy("Agenda"))
    thema = forms.ChoiceField(label=gettext_lazy("Thema"), required=False)
    afdelingen = forms.BooleanField(
        label=gettext_lazy("Onderdelen (faculteiten, labs, lectoraten) als eigen organisatie tonen"),
        required=False,
    )

    def __init__(self, data, *, agendas: list[Agenda], default: Agenda):
        super().__init__(data)
        self.agendas = {agenda.period: agenda for agenda in agendas}
        self.fields["agenda"].choices = [(agenda.period, agenda.title) for agenda in agendas]
        # The themes on offer are those of the chosen agenda (the default one while the choice is invalid).
        self.chosen_agenda = self.agendas.get(data.get("agenda"), default)
        self.sections = {
            section.slug: section for section in self.chosen_agenda.sections.order_by("position")
        }
        self.fields["thema"].choices = [("", _("Alle thema's"))] + [
            (slug, str(section)) for slug, section in self.sections.items()
        ]


@dataclass
class NetworkRequest:
    form: NetworkFilterForm
    network: CollaborationNetwork
    query: str  # the valid filters as a query string, for the download links


def _network_request(request) -> NetworkRequest | None:
    """The filters and the network they select; the default network while the filters are invalid."""
    default = current_agenda()
    if default is None:
        return None
    data = request.GET.copy()
    if not data.get("agenda"):
        data["agenda"] = default.period
    form = NetworkFilterForm(data, agendas=list(Agenda.objects.order_by("-period")), default=default)
    if form.is_valid():
        agenda = form.agendas[form.cleaned_data["agenda"]]
        section = form.sections.get(form.cleaned_data["thema"])
        with_units = form.cleaned_data["afdelingen"]
    else:
        agenda, section, with_units = default, None, False
    filters = {"agenda": agenda.period}
    if section:
        filters["thema"] = section.slug
    if with_units:
        filters["afdelingen"] = "on"
    return NetworkRequest(
        form=form,
        network=cached_collaboration_network(agenda=agenda, section=section, with_units=with_units),
        query=urlencode(filters),
    )


def _filename(network: CollaborationNetwork, extension: str) -> str:
    parts = ["netwerk", network.agenda.period]
    if network.section:
        parts.append(network.section.slug)
    if network.with_units:
        parts.append("onderdelen")
    return f"{'-'.join(parts)}.{extension}"


@require_GET
def network(request):
    selected = _network_request(request)
    if selected is None:
        return render(request, "insights/network.html", {"form": None, "network": None})
    return render(
        request,
        "insights/network.html",
        {
            "form": selected.form,
            "network": selected.network,
            "query": selected.query,
            # Built from escaped text by network_svg; inline, so it shows at once and without script.
            "svg": mark_safe(
                network_svg(selected.network, width=PAGE_SVG_SIZE[0], height=PAGE_SVG_SIZE[1], legend=False)
            ),
            "links": selected.network.strongest_links(),
            "verbinder_rule": verbinder_rule(),
        },
    )


def _download(request, extension: str, content_type: str, build) -> HttpResponse:
    selected = _network_request(request)
    if selected is None:
        return HttpResponseBadRequest(_("Er is nog geen agenda."), content_type="text/plain; charset=utf-8")
    if not selected.form.is_valid():
        messages = [str(message) for errors in selected.form.errors.values() for message in errors]
        return HttpResponseBadRequest("\n".join(messages), content_type="text/plain; charset=utf-8")
    return HttpResponse(
        build(selected.network),
        content_type=content_type,
        headers={
            "Content-Disposition": content_disposition_header(True, _filename(selected.network, extension))
        },
    )


@require_GET
def network_svg_download(request):
    return _download(
        request,
        "svg",
        "image/svg+xml; charset=utf-8",
        lambda network: network_svg(network, width=DOWNLOAD_SVG_SIZE[0], height=DOWNLOAD_SVG_SIZE[1]),
    )


@require_GET
def network_png_download(request):
    return _download(request, "png", "image/png", network_png)


@require_GET
def network_json(request):
    selected = _network_request(request)
    if selected is None or not selected.form.is_valid():
        errors = (
            selected.form.errors.get_json_data() if selected else {"agenda": [_("Er is nog geen agenda.")]}
        )
        return JsonResponse({"errors": errors}, status=400)
    return JsonResponse(network_elements(selected.network, width=PAGE_SVG_SIZE[0], height=PAGE_SVG_SIZE[1]))
