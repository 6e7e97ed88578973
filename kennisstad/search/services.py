"""Keeping the search index current: one SearchDocument per project, per organisation and per
published answer of the kennisloket's knowledge base.

Every change goes through ``_store``/``remove_document``, which also keep the
vocabulary (SearchTerm) exact: each document remembers its distinct words, so
re-indexing it subtracts the old words and adds the new ones. (Documents that
go with a deleted agenda leave their words counted until ``rebuild_index``.)
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch
from django.utils import translation

from kennisstad.lib import dutch
from kennisstad.lib.text import normalise_written_form
from kennisstad.loket.models import PublishedAnswer
from kennisstad.news.markdown import plain_text
from kennisstad.news.models import Event, NewsItem
from kennisstad.organisations.models import Alias, Organisation
from kennisstad.portfolio.models import Agenda, Participation, Project

from .models import SearchDocument, SearchTerm

Kind = SearchDocument.Kind
_BATCH = 500
_DIGITS = re.compile(r"\d+")
_DOCUMENT_FIELDS = [
    "agenda",
    "title",
    "body",
    "url",
    "title_terms",
    "org_terms",
    "body_terms",
    "words",
    "section",
    "status",
    "participations",
    "sort_key",
    "indexed_at",
]


@dataclass
class IndexCounts:
    projects: int
    organisations: int
    terms: int
    seconds: float
    questions: int = 0
    news: int = 0
    events: int = 0


def _natural_key(code: str) -> str:
    """Sorts "2a" before "10a" and "4V1" before "4V12"."""
    return _DIGITS.sub(lambda match: match.group().zfill(6), code.casefold())


def _url(instance) -> str:
    try:
        return instance.get_absolute_url()
    except NoReverseMatch:  # the public pages are not installed in every setup
        return ""


class _Organisations:
    """Every organisation with its written forms, loaded once per indexing run."""

    def __init__(self):
        self.by_id = {o.pk: o for o in Organisation.objects.all()}
        self.aliases: dict[int, list[str]] = defaultdict(list)
        for organisation_id, text in Alias.objects.values_list("organisation_id", "text"):
            self.aliases[organisation_id].append(text)
        self.units: dict[int, list[Organisation]] = defaultdict(list)
        for organisation in self.by_id.values():
            if organisation.parent_id is not None:
                self.units[organisation.parent_id].append(organisation)

    def names(self, organisation_id: int) -> list[str]:
        organisation = self.by_id[organisation_id]
        return [organisation.name, *self.aliases[organisation_id]]

    def ancestors(self, organisation_id: int) -> list[int]:
        chain, seen = [], {organisation_id}
        parent_id = self.by_id[organisation_id].parent_id
        while parent_id is not None and parent_id not in seen:
            chain.append(parent_id)
            seen.add(parent_id)
            parent_id = self.by_id[parent_id].parent_id
        return chain

    def root_id(self, organisation_id: int) -> int:
        ancestors = self.ancestors(organisation_id)
        return ancestors[-1] if ancestors else organisation_id

    def names_with_parents(self, organisation_id: int) -> list[str]:
        """A unit is also found by its organisation's names: "UL" finds where only "UL/FSW" takes part."""
        names = self.names(organisation_id)
        for ancestor_id in self.ancestors(organisation_id):
            names += self.names(ancestor_id)
        return names


def _document(
    *,
    kind: str,
    object_id: int,
    title: str,
    title_text: str,
    org_text: str,
    body: str,
    url: str,
    participations: list[dict],
    sort_key: str,
    agenda_id: int | None = None,
    section_id: int | None = None,
    status: str = "",
) -> SearchDocument:
    words = dutch.vocabulary(f"{title_text}\n{org_text}\n{body}")
    return SearchDocument(
        kind=kind,
        object_id=object_id,
        agenda_id=agenda_id,
        title=title[:400],
        body=body,
        url=url[:500],
        title_terms=dutch.terms(title_text),
        org_terms=dutch.terms(org_text),
        body_terms=dutch.terms(body),
        words=" ".join(sorted(word for word in words if len(word) <= 60)),
        section_id=section_id,
        status=status,
        participations=participations,
        sort_key=sort_key[:300],
    )


