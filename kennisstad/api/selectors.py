"""What the open-data API reads: the public data only, as plain dicts in a stable order.

Each ``*_data`` function turns one object into the dict its output schema (``schemas.py``)
describes; the querysets fetch what those functions touch in a fixed number of queries.
"""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kennisstad.loket.knowledge_selectors import published_answers
from kennisstad.loket.models import PublishedAnswer
from kennisstad.news import selectors as news_selectors
from kennisstad.organisations.models import Alias, Organisation
from kennisstad.portfolio.models import Agenda, Participation, ProgressUpdate, Project, ProjectLink, Section
from kennisstad.portfolio.selectors import agenda_by_period

MAX_LIMIT = 100
# A larger offset is no page anyone reads, and a huge one only makes the database work.
MAX_OFFSET = 100_000


def page(items: QuerySet, paging, *, convert, request) -> dict:
    """One page of ``items`` as dicts; ``paging`` has ``limit`` and ``offset`` (validated by the API)."""
    limit, offset = paging.limit, paging.offset
    return {
        "count": items.count(),
        "limit": limit,
        "offset": offset,
        "items": [convert(item, request) for item in items[offset : offset + limit]],
    }


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# --- agendas and themes ------------------------------------------------------------------------


def agendas() -> QuerySet:
    return Agenda.objects.annotate(
        section_count=Count("sections", distinct=True), project_count=Count("projects", distinct=True)
    ).order_by("-period", "pk")


def agenda_data(agenda: Agenda, request=None) -> dict:
    return {
        "id": agenda.pk,
        "period": agenda.period,
        "title": agenda.title,
        "slug": agenda.slug,
        "introduction": agenda.introduction,
        "is_current": agenda.is_current,
        "sections": agenda.section_count,
        "projects": agenda.project_count,
    }


def agenda_with_counts(period: str) -> Agenda:
    agenda = agendas().filter(period=period).first()
    if agenda is None:
        raise Http404(_("Deze agenda bestaat niet."))
    return agenda


def sections(period: str) -> QuerySet:
    agenda = agenda_by_period(period)
    return Section.objects.filter(agenda=agenda).select_related("agenda").order_by("position", "number", "pk")


def section_data(section: Section, request=None) -> dict:
    return {
        "id": section.pk,
        "agenda": section.agenda.period,
        "number": section.number,
        "slug": section.slug,
        "title": section.title,
        "ambition": section.ambition,
        "position": section.position,
        "url": _absolute(request, section.get_absolute_url()),
    }


# --- projects ----------------------------------------------------------------------------------


def _projects() -> QuerySet:
    return Project.objects.select_related("agenda", "section", "group").prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("organisation__parent").order_by(
                "role", "position", "pk"
            ),
        ),
        Prefetch("links", queryset=ProjectLink.objects.order_by("pk")),
    )


def projects(
    *,
    period: str = "",
    section: str = "",
    status: str = "",
    organisation: str = "",
    role: str = "",
    q: str = "",
) -> QuerySet:
    """Projects, filtered; ``organisation`` counts its units too, ``role`` narrows it to a role
    (or, alone, to projects with any participant in that role)."""
    selected = _projects()
    if period:
        selected = selected.filter(agenda__period=period)
    if section:
        selected = selected.filter(section__slug=section)
    if status:
        selected = selected.filter(status=status)
    if organisation or role:
        taking_part = Participation.objects.all()
        if organisation:
            taking_part = taking_part.filter(
                Q(organisation__slug=organisation) | Q(organisation__parent__slug=organisation)
            )
        if role:
            taking_part = taking_part.filter(role=role)
        selected = selected.filter(pk__in=taking_part.values("project_id"))
    if q:
        selected = selected.filter(
            Q(title__icontains=q) | Q(description__icontains=q) | Q(code__iexact=q) | Q(key__iexact=q)
        )
    return selected.order_by("-agenda__period", "section__position", "position", "pk")


def project(period: str, key: str) -> Project:
    found = _projects().filter(agenda__period=period, key__iexact=key).first()
    if found is None:
        raise Http404(_("Dit project bestaat niet."))
    return found


def participation_data(participation: Participation) -> dict:
    organisation = participation.organisation
    return {
        "organisation": organisation.slug,
        "organisation_name": organisation.name,
        "role": participation.role,
        "unit_of": organisation.parent.slug if organisation.parent_id else None,
        "as_written": participation.raw_text,
    }


def project_data(project: Project, request=None) -> dict:
    return {
        "id": project.pk,
        "agenda": project.agenda.period,
        "key": project.key,
        "code": project.code,
        "slug": project.slug,
        "title": project.title,
        "description": project.description,
        "status": project.status,
        "status_note": project.status_note,
        "section": project.section.slug,
        "section_title": project.section.title,
        "group": project.group.title if project.group_id else None,
        "participations": [participation_data(p) for p in project.participations.all()],
        "links": [{"url": link.url, "label": link.label} for link in project.links.all()],
        "updated_at": project.updated_at,
        "url": _absolute(request, project.get_absolute_url()),
    }


# --- organisations -----------------------------------------------------------------------------


def organisations(*, kind: str = "", q: str = "") -> QuerySet:
    selected = Organisation.objects.select_related("parent").prefetch_related(
        Prefetch("aliases", queryset=Alias.objects.order_by("text", "pk")),
        Prefetch("units", queryset=Organisation.objects.order_by("name", "pk")),
    )
    if kind:
        selected = selected.filter(kind=kind)
    if q:
        selected = selected.filter(
            Q(name__icontains=q) | Q(slug__icontains=q) | Q(aliases__text__icontains=q)
        ).distinct()
    return selected.order_by("name", "pk")


