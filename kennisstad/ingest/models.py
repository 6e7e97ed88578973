from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One completed import of an agenda document, with what it changed."""

    # Kept when an undo removes the agenda the run created: the record of the run outlives it.
    agenda = models.ForeignKey(
        "portfolio.Agenda",
        verbose_name=_("agenda"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="import_runs",
    )
    source_name = models.CharField(_("brondocument"), max_length=255)
    style = models.CharField(_("opmaak"), max_length=30)
    started_at = models.DateTimeField(_("gestart"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("door"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_count = models.PositiveIntegerField(_("nieuw"), default=0)
    updated_count = models.PositiveIntegerField(_("gewijzigd"), default=0)
    unchanged_count = models.PositiveIntegerField(_("ongewijzigd"), default=0)
    summary = models.JSONField(_("samenvatting"), default=dict)
    # Set by ingest.services.import_run_undo; a run is undone at most once.
    undone_at = models.DateTimeField(_("ongedaan gemaakt op"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ongedaan gemaakt door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("importrun")
        verbose_name_plural = _("importruns")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.started_at:%Y-%m-%d %H:%M})"