def _project_document(project: Project, people: list[tuple[int, str]], organisations: _Organisations):
    title = f"{project.code} {project.title}"
    title_text = title if project.key == project.code else f"{project.key} {title}"
    names = []
    participations = []
    for organisation_id, role in people:
        names += organisations.names_with_parents(organisation_id)
        entry = {
            "organisation_id": organisation_id,
            "root_id": organisations.root_id(organisation_id),
            "role": role,
        }
        if entry not in participations:
            participations.append(entry)
    # The cells as written too: words that are no known organisation ("Hortus", "inwoners") stay findable.
    org_text = "\n".join([*dict.fromkeys(names), project.leads_raw, project.partners_raw])
    body = "\n\n".join(part for part in (project.description, project.status_note, project.contact) if part)
    return _document(
        kind=Kind.PROJECT,
        object_id=project.pk,
        title=title,
        title_text=title_text,
        org_text=org_text,
        body=body,
        url=_url(project),
        participations=participations,
        sort_key=_natural_key(project.key),
        agenda_id=project.agenda_id,
        section_id=project.section_id,
        status=project.status,
    )


def _own_form(written: str, ancestor_forms: set[str]) -> str:
    """A unit's alias without its organisation in front: "UL/FSW" → "FSW".

    Otherwise every faculty would carry "UL" in its title and outrank the university itself.
    """
    parts = written.split("/")
    while len(parts) > 1 and normalise_written_form(parts[0]) in ancestor_forms:
        parts = parts[1:]
    return "/".join(parts)


def _organisation_document(organisation: Organisation, organisations: _Organisations) -> SearchDocument:
    related = []
    for ancestor_id in organisations.ancestors(organisation.pk):
        related += organisations.names(ancestor_id)
    ancestor_forms = {normalise_written_form(name) for name in related}
    own_names = [_own_form(name, ancestor_forms) for name in organisations.names(organisation.pk)]
    related += [unit.name for unit in organisations.units[organisation.pk]]
    # Indexed in Dutch whatever language the request or command runs in.
    with translation.override("nl"):
        related += [organisation.kind, str(organisation.get_kind_display())]
    return _document(
        kind=Kind.ORGANISATION,
        object_id=organisation.pk,
        title=organisation.name,
        title_text="\n".join(dict.fromkeys(own_names)),
        org_text="\n".join(dict.fromkeys(related)),
        body=organisation.description,
        url=_url(organisation),
        participations=[
            {
                "organisation_id": organisation.pk,
                "root_id": organisations.root_id(organisation.pk),
                "role": None,
            }
        ],
        sort_key=organisation.name.casefold(),
    )


def _answer_document(
    answer: PublishedAnswer, organisation_ids: list[int], organisations: _Organisations
) -> SearchDocument:
    names, participations = [], []
    for organisation_id in organisation_ids:
        if organisation_id not in organisations.by_id:
            continue
        names += organisations.names_with_parents(organisation_id)
        # No role: an answer is about organisations, nobody leads it; the role facet leaves it out.
        entry = {
            "organisation_id": organisation_id,
            "root_id": organisations.root_id(organisation_id),
            "role": None,
        }
        if entry not in participations:
            participations.append(entry)
    return _document(
        kind=Kind.QUESTION,
        object_id=answer.pk,
        title=answer.title,
        title_text=answer.title,
        org_text="\n".join(dict.fromkeys(names)),
        body=answer.answer,
        url=_url(answer),
        participations=participations,
        sort_key=answer.title.casefold(),
        section_id=answer.section_id,
    )


def _chunks(items: list, size: int = _BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _words(documents: Iterable[str]) -> Counter:
    counts: Counter = Counter()
    for words in documents:
        counts.update(words.split())
    return counts


def _update_vocabulary(added: Counter, removed: Counter) -> None:
    delta = Counter(added)
    delta.subtract(removed)
    changed = [word for word, change in delta.items() if change]
    if not changed:
        return
    existing: dict[str, SearchTerm] = {}
    for chunk in _chunks(changed):
        existing.update((term.word, term) for term in SearchTerm.objects.filter(word__in=chunk))
    create, update, delete = [], [], []
    for word in changed:
        term = existing.get(word)
        count = (term.doc_count if term else 0) + delta[word]
        if term is None:
            if count > 0:
                create.append(SearchTerm(word=word, stem=dutch.stem(word)[:60], doc_count=count))
        elif count > 0:
            term.doc_count = count
            update.append(term)
        else:
            delete.append(term.pk)
    SearchTerm.objects.bulk_create(create, batch_size=_BATCH)
    SearchTerm.objects.bulk_update(update, ["doc_count"], batch_size=_BATCH)
    for chunk in _chunks(delete):
        SearchTerm.objects.filter(pk__in=chunk).delete()


@transaction.atomic
def _store(kind: str, documents: list[SearchDocument]) -> None:
    ids = [document.object_id for document in documents]
    old_words = []
    for chunk in _chunks(ids):
        old_words += SearchDocument.objects.filter(kind=kind, object_id__in=chunk).values_list(
            "words", flat=True
        )
    # An upsert keeps each document's id, so the SQLite triggers update the FTS rows in place.
    SearchDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=_DOCUMENT_FIELDS,
        batch_size=_BATCH,
    )
    _update_vocabulary(_words(document.words for document in documents), _words(old_words))


