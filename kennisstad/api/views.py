from django.shortcuts import render
from django.views.decorators.http import require_safe

from .docs import endpoints


@require_safe
def docs(request):
    return render(request, "api/docs.html", {"endpoints": endpoints()})
