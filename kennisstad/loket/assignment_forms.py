"""Forms for Leren met de Stad: the public filters and interest form, and the broker's forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kennisstad.lib.formguard import HoneypotForm, PlainTextField
from kennisstad.portfolio.models import Section

from .models import Assignment, District, Interest
from .services import LIMITS

LEVELS = [("mbo", "mbo"), ("hbo", "hbo"), ("wo", "wo")]

# The public list shows open assignments unless another status is asked for; withdrawn ones never.
PUBLIC_STATUSES = [
    ("open", _("Open voor aanmeldingen")),
    ("toegewezen", _("Toegewezen (loopt)")),
    ("afgerond", _("Afgerond")),
    ("alle", _("Alle")),
]


class AssignmentFilterForm(forms.Form):
    """The filters above the public list; unknown values are ignored rather than refused."""

    status = forms.ChoiceField(label=_("Status"), choices=PUBLIC_STATUSES, required=False)
    thema = forms.ChoiceField(label=_("Thema"), required=False)
    niveau = forms.ChoiceField(label=_("Niveau"), choices=[("", _("Alle niveaus")), *LEVELS], required=False)
    omvang = forms.ChoiceField(
        label=_("Omvang"), choices=[("", _("Alle soorten")), *Assignment.Size.choices], required=False
    )
    wijk = forms.ChoiceField(label=_("Wijk"), required=False)

    def __init__(self, data=None, *, sections=(), districts=()):
        super().__init__(data)
        self.fields["thema"].choices = [("", _("Alle thema's"))] + [(s.slug, s.title) for s in sections]
        self.fields["wijk"].choices = [("", _("Alle wijken"))] + [(str(d.pk), d.name) for d in districts]
        for name, field in self.fields.items():
            field.widget.attrs["id"] = f"filter-{name}"

    def filters(self) -> dict[str, str]:
        """The valid filters; a value that is not one of the choices counts as no filter."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        values = {name: cleaned.get(name) or "" for name in self.fields}
        values["status"] = values["status"] or "open"
        return values


class InterestForm(HoneypotForm):
    name = PlainTextField(label=_("Naam"), max_length=LIMITS["name"])
    email = forms.EmailField(
        label=_("E-mailadres"),
        help_text=_("Alleen de kennismakelaar ziet je naam en e-mailadres."),
    )
    role = forms.ChoiceField(label=_("Ik ben"), choices=Interest.Role.choices, widget=forms.RadioSelect)
    institution = PlainTextField(
        label=_("Onderwijsinstelling en opleiding"),
        max_length=200,
        help_text=_("Bijvoorbeeld: Hogeschool Leiden, Sociaal Werk."),
    )
    message = PlainTextField(
        label=_("Bericht"),
        max_length=LIMITS["interest_message"],
        help_text=_("Waarom past deze opgave bij jou of je vak? Hoogstens 2000 tekens."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    consent = forms.BooleanField(
        label=_("Toestemming"),
        error_messages={"required": _("Zonder toestemming kunnen we je aanmelding niet opslaan.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["institution"].widget.attrs["autocomplete"] = "organization"


# --- the broker's forms ----------------------------------------------------------------------


def section_choices(current: Section | None = None):
    """The themes of the current agenda, and an older theme still set on the object."""
    sections = Section.objects.filter(agenda__is_current=True)
    if current is not None:
        sections = sections | Section.objects.filter(pk=current.pk)
    return sections.select_related("agenda").order_by("-agenda__is_current", "position", "number")


class AssignmentEditForm(forms.Form):
    title = PlainTextField(label=_("Titel"), max_length=200)
    description = PlainTextField(
        label=_("Omschrijving"),
        help_text=_("Openbaar: zonder namen of andere gegevens van de vraagsteller."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    section = forms.ModelChoiceField(label=_("Thema"), queryset=Section.objects.none(), required=False)
    district = forms.ModelChoiceField(label=_("Wijk"), queryset=District.objects.none(), required=False)
    levels = forms.MultipleChoiceField(label=_("Niveau"), choices=LEVELS, widget=forms.CheckboxSelectMultiple)
    size = forms.ChoiceField(label=_("Omvang"), choices=Assignment.Size.choices)

    def __init__(self, *args, assignment: Assignment, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "title": assignment.title,
                "description": assignment.description,
                "section": assignment.section_id,
                "district": assignment.district_id,
                "levels": assignment.levels(),
                "size": assignment.size,
            },
        )
        super().__init__(*args, prefix="edit", **kwargs)
        self.fields["section"].queryset = section_choices(assignment.section)
        districts = District.objects.filter(active=True)
        if assignment.district_id:
            districts = districts | District.objects.filter(pk=assignment.district_id)
        self.fields["district"].queryset = districts.order_by("position", "name")


class ChooseInterestForm(forms.Form):
    interest = forms.ModelChoiceField(label=_("Aanmelding"), queryset=Interest.objects.none())

    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, prefix="choose", **kwargs)
        self.fields["interest"].queryset = assignment.interests.all()


PROGRESS_STATUSES = [
    ("", _("Status niet wijzigen")),
    (Assignment.Status.ASSIGNED, Assignment.Status.ASSIGNED.label),
    (Assignment.Status.DONE, Assignment.Status.DONE.label),
    (Assignment.Status.WITHDRAWN, Assignment.Status.WITHDRAWN.label),
]


class ProgressForm(forms.Form):
    text = PlainTextField(
        label=_("Voortgang"),
        help_text=_("Wat is er gebeurd? Openbaar, tenzij je hieronder ‘alleen intern’ kiest."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    internal = forms.BooleanField(
        label=_("Alleen intern (bijv. als de tekst een naam noemt)"),
        required=False,
    )
    status = forms.ChoiceField(label=_("Nieuwe status"), choices=PROGRESS_STATUSES, required=False)
    result = PlainTextField(
        label=_("Resultaat"),
        required=False,
        help_text=_("Verplicht bij ‘afgerond’; openbaar."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    result_url = forms.URLField(label=_("Link naar het resultaat"), required=False, max_length=200)

    def __init__(self, *args, assignment: Assignment, **kwargs):
        kwargs.setdefault("initial", {"result": assignment.result, "result_url": assignment.result_url})
        super().__init__(*args, prefix="progress", **kwargs)
