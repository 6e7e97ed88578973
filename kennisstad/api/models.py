"""Tokens with which partner organisations write to the API, and a record of what each wrote."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import ProgressUpdate


class ApiToken(models.Model):
    """A secret with which one organisation (and its units) may post progress updates.

    Only a SHA-256 hash of the key is stored: the full key is shown once, when it is made
    (``kennisstad.api.tokens.token_create``). The prefix tells tokens apart in lists and logs.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("naam"), max_length=100, help_text=_("Waarvoor of door wie het token gebruikt wordt.")
    )
    prefix = models.CharField(_("begin van het token"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("hash van het token"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("ingetrokken"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")
        ordering = ["organisation__name", "-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.organisation})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def owning_organisation_ids(self) -> list[int]:
        # Lets kennisstad.accounts.roles.within_organisations place a token with its organisation.
        return [self.organisation_id]


class ApiWrite(models.Model):
    """Which token made which progress update (the update itself has no token field)."""

    token = models.ForeignKey(
        ApiToken, verbose_name=_("token"), on_delete=models.PROTECT, related_name="writes"
    )
    progress_update = models.OneToOneField(
        ProgressUpdate, verbose_name=_("voortgangsupdate"), on_delete=models.CASCADE, related_name="api_write"
    )
    at = models.DateTimeField(_("tijdstip"), auto_now_add=True)

    class Meta:
        verbose_name = _("schrijfactie via de API")
        verbose_name_plural = _("schrijfacties via de API")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.token.prefix}… → {self.progress_update}"
