from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kennisstad.history.models import HistoricalRecordBase
from kennisstad.organisations.models import Organisation


class Agenda(models.Model):
    """A multi-year agenda of the alliance, e.g. "Agenda 2023-2027"."""

    title = models.CharField(_("titel"), max_length=200)
    period = models.CharField(
        _("periode"), max_length=20, unique=True, help_text=_("Bijvoorbeeld 2023-2027.")
    )
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    introduction = models.TextField(_("inleiding"), blank=True)
    source_document = models.CharField(_("brondocument"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("geïmporteerd op"), null=True, blank=True)
    is_current = models.BooleanField(_("huidige agenda"), default=False)

    class Meta:
        verbose_name = _("agenda")
        verbose_name_plural = _("agenda's")
        ordering = ["-period"]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    """A theme or track of an agenda ("1. Gezondheid & Welzijn")."""

    agenda = models.ForeignKey(
        Agenda, verbose_name=_("agenda"), on_delete=models.CASCADE, related_name="sections"
    )
    number = models.CharField(_("nummer"), max_length=10)
    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    ambition = models.TextField(_("ambitie"), blank=True)
    position = models.PositiveIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("thema")
        verbose_name_plural = _("thema's")
        ordering = ["agenda", "position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agenda", "number"], name="section_unique_number"),
            models.UniqueConstraint(fields=["agenda", "slug"], name="section_unique_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:theme", kwargs={"period": self.agenda.period, "slug": self.slug})


class Group(models.Model):
    """A named group of projects within a section (Vlaggenschepen, Kennisinfrastructuur)."""

    section = models.ForeignKey(
        Section, verbose_name=_("thema"), on_delete=models.CASCADE, related_name="groups"
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("toelichting"), blank=True)
    position = models.PositiveIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("groep")
        verbose_name_plural = _("groepen")
        ordering = ["section", "position"]
        constraints = [models.UniqueConstraint(fields=["section", "title"], name="group_unique_title")]

    def __str__(self) -> str:
        return f"{self.section.title} – {self.title}"


