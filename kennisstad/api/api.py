"""The open-data API, version 1: read-only endpoints for the public data, and one write.

Thin over ``selectors.py`` (reads), ``exports.py`` and ``services.py`` (the write); every
output has an explicit schema (``schemas.py``). Reads need no login; the write needs a
partner's token (``Authorization: Bearer …``). ETags, caching and CORS headers come from
``kennisstad.api.middleware``.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from . import exports, selectors
from .schemas import (
    AgendaOut,
    AgendaPage,
    AnswerOut,
    AnswerPage,
    AnswerQuery,
    ErrorOut,
    EventOut,
    EventPage,
    EventQuery,
    NewsItemOut,
    NewsItemPage,
    NewsQuery,
    OrganisationOut,
    OrganisationPage,
    OrganisationQuery,
    PageQuery,
    ProgressUpdateIn,
    ProgressUpdateOut,
    ProgressUpdatePage,
    ProgressUpdateQuery,
    ProjectOut,
    ProjectPage,
    ProjectQuery,
    SectionPage,
    ValidationErrorOut,
)
from .services import progress_update_add_by_token
from .tokens import token_authenticate, token_over_limit

api = NinjaAPI(
    title="Kennisstad open data",
    version="1",
    description=(
        "The agendas, themes, projects, organisations, progress updates and the public knowledge "
        "base of the alliance, as open data. Lists take `limit` (at most 100) and `offset`."
    ),
    urls_namespace="v1",
    docs_url=None,
    openapi_url="/openapi.json",
)

# Every read may answer 422 (a parameter out of range or of the wrong type); one object also 404.
INVALID = {422: ValidationErrorOut}
NOT_FOUND = {404: ErrorOut, **INVALID}


def listing(schema) -> dict:
    return {200: schema, **INVALID}


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        return token_authenticate(token)


def _language(request) -> str:
    return translation.get_language_from_request(request)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("Niet gevonden.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    with translation.override(_language(request)):
        detail = _("Geef een geldig, niet ingetrokken token mee: Authorization: Bearer <token>.")
    response = api.create_response(request, {"detail": detail}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(NinjaValidationError)
def invalid(request, exc):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [
            str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")
        ]
        errors.setdefault(".".join(location) or "__all__", []).append(error.get("msg", ""))
    with translation.override(_language(request)):
        detail = _("De gegevens kloppen niet.")
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


# --- agendas and themes ------------------------------------------------------------------------


@api.get("/agendas", response=listing(AgendaPage), tags=["agendas"], summary="Agendas, newest first")
def agenda_list(request, paging: Query[PageQuery]):
    return selectors.page(selectors.agendas(), paging, convert=selectors.agenda_data, request=request)


@api.get("/agendas/{period}", response={200: AgendaOut, **NOT_FOUND}, tags=["agendas"], summary="One agenda")
def agenda_detail(request, period: str):
    return selectors.agenda_data(selectors.agenda_with_counts(period))


@api.get(
    "/agendas/{period}/sections",
    response={200: SectionPage, **NOT_FOUND},
    tags=["agendas"],
    summary="The themes of an agenda, in agenda order",
)
def section_list(request, period: str, paging: Query[PageQuery]):
    return selectors.page(selectors.sections(period), paging, convert=selectors.section_data, request=request)


def _export(period: str, render, content_type: str, extension: str, request) -> HttpResponse:
    agenda = selectors.agenda_with_counts(period)
    response = HttpResponse(render(agenda, request), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="agenda-{agenda.slug}.{extension}"'
    return response


def _file(content_type: str, description: str) -> dict:
    """The OpenAPI description of a file download (ninja describes only JSON by itself)."""
    return {
        "responses": {
            200: {"description": description, "content": {content_type: {"schema": {"type": "string"}}}}
        }
    }


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@api.get(
    "/agendas/{period}/export.csv",
    response=NOT_FOUND,
    tags=["exports"],
    summary="The agenda as CSV",
    openapi_extra=_file("text/csv", "One row per project, UTF-8 with a byte-order mark."),
)
def export_csv(request, period: str):
    return _export(period, exports.agenda_csv, "text/csv; charset=utf-8", "csv", request)


@api.get(
    "/agendas/{period}/export.xlsx",
    response=NOT_FOUND,
    tags=["exports"],
    summary="The agenda as XLSX",
    openapi_extra=_file(XLSX, "One row per project, every cell text."),
)
def export_xlsx(request, period: str):
    return _export(period, exports.agenda_xlsx, XLSX, "xlsx", request)


@api.get(
    "/agendas/{period}/export.json",
    response=NOT_FOUND,
    tags=["exports"],
    summary="The agenda as JSON",
    openapi_extra=_file("application/json", "The agenda, its themes and their projects, nested."),
)
def export_json(request, period: str):
    return _export(period, exports.agenda_json, "application/json", "json", request)


# --- projects ----------------------------------------------------------------------------------


@api.get(
    "/projects", response=listing(ProjectPage), tags=["projects"], summary="Projects with their participants"
)
def project_list(request, filters: Query[ProjectQuery]):
    found = selectors.projects(
        period=filters.period,
        section=filters.section,
        status=filters.status or "",
        organisation=filters.organisation,
        role=filters.role or "",
        q=filters.q,
    )
    return selectors.page(found, filters, convert=selectors.project_data, request=request)


@api.get(
    "/projects/{period}/{key}",
    response={200: ProjectOut, **NOT_FOUND},
    tags=["projects"],
    summary="One project",
)
def project_detail(request, period: str, key: str):
    return selectors.project_data(selectors.project(period, key), request)


@api.get(
    "/projects/{period}/{key}/updates",
    response={200: ProgressUpdatePage, **NOT_FOUND},
    tags=["progress"],
    summary="A project's progress updates, newest first",
)
def project_update_list(request, period: str, key: str, paging: Query[PageQuery]):
    found = selectors.project(period, key)
    updates = selectors.progress_updates(period=period, project=found.key)
    return selectors.page(updates, paging, convert=selectors.progress_update_data, request=request)


@api.post(
    "/projects/{period}/{key}/updates",
    auth=TokenAuth(),
    response={
        201: ProgressUpdateOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
        429: ErrorOut,
    },
    tags=["progress"],
    summary="Add a progress update (partners, with a token)",
    description=(
        "Only for projects in which the token's organisation or one of its units takes part, as a "
        "web editor of that organisation may. A status different from the project's changes it."
    ),
)
def project_update_add(request, period: str, key: str, payload: ProgressUpdateIn):
    token = request.auth
    with translation.override(_language(request)):
        if token_over_limit(token):
            return Status(
                429, {"detail": _("Te veel updates met dit token; probeer het over een uur opnieuw.")}
            )
        found = selectors.project(period, key)
        try:
            update = progress_update_add_by_token(token=token, project=found, **payload.service_fields())
        except PermissionDenied:
            detail = _("Dit token mag alleen updates plaatsen bij projecten van de eigen organisatie.")
            return Status(403, {"detail": detail})
        except DjangoValidationError as error:
            return Status(422, {"detail": _("De update is niet opgeslagen."), "errors": error.message_dict})
    return Status(201, selectors.progress_update_data(update, request))


@api.get(
    "/progress-updates",
    response=listing(ProgressUpdatePage),
    tags=["progress"],
    summary="Progress updates of all projects, newest first",
)
def update_list(request, filters: Query[ProgressUpdateQuery]):
    found = selectors.progress_updates(project=filters.project, since=filters.since)
    return selectors.page(found, filters, convert=selectors.progress_update_data, request=request)


# --- organisations -----------------------------------------------------------------------------


@api.get(
    "/organisations",
    response=listing(OrganisationPage),
    tags=["organisations"],
    summary="Organisations and units, with their aliases",
)
def organisation_list(request, filters: Query[OrganisationQuery]):
    found = selectors.organisations(kind=filters.kind or "", q=filters.q)
    return selectors.page(found, filters, convert=selectors.organisation_data, request=request)


@api.get(
    "/organisations/{slug}",
    response={200: OrganisationOut, **NOT_FOUND},
    tags=["organisations"],
    summary="One organisation",
)
def organisation_detail(request, slug: str):
    return selectors.organisation_data(selectors.organisation(slug), request)


# --- the knowledge base ------------------------------------------------------------------------


@api.get(
    "/questions",
    response=listing(AnswerPage),
    tags=["knowledge base"],
    summary="Published questions and answers of the kennisloket",
)
def answer_list(request, filters: Query[AnswerQuery]):
    found = selectors.answers(section=filters.section, q=filters.q)
    return selectors.page(found, filters, convert=selectors.answer_data, request=request)


@api.get(
    "/questions/{slug}",
    response={200: AnswerOut, **NOT_FOUND},
    tags=["knowledge base"],
    summary="One published question and its answer",
)
def answer_detail(request, slug: str):
    return selectors.answer_data(selectors.answer(slug), request)


# --- news and events ---------------------------------------------------------------------------


@api.get("/news", response=listing(NewsItemPage), tags=["news"], summary="Published news, newest first")
def news_list(request, filters: Query[NewsQuery]):
    found = selectors.news(section=filters.section)
    return selectors.page(found, filters, convert=selectors.news_item_data, request=request)


@api.get("/news/{slug}", response={200: NewsItemOut, **NOT_FOUND}, tags=["news"], summary="One news item")
def news_detail(request, slug: str):
    return selectors.news_item_data(selectors.news_item(slug), request)


@api.get("/events", response=listing(EventPage), tags=["news"], summary="Published events, by start")
def event_list(request, filters: Query[EventQuery]):
    found = selectors.events(when=filters.when)
    return selectors.page(found, filters, convert=selectors.event_data, request=request)


@api.get("/events/{slug}", response={200: EventOut, **NOT_FOUND}, tags=["news"], summary="One event")
def event_detail(request, slug: str):
    return selectors.event_data(selectors.event(slug), request)
