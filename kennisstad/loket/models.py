"""The kennisloket: questions from the city, the broker's workflow, student assignments and the
knowledge base of answered questions.

Rows change only through ``kennisstad.loket.services``; every change to a question writes a
``QuestionEvent`` there, in the same transaction, so the history is complete.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kennisstad.history.models import HistoricalRecordBase

# What the question's history leaves out: everything the asker wrote or that names them, and what
# quotes it (the erasure in loket.services clears these fields; its history must not keep a copy).
QUESTION_HISTORY_EXCLUDED = [
    "question",
    "background",
    "asker_name",
    "asker_email",
    "status_reason",
    "answer",
    "suggestions",
    "similar_questions",
]


class District(models.Model):
    """A neighbourhood or district a question can be about; each city keeps its own list."""

    name = models.CharField(_("naam"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("volgorde"), default=0)
    active = models.BooleanField(_("in de keuzelijst"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("wijk")
        verbose_name_plural = _("wijken")

    def __str__(self) -> str:
        return self.name


class PrivacyStatement(models.Model):
    """One published version of the privacy statement; a consent records which version it saw."""

    version = models.CharField(_("versie"), max_length=20, unique=True)
    text = models.TextField(_("tekst"), help_text=_("Platte tekst; een lege regel begint een nieuwe alinea."))
    text_en = models.TextField(_("tekst in het Engels"), blank=True)
    published_at = models.DateTimeField(_("gepubliceerd"), default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = ["published_at", "pk"]
        verbose_name = _("privacyverklaring")
        verbose_name_plural = _("privacyverklaringen")

    def __str__(self) -> str:
        return _("Privacyverklaring versie %(version)s") % {"version": self.version}

    def get_absolute_url(self) -> str:
        return reverse("loket:privacy_version", args=[self.version])

    def paragraphs(self, language: str = "nl") -> list[str]:
        text = self.text_en if language == "en" and self.text_en.strip() else self.text
        return [block.strip() for block in text.split("\n\n") if block.strip()]


class AskerKind(models.TextChoices):
    BEWONER = "bewoner", _("bewoner")
    SCHOOL = "school", _("school")
    WIJKVERENIGING = "wijkvereniging", _("wijkvereniging")
    BEDRIJF = "bedrijf", _("bedrijf")
    ZORGORGANISATIE = "zorgorganisatie", _("zorgorganisatie")
    GEMEENTE = "gemeente", _("gemeente")
    STUDENT = "student", _("student")
    INTERNATIONAAL = "internationaal", _("internationaal")
    ANDERS = "anders", _("anders")


class Question(models.Model):
    class Status(models.TextChoices):
        NIEUW = "nieuw", _("nieuw")
        IN_BEHANDELING = "in_behandeling", _("in behandeling")
        DOORVERWEZEN = "doorverwezen", _("doorverwezen")
        OPDRACHT = "opdracht", _("uitgezet als opdracht")
        BEANTWOORD = "beantwoord", _("beantwoord")
        AFGESLOTEN = "afgesloten", _("afgesloten")
        NIET_PASSEND = "niet_passend", _("niet passend")

    reference = models.CharField(_("referentie"), max_length=20, unique=True, editable=False)
    question = models.TextField(_("vraag"))
    background = models.TextField(_("achtergrond"), blank=True)
    district = models.ForeignKey(
        District, verbose_name=_("wijk"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    asker_kind = models.CharField(_("vraagsteller is"), max_length=20, choices=AskerKind.choices)
    asker_name = models.CharField(_("naam"), max_length=100, blank=True)
    asker_email = models.EmailField(_("e-mailadres"), blank=True)
    # The language the asker used the site in: e-mails to them are written in it.
    language = models.CharField(_("taal"), max_length=5, default="nl")
    consent_at = models.DateTimeField(_("toestemming gegeven"), null=True, blank=True)
    privacy_statement = models.ForeignKey(
        PrivacyStatement,
        verbose_name=_("geaccepteerde privacyverklaring"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NIEUW)
    status_reason = models.TextField(
        _("toelichting bij de status"), blank=True, help_text=_("Bijv. waarom de vraag niet passend is.")
    )
    assigned_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("toegewezen aan organisatie"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="loket_questions",
    )
    assigned_contact = models.CharField(_("contactpersoon"), max_length=200, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("behandelaar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="loket_questions",
    )
    due_date = models.DateField(_("streefdatum"), null=True, blank=True)
    answer = models.TextField(_("antwoord aan de vraagsteller"), blank=True)

    # Matching at the moment of asking: [{"key", "title", "score", "reason"}], and earlier questions.
    suggestions = models.JSONField(_("suggesties"), default=list, blank=True)
    similar_questions = models.JSONField(_("vergelijkbare vragen"), default=list, blank=True)
    no_match = models.BooleanField(_("geen passend project"), default=False)

    created_at = models.DateTimeField(_("ontvangen"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)
    # The workflow's history without personal data (kennisstad.history); QuestionEvent keeps the rest.
    history = HistoricalRecords(bases=[HistoricalRecordBase], excluded_fields=QUESTION_HISTORY_EXCLUDED)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")
        permissions = [("handle_question", _("Mag vragen van het kennisloket behandelen"))]
        indexes = [models.Index(fields=["status", "due_date"], name="question_status_due")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.question[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("loket:inbox_question", args=[self.reference])

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_date and self.is_open and self.due_date < timezone.localdate())


CLOSED_STATUSES = frozenset({Question.Status.AFGESLOTEN, Question.Status.NIET_PASSEND})


class QuestionEvent(models.Model):
    """One line of a question's history: who changed what, when, from what to what."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("ontvangen")
        STATUS = "status", _("status gewijzigd")
        ASSIGNED = "assigned", _("toegewezen")
        HANDLER = "handler", _("behandelaar gewijzigd")
        DUE = "due", _("streefdatum gewijzigd")
        NOTE = "note", _("interne notitie")
        ANSWER = "answer", _("antwoord bewerkt")
        MAIL = "mail", _("e-mail verstuurd")
        MATCHED = "matched", _("suggesties bijgewerkt")
        ASSIGNMENT = "assignment", _("opdracht gemaakt")
        PUBLISHED = "published", _("gepubliceerd in de kennisbank")
        ANONYMISED = "anonymised", _("persoonsgegevens verwijderd")
        EXPORTED = "exported", _("gegevens opgevraagd")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    before = models.TextField(_("was"), blank=True)
    after = models.TextField(_("werd"), blank=True)
    text = models.TextField(_("tekst"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("geschiedenis")

    def __str__(self) -> str:
        return f"{self.question.reference} {self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class Assignment(models.Model):
    """An open assignment for *Leren met de Stad*: an anonymised question students can take on."""

    class Size(models.TextChoices):
        COURSE = "vakopdracht", _("opdracht in een vak")
        THESIS = "scriptie", _("scriptie of afstudeeropdracht")
        ATELIER = "kennisatelier", _("kennisatelier")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ASSIGNED = "toegewezen", _("toegewezen")
        DONE = "afgerond", _("afgerond")
        WITHDRAWN = "ingetrokken", _("ingetrokken")

    question = models.ForeignKey(
        Question,
        verbose_name=_("vraag"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(
        _("omschrijving"), help_text=_("Zonder namen of andere gegevens van de vraagsteller.")
    )
    section = models.ForeignKey(
        "portfolio.Section",
        verbose_name=_("thema"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    district = models.ForeignKey(
        District, verbose_name=_("wijk"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    for_mbo = models.BooleanField(_("mbo"), default=False)
    for_hbo = models.BooleanField(_("hbo"), default=False)
    for_wo = models.BooleanField(_("wo"), default=False)
    size = models.CharField(_("omvang"), max_length=20, choices=Size.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    chosen_interest = models.ForeignKey(
        "Interest",
        verbose_name=_("uitgevoerd door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    result = models.TextField(_("resultaat"), blank=True)
    result_url = models.URLField(_("link naar het resultaat"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("opgave")
        verbose_name_plural = _("opgaven")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("loket:assignment", args=[self.pk])

    def levels(self) -> list[str]:
        return [
            label
            for flag, label in ((self.for_mbo, "mbo"), (self.for_hbo, "hbo"), (self.for_wo, "wo"))
            if flag
        ]


class Interest(models.Model):
    """A student or teacher who wants to take on an assignment."""

    class Role(models.TextChoices):
        STUDENT = "student", _("student")
        DOCENT = "docent", _("docent")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="interests")
    name = models.CharField(_("naam"), max_length=100)
    email = models.EmailField(_("e-mailadres"))
    role = models.CharField(_("ik ben"), max_length=10, choices=Role.choices)
    institution = models.CharField(_("onderwijsinstelling en opleiding"), max_length=200)
    message = models.TextField(_("bericht"), max_length=2000)
    consent_at = models.DateTimeField(_("toestemming gegeven"), null=True, blank=True)
    privacy_statement = models.ForeignKey(
        PrivacyStatement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemeld"), default=timezone.now)
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")

    def __str__(self) -> str:
        return f"{self.name} ({self.institution})"


class AssignmentUpdate(models.Model):
    """Progress on an assignment, and its history (created, assigned, finished)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Assignment.Status.choices, blank=True)
    text = models.TextField(_("voortgang"))
    # Internal lines (who was chosen, notes naming students) show only in the back office; the
    # public page shows just their status change, if any.
    is_public = models.BooleanField(_("openbaar"), default=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("voortgang van een opgave")
        verbose_name_plural = _("voortgang van opgaven")

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.at:%Y-%m-%d}: {self.text[:60]}"


class PublishedAnswer(models.Model):
    """An answered question in the public knowledge base, rewritten by the broker without
    personal data; later questions are matched against it."""

    question = models.OneToOneField(
        Question,
        verbose_name=_("oorspronkelijke vraag"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="published_answer",
    )
    slug = models.SlugField(_("adres"), max_length=120, unique=True)
    title = models.CharField(_("vraag (zoals gepubliceerd)"), max_length=300)
    answer = models.TextField(_("antwoord"))
    section = models.ForeignKey(
        "portfolio.Section",
        verbose_name=_("thema"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    projects = models.ManyToManyField(
        "portfolio.Project", verbose_name=_("projecten"), blank=True, related_name="published_answers"
    )
    organisations = models.ManyToManyField(
        "organisations.Organisation",
        verbose_name=_("organisaties"),
        blank=True,
        related_name="published_answers",
    )
    is_published = models.BooleanField(_("zichtbaar op de site"), default=True)
    published_at = models.DateTimeField(_("gepubliceerd"), default=timezone.now)
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("beantwoorde vraag (kennisbank)")
        verbose_name_plural = _("kennisbank")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("loket:answer", args=[self.slug])


class Erasure(models.Model):
    """A record that a person's data was erased, kept so that restoring a backup can erase it
    again (issue 6); it holds no personal data itself, only the reference and a hash of the
    e-mail address."""

    reference = models.CharField(_("referentie"), max_length=40)
    email_hash = models.CharField(_("hash van het e-mailadres"), max_length=64, blank=True)
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    reason = models.CharField(_("reden"), max_length=40)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("verwijdering van persoonsgegevens")
        verbose_name_plural = _("verwijderingen van persoonsgegevens")

    def __str__(self) -> str:
        return f"{self.reference} ({self.reason}, {self.at:%Y-%m-%d})"
