"""Back-office users with their role, and the access log (read-only, for superusers only).

Who looked at whose data is itself sensitive, and it must not be possible to tidy it up
afterwards: nobody can add, change or delete rows here; the retention run removes old ones.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import BackOfficeRole, PersonalDataAccess, Role


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


class BackOfficeRoleForm(forms.ModelForm):
    class Meta:
        model = BackOfficeRole
        fields = ["role", "organisations"]

    def clean(self):
        data = super().clean()
        role, organisations = data.get("role"), data.get("organisations")
        if role == Role.REDACTEUR and not organisations:
            self.add_error("organisations", _("Kies de organisatie(s) van deze redacteur."))
        if role and role != Role.REDACTEUR and organisations:
            self.add_error(
                "organisations", _("Alleen een redacteur hoort bij organisaties; laat dit veld leeg.")
            )
        return data


class BackOfficeRoleInline(admin.StackedInline):
    model = BackOfficeRole
    form = BackOfficeRoleForm
    max_num = 1
    can_delete = True
    autocomplete_fields = ["organisations"]
    verbose_name_plural = _("rol in de backoffice")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class BackOfficeUserAdmin(UserAdmin):
    """Django's user admin with the role inline; only a superuser hands out superuser rights."""

    inlines = [BackOfficeRoleInline]
    list_display = ["username", "email", "first_name", "last_name", "role", "is_staff", "is_active"]
    list_filter = ["backoffice_role__role", "is_staff", "is_superuser", "is_active"]
    list_select_related = ["backoffice_role"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "groups", "user_permissions"]
        return fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        if BackOfficeRole.objects.filter(user=user).exists() and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])

    @admin.display(description=_("rol"), ordering="backoffice_role__role")
    def role(self, obj):
        row = getattr(obj, "backoffice_role", None)
        if obj.is_superuser:
            return _("beheerder (alles)")
        return row.get_role_display() if row else "—"