def index_projects(projects: Iterable[Project]) -> int:
    """Write the search documents of these projects (a queryset or any iterable); returns how many."""
    if isinstance(projects, QuerySet):
        queryset = projects.order_by()
    else:
        queryset = Project.objects.filter(pk__in=[project.pk for project in projects])
    projects = list(queryset.select_related("agenda"))
    if not projects:
        return 0
    people: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for chunk in _chunks([project.pk for project in projects]):
        rows = (
            Participation.objects.filter(project_id__in=chunk)
            .order_by("role", "position")
            .values_list("project_id", "organisation_id", "role")
        )
        for project_id, organisation_id, role in rows:
            people[project_id].append((organisation_id, role))
    organisations = _Organisations()
    _store(Kind.PROJECT, [_project_document(p, people[p.pk], organisations) for p in projects])
    return len(projects)


def index_organisations(organisations: Iterable[Organisation]) -> int:
    """Write the search documents of these organisations (a queryset or any iterable); returns how many."""
    loaded = _Organisations()
    # Once each: one upsert may not write the same row twice.
    wanted = {organisation.pk for organisation in organisations} & loaded.by_id.keys()
    _store(Kind.ORGANISATION, [_organisation_document(loaded.by_id[pk], loaded) for pk in sorted(wanted)])
    return len(wanted)


def index_published_answers(answers: Iterable[PublishedAnswer]) -> int:
    """Write the search documents of these answers of the knowledge base; returns how many.

    Only published answers are indexed; an unpublished one keeps no document (see
    ``kennisstad.loket.services.answer_update``, which removes it). The organisations are
    the answer's own and those taking part in its linked projects.
    """
    if isinstance(answers, QuerySet):
        queryset = answers.order_by()
    else:
        queryset = PublishedAnswer.objects.filter(pk__in=[answer.pk for answer in answers])
    answers = list(queryset.filter(is_published=True).distinct())
    if not answers:
        return 0
    ids = [answer.pk for answer in answers]
    people: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks(ids):
        own = PublishedAnswer.organisations.through.objects.filter(publishedanswer_id__in=chunk)
        for answer_id, organisation_id in own.values_list("publishedanswer_id", "organisation_id"):
            people[answer_id].append(organisation_id)
        links = PublishedAnswer.projects.through.objects.filter(publishedanswer_id__in=chunk)
        projects: dict[int, list[int]] = defaultdict(list)
        for answer_id, project_id in links.values_list("publishedanswer_id", "project_id"):
            projects[project_id].append(answer_id)
        via_projects = (
            Participation.objects.filter(project_id__in=list(projects))
            .order_by("role", "position")
            .values_list("project_id", "organisation_id")
        )
        for project_id, organisation_id in via_projects:
            for answer_id in projects[project_id]:
                people[answer_id].append(organisation_id)
    organisations = _Organisations()
    _store(Kind.QUESTION, [_answer_document(a, people[a.pk], organisations) for a in answers])
    return len(answers)


def _linked_document(
    *, kind: str, item, body: str, organisation_ids: list[int], organisations: _Organisations, section_id
) -> SearchDocument:
    """A news item's or an event's document: found by its title, text and linked organisations."""
    names, participations = [], []
    for organisation_id in organisation_ids:
        if organisation_id not in organisations.by_id:
            continue
        names += organisations.names_with_parents(organisation_id)
        entry = {
            "organisation_id": organisation_id,
            "root_id": organisations.root_id(organisation_id),
            "role": None,
        }
        if entry not in participations:
            participations.append(entry)
    return _document(
        kind=kind,
        object_id=item.pk,
        title=item.title,
        title_text=item.title,
        org_text="\n".join(dict.fromkeys(names)),
        body=body,
        url=_url(item),
        participations=participations,
        sort_key=item.title.casefold(),
        section_id=section_id,
    )


