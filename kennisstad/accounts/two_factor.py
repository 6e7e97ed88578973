"""Two-factor login for back-office staff: a TOTP authenticator app, with one-time backup codes.

A user has at most one confirmed TOTP device (the app) and one static device holding its backup
codes, both from django-otp. Its throttling applies to every check here: after each wrong code the
device refuses codes for 1, 2, 4, 8 … seconds, so guessing six digits takes longer than a code lives.
A session counts as verified once ``django_otp.login`` has stored the device in it; a new password
login starts an unverified session, and ``TwoFactorMiddleware`` keeps such a user on the check page.
"""

import logging
from base64 import b32encode
from dataclasses import dataclass, field
from math import ceil
from urllib.parse import urlencode, urlsplit

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import requires_two_factor

logger = logging.getLogger(__name__)

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "app"
BACKUP_DEVICE_NAME = "reservecodes"


@dataclass(frozen=True)
class Attempt:
    """The outcome of checking a code: the device that accepted it, or how long to wait (seconds)."""

    device: Device | None = None
    wait_seconds: int = 0
    backup_codes: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.device is not None


class TwoFactorRequired(Exception):
    """The user's role must keep two-factor login on."""


# --- reading ---------------------------------------------------------------------------------


def two_factor_required(user) -> bool:
    """Whether ``user`` must use a second factor to enter the back office."""
    return bool(settings.TWO_FACTOR_REQUIRED) and requires_two_factor(user)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_for_typing(device: TOTPDevice) -> str:
    """The key as an app asks for it when typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice, *, title: str) -> SafeString:
    """The otpauth:// link as an inline SVG, black on white so that it scans in dark mode too.

    segno draws with presentation attributes only (no ``style``), which the strict CSP allows.
    """
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=title, svgclass="two-factor-qr", lineclass=None
    )
    # segno's own markup, nothing from the user but the escaped title. role="img" so that screen
    # readers announce the <title> as the picture's text alternative.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))


def format_backup_code(code: str) -> str:
    return f"{code[:4]} {code[4:]}"


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _wait_seconds(device: Device) -> int:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (data or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, ceil((locked_until - timezone.now()).total_seconds()))


def _check(device: Device | None, code: str) -> Attempt:
    """Check ``code`` against ``device`` (locked for update by the caller), within its throttling."""
    if device is None:
        return Attempt()
    wait = _wait_seconds(device)
    if wait:
        return Attempt(wait_seconds=wait)
    if device.verify_token(code):
        return Attempt(device=device)
    return Attempt()


# --- changing --------------------------------------------------------------------------------


def start_setup(*, user) -> TOTPDevice:
    """The unconfirmed device being set up; the same one until confirmed, so that reloading the
    page keeps the QR code the user has already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=APP_DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


def confirm_setup(*, user, code: str) -> Attempt:
    """Confirm the device being set up with a first code from the app; on success also make the
    backup codes (in ``Attempt.backup_codes``, the only time they are readable)."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        )
        attempt = _check(device, _normalise(code))
        if not attempt.accepted:
            return attempt
        # Other devices (an older unconfirmed one, a confirmed one replaced by a reset) go.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_backup_codes(user)
    logger.warning("Two-factor login turned on for %s", user.get_username())
    return Attempt(device=device, backup_codes=codes)


def verify_code(*, user, code: str) -> Attempt:
    """Check a code from the app (six digits) or a backup code (used up by this) for ``user``."""
    code = _normalise(code)
    if not code or len(code) > 16:
        return Attempt()
    # Backup codes are eight base32 characters, so six digits can only come from the app.
    model = TOTPDevice if len(code) == 6 and code.isdigit() else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        return _check(device, code)


def new_backup_codes(*, user) -> list[str]:
    """Replace the user's backup codes with ten new ones; returns them (readable only now)."""
    with transaction.atomic():
        return _replace_backup_codes(user)


def _replace_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < BACKUP_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in sorted(codes))
    return sorted(codes)


def _delete_devices(user) -> int:
    deleted = TOTPDevice.objects.filter(user=user).delete()[0]
    return deleted + StaticDevice.objects.filter(user=user).delete()[0]


def disable_two_factor(*, user, code: str) -> Attempt:
    """Turn two-factor login off for ``user`` after a current code; refused when its role needs it."""
    if two_factor_required(user):
        raise TwoFactorRequired
    attempt = verify_code(user=user, code=code)
    if attempt.accepted:
        _delete_devices(user)
        logger.warning("Two-factor login turned off by %s", user.get_username())
    return attempt


def reset_two_factor(*, user) -> int:
    """Remove the app and backup codes of ``user`` (a lost phone); returns how many devices went.

    Sessions verified with the old device stop counting as verified; a user whose role requires
    two-factor login sets up a new app at the next back-office page.
    """
    with transaction.atomic():
        deleted = _delete_devices(user)
    logger.warning("Two-factor login reset for %s (%d devices removed)", user.get_username(), deleted)
    return deleted


# --- the back office's gate -------------------------------------------------------------------


def safe_next(request, url: str | None, default: str) -> str:
    """``url`` when it stays on this site, else ``default``."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


class TwoFactorMiddleware:
    """Keeps staff who have not passed their second factor out of the back office.

    Under /backoffice/ (except the two-factor pages themselves, login, logout, password reset and
    jsi18n): a user with an app but an unverified session goes to the check page; a user whose role
    requires two-factor login and who has no app yet goes to the setup page. Visitors and
    non-staff users are left alone. HTMX requests get ``HX-Redirect`` so the whole page moves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._gate(request) or self.get_response(request)

    def _gate(self, request):
        path = request.path_info
        if not path.startswith(reverse("admin:index")) or path.startswith(_open_paths()):
            return None
        user = request.user
        if not user.is_authenticated or not (user.is_staff or user.is_superuser):
            return None
        if user.is_verified():
            return None
        if has_two_factor(user):
            return _redirect(request, "two_factor:verify")
        if two_factor_required(user):
            return _redirect(request, "two_factor:setup")
        return None


def _open_paths() -> tuple[str, ...]:
    return (
        reverse("two_factor:setup"),
        reverse("two_factor:verify"),
        reverse("admin:login"),
        reverse("admin:logout"),
        reverse("admin:jsi18n"),
        reverse("accounts:password_reset"),
    )


def _return_path(request) -> str:
    if request.headers.get("HX-Request") == "true":
        # The fragment's URL is no page to come back to; the page it was loaded into is.
        current = request.headers.get("HX-Current-URL", "")
        if safe_next(request, current, ""):
            parts = urlsplit(current)
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


def _redirect(request, url_name: str) -> HttpResponse:
    url = f"{reverse(url_name)}?{urlencode({'next': _return_path(request)})}"
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)
