"""The kennisloket in the Django admin: only the city's lists and the privacy records.

Questions and assignments are handled in the broker's own back office (``loket:inbox``), whose
forms go through the services and write the history; the admin would bypass both.
"""

from django.contrib import admin

from .models import District, Erasure, PrivacyStatement


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "active"]
    list_editable = ["position", "active"]
    search_fields = ["name"]
    ordering = ["position", "name"]


@admin.register(PrivacyStatement)
class PrivacyStatementAdmin(admin.ModelAdmin):
    """New versions can be added; a saved version never changes, since askers consented to it."""

    list_display = ["version", "published_at"]
    fields = ["version", "published_at", "text", "text_en"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    list_display = ["reference", "reason", "at"]
    list_filter = ["reason"]
    search_fields = ["reference"]
    readonly_fields = ["reference", "email_hash", "reason", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
