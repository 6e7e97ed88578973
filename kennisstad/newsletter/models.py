"""The biweekly newsletter: who subscribed (and to which privacy statement), the issues, and what
was sent to whom. Written only through ``newsletter.services``."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class Subscriber(models.Model):
    """One e-mail address and its consent; no name, nothing else.

    The links in the e-mails are signed and carry ``nonce``, so a link stops working when the
    row is erased. On unsubscribing the address is removed at once (the row stays, without it,
    so that the link still says "afgemeld" and the send records keep their counts)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wacht op bevestiging")
        CONFIRMED = "confirmed", _("aangemeld")
        UNSUBSCRIBED = "unsubscribed", _("afgemeld")

    email = models.EmailField(_("e-mailadres"), max_length=254, blank=True)
    language = models.CharField(_("taal"), max_length=5, choices=settings.LANGUAGES, default="nl")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    privacy_statement = models.ForeignKey(
        "loket.PrivacyStatement",
        verbose_name=_("geaccepteerde privacyverklaring"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent_at = models.DateTimeField(_("toestemming gegeven"))
    created_at = models.DateTimeField(_("aangemeld op"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("afgemeld op"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("abonnee")
        verbose_name_plural = _("abonnees")
        constraints = [
            # Removed addresses are empty and never clash: an unsubscribed person can come back.
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="newsletter_subscriber_unique_email"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="newsletter_sub_status")]

    def __str__(self) -> str:
        return f"{_('abonnee')} {self.pk} ({self.get_status_display()})"


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        SENDING = "sending", _("wordt verstuurd")
        SENT = "sent", _("verstuurd")

    title = models.CharField(_("onderwerp"), max_length=200)
    intro = models.TextField(_("inleiding"), blank=True)
    period_start = models.DateField(_("periode vanaf"))
    period_end = models.DateField(_("periode tot en met"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gemaakt door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("gemaakt op"), default=timezone.now)
    sending_started_at = models.DateTimeField(_("verzenden gestart"), null=True, blank=True)
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("nieuwsbrief")
        verbose_name_plural = _("nieuwsbrieven")

    def __str__(self) -> str:
        return self.title


class IssueItem(models.Model):
    """One piece of news, progress update or event, frozen as it was when the issue was composed,
    so the issue stays as sent whatever happens to the source later."""

    class Kind(models.TextChoices):
        NEWS = "news", _("nieuws")
        UPDATE = "update", _("voortgang")
        EVENT = "event", _("evenement")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    source_id = models.PositiveBigIntegerField(_("bron"))
    title = models.CharField(_("titel"), max_length=300)
    text = models.TextField(_("tekst"), blank=True)
    url = models.URLField(_("link"), max_length=500)
    date = models.DateField(_("datum"))
    position = models.PositiveIntegerField(_("volgorde"), default=0)
    included = models.BooleanField(_("opnemen"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("onderdeel van de nieuwsbrief")
        verbose_name_plural = _("onderdelen van de nieuwsbrief")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "kind", "source_id"], name="newsletter_item_unique_source"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One issue to one subscriber. The row is written *before* the mail goes out (status
    ``pending``), so two senders never mail the same person and a resumed send skips everyone
    already handled; a crash between claiming and sending leaves ``pending`` (at most once)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("bezig")
        SENT = "sent", _("verstuurd")
        FAILED = "failed", _("mislukt")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    error = models.TextField(_("foutmelding"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=1)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("verzending")
        verbose_name_plural = _("verzendingen")
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="newsletter_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id}/{self.subscriber_id}: {self.status}"