def organisation(slug: str) -> Organisation:
    found = organisations().filter(slug=slug).first()
    if found is None:
        raise Http404(_("Deze organisatie bestaat niet."))
    return found


def organisation_data(organisation: Organisation, request=None) -> dict:
    return {
        "id": organisation.pk,
        "slug": organisation.slug,
        "name": organisation.name,
        "kind": organisation.kind,
        "parent": organisation.parent.slug if organisation.parent_id else None,
        "website": organisation.website,
        "description": organisation.description,
        "aliases": [alias.text for alias in organisation.aliases.all()],
        "units": [{"slug": unit.slug, "name": unit.name} for unit in organisation.units.all()],
        "url": _absolute(request, organisation.get_absolute_url()),
    }


# --- progress updates --------------------------------------------------------------------------


def progress_updates(*, period: str = "", project: str = "", since: datetime.date | None = None) -> QuerySet:
    """Updates, newest first; ``project`` is a key (with ``period``) or "period/key"."""
    selected = ProgressUpdate.objects.select_related("project__agenda")
    if project and "/" in project and not period:
        period, project = project.rsplit("/", 1)
    if period:
        selected = selected.filter(project__agenda__period=period)
    if project:
        selected = selected.filter(project__key__iexact=project)
    if since is not None:
        selected = selected.filter(date__gte=since)
    return selected.order_by("-date", "-created_at", "-pk")


def progress_update_data(update: ProgressUpdate, request=None) -> dict:
    return {
        "id": update.pk,
        "project": f"{update.project.agenda.period}/{update.project.key}",
        "date": update.date,
        "text": update.text,
        "old_status": update.old_status,
        "new_status": update.new_status,
        "link_url": update.link_url,
        "link_label": update.link_label,
        "figure_label": update.figure_label,
        "figure_value": update.figure_value,
        "created_at": update.created_at,
    }


# --- the knowledge base ------------------------------------------------------------------------


def answers(*, section: str = "", q: str = "") -> QuerySet:
    """Published answers only (what /kennisbank/ shows): never the question as asked, nor who asked."""
    selected = published_answers(thema=section).prefetch_related(
        Prefetch("projects", queryset=Project.objects.select_related("agenda").order_by("pk")),
        Prefetch("organisations", queryset=Organisation.objects.order_by("slug")),
    )
    if q:
        selected = selected.filter(Q(title__icontains=q) | Q(answer__icontains=q))
    return selected


def answer(slug: str) -> PublishedAnswer:
    found = answers().filter(slug=slug).first()
    if found is None:
        raise Http404(_("Deze vraag staat niet (meer) in de kennisbank."))
    return found


def answer_data(answer: PublishedAnswer, request=None) -> dict:
    return {
        "id": answer.pk,
        "slug": answer.slug,
        "title": answer.title,
        "answer": answer.answer,
        "section": answer.section.slug if answer.section_id else None,
        "projects": [f"{p.agenda.period}/{p.key}" for p in answer.projects.all()],
        "organisations": [o.slug for o in answer.organisations.all()],
        "published_at": answer.published_at,
        "url": _absolute(request, answer.get_absolute_url()),
    }


# --- news and events ---------------------------------------------------------------------------


def _about_prefetch() -> list[Prefetch]:
    return [
        Prefetch("sections", queryset=Section.objects.order_by("pk")),
        Prefetch("projects", queryset=Project.objects.select_related("agenda").order_by("pk")),
        Prefetch("organisations", queryset=Organisation.objects.order_by("slug")),
    ]


def _about_data(item) -> dict:
    return {
        "sections": [section.slug for section in item.sections.all()],
        "projects": [f"{p.agenda.period}/{p.key}" for p in item.projects.all()],
        "organisations": [o.slug for o in item.organisations.all()],
    }


def news(*, section: str = "") -> QuerySet:
    """Published news only (never drafts, submissions or who wrote them), newest first."""
    items = news_selectors.published_news()
    if section:
        items = items.filter(sections__slug=section).distinct()
    return items.prefetch_related(*_about_prefetch()).order_by("-published_at", "-pk")


def news_item(slug: str):
    found = news().filter(slug=slug).first()
    if found is None:
        raise Http404(_("Dit nieuwsbericht bestaat niet."))
    return found


def news_item_data(item, request=None) -> dict:
    return {
        "id": item.pk,
        "slug": item.slug,
        "title": item.title,
        "lead": item.lead,
        "body": item.body,
        "image": _absolute(request, item.image.url) if item.image else None,
        "image_alt": item.image_alt,
        "published_at": item.published_at,
        **_about_data(item),
        "url": _absolute(request, item.get_absolute_url()),
    }


def events(*, when: str = "") -> QuerySet:
    """Published events; ``when`` "upcoming" (not yet ended) or "past", else all, by start."""
    chosen = {"upcoming": news_selectors.upcoming_events, "past": news_selectors.past_events}.get(
        when, news_selectors.published_events
    )
    order = ("-starts_at", "-pk") if when == "past" else ("starts_at", "pk")
    return chosen().prefetch_related(*_about_prefetch()).order_by(*order)


def event(slug: str):
    found = events().filter(slug=slug).first()
    if found is None:
        raise Http404(_("Dit evenement bestaat niet."))
    return found


def event_data(event, request=None) -> dict:
    return {
        "id": event.pk,
        "slug": event.slug,
        "title": event.title,
        "description": event.description,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "all_day": event.all_day,
        "place": event.place,
        "online_url": event.online_url,
        **_about_data(event),
        "url": _absolute(request, event.get_absolute_url()),
    }
