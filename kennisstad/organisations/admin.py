from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from kennisstad.accounts import roles
from kennisstad.accounts.admin_scope import OrganisationScopedAdmin
from kennisstad.history.admin import HistoryLinkedAdmin
from kennisstad.lib.concurrency import ConflictCheckedAdmin
from kennisstad.lib.text import normalise_written_form
from kennisstad.search.models import SearchDocument
from kennisstad.search.services import reindex_organisation, remove_document

from .models import Alias, NonOrganisationTerm, Organisation


class NormalisedUniqueForm(forms.ModelForm):
    """Rejects a written form that differs from a known one only in case, spacing or quotes."""

    def clean_text(self):
        text = self.cleaned_data["text"]
        normalised = normalise_written_form(text)
        if not normalised:
            raise forms.ValidationError(_("Vul een schrijfwijze in."))
        others = self._meta.model.objects.filter(normalised=normalised).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("Deze schrijfwijze bestaat al: %(existing)s") % {"existing": others.first()}
            )
        self.instance.normalised = normalised
        return text


class AliasInline(admin.TabularInline):
    model = Alias
    form = NormalisedUniqueForm
    extra = 1
    fields = ["text"]


class UnitInline(admin.TabularInline):
    model = Organisation
    fk_name = "parent"
    verbose_name = _("onderdeel")
    verbose_name_plural = _("onderdelen (faculteiten, labs, lectoraten)")
    fields = ["name", "kind"]
    readonly_fields = ["name", "kind"]
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class IsUnitFilter(admin.SimpleListFilter):
    title = _("onderdeel")
    parameter_name = "is_unit"

    def lookups(self, request, model_admin):
        return [("no", _("zelfstandige organisaties")), ("yes", _("onderdelen"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(parent__isnull=False)
        if self.value() == "no":
            return queryset.filter(parent__isnull=True)
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(HistoryLinkedAdmin, OrganisationScopedAdmin, ConflictCheckedAdmin, admin.ModelAdmin):
    conflict_subject = _("deze organisatie")
    list_display = ["name", "kind", "parent", "project_count", "alias_list", "uncertain"]
    list_filter = ["kind", IsUnitFilter, "uncertain"]
    search_fields = ["name", "aliases__text"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [AliasInline, UnitInline]
    fields = ["name", "slug", "kind", "parent", "website", "description", "uncertain"]
    # An editor keeps its organisation's page (website, description); names, aliases and the place
    # in the tree decide how imports recognise organisations, so they are the kennismakelaar's.
    identity_fields = ["name", "slug", "kind", "parent", "uncertain"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if roles.is_kennismakelaar(request.user):
            return fields
        return [*fields, *self.identity_fields]

    def get_prepopulated_fields(self, request, obj=None):
        return super().get_prepopulated_fields(request, obj) if roles.is_kennismakelaar(request.user) else {}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .prefetch_related("aliases")
            .annotate(project_total=Count("participations__project", distinct=True))
        )

    # Names and aliases appear in the search documents of the organisation and its projects.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        reindex_organisation(form.instance)

    def delete_model(self, request, obj):
        remove_document(SearchDocument.Kind.ORGANISATION, obj.pk)
        super().delete_model(request, obj)

    @admin.display(description=_("projecten"), ordering="project_total")
    def project_count(self, obj):
        return obj.project_total

    @admin.display(description=_("aliassen"))
    def alias_list(self, obj):
        return ", ".join(alias.text for alias in obj.aliases.all())


@admin.register(Alias)
class AliasAdmin(HistoryLinkedAdmin, admin.ModelAdmin):
    form = NormalisedUniqueForm
    list_display = ["text", "organisation"]
    search_fields = ["text", "organisation__name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        reindex_organisation(obj.organisation)

    def delete_model(self, request, obj):
        organisation = obj.organisation
        super().delete_model(request, obj)
        reindex_organisation(organisation)


@admin.register(NonOrganisationTerm)
class NonOrganisationTermAdmin(admin.ModelAdmin):
    form = NormalisedUniqueForm
    list_display = ["text"]
    search_fields = ["text"]
