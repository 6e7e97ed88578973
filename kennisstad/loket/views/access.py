"""Who may use the kennisloket's back office: one decorator for every back-office view."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

BROKER_PERMISSION = "loket.handle_question"


def is_broker(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(BROKER_PERMISSION)


def broker_required(view):
    """Anonymous visitors go to the back-office login and come back; a logged-in user without
    the broker's permission gets 403 (superusers have every permission)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not is_broker(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
