from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
def organisation_list(request):
    return render(request, "organisations/list.html", {"entries": selectors.organisations_with_projects()})


@require_GET
def organisation_detail(request, slug: str):
    return render(request, "organisations/detail.html", {"page": selectors.organisation_page(slug)})
