"""The knowledge base: answered questions, published without personal data, searchable on the
public site; the broker edits them and decides what is visible."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kennisstad.lib.paging import page_number, page_url

from .. import knowledge_selectors as selectors
from .. import services
from ..knowledge_forms import AnswerEditForm, KnowledgeSearchForm
from .access import broker_required

BACKOFFICE_PAGE_SIZE = 50


@require_GET
def answers(request):
    form = KnowledgeSearchForm(request.GET, themes=selectors.theme_options())
    query, thema = form.filters()
    page = selectors.knowledge_page(query=query, thema=thema, page_number=page_number(request))
    context = {
        "form": form,
        "page": page,
        "previous_url": page_url(request, page.page_number - 1) if page.page_number > 1 else None,
        "next_url": page_url(request, page.page_number + 1) if page.has_next else None,
    }
    template = "loket/knowledge/list.html"
    if request.headers.get("HX-Request") == "true":
        template += "#answer-list"
    return render(request, template, context)


@require_GET
def answer(request, slug: str):
    return render(request, "loket/knowledge/detail.html", {"answer": selectors.public_answer(slug)})


# --- the broker's back office ----------------------------------------------------------------


@broker_required
@require_GET
def backoffice_list(request):
    published = request.GET.get("zichtbaar", "")
    page = Paginator(selectors.backoffice_answers(published=published), BACKOFFICE_PAGE_SIZE).get_page(
        page_number(request)
    )
    context = {
        "published": published,
        "filter_links": [
            {"label": _("Alle"), "url": "?", "current": published not in ("ja", "nee")},
            {"label": _("Zichtbaar"), "url": "?zichtbaar=ja", "current": published == "ja"},
            {"label": _("Verborgen"), "url": "?zichtbaar=nee", "current": published == "nee"},
        ],
        "page": page,
        "answers": page.object_list,
        "page_number": page.number,
        "page_count": page.paginator.num_pages,
        "previous_url": page_url(request, page.previous_page_number()) if page.has_previous() else None,
        "next_url": page_url(request, page.next_page_number()) if page.has_next() else None,
    }
    return render(request, "loket/knowledge/backoffice_list.html", context)


@broker_required
@require_http_methods(["GET", "POST"])
def backoffice_edit(request, pk: int):
    published = selectors.backoffice_answer(pk)
    status = 200
    if request.method == "POST":
        form = AnswerEditForm(request.POST, published=published)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.answer_update(
                    published=published,
                    by=request.user,
                    title=data["title"],
                    answer=data["answer"],
                    section=data["section"],
                    is_published=data["is_published"],
                    projects=data["projects"],
                    organisations=data["organisations"],
                )
            except ValidationError as error:
                form.add_error(None, error)
                published = selectors.backoffice_answer(pk)
            else:
                if data["is_published"]:
                    messages.success(request, _("Opgeslagen; de vraag staat in de kennisbank."))
                else:
                    messages.success(request, _("Opgeslagen; de vraag is niet (meer) zichtbaar op de site."))
                return redirect(reverse("loket:backoffice_answer", args=[pk]))
        status = 400
    else:
        form = AnswerEditForm(published=published)
    return render(
        request, "loket/knowledge/backoffice_edit.html", {"published": published, "form": form}, status=status
    )
