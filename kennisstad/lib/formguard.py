"""Shared defences for the public forms: a honeypot field, plain text only, sane lengths.

Text from the public is stored as typed (plain text) and escaped on output; these checks make
sure markup is refused with a clear message rather than silently stored or stripped.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

HONEYPOT_FIELD = "website"

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]|javascript\s*:|\bon[a-z]+\s*=\s*['\"]", re.IGNORECASE)


def no_markup(value: str) -> None:
    if value and _MARKUP.search(value):
        raise ValidationError(
            _("Gebruik geen HTML of scripts; schrijf je tekst als gewone tekst."), code="markup"
        )


def plain_text(value: str) -> str:
    """Unify line endings and drop control characters (other than newlines and tabs)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in value if c in "\n\t" or unicodedata.category(c) != "Cc").strip()


class PlainTextField(forms.CharField):
    """A CharField for public input: plain text only, control characters removed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.append(no_markup)

    def to_python(self, value):
        value = super().to_python(value)
        return plain_text(value) if value else value


class HoneypotForm(forms.Form):
    """Adds a field people never see (hidden with CSS, skipped by keyboard and screen readers).

    Bots that fill every field get a form error and nothing is stored.
    """

    website = forms.CharField(
        label=_("Laat dit veld leeg"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_website(self):
        if self.cleaned_data.get(HONEYPOT_FIELD):
            raise ValidationError(
                _("Dit formulier kon niet worden verwerkt. Probeer het opnieuw."), code="honeypot"
            )
        return ""
