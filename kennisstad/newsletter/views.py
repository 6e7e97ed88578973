"""Public pages: subscribe, confirm, unsubscribe (also RFC 8058 one-click) and "mijn gegevens"."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from kennisstad.lib.ratelimit import too_many
from kennisstad.loket.services import current_privacy_statement

from . import services
from .forms import EraseForm, SubscribeForm
from .models import Subscriber

# As the kennisloket's "mijn gegevens": the token must not travel on in a Referer header.
REFERRER_POLICY = "strict-origin"


def _private(response):
    """Pages reached through a personal link: never cached, never indexed, the token never passed on."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


def _invalid(request):
    # One page for forged, expired and erased links: it tells nobody what exists.
    return _private(
        render(
            request, "newsletter/link_invalid.html", {"days": settings.NEWSLETTER_CONFIRM_DAYS}, status=404
        )
    )


def _speak(request, subscriber: Subscriber) -> None:
    """Someone following a link from an e-mail sees the page in the newsletter's language,
    until they choose one with the language switch."""
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(subscriber.language)
        request.LANGUAGE_CODE = translation.get_language()


@require_http_methods(["GET", "POST"])
def subscribe(request):
    statement = current_privacy_statement()
    status = 200
    if request.method == "POST" and statement is not None:
        form = SubscribeForm(request.POST)
        if too_many(
            scope="newsletter-subscribe",
            request=request,
            limit=settings.NEWSLETTER_POSTS_PER_HOUR,
            window_seconds=3600,
        ):
            status = 429
            form.add_error(
                None,
                _(
                    "Er zijn het afgelopen uur te veel aanmeldingen vanaf dit adres verstuurd. Probeer het over een uur opnieuw."
                ),
            )
        elif form.is_valid():
            services.subscribe(
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
                privacy_statement=statement,
            )
            # The same answer whether the address was new, pending or already subscribed.
            return redirect("newsletter:subscribe_sent")
        else:
            status = 400
    else:
        form = SubscribeForm(initial={"language": request.LANGUAGE_CODE})
    return render(request, "newsletter/subscribe.html", {"form": form, "statement": statement}, status=status)


@require_GET
def subscribe_sent(request):
    return render(request, "newsletter/subscribe_sent.html", {"days": settings.NEWSLETTER_CONFIRM_DAYS})


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET only shows a button: mail scanners fetch every link in a message, and must not
    subscribe anyone by doing so."""
    subscriber = services.subscriber_from_confirm_token(token)
    if subscriber is None or subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return _invalid(request)
    _speak(request, subscriber)
    if request.method == "POST":
        services.subscriber_confirm(subscriber=subscriber)
    context = {"subscriber": subscriber, "data_url": services.data_url(subscriber)}
    return _private(render(request, "newsletter/confirm.html", context))


# RFC 8058: mail programs post "List-Unsubscribe=One-Click" to this address without any cookie or
# CSRF token. Unsubscribing is all a post can do here, and only with the secret signed token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    subscriber = services.subscriber_from_link_token(token)
    if subscriber is None:
        return _invalid(request)
    _speak(request, subscriber)
    if request.method == "POST":
        services.subscriber_unsubscribe(subscriber=subscriber)
    context = {"subscriber": subscriber, "token": token, "data_url": services.data_url(subscriber)}
    return _private(render(request, "newsletter/unsubscribe.html", context))


def _render_my_data(request, subscriber, *, form=None, error="", status=200):
    context = {"subscriber": subscriber, "form": form or EraseForm(), "error": error}
    return _private(render(request, "newsletter/my_data.html", context, status=status))


@require_http_methods(["GET", "POST"])
def my_data(request, token: str):
    limited = request.method == "POST" and too_many(
        scope="newsletter-my-data",
        request=request,
        limit=settings.NEWSLETTER_POSTS_PER_HOUR,
        window_seconds=3600,
    )
    subscriber = services.subscriber_from_link_token(token)
    if subscriber is None:
        return _invalid(request)
    _speak(request, subscriber)
    if request.method == "GET":
        return _render_my_data(request, subscriber)
    if limited:
        return _render_my_data(
            request,
            subscriber,
            error=_("Je hebt dit formulier te vaak verstuurd. Probeer het over een uur opnieuw."),
            status=429,
        )
    action = request.POST.get("action")
    if action == "download":
        response = JsonResponse(
            services.subscriber_data(subscriber), json_dumps_params={"ensure_ascii": False, "indent": 2}
        )
        response["Content-Disposition"] = 'attachment; filename="kennisstad-nieuwsbrief.json"'
        return _private(response)
    if action == "erase":
        form = EraseForm(request.POST)
        if not form.is_valid():
            return _render_my_data(request, subscriber, form=form, status=400)
        services.subscriber_erase(subscriber=subscriber)
        # The link no longer works; a page without it says so, and a reload does not post again.
        return _private(redirect("newsletter:erased"))
    return _render_my_data(request, subscriber, error=_("Kies wat je wilt doen."), status=400)


@require_GET
def erased(request):
    return render(request, "newsletter/erased.html")
