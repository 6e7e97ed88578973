"""Forms of the broker's inbox. They only check and convert input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kennisstad.lib.formguard import PlainTextField
from kennisstad.organisations.models import Organisation

from . import selectors
from .models import Assignment, District, Question

LEVELS = [("mbo", "mbo"), ("hbo", "hbo"), ("wo", "wo")]


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Zoek in vraag of referentie"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    van_mij = forms.BooleanField(label=_("Alleen vragen die ik behandel"), required=False)
    te_laat = forms.BooleanField(label=_("Alleen te laat"), required=False)

    def __init__(self, *args, counts: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        counts = counts or {}

        def label(value, text):
            return f"{text} ({counts[value]})" if value in counts else str(text)

        self.fields["status"].choices = [
            (selectors.OPEN, label(selectors.OPEN, _("alle open vragen"))),
            *[(value, label(value, text)) for value, text in Question.Status.choices],
            (selectors.ALL, label(selectors.ALL, _("alle vragen"))),
        ]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "query": data.get("q") or "",
            "status": data.get("status") or selectors.OPEN,
            "mine": bool(data.get("van_mij")),
            "overdue": bool(data.get("te_laat")),
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nieuwe status"))
    reason = PlainTextField(
        label=_("Toelichting"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Verplicht bij “niet passend”: de vraagsteller krijgt deze toelichting per e-mail te lezen."
        ),
    )

    def __init__(self, *args, question: Question, allowed: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(value, Question.Status(value).label) for value in allowed]


def organisation_choices() -> list[tuple]:
    """Organisations with their units indented under them."""
    return [("", "—")] + [
        (organisation.pk, "\u00a0\u00a0\u00a0\u00a0" * depth + ("↳ " if depth else "") + organisation.name)
        for organisation, depth in selectors.organisations_for_choice()
    ]


class AssignForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisatie"), queryset=None, required=False)
    contact = PlainTextField(
        label=_("Contactpersoon"),
        required=False,
        max_length=200,
        help_text=_("Naam en eventueel e-mailadres van wie de vraag oppakt."),
    )
    handler = forms.ModelChoiceField(
        label=_("Behandelaar"), queryset=None, required=False, empty_label=_("— niemand —")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.all()
        # Set after the queryset: the field keeps these labels but still validates against it.
        self.fields["organisation"].choices = organisation_choices()
        self.fields["handler"].queryset = selectors.brokers()
        self.fields["handler"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


class DueDateForm(forms.Form):
    due_date = forms.DateField(
        label=_("Streefdatum"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class AnswerForm(forms.Form):
    answer = PlainTextField(
        label=_("Antwoord aan de vraagsteller"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Nodig voordat de vraag op “beantwoord” kan; de vraagsteller krijgt het per e-mail."),
    )


class NoteForm(forms.Form):
    text = PlainTextField(
        label=_("Interne notitie"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Alleen zichtbaar in de backoffice."),
    )


class MakeAssignmentForm(forms.Form):
    # Prefixed: the question page holds several forms, and ids such as id_title must stay unique.
    prefix = "assignment"
    title = PlainTextField(label=_("Titel van de opgave"), max_length=200)
    description = PlainTextField(
        label=_("Omschrijving"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Let op: haal namen, e-mailadressen en andere gegevens van de vraagsteller uit deze tekst; "
            "studenten en docenten lezen hem op de openbare site."
        ),
    )
    section = forms.ModelChoiceField(label=_("Thema"), queryset=None, required=False, empty_label="—")
    district = forms.ModelChoiceField(label=_("Wijk"), queryset=None, required=False, empty_label="—")
    levels = forms.MultipleChoiceField(label=_("Niveau"), choices=LEVELS, widget=forms.CheckboxSelectMultiple)
    size = forms.ChoiceField(label=_("Omvang"), choices=Assignment.Size.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = selectors.current_sections()
        self.fields["district"].queryset = District.objects.filter(active=True)


class PublishForm(forms.Form):
    prefix = "publish"
    title = PlainTextField(
        label=_("Vraag zoals gepubliceerd"),
        max_length=300,
        help_text=_("Herschreven zonder namen of andere persoonsgegevens."),
    )
    answer = PlainTextField(label=_("Antwoord"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}))
    section = forms.ModelChoiceField(label=_("Thema"), queryset=None, required=False, empty_label="—")
    projects = forms.ModelMultipleChoiceField(
        label=_("Projecten"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Vooraf gekozen: de voorgestelde projecten. Houd Ctrl of Cmd ingedrukt om er meer te kiezen."
        ),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisaties"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = selectors.current_sections()
        self.fields["projects"].queryset = selectors.current_projects()
        self.fields["projects"].label_from_instance = lambda p: f"{p.key} {p.title}"
        self.fields["organisations"].queryset = Organisation.objects.order_by("name")
