"""Accounts: the log of staff access to personal data, and inviting back-office users."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from kennisstad.lib.mail import absolute_url, send_templated_mail

from .models import PersonalDataAccess
from .roles import assign_role

# --- staff access to personal data -----------------------------------------------------------


def log_personal_data_access(
    request, *, subject: str, kind: str = PersonalDataAccess.Kind.VIEW, obj: models.Model | None = None
) -> PersonalDataAccess:
    """Record that ``request.user`` was shown (``kind`` view), exported or changed personal data.

    ``subject`` says what in words a reader of the log understands ("vraag 2026-00042",
    "aanmeldingen voor opgave 7"); ``obj`` is the row it came from, kept as a reference. The
    subject is stored as written, in Dutch, not in the language of the page: it is a record.
    Called by the views that show the data, not by a middleware, so that every row means what it says.
    """
    user = request.user
    return PersonalDataAccess.objects.create(
        user=user,
        username=user.get_username(),
        kind=PersonalDataAccess.Kind(kind),
        subject=subject[:200],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        path=request.get_full_path()[:500],
    )


def prune_access_log(*, now=None, months: int | None = None, dry_run: bool = False) -> int:
    """Remove log rows older than ``months`` (default ACCESS_LOG_RETENTION_MONTHS); returns how many."""
    now = now or timezone.now()
    months = settings.ACCESS_LOG_RETENTION_MONTHS if months is None else months
    old = PersonalDataAccess.objects.filter(at__lt=now - timedelta(days=round(months * 30.44)))
    if dry_run:
        return old.count()
    deleted, _counts = old.delete()
    return deleted


# --- inviting back-office users --------------------------------------------------------------


@dataclass(frozen=True)
class Invitation:
    user: object
    url: str
    created: bool


def invitation_url(user) -> str:
    """The one-time link where an invited user chooses a password.

    Django's password-reset tokens: they hash the password and the last login, so the link stops
    working once a password is set, and after PASSWORD_RESET_TIMEOUT seconds.
    """
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(reverse("accounts:invite_confirm", args=[uid, token]))


def invite_backoffice_user(
    *,
    email: str,
    name: str = "",
    language: str | None = None,
    role: str | None = None,
    organisations=(),
) -> Invitation:
    """Create a staff account without a usable password for ``email`` and mail it a link to set one.

    Inviting the same address again, before a password was set, sends a fresh link; an address
    whose account is already in use is refused. ``role`` (and for an editor its ``organisations``)
    is given at once, so the link opens exactly the part of the back office the person needs.
    """
    email = email.strip().lower()
    validate_email(email)
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        created = user is None
        if user is None:
            if User.objects.filter(username__iexact=email).exists():
                raise ValidationError(
                    _("Er is al een account met de gebruikersnaam %(email)s.") % {"email": email}
                )
            first, _sep, last = name.strip().partition(" ")
            user = User(
                username=email, email=email, first_name=first[:150], last_name=last[:150], is_staff=True
            )
            user.set_unusable_password()
            user.full_clean()
            user.save()
        elif user.has_usable_password() or user.last_login is not None:
            raise ValidationError(
                _(
                    "%(email)s heeft al een account; wie het wachtwoord kwijt is, gebruikt “Wachtwoord vergeten?”."
                )
                % {"email": email}
            )
        if role:
            assign_role(user, role, organisations)
    url = invitation_url(user)
    send_templated_mail(
        template="accounts/email/uitnodiging",
        to=email,
        language=language or settings.LANGUAGE_CODE,
        context={"user": user, "url": url, "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)},
    )
    return Invitation(user=user, url=url, created=created)
