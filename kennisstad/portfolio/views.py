from django.shortcuts import render
from django.views.decorators.http import require_GET

from kennisstad.lib.paging import page_number, page_url

from . import selectors


def _render_page_or_fragment(request, template: str, fragment: str, context: dict):
    """HTMX requests get only the named fragment of the page."""
    if request.headers.get("HX-Request") == "true":
        template = f"{template}#{fragment}"
    return render(request, template, context)


@require_GET
def home(request):
    return render(request, "portfolio/home.html", {"page": selectors.home_page()})


@require_GET
def theme(request, period: str, slug: str):
    page = selectors.theme_page(
        period=period,
        slug=slug,
        organisation=request.GET.get("organisatie", "")[:200],
        status=request.GET.get("status", "")[:20],
        page_number=page_number(request),
    )
    context = {
        "page": page,
        "previous_url": page_url(request, page.page_number - 1) if page.page_number > 1 else None,
        "next_url": page_url(request, page.page_number + 1) if page.page_number < page.page_count else None,
    }
    return _render_page_or_fragment(request, "portfolio/theme.html", "project-list", context)


@require_GET
def project(request, period: str, key: str):
    return render(request, "portfolio/project.html", {"page": selectors.project_page(period=period, key=key)})
