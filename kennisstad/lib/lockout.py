"""Locking a username out, from one address, after repeated failed logins.

Counts live in the default cache (file-based, shared by the workers, see lib/ratelimit.py).
The key is username *and* address: someone guessing passwords is stopped, while the real user
on another address can still log in (and an attacker cannot lock the broker out from afar).
"""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from .ratelimit import client_address


def _key(kind: str, request, username: str) -> str:
    identity = f"{settings.SECRET_KEY}:{username.strip().lower()}:{client_address(request)}"
    return f"lockout:{kind}:{hashlib.sha256(identity.encode()).hexdigest()[:32]}"


def _seconds() -> int:
    return settings.LOGIN_LOCKOUT_MINUTES * 60


def is_locked_out(request, username: str) -> bool:
    return cache.get(_key("locked", request, username)) is not None


def record_failure(request, username: str) -> bool:
    """Count a failed login; True when this failure locks the username out for this address."""
    failures = _key("failures", request, username)
    if cache.add(failures, 1, timeout=_seconds()):
        count = 1
    else:
        try:
            count = cache.incr(failures)
        except ValueError:  # expired between add and incr
            cache.add(failures, 1, timeout=_seconds())
            count = 1
    if count >= settings.LOGIN_FAILURE_LIMIT:
        cache.set(_key("locked", request, username), 1, timeout=_seconds())
        cache.delete(failures)
        return True
    return False


def clear_failures(request, username: str) -> None:
    cache.delete(_key("failures", request, username))


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing a locked-out username+address even with the right password.

    Without a request (``manage.py``, the test client's ``login()``) there is no address to
    lock, so it behaves like the plain backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not username:
            return super().authenticate(request, username=username, password=password, **kwargs)
        if is_locked_out(request, username):
            _tell_locked(request)
            raise PermissionDenied  # stops authenticate() without trying further backends
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            if record_failure(request, username):
                _tell_locked(request)
        else:
            clear_failures(request, username)
        return user


def _tell_locked(request) -> None:
    # The admin's login page shows messages above its form; the form itself only knows
    # "wrong username or password", which would send a locked-out user guessing further.
    messages.error(
        request,
        gettext(
            "Te veel mislukte inlogpogingen. Om uw account te beschermen kunt u de komende "
            "%(minutes)d minuten niet inloggen vanaf dit adres. Probeer het daarna opnieuw."
        )
        % {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
        fail_silently=True,
    )
