from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kennisstad.lib.paging import page_number, page_url

from .selectors import search

PAGE_SIZE = 20
FILTERS = ("thema", "organisatie", "rol", "status", "soort")
FACET_TITLES = {
    "soort": _("Soort"),
    "thema": _("Thema"),
    "organisatie": _("Organisatie"),
    "rol": _("Rol"),
    "status": _("Status"),
}


@require_GET
def search_page(request):
    query = request.GET.get("q", "").strip()[:200]
    filters = {name: request.GET.get(name, "").replace("\x00", "").strip()[:200] or None for name in FILTERS}
    number = page_number(request)
    searched = bool(query or any(filters.values()))
    results = search(query, **filters, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE) if searched else None
    has_next = bool(results and results.total > number * PAGE_SIZE)
    context = {
        "query": query,
        "results": results,
        "previous_url": page_url(request, number - 1) if number > 1 else None,
        "next_url": page_url(request, number + 1) if has_next else None,
        "facet_links": _facet_links(request, results) if results else [],
        "active_filters": _active_filters(request, filters),
    }
    template = "search/search.html"
    if request.headers.get("HX-Request") == "true":
        template += "#results"
    return render(request, template, context)


def _query_string(request, **changes) -> str:
    params = request.GET.copy()
    params.pop("pagina", None)
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return "?" + params.urlencode()


def _facet_links(request, results) -> list[dict]:
    """Each facet with, per value, the URL that applies it (or removes it when already selected)."""
    facets = []
    for name, values in results.facets.items():
        if not values:
            continue
        facets.append(
            {
                "name": name,
                "title": FACET_TITLES.get(name, name),
                "values": [
                    {
                        "value": value,
                        "url": _query_string(request, **{name: None if value.selected else value.value}),
                    }
                    for value in values
                ],
            }
        )
    return facets


def _active_filters(request, filters: dict) -> list[dict]:
    return [
        {"name": name, "value": value, "remove_url": _query_string(request, **{name: None})}
        for name, value in filters.items()
        if value
    ]
