"""News and events in the Django admin.

The kennismakelaar writes, publishes and rejects; an editor (redacteur) writes news for one of its
own organisations, which goes to the kennismakelaar as "ingediend". The role backend decides per item
(``NewsItem.owning_organisation_ids``), so an editor cannot open another organisation's news.
"""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kennisstad.accounts import roles
from kennisstad.accounts.admin_scope import ObjectPermissionAdmin
from kennisstad.organisations.models import Organisation

from . import services
from .models import Event, NewsItem

# What only the kennismakelaar sets.
PUBLISHER_FIELDS = ("status", "rejection_reason", "published_at")


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van afwijzing"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("De redacteur ziet deze reden bij het bericht."),
    )


@admin.register(NewsItem)
class NewsItemAdmin(ObjectPermissionAdmin, admin.ModelAdmin):
    list_display = ["title", "status", "submitted_by", "published_at", "updated_at"]
    list_filter = ["status", "sections"]
    search_fields = ["title", "lead", "body"]
    list_select_related = ["submitted_by"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["projects", "organisations"]
    filter_horizontal = ["sections"]
    readonly_fields = ["author", "created_at", "updated_at"]
    actions = ["publish", "reject"]

    def scope_queryset(self, queryset, scope):
        return queryset.filter(submitted_by_id__in=scope)

    def has_publish_permission(self, request) -> bool:
        return services.may_publish(request.user)

    def has_change_permission(self, request, obj=None):
        # A published item is the kennismakelaar's; an editor may still read it.
        if (
            obj is not None
            and obj.status == NewsItem.Status.PUBLISHED
            and not services.may_publish(request.user)
        ):
            return False
        return super().has_change_permission(request, obj)

    def get_exclude(self, request, obj=None):
        return () if services.may_publish(request.user) else PUBLISHER_FIELDS

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not services.may_publish(request.user) and obj is not None and obj.rejection_reason:
            fields.append("rejection_reason")
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "submitted_by" and not services.may_publish(request.user):
            kwargs["queryset"] = Organisation.objects.filter(
                pk__in=roles.editor_organisation_ids(request.user)
            )
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.news_save(item=obj, by=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.news_sync_index(form.instance)

    def delete_model(self, request, obj):
        services.news_delete(item=obj)

    def delete_queryset(self, request, queryset):
        for item in queryset:
            services.news_delete(item=item)

    @admin.action(description=_("Publiceren"), permissions=["publish"])
    def publish(self, request, queryset):
        items = list(queryset)
        for item in items:
            services.news_publish(item=item, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d bericht gepubliceerd.", "%(count)d berichten gepubliceerd.", len(items))
            % {"count": len(items)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Afwijzen…"), permissions=["publish"])
    def reject(self, request, queryset):
        if "apply" in request.POST:
            form = RejectForm(request.POST)
            if form.is_valid():
                items = list(queryset)
                for item in items:
                    services.news_reject(item=item, by=request.user, reason=form.cleaned_data["reason"])
                self.message_user(
                    request,
                    ngettext("%(count)d bericht afgewezen.", "%(count)d berichten afgewezen.", len(items))
                    % {"count": len(items)},
                    messages.SUCCESS,
                )
                return None
        else:
            form = RejectForm()
        return TemplateResponse(
            request,
            "news/admin/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Nieuws afwijzen"),
                "items": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "place", "is_published"]
    list_filter = ["is_published", "sections"]
    search_fields = ["title", "description", "place"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["projects", "organisations"]
    filter_horizontal = ["sections"]
    readonly_fields = ["sequence", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        services.event_save(event=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.event_sync_index(form.instance)

    def delete_model(self, request, obj):
        services.event_delete(event=obj)

    def delete_queryset(self, request, queryset):
        for event in queryset:
            services.event_delete(event=event)
