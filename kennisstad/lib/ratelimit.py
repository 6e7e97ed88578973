"""Counting requests per client in a window, through Django's cache.

The default cache (settings.CACHES) is file-based under DATA_DIR so that all worker processes
on one machine share the counts; a window is a fixed bucket, which is all a form needs.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The visitor's address; behind the reverse proxy the last X-Forwarded-For hop is it.

    The proxy appends the address it saw; every earlier hop is whatever the visitor sent, so
    trusting the first one would let anyone pick an address and dodge the lockout and limits.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def too_many(*, scope: str, request, limit: int, window_seconds: int) -> bool:
    """Count this request; True when the client went over ``limit`` in the current window.

    The address is hashed so the cache never holds a visitor's IP address in the clear.
    """
    address = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode()).hexdigest()[:32]
    bucket = int(time.time() // window_seconds)
    key = f"ratelimit:{scope}:{address}:{bucket}"
    if cache.add(key, 1, timeout=window_seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return False
    return count > limit
