from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kennisstad.accounts import roles
from kennisstad.accounts.admin_scope import ProjectScopedAdmin
from kennisstad.history.admin import HistoryLinkedAdmin
from kennisstad.lib.concurrency import ConflictCheckedAdmin
from kennisstad.organisations.models import Organisation
from kennisstad.search.models import SearchDocument
from kennisstad.search.services import index_projects, remove_document

from .models import Agenda, Group, Participation, Project, ProjectLink, Role, Section, UnresolvedMention
from .services import unresolved_text_map, unresolved_text_mark_not_organisation


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 1
    fields = ["organisation", "role", "raw_text", "position"]
    autocomplete_fields = ["organisation"]


class UnresolvedMentionInline(admin.TabularInline):
    model = UnresolvedMention
    extra = 0
    fields = ["role", "text"]


class ProjectLinkInline(admin.TabularInline):
    model = ProjectLink
    extra = 0


class OrganisationFilter(admin.SimpleListFilter):
    """Projects in which an organisation or one of its units takes part (in the chosen role, if any)."""

    title = _("organisatie")
    parameter_name = "organisatie"

    def lookups(self, request, model_admin):
        return [
            (str(o.pk), o.name) for o in Organisation.objects.filter(parent__isnull=True).order_by("name")
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        match = Q(participations__organisation_id=self.value()) | Q(
            participations__organisation__parent_id=self.value()
        )
        role = request.GET.get(RoleFilter.parameter_name)
        if role in Role.values:
            # One filter() call so organisation and role hold for the same participation.
            match &= Q(participations__role=role)
        return queryset.filter(match).distinct()


class RoleFilter(admin.SimpleListFilter):
    title = _("rol")
    parameter_name = "rol"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if not self.value() or request.GET.get(OrganisationFilter.parameter_name):
            return queryset  # combined with the organisation in OrganisationFilter
        return queryset.filter(participations__role=self.value()).distinct()


class HasUnresolvedFilter(admin.SimpleListFilter):
    title = _("onopgeloste vermeldingen")
    parameter_name = "onopgelost"

    def lookups(self, request, model_admin):
        return [("yes", _("met onopgeloste vermeldingen"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(unresolved_mentions__isnull=False).distinct()
        return queryset


@admin.register(Project)
class ProjectAdmin(HistoryLinkedAdmin, ProjectScopedAdmin, ConflictCheckedAdmin, admin.ModelAdmin):
    # Two people editing one project: the later save is refused and shown both versions.
    conflict_subject = _("dit project")
    list_display = ["key", "title", "section", "group", "status", "lead_list"]
    list_display_links = ["key", "title"]
    list_filter = ["agenda", "section", "status", OrganisationFilter, RoleFilter, HasUnresolvedFilter]
    search_fields = ["code", "key", "title", "description", "participations__organisation__name"]
    list_select_related = ["section", "group__section"]
    readonly_fields = [
        "key",
        "leads_raw",
        "partners_raw",
        "source_documents",
        "created_at",
        "updated_at",
        "updated_by",
    ]
    fieldsets = [
        (None, {"fields": ["agenda", "section", "group", "code", "key", "title", "slug", "description"]}),
        (_("Status en contact"), {"fields": ["status", "status_note", "contact"]}),
        (
            _("Zoals in het brondocument"),
            {
                "fields": [
                    "leads_raw",
                    "partners_raw",
                    "source_documents",
                    "created_at",
                    "updated_at",
                    "updated_by",
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [ParticipationInline, UnresolvedMentionInline, ProjectLinkInline]
    # An editor keeps its projects' content and partners up to date; where a project sits in the
    # agenda is the kennismakelaar's.
    placement_fields = ["agenda", "section", "group", "code", "slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("participations__organisation")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if roles.is_kennismakelaar(request.user):
            return fields
        return [*fields, *self.placement_fields]

    # The public search must show what the kennismakelaar just saved.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        index_projects([form.instance])

    def delete_model(self, request, obj):
        remove_document(SearchDocument.Kind.PROJECT, obj.pk)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for project_id in queryset.values_list("pk", flat=True):
            remove_document(SearchDocument.Kind.PROJECT, project_id)
        super().delete_queryset(request, queryset)

    @admin.display(description=_("trekkers"))
    def lead_list(self, obj):
        return ", ".join(p.organisation.name for p in obj.participations.all() if p.role == Role.TREKKER)


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["number", "title", "slug", "position"]
    show_change_link = True


@admin.register(Agenda)
class AgendaAdmin(admin.ModelAdmin):
    list_display = ["title", "period", "is_current", "source_document", "imported_at"]
    prepopulated_fields = {"slug": ["period"]}
    inlines = [SectionInline]


class GroupInline(admin.TabularInline):
    model = Group
    extra = 0
    fields = ["title", "position", "description"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "agenda"]
    list_filter = ["agenda"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [GroupInline]


class MapToOrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.order_by("name"),
        help_text=_(
            "De tekst wordt een alias van deze organisatie; elk project met deze vermelding krijgt haar "
            "als deelnemer in dezelfde rol."
        ),
    )


@admin.register(UnresolvedMention)
class UnresolvedMentionAdmin(admin.ModelAdmin):
    list_display = ["text", "project", "role"]
    list_filter = ["role", "project__agenda", "project__section"]
    search_fields = ["text", "project__title", "project__key"]
    list_select_related = ["project"]
    actions = ["map_to_organisation", "mark_not_organisation"]

    @admin.action(description=_("Koppelen aan een organisatie…"), permissions=["change"])
    def map_to_organisation(self, request, queryset):
        texts = sorted({mention.text for mention in queryset})
        if "apply" in request.POST:
            form = MapToOrganisationForm(request.POST)
            if form.is_valid():
                organisation = form.cleaned_data["organisation"]
                changed: list[str] = []
                for text in texts:
                    changed += unresolved_text_map(text=text, organisation=organisation)
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d project bijgewerkt: %(keys)s",
                        "%(count)d projecten bijgewerkt: %(keys)s",
                        len(changed),
                    )
                    % {"count": len(changed), "keys": ", ".join(changed)},
                    messages.SUCCESS,
                )
                return None
        else:
            form = MapToOrganisationForm()
        return TemplateResponse(
            request,
            "admin/portfolio/map_to_organisation.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Vermeldingen koppelen aan een organisatie"),
                "texts": texts,
                "mentions": queryset.select_related("project"),
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Markeren als geen organisatie"), permissions=["change"])
    def mark_not_organisation(self, request, queryset):
        texts = sorted({mention.text for mention in queryset})
        for text in texts:
            unresolved_text_mark_not_organisation(text=text)
        self.message_user(
            request,
            _("Gemarkeerd als geen organisatie (ze blijven als vermelding bij het project staan): %(texts)s")
            % {"texts": ", ".join(texts)},
            messages.SUCCESS,
        )
