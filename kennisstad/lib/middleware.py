from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    """Dutch unless the visitor chose another language with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so most
    visitors with an English browser would land on a half-translated site mixing
    English chrome with the Dutch agenda text. The alliance's site is Dutch
    first; English is an explicit choice, remembered in the language cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class RejectNulBytesMiddleware:
    """A NUL byte in the address or a query parameter is refused with 400.

    No visitor types one, and PostgreSQL refuses NUL in any text parameter with an error, so a
    view that passes it to a query would answer 500. Refusing it here covers every view,
    including those added later.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values
        ):
            raise SuspiciousOperation("NUL byte in the request address")
        return self.get_response(request)
