"""Who may do what in the back office: three roles, and for editors the organisations they keep.

- *kennismakelaar*: everything (superusers count as kennismakelaar);
- *redacteur* of one or more organisations: edits the projects in which such an organisation or one of
  its units takes part, adds progress updates there, and edits those organisations' own pages;
- *stuurgroep*: reads the back office, the figures and the reports, changes nothing.

The rules are answered through Django's permission API, so the admin, the back-office views and the
API all ask the same question: ``user.has_perm("portfolio.change_project", project)``. The model-level
part comes from ``ROLE_PERMISSIONS``; the object-level part from ``object_in_scope``. Permissions ticked
by hand on a user still count at model level (Django's ModelBackend), but only a role opens objects.
"""

from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kennisstad.portfolio.models import Participation

from .models import BackOfficeRole, Role

# What each role may do per model, as Django permission names. The kennismakelaar has every permission.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.REDACTEUR: frozenset(
        {
            "portfolio.view_project",
            "portfolio.change_project",
            "portfolio.view_participation",
            "portfolio.add_participation",
            "portfolio.change_participation",
            "portfolio.delete_participation",
            "portfolio.view_projectlink",
            "portfolio.add_projectlink",
            "portfolio.change_projectlink",
            "portfolio.delete_projectlink",
            "portfolio.view_progressupdate",
            "portfolio.add_progressupdate",
            "organisations.view_organisation",
            "organisations.change_organisation",
            # News of the editor's own organisation, submitted for the kennismakelaar's approval.
            "news.view_newsitem",
            "news.add_newsitem",
            "news.change_newsitem",
        }
    ),
    Role.STUURGROEP: frozenset(
        {
            *(
                f"portfolio.view_{model}"
                for model in (
                    "agenda",
                    "section",
                    "group",
                    "project",
                    "participation",
                    "projectlink",
                    "progressupdate",
                    "unresolvedmention",
                    "projectlineage",
                )
            ),
            "organisations.view_organisation",
            "organisations.view_alias",
            "organisations.view_nonorganisationterm",
            "ingest.view_importrun",
        }
    ),
}

# Objects that belong to a project: an editor may touch them when it may touch the project.
PROJECT_PARTS = {"portfolio.participation", "portfolio.projectlink", "portfolio.progressupdate"}


def role_of(user) -> str | None:
    """The user's role; superusers are kennismakelaar; anonymous and inactive users have none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.KENNISMAKELAAR
    if not hasattr(user, "_kennisstad_role"):
        row = BackOfficeRole.objects.filter(user=user).values_list("role", flat=True).first()
        user._kennisstad_role = row
    return user._kennisstad_role


def is_kennismakelaar(user) -> bool:
    return role_of(user) == Role.KENNISMAKELAAR


def is_steering_group(user) -> bool:
    return role_of(user) == Role.STUURGROEP


def requires_two_factor(user) -> bool:
    """The kennismakelaar can change everything, so its account needs a second factor."""
    return is_kennismakelaar(user)


def editor_organisation_ids(user) -> frozenset[int]:
    """The organisations an editor keeps: the chosen ones and their units."""
    if role_of(user) != Role.REDACTEUR:
        return frozenset()
    if not hasattr(user, "_kennisstad_organisations"):
        from kennisstad.organisations.models import Organisation

        chosen = set(
            BackOfficeRole.organisations.through.objects.filter(backofficerole__user=user).values_list(
                "organisation_id", flat=True
            )
        )
        units = set(Organisation.objects.filter(parent_id__in=chosen).values_list("pk", flat=True))
        user._kennisstad_organisations = frozenset(chosen | units)
    return user._kennisstad_organisations


def organisation_scope(user) -> frozenset[int] | None:
    """The organisations whose objects ``user`` may see and edit in the back office; None: all of them."""
    role = role_of(user)
    if role in (Role.KENNISMAKELAAR, Role.STUURGROEP):
        return None
    return editor_organisation_ids(user)


def projects_within(queryset, scope: frozenset[int]):
    """``queryset`` (of projects) narrowed to those in which one of the ``scope`` organisations takes part."""
    return queryset.filter(
        pk__in=Participation.objects.filter(organisation_id__in=scope).values("project_id")
    )


def object_in_scope(user, obj) -> bool:
    """Whether ``obj`` lies within the user's organisations (always, for a role without a scope)."""
    scope = organisation_scope(user)
    return True if scope is None else within_organisations(obj, scope)


def within_organisations(obj, scope: frozenset[int]) -> bool:
    """Whether ``obj`` belongs to one of the ``scope`` organisations.

    A project belongs to every organisation taking part in it, and its participations, links and
    updates with it; an organisation to itself. A model elsewhere (news, tokens) takes part by
    defining ``owning_organisation_ids()``.
    """
    label = obj._meta.label_lower
    if label in PROJECT_PARTS:
        obj = obj.project
        label = "portfolio.project"
    if label == "portfolio.project":
        return obj.pk is not None and obj.participations.filter(organisation_id__in=scope).exists()
    if label == "organisations.organisation":
        return obj.pk in scope
    owners = getattr(obj, "owning_organisation_ids", None)
    return owners is not None and bool(set(owners()) & scope)


def can_read_reports(user) -> bool:
    """Reports and the agenda comparison are for the kennismakelaar and the steering group."""
    return role_of(user) in (Role.KENNISMAKELAAR, Role.STUURGROEP)


def _all_permissions() -> frozenset[str]:
    return frozenset(
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list("content_type__app_label", "codename")
    )


class RolePermissionBackend(BaseBackend):
    """Answers ``has_perm`` from the user's role, for a model and for one object of it.

    It does not authenticate anyone; the lockout backend does that.
    """

    def get_role_permissions(self, user_obj, obj=None) -> frozenset[str]:
        role = role_of(user_obj)
        if role is None:
            return frozenset()
        if role == Role.KENNISMAKELAAR:
            if not hasattr(user_obj, "_kennisstad_all_permissions"):
                user_obj._kennisstad_all_permissions = _all_permissions()
            return user_obj._kennisstad_all_permissions
        return ROLE_PERMISSIONS[role]

    def get_all_permissions(self, user_obj, obj=None):
        permissions = self.get_role_permissions(user_obj)
        if obj is not None and not object_in_scope(user_obj, obj):
            return set()
        return set(permissions)

    def has_perm(self, user_obj, perm, obj=None):
        if perm not in self.get_role_permissions(user_obj):
            return False
        return obj is None or object_in_scope(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(perm.startswith(f"{app_label}.") for perm in self.get_role_permissions(user_obj))


def assign_role(user, role: str, organisations=()) -> BackOfficeRole:
    """Give ``user`` a back-office role (and, for an editor, its organisations); makes it staff."""
    role = Role(role)
    organisations = list(organisations)
    if role == Role.REDACTEUR and not organisations:
        raise ValidationError(_("Een redacteur hoort bij ten minste één organisatie."))
    row, _created = BackOfficeRole.objects.update_or_create(user=user, defaults={"role": role})
    row.organisations.set(organisations if role == Role.REDACTEUR else [])
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    for cached in ("_kennisstad_role", "_kennisstad_organisations", "_kennisstad_all_permissions"):
        user.__dict__.pop(cached, None)
    return row
