"""Back-office users with their role, and the access log (read-only, for superusers only).

Who looked at whose data is itself sensitive, and it must not be possible to tidy it up
afterwards: nobody can add, change or delete rows here; the retention run removes old ones.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from kennisstad.organisations.models import Organisation

from .models import BackOfficeRole, PersonalDataAccess, Role
from .services import invite_backoffice_user


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


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mailadres"), max_length=254)
    name = forms.CharField(label=_("Naam"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Rol"), choices=Role.choices, initial=Role.REDACTEUR)
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisaties (voor een redacteur)"),
        queryset=Organisation.objects.filter(parent__isnull=True).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    language = forms.ChoiceField(
        label=_("Taal van de uitnodiging"), choices=[("nl", "Nederlands"), ("en", "English")]
    )

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.REDACTEUR and not data.get("organisations"):
            self.add_error("organisations", _("Kies de organisatie(s) van deze redacteur."))
        return data


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class BackOfficeUserAdmin(UserAdmin):
    """Django's user admin with the role inline; only a superuser hands out superuser rights."""

    inlines = [BackOfficeRoleInline]
    change_list_template = "admin/accounts/user_change_list.html"
    list_display = ["username", "email", "first_name", "last_name", "role", "is_staff", "is_active"]
    list_filter = ["backoffice_role__role", "is_staff", "is_superuser", "is_active"]
    list_select_related = ["backoffice_role"]

    def get_urls(self):
        return [
            path("uitnodigen/", self.admin_site.admin_view(self.invite_view), name="accounts_invite"),
            *super().get_urls(),
        ]

    def invite_view(self, request):
        """Invite a new back-office user by e-mail, with its role (the command does the same)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = InviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                invitation = invite_backoffice_user(
                    email=data["email"],
                    name=data["name"],
                    language=data["language"],
                    role=data["role"],
                    organisations=data["organisations"],
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                self.message_user(
                    request,
                    _("Uitnodiging gestuurd naar %(email)s.") % {"email": invitation.user.email},
                    messages.SUCCESS,
                )
                return redirect("admin:auth_user_change", invitation.user.pk)
        return TemplateResponse(
            request,
            "admin/accounts/invite.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Iemand uitnodigen voor de backoffice"),
                "opts": self.opts,
                "form": form,
            },
        )

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
