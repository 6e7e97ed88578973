"""The one rule for back-office pages outside the Django admin."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse


def back_office_required(may_enter: Callable) -> Callable:
    """A view decorator: anonymous visitors go to the back-office login and come back; a logged-in
    user for whom ``may_enter(user)`` is false gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not may_enter(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
