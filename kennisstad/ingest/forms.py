from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kennisstad.lib.uploads import docx_problem, pdf_problem

from .common import AgendaFormatError
from .readers import HTML_SUFFIXES, SUPPORTED_SUFFIXES, TEXT_SUFFIXES, decode_text


class AgendaUploadForm(forms.Form):
    document = forms.FileField(
        label=_("Agendadocument"),
        help_text=_("PDF-tekst of tabeltekst (.txt), .pdf, .docx of .html."),
    )
    period = forms.RegexField(
        label=_("Periode"),
        regex=r"^\d{4}-\d{4}$",
        required=False,
        help_text=_("Bijvoorbeeld 2023-2027. Leeg laten als het document de periode in de kop noemt."),
        error_messages={"invalid": _("Schrijf de periode als 2023-2027.")},
    )
    dry_run = forms.BooleanField(
        label=_("Alleen tonen wat er verandert (proefimport)"), required=False, initial=True
    )

    def clean_document(self):
        document = self.cleaned_data["document"]
        suffix = Path(document.name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise forms.ValidationError(
                _("Bestandstype %(suffix)s wordt niet ondersteund; kies %(supported)s.")
                % {"suffix": suffix or "?", "supported": ", ".join(sorted(SUPPORTED_SUFFIXES))}
            )
        if document.size > settings.AGENDA_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("Het bestand is te groot (maximaal %(max)d MB).")
                % {"max": settings.AGENDA_UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        # The extension alone proves nothing: look at the content before a parser does.
        problem = _content_problem(document, suffix)
        if problem:
            raise forms.ValidationError(
                _("%(problem)s — er is niets veranderd.") % {"problem": problem}, code="content"
            )
        return document


def _content_problem(document, suffix: str) -> str | None:
    if suffix == ".pdf":
        return pdf_problem(document)
    if suffix == ".docx":
        return docx_problem(document)
    if suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES:
        document.seek(0)
        data = document.read()
        document.seek(0)
        try:
            decode_text(data)
        except AgendaFormatError:
            return gettext("Het bestand is geen leesbare tekst (of is leeg)")
    return None
