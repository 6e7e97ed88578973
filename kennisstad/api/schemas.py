"""What the API shows of each object: explicit output schemas, so no staff-only field can slip in.

Fields that the public pages do not show stay out: contact persons and their addresses, reminder
dates, versions, who changed what, and everything about the people who asked the kennisloket.
"""

import datetime
import re
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, field_validator

from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Project, Role

from .selectors import MAX_LIMIT, MAX_OFFSET

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value):
    # Pydantic would also take a number (days or seconds since 1970): only YYYY-MM-DD is a date here.
    if isinstance(value, datetime.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("YYYY-MM-DD")


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]


class AgendaOut(Schema):
    id: int
    period: str
    title: str
    slug: str
    introduction: str
    is_current: bool
    sections: int = Field(description="How many themes it has.")
    projects: int = Field(description="How many projects it has.")


class SectionOut(Schema):
    id: int
    agenda: str = Field(description="The agenda's period.")
    number: str
    slug: str
    title: str
    ambition: str
    position: int
    url: str


class ParticipationOut(Schema):
    organisation: str = Field(description="The organisation's slug.")
    organisation_name: str
    role: str = Field(description="trekker or partner.")
    unit_of: str | None = Field(None, description="For a unit (faculty, lab): the slug of its organisation.")
    as_written: str = Field(description="How the agenda wrote it.")


class LinkOut(Schema):
    url: str
    label: str


class ProjectOut(Schema):
    id: int
    agenda: str = Field(description="The agenda's period; with key it names the project.")
    key: str
    code: str
    slug: str
    title: str
    description: str
    status: str
    status_note: str
    section: str = Field(description="The slug of the project's theme.")
    section_title: str
    group: str | None
    participations: list[ParticipationOut]
    links: list[LinkOut]
    updated_at: datetime.datetime
    url: str


class UnitOut(Schema):
    slug: str
    name: str


class OrganisationOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    parent: str | None = Field(None, description="For a unit: the slug of its organisation.")
    website: str
    description: str
    aliases: list[str] = Field(description="Written forms the agendas use for it (GL, UL/FSW).")
    units: list[UnitOut]
    url: str


class ProgressUpdateOut(Schema):
    id: int
    project: str = Field(description="period/key of the project.")
    date: datetime.date
    text: str
    old_status: str
    new_status: str
    link_url: str
    link_label: str
    figure_label: str
    figure_value: Decimal | None
    created_at: datetime.datetime


class AnswerOut(Schema):
    id: int
    slug: str
    title: str
    answer: str
    section: str | None = Field(None, description="The slug of the theme it is about.")
    projects: list[str] = Field(description="period/key of the projects it links to.")
    organisations: list[str] = Field(description="Slugs of the organisations it names.")
    published_at: datetime.datetime
    url: str


class ProgressUpdateIn(Schema):
    """A progress update as the back-office form takes it; the same rules apply (a date not in the
    future, a value with a figure and a figure with a value, a link with a link text)."""

    date: IsoDate
    text: str = Field(min_length=1, max_length=10_000, pattern=r"\S")
    new_status: Literal["", "idee", "verkenning", "lopend", "afgerond", "gestopt"] = Field(
        "", description="A new status; empty or the current one leaves the status as it is."
    )
    link_url: str = Field("", max_length=200)
    link_label: str = Field("", max_length=200)
    figure_label: str = Field("", max_length=200)
    figure_value: str | None = Field(
        None,
        pattern=r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$",
        description='A decimal number as text, e.g. "12.5" (exact, unlike a JSON number).',
    )

    @field_validator("text", "link_url", "link_label", "figure_label")
    @classmethod
    def no_nul(cls, value: str) -> str:
        # PostgreSQL refuses NUL in text; nobody types one, so it is refused here with a 422.
        if "\x00" in value:
            raise ValueError("NUL")
        return value

    def service_fields(self) -> dict:
        fields = self.dict()
        if fields["figure_value"] is not None:
            fields["figure_value"] = Decimal(fields["figure_value"])
        return fields


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


class PageBase(Schema):
    count: int = Field(description="How many objects match, over all pages.")
    limit: int
    offset: int


class AgendaPage(PageBase):
    items: list[AgendaOut]


class SectionPage(PageBase):
    items: list[SectionOut]


class ProjectPage(PageBase):
    items: list[ProjectOut]


class OrganisationPage(PageBase):
    items: list[OrganisationOut]


class ProgressUpdatePage(PageBase):
    items: list[ProgressUpdateOut]


class AnswerPage(PageBase):
    items: list[AnswerOut]


class NewsItemOut(Schema):
    id: int
    slug: str
    title: str
    lead: str
    body: str = Field(description="Markdown.")
    image: str | None = Field(None, description="Address of the picture, if any.")
    image_alt: str
    published_at: datetime.datetime
    sections: list[str] = Field(description="Slugs of the themes it is about.")
    projects: list[str] = Field(description="period/key of the projects it is about.")
    organisations: list[str] = Field(description="Slugs of the organisations it is about.")
    url: str


class EventOut(Schema):
    id: int
    slug: str
    title: str
    description: str = Field(description="Markdown.")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    all_day: bool
    place: str
    online_url: str
    sections: list[str]
    projects: list[str]
    organisations: list[str]
    url: str


class NewsItemPage(PageBase):
    items: list[NewsItemOut]


class EventPage(PageBase):
    items: list[EventOut]


# --- query parameters --------------------------------------------------------------------------


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="How many objects per page (at most 100).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many objects to skip.")


class ProjectQuery(PageQuery):
    period: str = Field("", max_length=20, description="Only this agenda (e.g. 2023-2027).")
    section: str = Field("", max_length=200, description="Only this theme (its slug).")
    status: Project.Status | None = Field(None, description="Only projects with this status.")
    organisation: str = Field(
        "", max_length=200, description="Where this organisation (slug) or a unit of it takes part."
    )
    role: Role | None = Field(
        None, description="Only as trekker or partner (with organisation: in that role)."
    )
    q: str = Field("", max_length=200, description="Text in the title or description, or the code.")


class ProgressUpdateQuery(PageQuery):
    project: str = Field("", max_length=60, description="Only this project: period/key (e.g. 2023-2027/1a).")
    since: IsoDate | None = Field(None, description="Only updates dated on or after this day.")


class OrganisationQuery(PageQuery):
    kind: Organisation.Kind | None = Field(None, description="Only this kind (gemeente, universiteit, …).")
    q: str = Field("", max_length=200, description="Text in the name, slug or an alias.")


class AnswerQuery(PageQuery):
    section: str = Field("", max_length=200, description="Only this theme (its slug).")
    q: str = Field("", max_length=200, description="Text in the question or the answer.")


class NewsQuery(PageQuery):
    section: str = Field("", max_length=200, description="Only news about this theme (its slug).")


class EventQuery(PageQuery):
    when: Literal["upcoming", "past", "all"] = Field(
        "all", description="upcoming: not yet ended; past: ended (newest first); all."
    )
