"""The back office for progress tracking: which projects have gone quiet, and one project's progress.

Every POST calls one service; a refusal (ValidationError) re-renders the project's page with the
message at the field and what was typed, status 400. A success redirects back (POST-redirect-GET).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kennisstad.accounts import roles
from kennisstad.lib.access import back_office_required
from kennisstad.lib.concurrency import EditConflict, conflict_message, form_differences
from kennisstad.lib.formguard import PlainTextField

from . import selectors, services
from .models import Project

# --- access: every role sees the list (an editor only its own projects); per project, see ``_permitted`` ---


def can_track_progress(user) -> bool:
    return (
        user.is_authenticated
        and user.is_staff
        and roles.role_of(user) is not None
        and user.has_perm("portfolio.view_progressupdate")
    )


progress_editor_required = back_office_required(can_track_progress)


def _permitted(request, project: Project, permission: str) -> None:
    """403 unless the user may do ``permission`` on this project (an editor: only its own)."""
    if not request.user.has_perm(permission, project):
        raise PermissionDenied


# --- forms: they only check and convert input; the services decide ----------------------------


class ProgressFilterForm(forms.Form):
    thema = forms.ChoiceField(label=gettext_lazy("Thema"), required=False)
    verouderd = forms.BooleanField(
        label=gettext_lazy("Alleen projecten zonder recente update"), required=False
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thema"].choices = [("", _("alle thema's")), *[(s.slug, str(s)) for s in sections]]


class ProgressUpdateForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    text = PlainTextField(
        label=gettext_lazy("Voortgang"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Wat is er bereikt of veranderd? Deze tekst staat op de openbare projectpagina."
        ),
    )
    new_status = forms.ChoiceField(label=gettext_lazy("Nieuwe status"), required=False)
    link_url = forms.URLField(
        label=gettext_lazy("Link"), required=False, max_length=200, assume_scheme="https"
    )
    link_label = PlainTextField(
        label=gettext_lazy("Omschrijving van de link"), required=False, max_length=200
    )
    figure_label = PlainTextField(
        label=gettext_lazy("Kengetal"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Wat er geteld is, bijv. deelnemende scholen."),
    )
    figure_value = forms.DecimalField(
        label=gettext_lazy("Waarde"), required=False, max_digits=14, decimal_places=2, localize=True
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        unchanged = _("ongewijzigd (%(status)s)") % {"status": project.get_status_display()}
        self.fields["new_status"].choices = [("", unchanged), *Project.Status.choices]


class ContactEmailForm(forms.Form):
    contact_email = forms.EmailField(
        label=gettext_lazy("E-mailadres contactpersoon"),
        required=False,
        help_text=gettext_lazy("Hier gaan herinneringen heen. Het staat niet op de openbare site."),
    )
    # The project's version when the form was shown: a save after someone else's is refused.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            key: gettext_lazy("Het formulier mist de versie waarmee het geopend is. Open de pagina opnieuw.")
            for key in ("required", "invalid", "min_value")
        },
    )


# --- the list ----------------------------------------------------------------------------------


@progress_editor_required
@require_GET
def progress_list(request):
    agenda = selectors.current_agenda()
    context = {"agenda": agenda, "overview": None}
    if agenda is not None:
        sections = list(agenda.sections.order_by("position", "number"))
        form = ProgressFilterForm(request.GET or None, sections=sections)
        data = form.cleaned_data if form.is_valid() else {}
        section = next((s for s in sections if s.slug == data.get("thema")), None)
        context.update(
            form=form,
            selected_section=section,
            stale_only=bool(data.get("verouderd")),
            overview=selectors.progress_overview(
                agenda=agenda,
                stale_only=bool(data.get("verouderd")),
                section=section,
                organisations=roles.organisation_scope(request.user),
            ),
        )
    template = "portfolio/backoffice/progress_list.html"
    if request.headers.get("HX-Request") == "true":
        template += "#results"
    return render(request, template, context)


# --- one project -------------------------------------------------------------------------------


def _get_project(period: str, key: str) -> Project:
    agenda = selectors.agenda_by_period(period)
    project = (
        Project.objects.select_related("agenda", "section", "group")
        .filter(agenda=agenda, key__iexact=key)
        .first()
    )
    if project is None:
        raise Http404(_("Dit project bestaat niet."))
    return project


def _project_page(
    request,
    project: Project,
    *,
    status: int = 200,
    reminder_error: str = "",
    edit_conflict: dict | None = None,
    **bound_forms,
):
    """The project's progress page; ``bound_forms`` replace the empty forms (a form with errors)."""
    forms_ = {
        "update_form": ProgressUpdateForm(project=project, initial={"date": timezone.localdate()}),
        "contact_form": ContactEmailForm(
            initial={"contact_email": project.contact_email, "version": project.version}
        ),
    }
    forms_.update(bound_forms)
    timeline = selectors.project_timeline(project)
    latest = timeline[0].date if timeline else None
    user = request.user
    context = {
        "project": project,
        "may_add_update": user.has_perm("portfolio.add_progressupdate", project),
        "may_edit_contact": user.has_perm("portfolio.change_project", project),
        "may_remind": roles.is_kennismakelaar(user),
        "timeline": timeline,
        "is_stale": selectors.progress_is_stale(latest),
        "latest_date": latest,
        "reminder_error": reminder_error,
        "edit_conflict": edit_conflict,
        **forms_,
    }
    return render(request, "portfolio/backoffice/progress_project.html", context, status=status)


