import tempfile
from pathlib import Path

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from kennisstad.accounts import roles

from .common import AgendaFormatError
from .forms import AgendaUploadForm
from .models import ImportRun
from .readers import read_agenda
from .services import import_agenda


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "agenda",
        "source_name",
        "style",
        "created_count",
        "updated_count",
        "unchanged_count",
        "by",
    ]
    list_filter = ["agenda", "style"]
    readonly_fields = [field.name for field in ImportRun._meta.fields]
    change_list_template = "admin/ingest/importrun_change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("importeren/", self.admin_site.admin_view(self.import_view), name="ingest_import_agenda"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        # An import rewrites the whole agenda: the kennismakelaar's work, not an editor's.
        if not roles.is_kennismakelaar(request.user):
            raise PermissionDenied
        report = None
        form = AgendaUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["document"]
            try:
                parsed = _read_upload(upload)
                report = import_agenda(
                    parsed=parsed,
                    source_name=Path(upload.name).name,
                    period=form.cleaned_data["period"] or None,
                    dry_run=form.cleaned_data["dry_run"],
                    by=request.user,
                )
            except AgendaFormatError as error:
                error.source = Path(upload.name).name
                form.add_error("document", _("%(error)s — er is niets veranderd.") % {"error": error})
        return TemplateResponse(
            request,
            "admin/ingest/import_agenda.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Agenda importeren"),
                "opts": self.model._meta,
                "form": form,
                "report": report,
            },
        )


def _read_upload(upload):
    # Readers work on files (pdfplumber and python-docx need one); the temporary
    # copy keeps the upload's suffix so the layout is detected the same way.
    with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix.lower()) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        return read_agenda(Path(handle.name))
