"""API tokens in the back office: only the kennismakelaar makes and revokes them.

The full token is shown once, in the message after saving; afterwards only its prefix. A token
is never edited (make a new one) nor deleted (revoke it, so the record of its writes stays).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kennisstad.accounts.roles import is_kennismakelaar

from .models import ApiToken, ApiWrite
from .tokens import token_create, token_revoke


class KennismakelaarOnly:
    def has_module_permission(self, request):
        return is_kennismakelaar(request.user)

    def has_view_permission(self, request, obj=None):
        return is_kennismakelaar(request.user)


@admin.register(ApiToken)
class ApiTokenAdmin(KennismakelaarOnly, admin.ModelAdmin):
    list_display = ["prefix", "organisation", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at", "organisation"]
    search_fields = ["prefix", "name", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ["organisation", "name"] if obj is None else ["organisation", "name", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else ["organisation", "name", *self.readonly_fields]

    def has_add_permission(self, request):
        return is_kennismakelaar(request.user)

    def has_change_permission(self, request, obj=None):
        # The change page only shows a token; the revoke action needs this permission.
        return is_kennismakelaar(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, key = token_create(organisation=obj.organisation, name=obj.name, by=request.user)
        obj.pk = token.pk
        obj.__dict__.update(token.__dict__)
        self.message_user(
            request,
            _(
                "Het token voor %(organisation)s is: %(key)s — kopieer het nu, het wordt niet nog eens getoond."
            )
            % {"organisation": token.organisation, "key": key},
            messages.WARNING,
        )

    @admin.action(description=_("Geselecteerde tokens intrekken"))
    def revoke(self, request, queryset):
        for token in queryset:
            token_revoke(token=token, by=request.user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("%(count)d token ingetrokken.", "%(count)d tokens ingetrokken.", count)
            % {"count": count},
        )


@admin.register(ApiWrite)
class ApiWriteAdmin(KennismakelaarOnly, admin.ModelAdmin):
    list_display = ["at", "token", "progress_update"]
    list_select_related = ["token__organisation", "progress_update__project"]
    readonly_fields = ["at", "token", "progress_update"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
