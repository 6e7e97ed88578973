"""The privacy statement, and the page behind the link in every e-mail to an asker where they
can see, download or remove what is stored about them."""

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kennisstad.lib.formguard import HoneypotForm
from kennisstad.lib.ratelimit import too_many

from .. import services
from ..models import PrivacyStatement

# The token in the address is the only key to the asker's data, so it must not travel on in a
# Referer header. "no-referrer" would do that too, but browsers then send "Origin: null" with the
# page's own form posts, which Django's CSRF check (rightly) rejects; "strict-origin" sends only
# the site's origin, never the path with the token.
MY_DATA_REFERRER_POLICY = "strict-origin"


@require_GET
def statement(request, version: str | None = None):
    current = services.current_privacy_statement()
    if version is None:
        if current is None:
            raise Http404
        shown = current
    else:
        shown = get_object_or_404(PrivacyStatement, version=version)
    language = request.LANGUAGE_CODE
    context = {
        "statement": shown,
        "current": current,
        "is_current": current is not None and shown.pk == current.pk,
        "paragraphs": shown.paragraphs(language),
        # The English text may be missing; then the Dutch one is shown and marked as Dutch.
        "text_language": "en" if language == "en" and shown.text_en.strip() else "nl",
        "other_versions": PrivacyStatement.objects.exclude(pk=shown.pk).only("version", "published_at"),
    }
    return render(request, "loket/privacy/statement.html", context)


class EraseForm(HoneypotForm):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "Ja, verwijder mijn gegevens. Ik begrijp dat dit niet ongedaan kan worden gemaakt "
            "en dat mijn vraag dan niet meer wordt behandeld."
        ),
        error_messages={
            "required": gettext_lazy(
                "Vink aan dat je je gegevens wilt laten verwijderen; er is niets verwijderd."
            )
        },
    )


def _private(response):
    """Responses about one person's data: never cached, never indexed, the token never passed on."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = MY_DATA_REFERRER_POLICY
    return response


def _render_my_data(request, question, *, form=None, error="", status=200):
    context = {
        "question": question,
        "erased": services.asker_data_erased(question),
        "form": form or EraseForm(),
        "error": error,
    }
    response = render(request, "loket/privacy/my_data.html", context, status=status)
    response["Content-Language"] = translation.get_language()
    return _private(response)


@require_http_methods(["GET", "POST"])
def my_data(request, token: str):
    # Count every post, also with a forged token, before looking at it.
    limited = request.method == "POST" and too_many(
        scope="my_data", request=request, limit=settings.LOKET_POSTS_PER_HOUR, window_seconds=3600
    )
    question = services.question_from_data_token(token)
    if question is None:
        # The same page for a forged, expired or removed link: it tells nobody what exists.
        return _private(render(request, "loket/privacy/link_invalid.html", status=404))

    # Someone following the link from an e-mail on another device sees the page in the
    # language they asked in, until they choose one with the language switch.
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(question.language)
        request.LANGUAGE_CODE = translation.get_language()

    if request.method == "GET":
        return _render_my_data(request, question)
    if limited:
        return _render_my_data(
            request,
            question,
            form=EraseForm(request.POST),
            error=_("Je hebt dit formulier te vaak verstuurd. Probeer het over een uur opnieuw."),
            status=429,
        )
    if services.asker_data_erased(question):
        return _render_my_data(request, question)

    action = request.POST.get("action")
    if action == "download":
        data = services.asker_data_exported(question=question)
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="kennisstad-{question.reference}.json"'
        return _private(response)
    if action == "erase":
        form = EraseForm(request.POST)
        if not form.is_valid():
            return _render_my_data(request, question, form=form, status=400)
        services.asker_data_erase(question=question)
        # Back to the page, which now says the data is gone; a reload does not post again.
        return _private(HttpResponseRedirect(request.path))
    return _render_my_data(request, question, error=_("Kies wat je wilt doen."), status=400)
