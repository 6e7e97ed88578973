from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """One searchable thing (a project, an organisation, a published answer; later news), ready for the engines.

    The ``*_terms`` columns hold the output of ``kennisstad.lib.dutch`` rather than
    raw text, so SQLite (an FTS5 table kept in sync by triggers) and PostgreSQL (a
    generated, GIN-indexed tsvector column of these columns, not in this model)
    match the same tokens; see migrations/0002_fulltext. Rows are written only by
    ``kennisstad.search.services``.
    """

    class Kind(models.TextChoices):
        PROJECT = "project", _("project")
        ORGANISATION = "organisation", _("organisatie")
        QUESTION = "question", _("beantwoorde vraag")
        NEWS = "news", _("nieuws")
        EVENT = "event", _("evenement")

    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object-id"))
    agenda = models.ForeignKey(
        "portfolio.Agenda",
        verbose_name=_("agenda"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("titel"), max_length=400)
    body = models.TextField(_("tekst"), blank=True)
    url = models.CharField(_("adres"), max_length=500, blank=True)
    title_terms = models.TextField(blank=True)
    org_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # The distinct words of the document, so the vocabulary's counts stay exact when it is re-indexed.
    words = models.TextField(blank=True)
    section = models.ForeignKey(
        "portfolio.Section",
        verbose_name=_("thema"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, blank=True)
    # [{"organisation_id", "root_id", "role"}]: who takes part (role "trekker"/"partner"), or for an
    # organisation's own document the organisation itself (role None), for the facets and filters.
    participations = models.JSONField(_("deelnemers"), default=list, blank=True)
    sort_key = models.CharField(max_length=300, blank=True)
    indexed_at = models.DateTimeField(_("geïndexeerd"), auto_now=True)

    class Meta:
        verbose_name = _("zoekdocument")
        verbose_name_plural = _("zoekdocumenten")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchdocument_unique_object")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class SearchTerm(models.Model):
    """A word of the indexed documents (compound parts included), for typo suggestions."""

    word = models.CharField(_("woord"), max_length=60, unique=True)
    stem = models.CharField(_("stam"), max_length=60, db_index=True)
    doc_count = models.PositiveIntegerField(_("aantal documenten"), default=0)

    class Meta:
        verbose_name = _("zoekterm")
        verbose_name_plural = _("zoektermen")

    def __str__(self) -> str:
        return self.word
