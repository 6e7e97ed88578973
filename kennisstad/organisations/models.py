from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kennisstad.history.models import HistoricalRecordBase
from kennisstad.lib.text import normalise_written_form


class Organisation(models.Model):
    """An organisation in the alliance, or a unit of one (faculty, lab, lectoraat)."""

    class Kind(models.TextChoices):
        GEMEENTE = "gemeente", _("gemeente")
        OVERHEID = "overheid", _("overheid")
        UNIVERSITEIT = "universiteit", _("universiteit")
        HOGESCHOOL = "hogeschool", _("hogeschool")
        MBO = "mbo", _("mbo-instelling")
        UMC = "umc", _("umc")
        MUSEUM = "museum", _("museum")
        ONDERZOEKSINSTITUUT = "onderzoeksinstituut", _("onderzoeksinstituut")
        BEDRIJF = "bedrijf", _("bedrijf")
        STICHTING = "stichting", _("stichting")
        NETWERK = "netwerk", _("netwerk")
        SCHOOL = "school", _("school")
        OVERIG = "overig", _("overig")

    name = models.CharField(_("naam"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices, default=Kind.OVERIG)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("onderdeel van"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_("Voor faculteiten, labs en lectoraten: de organisatie waar dit onderdeel bij hoort."),
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("beschrijving"), blank=True)
    uncertain = models.BooleanField(
        _("naam onzeker"),
        default=False,
        help_text=_("De uitgeschreven naam is een beste schatting van een afkorting; graag controleren."),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)
    # Optimistic concurrency, as on Project (kennisstad.lib.concurrency).
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
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = [Lower("name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    @property
    def is_unit(self) -> bool:
        return self.parent_id is not None

    def root(self) -> "Organisation":
        """The top-level organisation a unit counts for (itself when it is not a unit)."""
        organisation, seen = self, {self.pk}
        while organisation.parent_id is not None and organisation.parent_id not in seen:
            seen.add(organisation.parent_id)
            organisation = organisation.parent
        return organisation


class WrittenForm(models.Model):
    """A piece of text compared after normalising case, spacing, quotes and trailing dots."""

    text = models.CharField(_("schrijfwijze"), max_length=200)
    normalised = models.CharField(max_length=200, unique=True, editable=False)

    class Meta:
        abstract = True
        ordering = [Lower("text")]

    def clean(self) -> None:
        self.normalised = normalise_written_form(self.text)


class Alias(WrittenForm):
    """A written form (``GL``, ``UL/FSW``, ``mboR``) that stands for an organisation or unit."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.CASCADE, related_name="aliases"
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    history = HistoricalRecords(bases=[HistoricalRecordBase])

    class Meta(WrittenForm.Meta):
        verbose_name = _("alias")
        verbose_name_plural = _("aliassen")

    def __str__(self) -> str:
        return f"{self.text} → {self.organisation}"


class NonOrganisationTerm(WrittenForm):
    """Words in a T:/P: cell that are known not to be an organisation ("MKB", "e.a.").

    They stay on projects as unresolved mentions, but the importer no longer
    reports them as unknown abbreviations.
    """

    class Meta(WrittenForm.Meta):
        verbose_name = _("geen-organisatie-term")
        verbose_name_plural = _("geen-organisatie-termen")

    def __str__(self) -> str:
        return self.text
