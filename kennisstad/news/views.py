from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kennisstad.lib.paging import page_number, page_url
from kennisstad.portfolio.models import Section

from . import ics, selectors
from .markdown import render_markdown

PAGE_SIZE = 10


def _page(request, queryset):
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(page_number(request))
    return {
        "items": page.object_list,
        "page_number": page.number,
        "page_count": paginator.num_pages,
        "previous_url": page_url(request, page.number - 1) if page.has_previous() else None,
        "next_url": page_url(request, page.number + 1) if page.has_next() else None,
    }


@require_GET
def news_list(request):
    thema = request.GET.get("thema", "").replace("\x00", "").strip()[:200] or None
    section = (
        Section.objects.filter(slug=thema).order_by("-agenda__is_current", "-pk").first() if thema else None
    )
    context = _page(request, selectors.news_list(thema=thema))
    context.update({"thema": thema, "section": section})
    return render(request, "news/list.html", context)


@require_GET
def news_detail(request, slug: str):
    item = selectors.news_detail(slug)
    return render(request, "news/detail.html", {"item": item, "body": render_markdown(item.body)})


@require_GET
def event_list(request):
    context = _page(request, selectors.upcoming_events())
    return render(request, "news/events.html", {**context, "past": False})


@require_GET
def past_event_list(request):
    context = _page(request, selectors.past_events())
    return render(request, "news/events.html", {**context, "past": True})


@require_GET
def event_detail(request, slug: str):
    event = selectors.event_detail(slug)
    return render(
        request, "news/event.html", {"event": event, "description": render_markdown(event.description)}
    )


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def event_ics(request, slug: str):
    event = selectors.event_detail(slug)
    return _calendar_response(ics.calendar([event], name=event.title), f"{event.slug}.ics")


@require_GET
def calendar_ics(request):
    name = _("%(site)s: evenementen") % {"site": settings.SITE_NAME}
    return _calendar_response(ics.calendar(selectors.calendar_events(), name=name), "agenda.ics")
