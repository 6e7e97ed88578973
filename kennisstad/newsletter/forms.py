"""The public subscribe form (honeypot, unticked consent) and the back-office compose forms."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kennisstad.lib.formguard import HoneypotForm, PlainTextField


class SubscribeForm(HoneypotForm):
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        help_text=_("We sturen eerst een e-mail met een link om je aanmelding te bevestigen."),
        error_messages={
            "required": _("Vul je e-mailadres in."),
            "invalid": _("Dit lijkt geen e-mailadres. Controleer het, bijvoorbeeld naam@voorbeeld.nl."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    language = forms.ChoiceField(
        label=_("Taal van de nieuwsbrief"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        help_text=_("De berichten zelf zijn meestal in het Nederlands."),
        error_messages={"required": _("Kies een taal.")},
    )
    # Never ticked in advance (issue 6); the label, with its link to the statement, is in the template.
    consent = forms.BooleanField(
        label=_("Toestemming"),
        required=True,
        error_messages={
            "required": _(
                "Geef toestemming om je e-mailadres voor de nieuwsbrief te bewaren; anders kunnen we je niet aanmelden."
            )
        },
    )

    field_order = ["email", "language", "consent"]


class EraseForm(HoneypotForm):
    confirm = forms.BooleanField(
        label=_("Ja, verwijder mijn gegevens. Ik krijg de nieuwsbrief dan niet meer."),
        error_messages={
            "required": _("Vink aan dat je je gegevens wilt laten verwijderen; er is niets verwijderd.")
        },
    )


class IssueForm(forms.Form):
    title = PlainTextField(label=_("Onderwerp"), max_length=200)
    intro = PlainTextField(
        label=_("Inleiding"),
        required=False,
        max_length=3000,
        help_text=_("Gewone tekst; een lege regel begint een nieuwe alinea."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class IssueItemForm(forms.Form):
    included = forms.BooleanField(label=_("Opnemen"), required=False)
    position = forms.IntegerField(label=_("Volgorde"), min_value=1, max_value=999)


class TestMailForm(forms.Form):
    email = forms.EmailField(label=_("Stuur een testmail naar"), max_length=254)
    language = forms.ChoiceField(label=_("Taal"), choices=settings.LANGUAGES, initial="nl")


class SendForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ja, verstuur deze nieuwsbrief naar alle bevestigde abonnees."),
        error_messages={
            "required": _("Vink aan dat je de nieuwsbrief wilt versturen; er is niets verstuurd.")
        },
    )
