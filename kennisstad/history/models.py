"""What every historical record carries besides django-simple-history's own fields.

The tracked models (projects, participations, organisations, aliases, questions) declare
``HistoricalRecords(bases=[HistoricalRecordBase])``; the fields are filled from the recording
context of ``kennisstad.history.recording``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HistoryAction(models.TextChoices):
    RESTORE = "restore", _("hersteld")
    UNDO = "undo", _("import ongedaan gemaakt")


class HistoricalRecordBase(models.Model):
    # The import run that wrote this record: what ``ingest.services.import_run_undo`` undoes.
    import_run = models.ForeignKey(
        "ingest.ImportRun",
        verbose_name=_("importrun"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history_action = models.CharField(
        _("soort herstel"), max_length=10, choices=HistoryAction.choices, blank=True, default=""
    )

    class Meta:
        abstract = True
