"""Public forms of the kennisloket: plain text only, honeypot, the limits the services use."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from kennisstad.lib.formguard import HONEYPOT_FIELD, HoneypotForm, PlainTextField

from .models import AskerKind, District
from .services import LIMITS

QUESTION_MIN_LENGTH = 10


class QuestionForm(HoneypotForm):
    question = PlainTextField(
        label=_("Je vraag"),
        min_length=QUESTION_MIN_LENGTH,
        max_length=LIMITS["question"],
        help_text=_("Schrijf in je eigen woorden wat je wilt weten. Gewone tekst, zonder opmaak."),
        error_messages={
            "required": _("Schrijf je vraag op; zonder vraag kunnen we je niet helpen."),
            "min_length": _(
                "Je vraag is wat kort (%(show_value)d tekens). Vertel in minstens %(limit_value)d tekens "
                "wat je wilt weten."
            ),
            "max_length": _(
                "Je vraag is te lang: maximaal %(limit_value)d tekens, je typte er %(show_value)d. "
                "Maak hem korter; de rest kun je later aan de kennismakelaar vertellen."
            ),
        },
        # While typing, the page asks for "misschien helpt dit al" (only the question text and
        # the CSRF token are sent; nothing is stored).
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "hx-post": reverse_lazy("loket:ask_suggestions"),
                "hx-trigger": "input changed delay:1s",
                "hx-target": "#live-suggestions",
                "hx-swap": "innerHTML",
                "hx-params": "csrfmiddlewaretoken,question",
                "hx-sync": "this:replace",
            }
        ),
    )
    background = PlainTextField(
        label=_("Achtergrond (optioneel)"),
        required=False,
        max_length=LIMITS["background"],
        help_text=_(
            "Waarom stel je deze vraag, wat weet of probeerde je al? Dit helpt ons om je goed door te verwijzen."
        ),
        error_messages={
            "max_length": _(
                "De achtergrond is te lang: maximaal %(limit_value)d tekens, je typte er %(show_value)d."
            )
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    district = forms.ModelChoiceField(
        label=_("Wijk (optioneel)"),
        queryset=District.objects.filter(active=True),
        required=False,
        empty_label=_("— geen wijk of weet ik niet —"),
        help_text=_("Gaat je vraag over een bepaalde wijk of buurt in de stad?"),
    )
    asker_kind = forms.ChoiceField(
        label=_("Ik stel deze vraag als"),
        choices=AskerKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wie de vraag stelt, bijvoorbeeld bewoner of school.")},
    )
    name = PlainTextField(
        label=_("Naam (optioneel)"),
        required=False,
        max_length=LIMITS["name"],
        help_text=_("Zodat we je bij naam kunnen aanspreken. Je naam wordt nooit gepubliceerd."),
        error_messages={"max_length": _("Je naam is te lang: maximaal %(limit_value)d tekens.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        help_text=_(
            "Hierop sturen we een bevestiging en ons antwoord. Je e-mailadres wordt nooit gepubliceerd "
            "of aan anderen gegeven zonder dat je dat weet."
        ),
        error_messages={
            "required": _("Vul je e-mailadres in, zodat we je antwoord kunnen sturen."),
            "invalid": _("Dit lijkt geen e-mailadres. Controleer het, bijvoorbeeld naam@voorbeeld.nl."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # The label, with its link to the privacy statement, is written in the template.
    consent = forms.BooleanField(
        label=_("Toestemming"),
        required=True,
        error_messages={
            "required": _(
                "Geef toestemming om je vraag te versturen: zonder toestemming mogen we je vraag niet bewaren."
            )
        },
    )

    field_order = ["question", "background", "district", "asker_kind", "name", "email", "consent"]

    def error_summary(self) -> list[dict]:
        """The errors for the summary at the top, each with the field it links to (if any)."""
        summary = [{"anchor": None, "label": "", "message": e} for e in self.non_field_errors()]
        for field in self:
            if not field.errors:
                continue
            if field.name == HONEYPOT_FIELD:
                anchor, label = None, ""
            elif field.name == "asker_kind":
                anchor, label = f"{field.auto_id}_0", field.label
            else:
                anchor, label = field.auto_id, field.label
            summary.extend({"anchor": anchor, "label": label, "message": e} for e in field.errors)
        return summary
