from django import forms
from django.utils.translation import gettext_lazy as _

from kennisstad.portfolio.models import Agenda

from .reports import FORMATS


class ReportForm(forms.Form):
    agenda = forms.ChoiceField(label=_("Agenda"))
    formaat = forms.ChoiceField(
        label=_("Bestandsformaat"),
        choices=[(fmt.name, fmt.label) for fmt in FORMATS.values()],
        widget=forms.RadioSelect,
        initial="pdf",
    )

    def __init__(self, *args, agendas: list[Agenda], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda"].choices = [(agenda.period, agenda.title) for agenda in agendas]
