from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PersonalDataAccess(models.Model):
    """One time a staff user was shown (or exported, or changed) someone's personal data.

    The AVG asks that access to personal data can be accounted for; the rows are written by
    ``services.log_personal_data_access`` from the views that show such data, never guessed.
    """

    class Kind(models.TextChoices):
        VIEW = "view", _("ingezien")
        EXPORT = "export", _("geëxporteerd")
        EDIT = "edit", _("gewijzigd")

    # The username is kept as well: the row must still say who it was after the account is gone.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="personal_data_accesses",
    )
    username = models.CharField(_("gebruikersnaam"), max_length=150)
    at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    subject = models.CharField(_("wat"), max_length=200)
    object_type = models.CharField(_("soort object"), max_length=100, blank=True)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True)
    path = models.CharField(_("adres van de pagina"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("inzage persoonsgegevens")
        verbose_name_plural = _("inzage persoonsgegevens")

    def __str__(self):
        return f"{self.username} · {self.subject} · {self.get_kind_display()}"


class Role(models.TextChoices):
    """What a back-office user may do; the rules per role are in ``roles.py``."""

    KENNISMAKELAAR = "kennismakelaar", _("kennismakelaar")
    REDACTEUR = "redacteur", _("redacteur van een organisatie")
    STUURGROEP = "stuurgroep", _("stuurgroep")


class BackOfficeRole(models.Model):
    """A back-office user's role and, for an editor, the organisations whose projects it keeps up to date.

    A user without a row (or a superuser) is covered by ``roles.role_of``; Django's own permission boxes
    do not widen a role at object level, so an editor never gets another organisation's project.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="backoffice_role",
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    organisations = models.ManyToManyField(
        "organisations.Organisation",
        verbose_name=_("organisaties"),
        blank=True,
        related_name="editor_roles",
        help_text=_(
            "Alleen voor redacteuren: zij bewerken de projecten waarin deze organisaties of hun "
            "onderdelen meedoen, en de pagina's van deze organisaties."
        ),
    )

    class Meta:
        verbose_name = _("rol in de backoffice")
        verbose_name_plural = _("rollen in de backoffice")

    def __str__(self):
        return f"{self.user.get_username()}: {self.get_role_display()}"
