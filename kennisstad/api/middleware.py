"""Caching and sharing headers for the open-data API (only under /api/).

Every successful GET gets an ETag (a hash of the body) and is answered 304 when the client
already has it; public caches may keep it a short while. Any website may read the open data
(``Access-Control-Allow-Origin: *``): nothing under /api/ reads cookies, so no visitor's
session can leak through it.
"""

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag

API_PREFIX = "/api/"


class ApiHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        response["Access-Control-Allow-Origin"] = "*"
        if request.method not in ("GET", "HEAD"):
            response.headers.setdefault("Cache-Control", "no-store")
            return response
        if response.status_code != 200 or response.streaming:
            return response
        patch_cache_control(response, public=True, max_age=settings.API_CACHE_SECONDS)
        set_response_etag(response)
        return get_conditional_response(request, etag=response["ETag"], response=response)
