"""Rate limits per view, set in ``settings.RATE_LIMITS`` (view name -> methods, limit, seconds).

A middleware rather than a decorator so that views of Django's admin (its login) can be limited
too, and so that the limits of the whole site can be read in one place.
"""

from django.conf import settings
from django.shortcuts import render

from .ratelimit import too_many


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        rule = settings.RATE_LIMITS.get(match.view_name) if match else None
        if rule is None:
            return None
        methods, limit, window_seconds = rule
        if request.method not in methods:
            return None
        if not too_many(scope=match.view_name, request=request, limit=limit, window_seconds=window_seconds):
            return None
        response = render(request, "429.html", {"minutes": max(1, window_seconds // 60)}, status=429)
        response["Retry-After"] = str(window_seconds)
        return response