class Project(models.Model):
    class Status(models.TextChoices):
        IDEE = "idee", _("idee")
        VERKENNING = "verkenning", _("verkenning")
        LOPEND = "lopend", _("lopend")
        AFGEROND = "afgerond", _("afgerond")
        GESTOPT = "gestopt", _("gestopt")

    agenda = models.ForeignKey(
        Agenda, verbose_name=_("agenda"), on_delete=models.CASCADE, related_name="projects"
    )
    section = models.ForeignKey(
        Section, verbose_name=_("thema"), on_delete=models.PROTECT, related_name="projects"
    )
    group = models.ForeignKey(
        Group,
        verbose_name=_("groep"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("Zoals in de agenda geschreven, bijv. 1a."))
    # Unique per agenda even where codes restart inside groups ("4V1" for code 1 in
    # Vlaggenschepen); it is what importers match on and what URLs use.
    key = models.CharField(_("sleutel"), max_length=30, editable=False)
    slug = models.SlugField(_("slug"), max_length=200)
    title = models.CharField(_("titel"), max_length=300)
    description = models.TextField(_("beschrijving doel"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.LOPEND)
    status_note = models.CharField(_("opmerking bij status"), max_length=200, blank=True)
    contact = models.CharField(_("contactpersoon"), max_length=200, blank=True)
    # Not in the agenda documents: filled in the back office, for progress reminders.
    contact_email = models.EmailField(_("e-mailadres contactpersoon"), blank=True)
    # Set by portfolio.services.progress_reminder_send, so the progress list shows who was asked.
    last_reminder_at = models.DateTimeField(_("laatste herinnering"), null=True, blank=True, editable=False)
    leads_raw = models.TextField(_("trekkers zoals geschreven"), blank=True)
    partners_raw = models.TextField(_("partners zoals geschreven"), blank=True)
    source_documents = models.JSONField(_("brondocumenten"), default=list, blank=True)
    position = models.PositiveIntegerField(_("volgorde"), default=0)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)
    # Optimistic concurrency (kennisstad.lib.concurrency): an edit form carries the version it
    # showed and is refused when the row has moved on, so no save silently overwrites another.
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bijgewerkt door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Every change, with who made it and through which import (kennisstad.history).
    history = HistoricalRecords(bases=[HistoricalRecordBase])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projecten")
        ordering = ["agenda", "section__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["agenda", "key"], name="project_unique_key"),
            models.UniqueConstraint(fields=["agenda", "slug"], name="project_unique_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:project", kwargs={"period": self.agenda.period, "key": self.key})


class ProgressUpdate(models.Model):
    """A dated account of a project's progress, optionally with a new status, a link or a figure.

    The latest update per project is what the progress report ("Voortgang Projecten") shows;
    updates with a new status are the history the yearly figures count new and stopped
    projects from. Written only through ``portfolio.services.progress_update_add``.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="progress_updates"
    )
    date = models.DateField(_("datum"))
    text = models.TextField(_("voortgang"))
    # The project's status before and after this update; both blank when it did not change it.
    old_status = models.CharField(
        _("status ervoor"), max_length=20, choices=Project.Status.choices, blank=True
    )
    new_status = models.CharField(
        _("nieuwe status"), max_length=20, choices=Project.Status.choices, blank=True
    )
    link_url = models.URLField(_("link"), blank=True)
    link_label = models.CharField(_("omschrijving van de link"), max_length=200, blank=True)
    figure_label = models.CharField(
        _("kengetal"), max_length=200, blank=True, help_text=_("Bijv. deelnemende scholen")
    )
    figure_value = models.DecimalField(_("waarde"), max_digits=14, decimal_places=2, null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("vastgelegd"), default=timezone.now)

    class Meta:
        ordering = ["-date", "-created_at", "-pk"]
        verbose_name = _("voortgangsupdate")
        verbose_name_plural = _("voortgangsupdates")
        indexes = [models.Index(fields=["project", "-date"], name="progress_project_date")]

    def __str__(self) -> str:
        return f"{self.project.key} {self.date:%Y-%m-%d}: {self.text[:60]}"


class ProjectLink(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="links"
    )
    url = models.URLField(_("adres"), max_length=500)
    label = models.CharField(_("omschrijving"), max_length=200, blank=True)
    # Imports add links: their history lets an import run be undone as a whole (kennisstad.history).
    history = HistoricalRecords(bases=[HistoricalRecordBase])

    class Meta:
        verbose_name = _("externe link")
        verbose_name_plural = _("externe links")
        constraints = [models.UniqueConstraint(fields=["project", "url"], name="projectlink_unique_url")]

    def __str__(self) -> str:
        return self.label or self.url


class Role(models.TextChoices):
    TREKKER = "trekker", _("trekker")
    PARTNER = "partner", _("partner")


class Participation(models.Model):
    """An organisation (or unit) taking part in a project as trekker or partner."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="participations"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(_("rol"), max_length=10, choices=Role.choices)
    raw_text = models.CharField(_("zoals geschreven"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("volgorde"), default=0)
    history = HistoricalRecords(bases=[HistoricalRecordBase])

    class Meta:
        verbose_name = _("deelname")
        verbose_name_plural = _("deelnames")
        ordering = ["project", "role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"], name="participation_unique_org_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()}) in {self.project.key}"


class UnresolvedMention(models.Model):
    """Words in a T:/P: cell that are no (known) organisation: "e.a.", "inwoners", an unknown abbreviation.

    Kept on the project so nothing the document says is dropped; the
    kennismakelaar can map a text to an organisation, which turns every mention
    with that text into a participation.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="unresolved_mentions"
    )
    role = models.CharField(_("rol"), max_length=10, choices=Role.choices)
    text = models.CharField(_("tekst"), max_length=300)
    position = models.PositiveIntegerField(_("volgorde"), default=0)
    # Imports rewrite a project's mentions: their history lets an import run be undone as a whole.
    history = HistoricalRecords(bases=[HistoricalRecordBase])

    class Meta:
        verbose_name = _("onopgeloste vermelding")
        verbose_name_plural = _("onopgeloste vermeldingen")
        ordering = [Lower("text"), "project"]

    def __str__(self) -> str:
        return f"{self.text} ({self.project.key})"


class ProjectLineage(models.Model):
    """The kennismakelaar's decision which earlier project a project continues, or that it is new.

    ``portfolio.comparison`` suggests links between two agendas by title and organisations; a
    decision overrides the suggestion. ``earlier`` empty means: confirmed as a new project.
    Written only through ``portfolio.comparison.lineage_set`` (and ``lineage_confirm``).
    """

    later = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="lineage"
    )
    earlier = models.ForeignKey(
        Project,
        verbose_name=_("vervolg op"),
        null=True,
        blank=True,
        # Without its predecessor the decision says nothing any more: back to the suggestion.
        on_delete=models.CASCADE,
        related_name="continuations",
    )
    # Copies of the two projects' agendas: a check constraint cannot follow a foreign key, and
    # "earlier project from another agenda" is the rule the database must keep.
    later_agenda = models.ForeignKey(
        Agenda, verbose_name=_("agenda"), on_delete=models.CASCADE, related_name="+", editable=False
    )
    earlier_agenda = models.ForeignKey(
        Agenda,
        verbose_name=_("eerdere agenda"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
    )
    note = models.CharField(_("opmerking"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgesteld door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("vastgesteld op"), default=timezone.now)

    class Meta:
        verbose_name = _("vervolg van een project")
        verbose_name_plural = _("vervolgen van projecten")
        constraints = [
            models.CheckConstraint(
                condition=(Q(earlier__isnull=True) & Q(earlier_agenda__isnull=True))
                | (
                    Q(earlier__isnull=False)
                    & Q(earlier_agenda__isnull=False)
                    & ~Q(earlier_agenda=F("later_agenda"))
                ),
                name="lineage_earlier_from_other_agenda",
            ),
            # An earlier project is continued by at most one project of each later agenda.
            models.UniqueConstraint(fields=["earlier", "later_agenda"], name="lineage_unique_earlier"),
        ]

    def __str__(self) -> str:
        if self.earlier_id is None:
            return f"{self.later.key}: {_('nieuw project')}"
        return f"{self.later.key} ← {self.earlier.key}"
