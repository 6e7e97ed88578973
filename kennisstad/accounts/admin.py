"""The access log in the back office: read-only, for superusers only.

Who looked at whose data is itself sensitive, and it must not be possible to tidy it up
afterwards: nobody can add, change or delete rows here; the retention run removes old ones.
"""

from django.contrib import admin

from .models import PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "kind", "subject", "path"]
    list_filter = ["kind", "at", "user"]
    date_hierarchy = "at"
    search_fields = ["subject", "username"]
    list_select_related = ["user"]
    fields = ["at", "user", "username", "kind", "subject", "object_type", "object_id", "path"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
