from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _


class BackOfficePasswordResetForm(PasswordResetForm):
    """Django's reset form for staff accounts only, with links to SITE_URL.

    Like Django's form it answers the same for an unknown address (the view always goes on to
    "verstuurd"), so the form does not tell who has an account.
    """

    email = forms.EmailField(
        label=_("E-mailadres"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.is_staff)

    def save(self, **kwargs):
        # Not the Host header of the request: the link in the e-mail always points at the site.
        kwargs["extra_email_context"] = {
            **(kwargs.get("extra_email_context") or {}),
            "site_url": settings.SITE_URL.rstrip("/"),
            "site_name": settings.SITE_NAME,
        }
        return super().save(**kwargs)
