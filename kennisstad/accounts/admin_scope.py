"""Object-level permissions in the Django admin.

Django's ModelAdmin asks ``has_perm("app.change_model")`` without the object, so by itself it would
let an editor of organisation A open B's project. These mixins pass the object along, so the role
backend (``roles.RolePermissionBackend``) decides per object, and narrow the change list to what
the user may open. An object outside the user's scope still exists for the admin: opening it gives
403 (not "does not exist").
"""

from django.contrib.auth import get_permission_codename

from . import roles


class ObjectPermissionAdmin:
    """A ModelAdmin mixin; ``scope_queryset`` narrows the change list for a user with a scope."""

    def _permission(self, action: str) -> str:
        return f"{self.opts.app_label}.{get_permission_codename(action, self.opts)}"

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request)
        return request.user.has_perm(self._permission("view"), obj) or request.user.has_perm(
            self._permission("change"), obj
        )

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return request.user.has_perm(self._permission("change"), obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return request.user.has_perm(self._permission("delete"), obj)

    def scope_queryset(self, queryset, scope: frozenset[int]):
        raise NotImplementedError

    def get_changelist_instance(self, request):
        # Only the list is narrowed: a change page, an autocomplete or a lookup sees every object,
        # and the permission check answers for the object itself.
        request._kennisstad_list_scope = roles.organisation_scope(request.user)
        try:
            return super().get_changelist_instance(request)
        finally:
            del request._kennisstad_list_scope

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = getattr(request, "_kennisstad_list_scope", None)
        return queryset if scope is None else self.scope_queryset(queryset, scope)


class ProjectScopedAdmin(ObjectPermissionAdmin):
    def scope_queryset(self, queryset, scope):
        return roles.projects_within(queryset, scope)


class OrganisationScopedAdmin(ObjectPermissionAdmin):
    def scope_queryset(self, queryset, scope):
        return queryset.filter(pk__in=scope)