def _links(model, ids: list[int]) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Per item of ``model`` (news or event): its organisations, and its first theme."""
    organisations: dict[int, list[int]] = defaultdict(list)
    sections: dict[int, int] = {}
    field = f"{model._meta.model_name}_id"
    for chunk in _chunks(ids):
        rows = model.organisations.through.objects.filter(**{f"{field}__in": chunk}).order_by("pk")
        for item_id, organisation_id in rows.values_list(field, "organisation_id"):
            organisations[item_id].append(organisation_id)
        rows = model.sections.through.objects.filter(**{f"{field}__in": chunk}).order_by("-pk")
        for item_id, section_id in rows.values_list(field, "section_id"):
            sections[item_id] = section_id
    return organisations, sections


def index_news(items: Iterable[NewsItem]) -> int:
    """Write the search documents of these news items; only published ones are indexed (see
    ``kennisstad.news.services.news_sync_index``, which removes the others)."""
    ids = [item.pk for item in items]
    items = list(NewsItem.objects.filter(pk__in=ids, status=NewsItem.Status.PUBLISHED))
    if not items:
        return 0
    linked, sections = _links(NewsItem, [item.pk for item in items])
    organisations = _Organisations()
    documents = [
        _linked_document(
            kind=Kind.NEWS,
            item=item,
            body="\n\n".join(part for part in (item.lead, plain_text(item.body)) if part),
            organisation_ids=linked[item.pk],
            organisations=organisations,
            section_id=sections.get(item.pk),
        )
        for item in items
    ]
    _store(Kind.NEWS, documents)
    return len(items)


def index_events(events: Iterable[Event]) -> int:
    """Write the search documents of these events; only published ones are indexed."""
    ids = [event.pk for event in events]
    events = list(Event.objects.filter(pk__in=ids, is_published=True))
    if not events:
        return 0
    linked, sections = _links(Event, [event.pk for event in events])
    organisations = _Organisations()
    documents = [
        _linked_document(
            kind=Kind.EVENT,
            item=event,
            body="\n\n".join(part for part in (event.place, plain_text(event.description)) if part),
            organisation_ids=linked[event.pk],
            organisations=organisations,
            section_id=sections.get(event.pk),
        )
        for event in events
    ]
    _store(Kind.EVENT, documents)
    return len(events)


def _answers_involving(organisation_ids: set[int] | None = None, project_ids=None):
    """Published answers naming these organisations, or linked to projects they (or these projects) are in."""
    condition = Q()
    if organisation_ids is not None:
        condition |= Q(organisations__in=organisation_ids) | Q(
            projects__participations__organisation_id__in=organisation_ids
        )
    if project_ids is not None:
        condition |= Q(projects__in=project_ids)
    return PublishedAnswer.objects.filter(condition, is_published=True).distinct()


@transaction.atomic
def remove_document(kind: str, object_id: int) -> None:
    words = SearchDocument.objects.filter(kind=kind, object_id=object_id).values_list("words", flat=True)
    removed = _words(words)
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()
    _update_vocabulary(Counter(), removed)


@transaction.atomic
def reindex_agenda(agenda: Agenda) -> None:
    """After an import: the agenda's projects and all organisations, dropping documents of what is gone."""
    stale_projects = SearchDocument.objects.filter(kind=Kind.PROJECT, agenda=agenda).exclude(
        object_id__in=agenda.projects.values("pk")
    )
    stale_organisations = SearchDocument.objects.filter(kind=Kind.ORGANISATION).exclude(
        object_id__in=Organisation.objects.values("pk")
    )
    for kind, object_id in [
        *stale_projects.values_list("kind", "object_id"),
        *stale_organisations.values_list("kind", "object_id"),
    ]:
        remove_document(kind, object_id)
    index_projects(agenda.projects.all())
    index_organisations(Organisation.objects.all())
    # Answers carry the organisations of their projects, which the import may have changed.
    index_published_answers(_answers_involving(project_ids=agenda.projects.values("pk")))


@transaction.atomic
def rebuild_index() -> IndexCounts:
    """Throw the index away and index every project, organisation, published answer, news item and event again."""
    started = time.perf_counter()
    SearchDocument.objects.all().delete()
    SearchTerm.objects.all().delete()
    projects = index_projects(Project.objects.all())
    organisations = index_organisations(Organisation.objects.all())
    questions = index_published_answers(PublishedAnswer.objects.filter(is_published=True))
    news = index_news(NewsItem.objects.filter(status=NewsItem.Status.PUBLISHED))
    events = index_events(Event.objects.filter(is_published=True))
    return IndexCounts(
        projects=projects,
        organisations=organisations,
        terms=SearchTerm.objects.count(),
        seconds=time.perf_counter() - started,
        questions=questions,
        news=news,
        events=events,
    )


@transaction.atomic
def reindex_organisation(organisation: Organisation) -> None:
    """After an edit of an organisation or its aliases: it, its family and every project naming them.

    Project documents carry the names and aliases of their organisations, and a
    unit's document those of its parent, so all of these go stale together.
    """
    family = {organisation.pk, *organisation.units.values_list("pk", flat=True)}
    if organisation.parent_id:
        family.add(organisation.parent_id)
    index_organisations(Organisation.objects.filter(pk__in=family))
    index_projects(Project.objects.filter(participations__organisation_id__in=family).distinct())
    index_published_answers(_answers_involving(organisation_ids=family))
