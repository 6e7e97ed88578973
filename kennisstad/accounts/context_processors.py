from functools import cached_property

from django.contrib.auth.models import AnonymousUser

from . import roles


class BackOfficeAccess:
    """What the current user's role opens, for menus; asked only when a template uses it."""

    def __init__(self, user):
        self._user = user if user is not None else AnonymousUser()

    @cached_property
    def role(self) -> str | None:
        return roles.role_of(self._user)

    @cached_property
    def is_kennismakelaar(self) -> bool:
        return roles.is_kennismakelaar(self._user)

    @cached_property
    def reads_reports(self) -> bool:
        return roles.can_read_reports(self._user)


def backoffice_access(request):
    # Error pages rendered before the authentication middleware ran have no user.
    return {"backoffice_access": BackOfficeAccess(getattr(request, "user", None))}
