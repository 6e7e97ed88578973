"""News items and events of the alliance; written in Markdown, shown as sanitised HTML."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Paths under /evenementen/ that a slug must not take.
RESERVED_EVENT_SLUGS = {"geweest", "agenda"}


class NewsItem(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        SUBMITTED = "submitted", _("ingediend")
        PUBLISHED = "published", _("gepubliceerd")
        REJECTED = "rejected", _("afgewezen")

    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    lead = models.TextField(
        _("inleiding"), blank=True, help_text=_("Eén of twee zinnen voor lijsten en feeds.")
    )
    body = models.TextField(
        _("tekst"), help_text=_("Markdown: **vet**, *cursief*, [link](https://…), lijsten.")
    )
    image = models.ImageField(_("afbeelding"), upload_to="news/%Y/", blank=True)
    image_alt = models.CharField(
        _("alternatieve tekst"),
        max_length=250,
        blank=True,
        help_text=_("Wat de afbeelding laat zien, voor wie haar niet ziet. Verplicht bij een afbeelding."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    rejection_reason = models.TextField(_("reden van afwijzing"), blank=True)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("ingediend door organisatie"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_news",
    )
    sections = models.ManyToManyField(
        "portfolio.Section", verbose_name=_("thema's"), blank=True, related_name="news_items"
    )
    projects = models.ManyToManyField(
        "portfolio.Project", verbose_name=_("projecten"), blank=True, related_name="news_items"
    )
    organisations = models.ManyToManyField(
        "organisations.Organisation", verbose_name=_("organisaties"), blank=True, related_name="news_items"
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    class Meta:
        verbose_name = _("nieuwsbericht")
        verbose_name_plural = _("nieuwsberichten")
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "-published_at"], name="news_status_published")]
        permissions = [("publish_newsitem", _("Mag nieuws publiceren en afwijzen"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.image and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Geef een alternatieve tekst voor de afbeelding.")})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def owning_organisation_ids(self) -> set[int]:
        """For the role backend: an editor may touch the news its organisation submitted."""
        return {self.submitted_by_id} if self.submitted_by_id else set()


class Event(models.Model):
    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("beschrijving"), blank=True, help_text=_("Markdown."))
    starts_at = models.DateTimeField(_("begint"))
    ends_at = models.DateTimeField(_("eindigt"))
    all_day = models.BooleanField(
        _("hele dag"), default=False, help_text=_("De tijden tellen dan niet, alleen de datums.")
    )
    place = models.CharField(_("plaats"), max_length=300, blank=True)
    online_url = models.URLField(_("online deelnemen"), max_length=500, blank=True)
    sections = models.ManyToManyField(
        "portfolio.Section", verbose_name=_("thema's"), blank=True, related_name="events"
    )
    organisations = models.ManyToManyField(
        "organisations.Organisation", verbose_name=_("organisaties"), blank=True, related_name="events"
    )
    projects = models.ManyToManyField(
        "portfolio.Project", verbose_name=_("projecten"), blank=True, related_name="events"
    )
    is_published = models.BooleanField(_("gepubliceerd"), default=False)
    # Calendar apps recognise an event by its UID across feeds and downloads, so it never changes;
    # SEQUENCE goes up when the time or place changes, so they replace their copy.
    uid = models.UUIDField(_("kalender-id"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("volgnummer"), default=0, editable=False)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    class Meta:
        verbose_name = _("evenement")
        verbose_name_plural = _("evenementen")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["is_published", "ends_at"], name="event_published_ends")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:event", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.slug in RESERVED_EVENT_SLUGS:
            errors["slug"] = _("Deze slug is gereserveerd; kies een andere.")
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("Het einde ligt voor het begin.")
        if errors:
            raise ValidationError(errors)