def _add_service_error(form, error: ValidationError) -> None:
    """A refusal from a service, on the field it names when the form has that field."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _back(project: Project, anchor: str):
    return redirect(
        reverse("portfolio:progress_project", kwargs={"period": project.agenda.period, "key": project.key})
        + f"#{anchor}"
    )


@progress_editor_required
@require_GET
def progress_project(request, period: str, key: str):
    project = _get_project(period, key)
    _permitted(request, project, "portfolio.view_project")
    return _project_page(request, project)


@progress_editor_required
@require_POST
def progress_add(request, period: str, key: str):
    project = _get_project(period, key)
    _permitted(request, project, "portfolio.add_progressupdate")
    form = ProgressUpdateForm(request.POST, project=project)
    if not form.is_valid():
        return _project_page(request, project, status=400, update_form=form)
    old_status = project.get_status_display()
    try:
        update = services.progress_update_add(project=project, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        _add_service_error(form, error)
        return _project_page(request, _get_project(period, key), status=400, update_form=form)
    if update.new_status:
        messages.success(
            request,
            _("De update is toegevoegd; de status is nu “%(new)s” (was “%(old)s”).")
            % {"new": update.get_new_status_display(), "old": old_status},
        )
    else:
        messages.success(request, _("De update is toegevoegd."))
    return _back(project, "timeline")


@progress_editor_required
@require_POST
def progress_contact(request, period: str, key: str):
    project = _get_project(period, key)
    _permitted(request, project, "portfolio.change_project")
    form = ContactEmailForm(request.POST)
    if not form.is_valid():
        return _project_page(request, project, status=400, contact_form=form)
    try:
        services.project_contact_email_set(
            project=project,
            email=form.cleaned_data["contact_email"],
            by=request.user,
            version=form.cleaned_data["version"],
        )
    except EditConflict as conflict:
        # Nothing was written. Show both addresses and keep the typed one, now answering the saved
        # version, so saving again is a deliberate choice.
        edit_conflict = {
            "message": conflict_message(conflict, subject=_("dit project")),
            "differences": form_differences(form, conflict.current),
        }
        retyped = ContactEmailForm({**request.POST.dict(), "version": conflict.current.version})
        return _project_page(
            request, _get_project(period, key), status=409, edit_conflict=edit_conflict, contact_form=retyped
        )
    except ValidationError as error:
        _add_service_error(form, error)
        return _project_page(request, _get_project(period, key), status=400, contact_form=form)
    if project.contact_email:
        messages.success(request, _("Het e-mailadres van de contactpersoon is opgeslagen."))
    else:
        messages.success(request, _("Het e-mailadres van de contactpersoon is verwijderd."))
    return _back(project, "contact")


@progress_editor_required
@require_POST
def progress_remind(request, period: str, key: str):
    project = _get_project(period, key)
    # Reminders are the kennismakelaar's way of asking partners for news.
    if not roles.is_kennismakelaar(request.user):
        raise PermissionDenied
    try:
        services.progress_reminder_send(project=project, by=request.user)
    except ValidationError as error:
        return _project_page(request, project, status=400, reminder_error=" ".join(error.messages))
    messages.success(
        request,
        _("Er is een herinnering gestuurd naar %(email)s.") % {"email": project.contact_email},
    )
    return _back(project, "contact")
