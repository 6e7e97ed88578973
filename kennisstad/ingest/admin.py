import tempfile
from pathlib import Path

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from kennisstad.accounts import roles

from .common import AgendaFormatError
from .forms import AgendaUploadForm
from .models import ImportRun
from .readers import read_agenda
from .services import import_agenda, import_run_undo, import_run_undo_plan


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
        "undone_at",
    ]
    list_filter = ["agenda", "style"]
    readonly_fields = [field.name for field in ImportRun._meta.fields]
    change_list_template = "admin/ingest/importrun_change_list.html"
    change_form_template = "admin/ingest/importrun_change_form.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("importeren/", self.admin_site.admin_view(self.import_view), name="ingest_import_agenda"),
            path(
                "<int:pk>/ongedaan-maken/",
                self.admin_site.admin_view(self.undo_view),
                name="ingest_importrun_undo",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "may_undo": roles.is_kennismakelaar(request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def undo_view(self, request, pk):
        """Confirmation page listing what the undo changes (or why it cannot), then the undo itself."""
        if not roles.is_kennismakelaar(request.user):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=pk)
        if request.method == "POST":
            try:
                plan = import_run_undo(run, by=request.user)
            except ValidationError as refusal:
                messages.error(request, " ".join(refusal.messages))
            else:
                messages.success(
                    request,
                    _("De importrun is ongedaan gemaakt: %(deleted)s verwijderd, %(restored)s teruggezet.")
                    % {"deleted": len(plan.delete), "restored": len(plan.restore) + len(plan.bring_back)},
                )
                return redirect(reverse("admin:ingest_importrun_change", args=[run.pk]))
        plan = import_run_undo_plan(run)
        return TemplateResponse(
            request,
            "admin/ingest/importrun_undo.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Importrun ongedaan maken"),
                "opts": self.model._meta,
                "original": run,
                "run": run,
                "plan": plan,
                "refusal": plan.refusal(),
            },
        )

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
