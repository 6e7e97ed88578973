"""Forms for the knowledge base: the public search box and the broker's edit form."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kennisstad.lib.formguard import PlainTextField
from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Project

from .assignment_forms import section_choices
from .models import PublishedAnswer


class KnowledgeSearchForm(forms.Form):
    q = forms.CharField(label=_("Zoek in de beantwoorde vragen"), max_length=200, required=False)
    thema = forms.ChoiceField(label=_("Thema"), required=False)

    def __init__(self, data=None, *, themes=()):
        super().__init__(data)
        self.fields["thema"].choices = [("", _("Alle thema's")), *themes]
        self.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "maxlength": 200, "placeholder": _("bijv. eenzaamheid, groen, stress")}
        )
        for name, field in self.fields.items():
            field.widget.attrs["id"] = f"kennisbank-{name}"

    def filters(self) -> tuple[str, str]:
        """The query (cut to its maximum length, not refused) and a known theme, or ""."""
        data = self.data if self.is_bound else {}
        query = " ".join(str(data.get("q", "")).split())[:200]
        thema = str(data.get("thema", ""))
        if thema not in dict(self.fields["thema"].choices):
            thema = ""
        return query, thema


class ProjectChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Project) -> str:
        return f"{obj.code} {obj.title}"


class AnswerEditForm(forms.Form):
    title = PlainTextField(
        label=_("Vraag zoals gepubliceerd"),
        max_length=300,
        help_text=_("Herschreven zonder namen of andere persoonsgegevens."),
    )
    answer = PlainTextField(
        label=_("Antwoord"),
        help_text=_("Platte tekst; een lege regel begint een nieuwe alinea."),
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    section = forms.ModelChoiceField(label=_("Thema"), queryset=None, required=False)
    projects = ProjectChoiceField(
        label=_("Projecten"),
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisaties"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_published = forms.BooleanField(
        label=_("Zichtbaar op de site (en vindbaar in het zoeken en voor de matcher)"), required=False
    )

    def __init__(self, *args, published: PublishedAnswer, **kwargs):
        linked_projects = [p.pk for p in published.projects.all()]
        linked_organisations = [o.pk for o in published.organisations.all()]
        kwargs.setdefault(
            "initial",
            {
                "title": published.title,
                "answer": published.answer,
                "section": published.section_id,
                "projects": linked_projects,
                "organisations": linked_organisations,
                "is_published": published.is_published,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = section_choices(published.section)
        # The current agenda's projects, and older ones the answer already links to.
        self.fields["projects"].queryset = (
            Project.objects.filter(Q(agenda__is_current=True) | Q(pk__in=linked_projects))
            .select_related("agenda")
            .order_by("-agenda__is_current", "section__position", "position")
        )
        self.fields["organisations"].queryset = Organisation.objects.order_by("name")
