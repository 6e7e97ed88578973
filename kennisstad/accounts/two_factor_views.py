"""The two-factor pages in the back office: set up an app, the second login step, backup codes, off.

The rules are in ``two_factor``; these views only read forms, put the verified device in the
session (``django_otp.login``) and choose the page. They use the admin's look and context.
"""

from urllib.parse import urlencode

import django_otp
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kennisstad.lib.access import back_office_required

from . import two_factor
from .two_factor import Attempt, safe_next

# Backup codes made by the last POST, kept in the session only until the next page shows them.
BACKUP_CODES_SESSION_KEY = "two_factor_new_backup_codes"

staff_required = back_office_required(lambda user: user.is_active and (user.is_staff or user.is_superuser))


class AppCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code uit de app"),
        max_length=12,
        help_text=gettext_lazy("Zes cijfers; de app maakt elke 30 seconden een nieuwe code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8, "autofocus": True}
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isdigit()):
            raise ValidationError(_("Vul de zes cijfers in die de app nu toont."))
        return code


class BackupCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Reservecode"),
        max_length=20,
        help_text=gettext_lazy("Acht letters en cijfers; elke reservecode werkt één keer."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "size": 12,
            }
        ),
    )


class DisableForm(BackupCodeForm):
    code = forms.CharField(
        label=gettext_lazy("Code uit de app of een reservecode"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "size": 12}),
    )


def _refusal(attempt: Attempt) -> str:
    if attempt.wait_seconds >= 120:
        minutes = -(-attempt.wait_seconds // 60)
        return ngettext(
            "Te veel verkeerde codes. Wacht %(count)d minuut en probeer het dan opnieuw.",
            "Te veel verkeerde codes. Wacht %(count)d minuten en probeer het dan opnieuw.",
            minutes,
        ) % {"count": minutes}
    if attempt.wait_seconds:
        return ngettext(
            "Te veel verkeerde codes. Wacht %(count)d seconde en probeer het dan opnieuw.",
            "Te veel verkeerde codes. Wacht %(count)d seconden en probeer het dan opnieuw.",
            attempt.wait_seconds,
        ) % {"count": attempt.wait_seconds}
    return _("Deze code klopt niet. Controleer de code en probeer het opnieuw.")


def _page(request, template: str, title: str, **context):
    return render(
        request,
        f"accounts/two_factor/{template}",
        {**admin.site.each_context(request), "title": title, **context},
    )


def _next_url(request) -> str:
    return safe_next(request, request.GET.get("next"), reverse("admin:index"))


def _show_backup_codes(request, codes: list[str], next_url: str):
    request.session[BACKUP_CODES_SESSION_KEY] = codes
    return redirect(f"{reverse('two_factor:backup_codes')}?{urlencode({'next': next_url})}")


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def setup(request):
    next_url = _next_url(request)
    if two_factor.has_two_factor(request.user):
        # No second app on top of the first; the status page (after the check) says how to change it.
        return redirect("two_factor:status")
    device = two_factor.start_setup(user=request.user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt = two_factor.confirm_setup(user=request.user, code=form.cleaned_data["code"])
        if attempt.accepted:
            django_otp.login(request, attempt.device)
            request.session.cycle_key()
            return _show_backup_codes(request, attempt.backup_codes, next_url)
        form.add_error("code", _refusal(attempt))
    return _page(
        request,
        "setup.html",
        _("Tweestapsverificatie instellen"),
        form=form,
        qr_code=two_factor.qr_code_svg(device, title=_("QR-code om te scannen met je authenticator-app")),
        secret=two_factor.secret_for_typing(device),
        required=two_factor.two_factor_required(request.user),
        next_url=next_url,
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def verify(request):
    next_url = _next_url(request)
    if request.user.is_verified() or not two_factor.has_two_factor(request.user):
        return redirect(next_url)
    use_backup = "backup-code" in request.POST
    app_form = AppCodeForm(request.POST if request.method == "POST" and not use_backup else None)
    backup_form = BackupCodeForm(request.POST if use_backup else None, prefix="backup")
    form = backup_form if use_backup else app_form
    if request.method == "POST" and form.is_valid():
        attempt = two_factor.verify_code(user=request.user, code=form.cleaned_data["code"])
        if attempt.accepted:
            django_otp.login(request, attempt.device)
            # A session that gained rights gets a new key, like after a password login.
            request.session.cycle_key()
            return redirect(next_url)
        form.add_error("code", _refusal(attempt))
    return _page(
        request,
        "verify.html",
        _("Inloggen: tweede stap"),
        app_form=app_form,
        backup_form=backup_form,
        show_backup=use_backup,
    )


def _status_page(request, *, disable_form=None):
    user = request.user
    return _page(
        request,
        "status.html",
        _("Tweestapsverificatie"),
        enabled=two_factor.has_two_factor(user),
        required=two_factor.two_factor_required(user),
        backup_codes_left=two_factor.backup_codes_left(user),
        disable_form=disable_form or DisableForm(prefix="disable"),
    )


@never_cache
@staff_required
def status(request):
    return _status_page(request)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def backup_codes(request):
    """GET shows codes just made (once); POST replaces them (the middleware has checked the session)."""
    if request.method == "POST":
        if not two_factor.has_two_factor(request.user):
            return redirect("two_factor:status")
        codes = two_factor.new_backup_codes(user=request.user)
        return _show_backup_codes(request, codes, reverse("two_factor:status"))
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("two_factor:status")
    return _page(
        request,
        "backup_codes.html",
        _("Je reservecodes"),
        codes=[two_factor.format_backup_code(code) for code in codes],
        next_url=_next_url(request),
    )


@never_cache
@staff_required
@require_POST
def disable(request):
    form = DisableForm(request.POST, prefix="disable")
    if form.is_valid():
        try:
            attempt = two_factor.disable_two_factor(user=request.user, code=form.cleaned_data["code"])
        except two_factor.TwoFactorRequired:
            raise PermissionDenied(_("Voor jouw rol is tweestapsverificatie verplicht.")) from None
        if attempt.accepted:
            messages.success(request, _("Tweestapsverificatie staat uit."))
            return redirect("two_factor:status")
        form.add_error("code", _refusal(attempt))
    return _status_page(request, disable_form=form)
