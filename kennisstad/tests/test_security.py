"""Security hardening: headers, CSRF everywhere, login lockout, rate limits, uploads, error pages."""

import io
import json
import os
import re
import secrets
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponse, HttpResponseForbidden
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve, reverse

from kennisstad import settings as production
from kennisstad.ingest.forms import AgendaUploadForm
from kennisstad.lib import uploads
from kennisstad.portfolio.models import Project

pytestmark = pytest.mark.django_db

PACKAGE_DIR = Path(__file__).resolve().parents[1]
TEMPLATES_DIR = PACKAGE_DIR / "templates"
FIXTURES_DIR = PACKAGE_DIR / "ingest" / "tests" / "fixtures"
PASSWORD = "geheim-wachtwoord-1"


@pytest.fixture(scope="module")
def security_demo(django_db_setup, django_db_blocker):
    """The Leiden demo, loaded once for the tests that render real pages, rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def broker_client(client, kennismakelaar):
    client.force_login(kennismakelaar)
    return client


def _csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


# --- Headers -----------------------------------------------------------------------------------


def _assert_strict_policy(response):
    policy = _csp(response)
    assert policy["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert "'self'" in policy[directive]
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(policy[directive]), policy
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]


def _assert_security_headers(response):
    _assert_strict_policy(response)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.usefixtures("security_demo")
@pytest.mark.parametrize(
    "url",
    ["/", "/organisaties/", "/zoeken/?q=wonen", "/netwerk/", "/cijfers/", "/vraag/", "/bestaat-niet/"],
)
def test_it_sends_the_security_headers_on_public_pages(client, url):
    response = client.get(url)

    assert response.status_code in (200, 404)
    _assert_security_headers(response)


@pytest.mark.usefixtures("security_demo")
@pytest.mark.parametrize(
    "url_name", ["admin:index", "admin:portfolio_project_changelist", "loket:inbox", "insights:reports"]
)
def test_it_sends_the_security_headers_in_the_back_office(broker_client, url_name):
    response = broker_client.get(reverse(url_name))

    assert response.status_code == 200
    _assert_security_headers(response)


def test_the_login_page_sends_the_security_headers(client):
    response = client.get(reverse("admin:login"))

    _assert_security_headers(response)


def test_a_page_without_inline_elements_gets_no_nonce(client):
    # A nonce makes every response unique; only pages that render one (Django's admin) carry it.
    response = client.get("/")

    assert "nonce-" not in response["Content-Security-Policy"]


def _production_settings(tmp_path, **env) -> dict:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kennisstad.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "kennisstad.example.org",
        "KENNISSTAD_DATA_DIR": str(tmp_path),
        **env,
    }
    environment.pop("DATABASE_URL", None)
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "LANGUAGE_COOKIE_SECURE",
    ]
    script = f"import json; from kennisstad import settings as s; print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    result = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_production_serves_only_https_with_hsts_and_secure_cookies(tmp_path, client, kennismakelaar):
    values = _production_settings(tmp_path)
    assert values["SECURE_HSTS_SECONDS"] >= 31536000

    with override_settings(**values):
        plain = client.get(reverse("admin:login"))
        assert plain.status_code == 301
        assert plain["Location"].startswith("https://")

        page = client.get(reverse("admin:login"), secure=True)
        assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert page.cookies["csrftoken"]["secure"]

        login = client.post(
            reverse("admin:login"), {"username": "kennismakelaar", "password": PASSWORD}, secure=True
        )
        assert login.status_code == 302
        session = login.cookies["sessionid"]
        assert session["secure"] and session["httponly"]


def test_without_https_the_cookies_are_not_marked_secure(tmp_path):
    # Plain HTTP on a trusted network (KENNISSTAD_HTTPS=0): a secure cookie would never come back.
    values = _production_settings(tmp_path, KENNISSTAD_HTTPS="0")

    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_HTTPONLY"] is True


# --- No inline script or style anywhere ---------------------------------------------------------

# The progress report is HTML only on its way to WeasyPrint (server-side PDF): no browser, no CSP.
# The newsletter's HTML part is read in mail programs and never served by the site (its preview page
# renders the shared content include with the site's own classes), so it may carry a <style> block.
PDF_ONLY_TEMPLATES = {"insights/voortgang.html", "newsletter/email/issue.html"}
# A <script type="application/ld+json"> block (schema.org data on project pages, kennisstad.api) is
# data the browser never runs, so the CSP does not apply to it: the only inline <script> allowed.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/ld\+json\")[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:",
    re.IGNORECASE,
)


def test_no_template_has_inline_script_style_or_event_handlers():
    offenders = []
    for template in sorted(TEMPLATES_DIR.rglob("*.html")):
        name = template.relative_to(TEMPLATES_DIR).as_posix()
        if name in PDF_ONLY_TEMPLATES:
            continue
        offenders += [f"{name}: {match.group(0)}" for match in INLINE.finditer(template.read_text())]

    assert offenders == []


def test_the_pattern_finds_what_it_should():
    samples = [
        "<script>alert(1)</script>",
        '<p style="color:red">',
        "<style>p{}</style>",
        '<a onclick="x()">',
        '<a href="javascript:x()">',
    ]

    assert all(INLINE.search(sample) for sample in samples)
    assert not INLINE.search('<script src="/static/x.js" defer></script><p class="x">')
    assert not INLINE.search('<script type="application/ld+json">{}</script>')
    assert INLINE.search('<script type="application/json">{}</script>')


@pytest.mark.usefixtures("security_demo")
@pytest.mark.parametrize(
    "url", ["/cijfers/", "/netwerk/", "/netwerk/netwerk.svg", "/", "/organisaties/", "/zoeken/?q=zorg"]
)
def test_rendered_pages_and_charts_have_no_inline_style(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert INLINE.findall(response.content.decode()) == []


# --- CSRF everywhere ------------------------------------------------------------------------------


def csrf_refused(request, reason=""):
    return HttpResponseForbidden(b"csrf-refused")


# Views that may accept a POST without a CSRF token, with the reason. Keep this empty if you can.
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail programs post without cookies or token. The signed
    # token in the path is the secret; a post can only unsubscribe its owner.
    "nieuwsbrief/afmelden/<str:token>/": "List-Unsubscribe-Post",
}


# The open-data API reads no session or cookie: its one write needs a bearer token, which a browser
# never sends by itself, so a forged cross-site post carries no credentials (kennisstad.api).
CSRF_EXEMPT_PREFIXES = ("api/v1/",)


def _url_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_patterns(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _sample_path(route: str, pattern: URLPattern) -> str:
    """A path that resolves to this pattern: every parameter filled with a value that fits."""
    for value in ("1", "portfolio", "x"):
        candidate = re.sub(r"\(\?P<\w+>[^)]*\)", value, route).replace("^", "").replace("$", "")
        candidate = re.sub(r"<(?:\w+:)?\w+>", value, candidate)
        candidate = "/" + candidate
        try:
            if resolve(candidate).route.replace("^", "") == route.replace("^", ""):
                return candidate
        except Exception:  # noqa: BLE001 - a value that does not fit; try the next
            continue
    raise AssertionError(f"no sample path resolves to {route}")


ALL_PATTERNS = list(_url_patterns())


def test_the_url_walk_covers_the_site():
    routes = {route for route, _pattern in ALL_PATTERNS}

    assert {"", "vraag/", "i18n/setlang/", "backoffice/login/", "backoffice/kennisloket/"} <= routes
    assert len(ALL_PATTERNS) > 100


@override_settings(CSRF_FAILURE_VIEW="kennisstad.tests.test_security.csrf_refused")
@pytest.mark.parametrize("route,pattern", ALL_PATTERNS, ids=[route for route, _p in ALL_PATTERNS])
def test_a_post_without_csrf_token_is_refused_at_every_url(kennismakelaar, route, pattern):
    client = Client(enforce_csrf_checks=True)
    client.force_login(kennismakelaar)
    url = _sample_path(route, pattern)

    response = client.post(url, {"anything": "x"})

    if route in CSRF_EXEMPT or route.startswith(CSRF_EXEMPT_PREFIXES):
        return
    assert response.status_code == 403, url
    assert response.content == b"csrf-refused", url


# The public and back-office forms: posting with the token gets past the check (so the refusal
# above is the CSRF check and not something else), posting without is refused.
FORMS = [
    ("set_language", {"language": "en", "next": "/"}),
    ("loket:ask", {}),
    ("admin:login", {"username": "kennismakelaar", "password": "fout"}),
    ("admin:ingest_import_agenda", {}),
    ("loket:inbox", {}),
]


@override_settings(CSRF_FAILURE_VIEW="kennisstad.tests.test_security.csrf_refused")
@pytest.mark.parametrize("url_name,data", FORMS)
def test_forms_accept_a_post_with_the_token_and_refuse_one_without(kennismakelaar, url_name, data):
    client = Client(enforce_csrf_checks=True)
    if url_name != "admin:login":
        client.force_login(kennismakelaar)
    client.get(reverse("home"))  # the language switch sets the CSRF cookie
    token = client.cookies["csrftoken"].value

    without = client.post(reverse(url_name), data)
    with_token = client.post(reverse(url_name), {**data, "csrfmiddlewaretoken": token})

    assert without.content == b"csrf-refused"
    assert with_token.content != b"csrf-refused"


@pytest.mark.usefixtures("security_demo")
@pytest.mark.parametrize("url", ["/", "/vraag/", "/privacy/", "/opgaven/"])
def test_every_post_form_on_public_pages_carries_a_csrf_token(client, url):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    forms = soup.find_all("form", method=re.compile("post", re.IGNORECASE))

    assert forms, url  # at least the language switch
    for form in forms:
        assert form.find("input", attrs={"name": "csrfmiddlewaretoken"}), form.get("action")


# --- Passwords and login lockout ------------------------------------------------------------------


def test_new_passwords_are_hashed_with_argon2():
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        assert make_password("een-lang-wachtwoord").startswith("argon2$")


def test_an_old_pbkdf2_password_still_works_and_is_upgraded_to_argon2(client, kennismakelaar):
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        kennismakelaar.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        kennismakelaar.save(update_fields=["password"])

        response = client.post(reverse("admin:login"), {"username": "kennismakelaar", "password": PASSWORD})

    assert response.status_code == 302
    kennismakelaar.refresh_from_db()
    assert kennismakelaar.password.startswith("argon2$")


def _login(client, password, address="192.0.2.10", username="kennismakelaar"):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_five_failed_logins_lock_the_username_out_even_with_the_right_password(client, kennismakelaar):
    for _ in range(4):
        assert "Te veel mislukte" not in _login(client, "fout").text
    fifth = _login(client, "fout")
    right = _login(client, PASSWORD)

    assert "Te veel mislukte inlogpogingen" in fifth.text
    assert right.status_code == 200
    assert "Te veel mislukte inlogpogingen" in right.text
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_address_and_per_username(client, kennismakelaar, django_user_model):
    django_user_model.objects.create_user("redacteur", password=PASSWORD, is_staff=True)
    for _ in range(5):
        _login(client, "fout")

    assert _login(Client(), PASSWORD, address="198.51.100.7").status_code == 302
    assert _login(Client(), PASSWORD, username="redacteur").status_code == 302


def test_the_lockout_ends_after_fifteen_minutes(client, kennismakelaar, monkeypatch):
    for _ in range(5):
        _login(client, "fout")
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: later)

    assert _login(client, PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, kennismakelaar):
    for _ in range(4):
        _login(client, "fout")
    assert _login(Client(), PASSWORD).status_code == 302
    for _ in range(4):
        _login(client, "fout")

    assert _login(client, PASSWORD).status_code == 302


def test_one_address_cannot_try_passwords_on_many_accounts(client):
    limit = production.LOGIN_POSTS_PER_ADDRESS
    for number in range(limit):
        assert _login(client, "fout", username=f"gebruiker{number}").status_code == 200

    refused = _login(client, "fout", username="nog-een")

    assert refused.status_code == 429
    assert "Even rustig aan" in refused.text


# --- Rate limit on search ------------------------------------------------------------------------


def test_search_is_rate_limited_per_address_with_a_friendly_page(client):
    limit = production.SEARCH_REQUESTS_PER_MINUTE
    assert limit >= 60  # generous: a person browsing facets never meets it
    for _ in range(limit):
        assert client.get("/zoeken/", REMOTE_ADDR="203.0.113.5").status_code == 200

    refused = client.get("/zoeken/", REMOTE_ADDR="203.0.113.5")
    other = client.get("/zoeken/", REMOTE_ADDR="203.0.113.6")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Even rustig aan" in refused.text
    assert refused.headers["Content-Security-Policy"]
    assert other.status_code == 200


# --- Uploads ---------------------------------------------------------------------------------------


def _form(name: str, content: bytes) -> AgendaUploadForm:
    return AgendaUploadForm(
        data={"period": "2023-2027"}, files={"document": SimpleUploadedFile(name, content)}
    )


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _docx() -> bytes:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name,content",
    [
        ("agenda.pdf", (FIXTURES_DIR / "agenda-sample.pdf").read_bytes()),
        ("agenda.docx", _docx()),
        ("agenda.txt", "1\tProject\tOmschrijving met één accent\tT: UL".encode()),
        ("agenda.txt", "oude tekst uit Word, café".encode("cp1252")),
        ("agenda.html", b"<table><tr><td>1</td></tr></table>"),
    ],
)
def test_documents_that_are_what_they_say_pass_the_checks(name, content):
    form = _form(name, content)

    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("agenda.pdf", b"MZ\x90\x00 not a pdf", "geen PDF-document"),
        ("agenda.docx", b"%PDF-1.7 renamed", "geen Word-document"),
        ("agenda.docx", _zip({"xl/workbook.xml": b"<workbook/>"}), "geen Word-document"),
        ("agenda.txt", b"\x00\x01\x02binary\x00", "geen leesbare tekst"),
        ("agenda.html", b"\x89PNG\r\n\x1a\n\x00\x00", "geen leesbare tekst"),
        ("agenda.exe", b"MZ", "wordt niet ondersteund"),
    ],
)
def test_documents_that_are_not_what_they_say_are_refused(name, content, message):
    form = _form(name, content)

    assert not form.is_valid()
    assert message in form.errors["document"][0]


def test_a_docx_that_unpacks_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "DOCX_MAX_UNPACKED_BYTES", 10_000)
    content = _zip({"word/document.xml": b"<w:document/>" + b" " * 20_000})

    form = _form("agenda.docx", content)

    assert not form.is_valid()
    assert "te groot" in form.errors["document"][0]


@override_settings(AGENDA_UPLOAD_MAX_BYTES=1024 * 1024)
def test_a_document_over_the_size_limit_is_refused():
    form = _form("agenda.txt", b"a" * (1024 * 1024 + 1))

    assert not form.is_valid()
    assert "te groot (maximaal 1 MB)" in form.errors["document"][0]


def test_upload_limits_have_safe_defaults():
    assert production.AGENDA_UPLOAD_MAX_BYTES == 10 * 1024 * 1024
    assert production.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert production.FILE_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024


def test_a_disguised_upload_in_the_back_office_imports_nothing(broker_client, organisations):
    before = Project.objects.count()  # the module's demo may be loaded already

    response = broker_client.post(
        reverse("admin:ingest_import_agenda"),
        {"document": SimpleUploadedFile("agenda.docx", b"PK\x03\x04 broken"), "period": "2023-2027"},
    )

    assert response.status_code == 200
    assert "geen Word-document — er is niets veranderd" in response.text
    assert Project.objects.count() == before


# --- Error pages ---------------------------------------------------------------------------------


def boom(request):
    raise ZeroDivisionError("secret detail in the traceback")


def forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


urlpatterns = [
    path("boom/", boom),
    path("verboden/", forbidden),
    path("ok/", lambda request: HttpResponse("ok")),
    *get_resolver("kennisstad.urls").url_patterns,
]


@override_settings(ROOT_URLCONF="kennisstad.tests.test_security")
@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_error_shows_the_custom_500_page_without_a_traceback(client, language, django_assert_num_queries):
    client.raise_request_exception = False
    client.cookies["django_language"] = language

    with django_assert_num_queries(0):
        response = client.get("/boom/")

    assert response.status_code == 500
    assert "Er ging iets mis" in response.text
    assert "Something went wrong" in response.text
    assert 'lang="en"' in response.text
    assert "secret detail" not in response.text and "Traceback" not in response.text
    _assert_strict_policy(response)


@pytest.mark.parametrize("language,title", [("nl", "Pagina niet gevonden"), ("en", "Page not found")])
def test_the_404_page_speaks_the_chosen_language(client, language, title):
    client.cookies["django_language"] = language

    response = client.get("/bestaat-niet/")

    assert response.status_code == 404
    assert f"<h1>{title}</h1>" in response.text
    assert f'<html lang="{language}">' in response.text


@override_settings(ROOT_URLCONF="kennisstad.tests.test_security")
def test_the_403_page_is_the_sites_own(client):
    response = client.get("/verboden/")

    assert response.status_code == 403
    assert "<h1>Geen toegang</h1>" in response.text
    assert 'class="site-header"' in response.text


def test_the_400_page_needs_nothing_from_the_bad_request(client):
    response = client.get("/", HTTP_HOST="evil.example.net")

    assert response.status_code == 400
    assert "Ongeldig verzoek" in response.text and "Bad request" in response.text
    assert "evil.example.net" not in response.text


def test_behind_the_proxy_the_address_is_the_hop_the_proxy_added(rf, settings):
    """A visitor can send any X-Forwarded-For; only the hop the proxy appends is trustworthy."""
    from kennisstad.lib.ratelimit import client_address

    settings.BEHIND_PROXY = True
    spoofed = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", REMOTE_ADDR="127.0.0.1")
    assert client_address(spoofed) == "203.0.113.7"
    settings.BEHIND_PROXY = False
    assert client_address(spoofed) == "127.0.0.1"
