"""Importing an agenda document into the portfolio.

One call, one transaction: either every project of the document is merged in,
or (on any error, or with ``dry_run``) nothing changes. Projects are matched on
agenda + key (section, group and code), so importing two renderings of the same
agenda merges them, and the report says what each import changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kennisstad.history.models import HistoryAction
from kennisstad.history.recording import recording
from kennisstad.history.services import state_write
from kennisstad.lib.concurrency import version_bump
from kennisstad.lib.text import normalise_written_form
from kennisstad.organisations.models import Organisation
from kennisstad.organisations.selectors import alias_index, non_organisation_terms
from kennisstad.portfolio.models import (
    Agenda,
    Group,
    Participation,
    Project,
    Role,
    Section,
    UnresolvedMention,
)
from kennisstad.search.services import reindex_agenda

from .cells import AliasIndex, CellResolution, Mention, looks_like_organisation_name, resolve_cells
from .common import AgendaFormatError, ParsedAgenda, RawProject
from .formats.website_page import WebsitePage
from .models import ImportRun

Progress = Callable[[int, int], None]

# The key of an import run's summary that says what the run added to the agenda's structure (which
# has no history) and the agenda's import fields before the run: what import_run_undo reverts.
UNDO_STRUCTURE = "undo_structure"


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class ProjectChange:
    key: str
    title: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class ImportReport:
    agenda: str
    source_name: str
    style: str
    dry_run: bool
    created: list[ProjectChange] = field(default_factory=list)
    updated: list[ProjectChange] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_document: list[str] = field(default_factory=list)
    sections_created: list[str] = field(default_factory=list)
    unknown_names: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    import_run_id: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def project_slug(key: str, title: str) -> str:
    return slugify(f"{key} {title}")[:190] or slugify(key) or "project"


def _unique_project_slug(agenda: Agenda, key: str, title: str) -> str:
    base = project_slug(key, title)
    slug, counter = base, 2
    while Project.objects.filter(agenda=agenda, slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def agenda_for_period(period: str, *, title: str | None = None) -> tuple[Agenda, bool]:
    agenda = Agenda.objects.filter(period=period).first()
    if agenda:
        return agenda, False
    agenda = Agenda(title=title or f"Agenda {period}", period=period, slug=slugify(f"agenda-{period}"))
    agenda.is_current = not Agenda.objects.filter(is_current=True).exists()
    agenda.full_clean()
    agenda.save()
    return agenda, True


def _check_unique_keys(parsed: ParsedAgenda) -> None:
    seen: dict[str, RawProject] = {}
    for raw in parsed.projects:
        if raw.key in seen:
            first = seen[raw.key]
            raise AgendaFormatError(
                f"project {raw.key} komt twee keer voor (ook op regel {first.line}); "
                "elk project moet een eigen code hebben binnen zijn thema en groep",
                line=raw.line,
            )
        seen[raw.key] = raw


def _mention_names(resolution: CellResolution) -> dict[str, list[Mention]]:
    return {Role.TREKKER: resolution.lead_mentions, Role.PARTNER: resolution.partner_mentions}


def _describe_participations(items: list[tuple[str, str]]) -> str:
    return ", ".join(f"{name} ({role})" for name, role in items)


class _ProjectWriter:
    """Writes one parsed project, remembering what changed for the report."""

    def __init__(
        self, agenda: Agenda, index: AliasIndex, known_non_organisations: set[str], report: ImportReport
    ):
        self.agenda = agenda
        self.index = index
        self.known_non_organisations = known_non_organisations
        self.report = report
        self.sections: dict[str, Section] = {s.number: s for s in agenda.sections.all()}
        self.groups: dict[tuple[int, str], Group] = {
            (g.section_id, g.title.casefold()): g for g in Group.objects.filter(section__agenda=agenda)
        }
        self.organisations = {o.name: o for o in Organisation.objects.all()}
        # What the run adds to the agenda's structure, which has no history: the undo removes these.
        self.created_sections: list[int] = []
        self.created_groups: list[int] = []

    def section(self, raw: RawProject) -> Section:
        section = self.sections.get(raw.section_number)
        if section is None:
            slug = slugify(raw.section_title)[:190] or slugify(f"thema-{raw.section_number}")
            if Section.objects.filter(agenda=self.agenda, slug=slug).exists():
                slug = f"{slug}-{raw.section_number}"
            section = Section(
                agenda=self.agenda,
                number=raw.section_number,
                title=raw.section_title,
                slug=slug,
                position=len(self.sections),
            )
            section.full_clean()
            section.save()
            self.sections[raw.section_number] = section
            self.created_sections.append(section.pk)
            self.report.sections_created.append(f"{section.number}. {section.title}")
        return section

    def group(self, section: Section, raw: RawProject) -> Group | None:
        if not raw.group:
            return None
        group = self.groups.get((section.pk, raw.group.casefold()))
        if group is None:
            group = Group(section=section, title=raw.group, position=section.groups.count())
            group.full_clean()
            group.save()
            self.groups[(section.pk, raw.group.casefold())] = group
            self.created_groups.append(group.pk)
        return group

    def write(self, raw: RawProject, position: int, source_name: str) -> None:
        section = self.section(raw)
        group = self.group(section, raw)
        key = raw.key
        project = Project.objects.filter(agenda=self.agenda, key=key).first()
        is_new = project is None
        if is_new:
            project = Project(
                agenda=self.agenda,
                key=key,
                slug=_unique_project_slug(self.agenda, key, raw.title),
                status=raw.status,
            )
        change = ProjectChange(key=key, title=raw.title)
        values = {
            "section": section,
            "group": group,
            "code": raw.code,
            "title": raw.title,
            "description": raw.description,
            "status_note": raw.status_note or "",
            "contact": raw.contact or "",
            "leads_raw": raw.leads_raw or "",
            "partners_raw": raw.partners_raw or "",
            "position": position,
        }
        # A document states a status only through a remark; without one, keep what
        # the kennismakelaar set rather than resetting it to the default.
        if raw.status_note:
            values["status"] = raw.status
        for name, value in values.items():
            # Foreign keys compare by id: a new project has no section to read yet.
            if name in ("section", "group"):
                old_id, new_id = getattr(project, f"{name}_id"), value.pk if value else None
                changed = old_id != new_id
                old = getattr(project, name) if old_id else None
            else:
                old = getattr(project, name)
                changed = old != value
            if changed:
                if not is_new and name != "position":
                    change.changes.append(FieldChange(name, str(old or ""), str(value or "")))
                setattr(project, name, value)
        if source_name not in project.source_documents:
            project.source_documents = [*project.source_documents, source_name]
        try:
            project.full_clean()
        except ValidationError as error:
            raise AgendaFormatError(f"project {key}: {_validation_message(error)}", line=raw.line) from error
        project.save()
        self._write_links(project, raw)

        resolution = resolve_cells(raw.leads_raw, raw.partners_raw, self.index)
        participation_change = self._write_participations(project, resolution, is_new)
        if participation_change:
            change.changes.append(participation_change)
        mention_change = self._write_unresolved(project, resolution, is_new)
        if mention_change:
            change.changes.append(mention_change)

        if is_new:
            self.report.created.append(change)
        elif change.changes:
            # An admin form opened before the import must not put the old text back.
            version_bump(project)
            self.report.updated.append(change)
        else:
            self.report.unchanged.append(key)

    def _write_links(self, project: Project, raw: RawProject) -> None:
        for url in raw.links:
            project.links.get_or_create(url=url[:500])

    def _write_participations(
        self, project: Project, resolution: CellResolution, is_new: bool
    ) -> FieldChange | None:
        wanted: dict[tuple[str, str], str] = {}
        for role, mentions in _mention_names(resolution).items():
            for mention in mentions:
                if mention.ref is not None:
                    wanted.setdefault((mention.ref.name, role), mention.text)
        existing = {
            (p.organisation.name, p.role): p for p in project.participations.select_related("organisation")
        }
        for stale in set(existing) - set(wanted):
            existing[stale].delete()
        for position, ((name, role), text) in enumerate(wanted.items()):
            organisation = self.organisations.get(name)
            if organisation is None:  # the alias index and the table are read in one transaction
                raise AgendaFormatError(f"organisatie {name!r} staat niet in de organisatietabel")
            participation = existing.get((name, role))
            if participation is None:
                Participation.objects.create(
                    project=project,
                    organisation=organisation,
                    role=role,
                    raw_text=text[:300],
                    position=position,
                )
            elif participation.raw_text != text[:300] or participation.position != position:
                participation.raw_text, participation.position = text[:300], position
                participation.save(update_fields=["raw_text", "position"])
        if is_new or set(existing) == set(wanted):
            return None
        return FieldChange(
            "deelnemers", _describe_participations(sorted(existing)), _describe_participations(sorted(wanted))
        )

    def _write_unresolved(
        self, project: Project, resolution: CellResolution, is_new: bool
    ) -> FieldChange | None:
        wanted = [
            (role, mention.text)
            for role, mentions in _mention_names(resolution).items()
            for mention in mentions
            if mention.ref is None
        ]
        existing = list(project.unresolved_mentions.order_by("position").values_list("role", "text"))
        for _role, text in wanted:
            if (
                looks_like_organisation_name(text)
                and normalise_written_form(text) not in self.known_non_organisations
            ):
                keys = self.report.unknown_names.setdefault(text, [])
                if project.key not in keys:
                    keys.append(project.key)
        if existing == wanted:
            return None
        # One by one, not in bulk: each write gets a historical record naming the import run.
        for mention in project.unresolved_mentions.all():
            mention.delete()
        for position, (role, text) in enumerate(wanted):
            UnresolvedMention.objects.create(project=project, role=role, text=text[:300], position=position)
        if is_new:
            return None
        return FieldChange(
            "onopgeloste vermeldingen",
            "; ".join(t for _role, t in existing),
            "; ".join(t for _role, t in wanted),
        )


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


class _DryRunRollback(Exception):
    pass


def import_agenda(
    *,
    parsed: ParsedAgenda,
    source_name: str,
    period: str | None = None,
    dry_run: bool = False,
    by=None,
    progress: Progress | None = None,
) -> ImportReport:
    """Merge a parsed agenda document into the database and report what changed.

    With ``dry_run`` the same work is done and then rolled back, so the report
    shows exactly what a real run would change.
    """
    period = period or parsed.period
    if not period:
        raise AgendaFormatError(
            "de periode van de agenda staat niet in het document; geef die op met --agenda, bijv. --agenda 2023-2027"
        )
    if not parsed.projects:
        raise AgendaFormatError("het document bevat geen agendaprojecten")
    _check_unique_keys(parsed)
    report = ImportReport(agenda=period, source_name=source_name, style=parsed.style, dry_run=dry_run)
    report.warnings.extend(parsed.warnings)
    try:
        with transaction.atomic():
            agenda, agenda_created = agenda_for_period(period)
            agenda_before = {
                "source_document": agenda.source_document,
                "imported_at": agenda.imported_at.isoformat() if agenda.imported_at else None,
            }
            # The run exists from the start, so every historical record the import writes names it
            # (what import_run_undo undoes); its counts and summary follow at the end.
            run = ImportRun.objects.create(
                agenda=agenda, source_name=source_name, style=parsed.style, by=by, summary={}
            )
            with recording(by=by, import_run=run):
                writer = _ProjectWriter(agenda, alias_index(), non_organisation_terms(), report)
                seen_keys = set()
                for position, raw in enumerate(parsed.projects):
                    try:
                        writer.write(raw, position, source_name)
                    except (DatabaseError, ValidationError) as error:
                        # A row the models refuse (e.g. a project before any theme heading) is a fault
                        # of the document, reported like any other; the transaction rolls back.
                        reason = _validation_message(error) if isinstance(error, ValidationError) else error
                        raise AgendaFormatError(
                            f"project {raw.key} kon niet worden opgeslagen: {reason}", line=raw.line
                        ) from error
                    seen_keys.add(raw.key)
                    if progress:
                        progress(position + 1, len(parsed.projects))
            report.not_in_document = list(
                agenda.projects.exclude(key__in=seen_keys).order_by("position").values_list("key", flat=True)
            )
            agenda.source_document = source_name
            agenda.imported_at = timezone.now()
            agenda.save(update_fields=["source_document", "imported_at"])
            reindex_agenda(agenda)  # in the transaction: a dry run or an error rolls the index back too
            report.import_run_id = run.pk
            run.created_count = len(report.created)
            run.updated_count = len(report.updated)
            run.unchanged_count = len(report.unchanged)
            run.summary = {
                **report.as_dict(),
                UNDO_STRUCTURE: {
                    "agenda_created": agenda_created,
                    "sections": writer.created_sections,
                    "groups": writer.created_groups,
                    "agenda_before": agenda_before,
                    "agenda_imported_at": agenda.imported_at.isoformat(),
                },
            }
            run.save(update_fields=["created_count", "updated_count", "unchanged_count", "summary"])
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        report.import_run_id = None
    return report


def gold_records(
    parsed: ParsedAgenda, *, period: str | None = None, index: AliasIndex | None = None
) -> list[dict]:
    """The parsed projects in the schema of the hand-checked gold data (``--json-out``)."""
    index = index or alias_index()
    period = period or parsed.period
    records = []
    for raw in parsed.projects:
        resolution = resolve_cells(raw.leads_raw, raw.partners_raw, index)
        records.append(
            {
                "agenda": period,
                "section": raw.section_title,
                "group": raw.group,
                "code": raw.code,
                "key": raw.key,
                "title": raw.title,
                "status_note": raw.status_note,
                "status": raw.status,
                "leads_raw": raw.leads_raw,
                "partners_raw": raw.partners_raw,
                "leads": resolution.leads,
                "partners": resolution.partners,
                "lead_units": resolution.lead_units,
                "partner_units": resolution.partner_units,
                "unresolved": resolution.unresolved,
                "contact": raw.contact,
                "description": raw.description,
                "line": raw.line,
            }
        )
    return records


@dataclass
class ThemePageReport:
    sections_updated: list[str] = field(default_factory=list)
    groups_updated: list[str] = field(default_factory=list)
    unused_headings: list[str] = field(default_factory=list)


@transaction.atomic
def import_theme_page(*, page: WebsitePage, agenda: Agenda) -> ThemePageReport:
    """Set the agenda's introduction and its sections' ambitions from the public web page."""
    report = ThemePageReport()
    sections = {section.title.casefold(): section for section in agenda.sections.all()}
    groups = {group.title.casefold(): group for group in Group.objects.filter(section__agenda=agenda)}
    if page.introduction:
        agenda.introduction = "\n\n".join(page.introduction)
        agenda.save(update_fields=["introduction"])
    for block in page.blocks:
        heading = block.heading.casefold()
        if heading in sections:
            section = sections[heading]
            section.ambition = block.text
            section.save(update_fields=["ambition"])
            report.sections_updated.append(section.title)
        elif heading in groups:
            group = groups[heading]
            group.description = block.text
            group.save(update_fields=["description"])
            report.groups_updated.append(group.title)
        else:
            report.unused_headings.append(block.heading)
    return report


# --- undoing an import run ---------------------------------------------------------------------

# In the order an undo restores them (targets of foreign keys first); deletions go the other way.
UNDO_MODELS = (
    "organisations.organisation",
    "organisations.alias",
    "portfolio.project",
    "portfolio.participation",
    "portfolio.unresolvedmention",
    "portfolio.projectlink",
)
# Owned by a project: a conflict names the project, which is what people recognise.
PROJECT_PARTS = frozenset({"portfolio.participation", "portfolio.unresolvedmention", "portfolio.projectlink"})


@dataclass
class UndoStep:
    model: type
    pk: int
    # The object's state before the run; None when the run created it.
    before: object | None
    description: str


@dataclass
class UndoPlan:
    """What undoing a run would do, and why it cannot (``conflicts``, ``already_undone``)."""

    run: ImportRun
    delete: list[UndoStep] = field(default_factory=list)
    restore: list[UndoStep] = field(default_factory=list)
    bring_back: list[UndoStep] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    # Filled by the undo: the themes, groups and agenda the run created that it removed, being empty.
    removed_structure: list[str] = field(default_factory=list)

    @property
    def already_undone(self) -> bool:
        return self.run.undone_at is not None

    def refusal(self) -> str:
        """The Dutch reason the undo is refused, or "" when it may go ahead."""
        if self.already_undone:
            return _("Deze importrun is al ongedaan gemaakt.")
        if self.conflicts:
            return _(
                "Deze importrun kan niet ongedaan worden gemaakt: na de import is er nog iets gewijzigd "
                "aan %(objects)s. Zet die wijzigingen eerst terug via de geschiedenis, of pas de gegevens "
                "met de hand aan."
            ) % {"objects": ", ".join(self.conflicts)}
        return ""


def _describe(label: str, record, project_names: dict[int, str]) -> str:
    if label == "portfolio.project":
        return f"{record.key} {record.title}"
    if label == "portfolio.participation":
        project = project_names.get(record.project_id, str(record.project_id))
        return _("deelname in %(project)s") % {"project": project}
    if label == "portfolio.unresolvedmention":
        project = project_names.get(record.project_id, str(record.project_id))
        return _("vermelding %(text)s in %(project)s") % {"text": record.text, "project": project}
    if label == "portfolio.projectlink":
        project = project_names.get(record.project_id, str(record.project_id))
        return _("link %(url)s in %(project)s") % {"url": record.url, "project": project}
    if label == "organisations.alias":
        return _("alias %(text)s") % {"text": record.text}
    return record.name


def import_run_undo_plan(run: ImportRun) -> UndoPlan:
    """Per object the run touched: its state before the run, and whether anything changed it since."""
    plan = UndoPlan(run=run)
    project_names = {}
    for label in UNDO_MODELS:
        model = apps.get_model(label)
        touched = set(model.history.filter(import_run=run).values_list("id", flat=True))
        if not touched:
            continue
        records: dict[int, list] = {}
        # history_id grows with every record of a model: the order things happened in.
        for record in model.history.filter(id__in=touched).order_by("history_id"):
            records.setdefault(record.id, []).append(record)
        if label == "portfolio.project":
            project_names.update({pk: f"{rows[-1].key} {rows[-1].title}" for pk, rows in records.items()})
        elif label in PROJECT_PARTS:
            missing = {rows[-1].project_id for rows in records.values()} - set(project_names)
            for project in Project.history.filter(id__in=missing).order_by("history_id"):
                project_names[project.id] = f"{project.key} {project.title}"
        for pk, rows in sorted(records.items()):
            latest = rows[-1]
            description = _describe(label, latest, project_names)
            if latest.import_run_id != run.pk:
                # For a part of a project, name its project: that is what people recognise.
                if label in PROJECT_PARTS:
                    description = project_names.get(latest.project_id, description)
                if description not in plan.conflicts:
                    plan.conflicts.append(description)
                continue
            first = next(index for index, row in enumerate(rows) if row.import_run_id == run.pk)
            before = rows[first - 1] if first > 0 else None
            if before is not None and before.history_type == "-":
                before = None
            if before is None:
                if latest.history_type != "-":
                    plan.delete.append(UndoStep(model, pk, None, description))
            elif latest.history_type == "-":
                plan.bring_back.append(UndoStep(model, pk, before, description))
            else:
                plan.restore.append(UndoStep(model, pk, before, description))
    return plan


@transaction.atomic
def import_run_undo(run: ImportRun, *, by) -> UndoPlan:
    """Undo everything ``run`` changed, as one new change: what it created is deleted, what it
    changed goes back to its state before the run, what it deleted comes back.

    Refused (ValidationError) for a run undone before, and when something the run touched was
    changed after it by anything else: undoing would throw that change away unseen.
    """
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    plan = import_run_undo_plan(run)
    refusal = plan.refusal()
    if refusal:
        raise ValidationError(refusal, code="undo_refused")
    reason = _("Importrun %(run)s ongedaan gemaakt") % {"run": run}
    with recording(by=by, action=HistoryAction.UNDO, reason=reason):
        for step in reversed(plan.delete):
            obj = step.model._default_manager.filter(pk=step.pk).first()
            if obj is not None:
                obj.delete()
        for step in [*plan.restore, *plan.bring_back]:
            state_write(step.model, step.before, by=by)
    structure = run.summary.get(UNDO_STRUCTURE, {})
    agenda = run.agenda
    plan.removed_structure = _structure_remove_empty(structure)
    _agenda_import_fields_revert(agenda, structure)
    reindex_agenda(agenda)
    run.undone_at = timezone.now()
    run.undone_by = by if getattr(by, "pk", None) is not None else None
    run.save(update_fields=["undone_at", "undone_by"])
    if (
        structure.get("agenda_created")
        and not agenda.projects.exists()
        and not agenda.sections.exists()
        and not agenda.import_runs.exclude(pk=run.pk).exists()
    ):
        # The agenda only existed through this run; the run itself stays, without its agenda, as
        # the record of what was imported and undone.
        plan.removed_structure.append(str(agenda))
        agenda.delete()
    return plan


def _structure_remove_empty(structure: dict) -> list[str]:
    """Delete the groups and themes the run created that hold nothing after the undo."""
    removed = []
    groups = Group.objects.filter(pk__in=structure.get("groups", []), projects__isnull=True)
    for group in groups.select_related("section"):
        removed.append(str(group))
        group.delete()
    sections = Section.objects.filter(
        pk__in=structure.get("sections", []), projects__isnull=True, groups__isnull=True
    )
    for section in sections:
        removed.append(str(section))
        section.delete()
    return removed


def _agenda_import_fields_revert(agenda: Agenda, structure: dict) -> None:
    """Give the agenda back its source document and import time, unless a later import set them."""
    before = structure.get("agenda_before")
    imported_at = structure.get("agenda_imported_at")
    if before is None or imported_at is None or agenda.imported_at != datetime.fromisoformat(imported_at):
        return
    agenda.source_document = before["source_document"]
    agenda.imported_at = datetime.fromisoformat(before["imported_at"]) if before["imported_at"] else None
    agenda.save(update_fields=["source_document", "imported_at"])
