"""Random and hostile input thrown at every public form, the public filters and the agenda import.

Whatever comes in, the site answers with a planned status (never a 500 or an exception), echoes
the input escaped, stores only plain text, and an import either succeeds or fails with its own
error (``AgendaFormatError``/``CommandError``) having changed nothing.

Hypothesis examples of one test share the test's transaction (and the module's demo data), which
is enough to show nothing crashes; the rate-limit counters are cleared per example, and import
tests compare the database before and after within each example.
"""

from __future__ import annotations

import csv
import io
import re
import traceback
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.signals import got_request_exception
from django.db import transaction
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kennisstad.ingest.common import AgendaFormatError, ParsedAgenda
from kennisstad.ingest.formats import pdf_text, table_text
from kennisstad.ingest.formats.html_table import parse_html
from kennisstad.ingest.formats.website_page import parse_page
from kennisstad.ingest.models import ImportRun
from kennisstad.ingest.readers import decode_text, parse_agenda_text
from kennisstad.ingest.services import import_agenda
from kennisstad.insights.figures import CHART_SLUGS
from kennisstad.loket import services as loket_services
from kennisstad.loket.models import Interest, Question
from kennisstad.loket.tests import factories_assignments
from kennisstad.newsletter.models import Subscriber
from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Agenda, Participation, Project, Section, UnresolvedMention
from kennisstad.search.models import SearchDocument

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fuzz_demo")]

SEEDS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
PERIOD = "2023-2027"

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FUZZ_FEW = settings(FUZZ, max_examples=12)
# The network pages draw the whole network and the question form runs the matcher: fewer examples.
FUZZ_SLOW_PAGE = settings(FUZZ, max_examples=10)

# --- hostile input --------------------------------------------------------------------------------

# Markup that must never come back unescaped: none of these occurs in the site's own pages.
MARKUP = (
    "<script>alert('fuzz')</script>",
    "<img src=x onerror=fuzz()>",
    '"><svg/onload=fuzz()>',
    "<fuzz-tag>",
    "</textarea><fuzz-tag>",
)
RAW_MARKERS = ("<script>alert('fuzz')", "<img src=x onerror=fuzz()", "<svg/onload=fuzz()", "<fuzz-tag")
SAMPLES = (
    *MARKUP,
    "' OR 1=1 --",
    '"; DROP TABLE loket_question; --',
    "1; SELECT pg_sleep(5)",
    "{{7*7}}",
    "{% debug %}",
    "${7*7}",
    "%(x)s",
    "%s%s%s%n",
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "javascript:fuzz()",
    '=HYPERLINK("http://example.org","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\x7f\x08",
    "\u202eevil\u202c",
    "\u200f\u200e",
    "\ufeff",
    "\u0000\u2028\u2029",
    "e\u0301\u0301\u0301\u0301",
    "Z\u0351\u0352\u0353\u0354\u0355",
    "😀👩‍👩‍👧‍👦🏳️‍🌈",
    "ﷺ",
    "NaN",
    "-1",
    "99999999999999999999999",
    "\r\n\r\n",
    '"',
    "'",
    "\\",
    "*",
    'NEAR("a" "b")',
    "title_terms : x",
    "a OR b AND NOT c",
    "&amp;&lt;",
)

# Every Unicode category except surrogates (which cannot travel in UTF-8), so NUL, controls,
# format characters (RTL marks), combining marks, private use and unassigned code points too.
any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)
hostile_text = st.one_of(
    any_text,
    st.sampled_from(SAMPLES),
    st.lists(st.one_of(st.sampled_from(SAMPLES), any_text), min_size=1, max_size=5).map("".join),
    st.tuples(st.sampled_from(SAMPLES), st.integers(1, 12_000)).map(
        lambda t: (t[0] or "x") * (t[1] // 8 + 1)
    ),
    st.integers(0, 12_000).map(lambda n: "x" * n),
)


def has_markup(text: str) -> bool:
    return bool(re.search(r"<\s*/?\s*[a-z!?]|javascript\s*:", text, re.IGNORECASE))


def has_control_characters(text: str) -> bool:
    return any(c not in "\n\t" and unicodedata.category(c) == "Cc" for c in text)


# --- fixtures and checks --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_demo(django_db_setup, django_db_blocker):
    """The Leiden demo with one open assignment, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        factories_assignments.assignment("Ontmoeten in de Merenwijk")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def exceptions():
    """Tracebacks of exceptions raised while handling a request (the test client turns them into 500)."""
    seen: list[str] = []

    def receiver(sender, request=None, **kwargs):
        seen.append(traceback.format_exc())

    got_request_exception.connect(receiver)
    yield seen
    got_request_exception.disconnect(receiver)


@pytest.fixture
def fuzz_client(client):
    client.raise_request_exception = False
    return client


def check(response, exceptions: list[str], allowed=(200, 302, 400, 403, 404, 405, 429)) -> str:
    assert not exceptions, "the request raised:\n" + "\n".join(exceptions)
    assert response.status_code in allowed, response.status_code
    body = response.content.decode("utf-8", errors="replace")
    content_type = response.get("Content-Type", "")
    if content_type.startswith(("application/json", "text/plain")):
        # Echoed as data (a form error as JSON or text): browsers do not run it, as long as they do not sniff.
        assert response.get("X-Content-Type-Options") == "nosniff"
        return body
    for marker in RAW_MARKERS:
        assert marker not in body, f"unescaped {marker!r} in the {content_type} response"
    return body


# Addresses that once passed a NUL from the path or a filter straight into a query (PostgreSQL
# refuses NUL in text parameters: a 500). RejectNulBytesMiddleware now answers them with 400.
NUL_ADDRESSES = [
    "/thema/2023-2027/gezondheid-welzijn/?status=%00",
    "/thema/2023-2027/gezondheid-welzijn/?organisatie=%00",
    "/thema/%00/x/",
    "/project/%00/x/",
    "/project/2023-2027/%00/",
    "/privacy/%00/",
    "/cijfers/?agenda=%00",
    "/cijfers/themas-en-status.csv?agenda=%00",
]


def fuzz_get(client, url: str, params: dict | None = None, **extra):
    params = {key: value for key, value in (params or {}).items() if value is not None}
    return client.get(url, params, **extra)


def fresh_example(exceptions: list[str]) -> None:
    """Per Hypothesis example: no rate-limit counts, no exceptions from the example before."""
    cache.clear()
    exceptions.clear()


def database_state() -> tuple:
    return (
        Agenda.objects.count(),
        Section.objects.count(),
        list(Project.objects.order_by("pk").values_list("pk", "key", "title", "description", "status")),
        Participation.objects.count(),
        UnresolvedMention.objects.count(),
        Organisation.objects.count(),
        ImportRun.objects.count(),
        SearchDocument.objects.count(),
    )


# --- the kennisloket question form and its live suggestions -----------------------------------------

VALID_QUESTION = {
    "question": "Wordt er iets gedaan aan betaalbare kamers voor studenten in Leiden?",
    "background": "Ik begin in september aan mijn studie.",
    "district": "",
    "asker_kind": "student",
    "name": "Sanne Bakker",
    "email": "sanne.bakker@example.org",
    "consent": "on",
    "website": "",
}


def form_data(valid: dict, overrides: dict) -> dict:
    return {**valid, **{name: value for name, value in overrides.items() if value is not None}}


def hostile_fields(names):
    return st.fixed_dictionaries({name: st.none() | hostile_text for name in names})


@FUZZ_FEW
@given(overrides=hostile_fields([*VALID_QUESTION, "extra"]), htmx=st.booleans())
def test_it_survives_hostile_questions_and_stores_only_plain_text(fuzz_client, exceptions, overrides, htmx):
    fresh_example(exceptions)
    before = set(Question.objects.values_list("pk", flat=True))
    headers = {"HX-Request": "true"} if htmx else {}
    response = fuzz_client.post(reverse("loket:ask"), form_data(VALID_QUESTION, overrides), headers=headers)
    check(response, exceptions)
    for question in Question.objects.exclude(pk__in=before):
        assert response.status_code == 302
        for text in (question.question, question.background, question.asker_name):
            assert not has_markup(text), text
            assert not has_control_characters(text), text
            assert "\x00" not in text
        assert len(question.question) <= loket_services.LIMITS["question"]


@FUZZ
@given(text=hostile_text, method=st.sampled_from(["get", "post"]))
def test_it_survives_hostile_text_for_live_suggestions(fuzz_client, exceptions, text, method):
    fresh_example(exceptions)
    count = Question.objects.count()
    response = getattr(fuzz_client, method)(reverse("loket:ask_suggestions"), {"question": text})
    check(response, exceptions)
    assert Question.objects.count() == count


# --- registering interest in an assignment ------------------------------------------------------------

VALID_INTEREST = {**factories_assignments.INTEREST, "website": ""}


@FUZZ
@given(overrides=hostile_fields([*VALID_INTEREST, "extra"]))
def test_it_survives_hostile_interest_registrations(fuzz_client, exceptions, overrides):
    fresh_example(exceptions)
    assignment = factories_assignments.assignment("Groen in de Stevenshof")
    before = set(Interest.objects.values_list("pk", flat=True))
    response = fuzz_client.post(
        reverse("loket:assignment", args=[assignment.pk]), form_data(VALID_INTEREST, overrides)
    )
    check(response, exceptions)
    for interest in Interest.objects.exclude(pk__in=before):
        assert response.status_code == 302
        for text in (interest.name, interest.institution, interest.message):
            assert not has_markup(text), text
            assert not has_control_characters(text), text


VALID_SUBSCRIPTION = {"email": "lezer@example.org", "language": "nl", "consent": "on"}


@FUZZ_FEW
@given(overrides=hostile_fields([*VALID_SUBSCRIPTION, "extra"]))
def test_it_survives_hostile_newsletter_subscriptions(fuzz_client, exceptions, overrides):
    fresh_example(exceptions)
    before = set(Subscriber.objects.values_list("pk", flat=True))
    response = fuzz_client.post(reverse("newsletter:subscribe"), form_data(VALID_SUBSCRIPTION, overrides))
    check(response, exceptions)
    for subscriber in Subscriber.objects.exclude(pk__in=before):
        assert response.status_code == 302
        assert subscriber.status == Subscriber.Status.PENDING  # only the e-mailed link confirms
        assert not has_markup(subscriber.email) and not has_control_characters(subscriber.email)
        assert subscriber.privacy_statement_id is not None


@FUZZ
@given(token=hostile_text, method=st.sampled_from(["get", "post"]), one_click=st.booleans())
def test_it_survives_hostile_newsletter_links(fuzz_client, exceptions, token, method, one_click):
    fresh_example(exceptions)
    quoted = quote(token[:2000], safe="") or "x"
    for name in ("newsletter:confirm", "newsletter:unsubscribe", "newsletter:my_data"):
        url = reverse(name, args=["x"]).replace("/x/", f"/{quoted}/")
        data = {"List-Unsubscribe": "One-Click"} if one_click else {}
        check(getattr(fuzz_client, method)(url, data), exceptions)


# --- public pages with GET filters -------------------------------------------------------------------

GET_PAGES = {
    "loket:answers": ("q", "thema", "pagina"),
    "loket:assignments": ("status", "thema", "niveau", "omvang", "wijk", "pagina"),
    "search:search": ("q", "thema", "organisatie", "rol", "status", "soort", "pagina"),
    "insights:network": ("agenda", "thema", "afdelingen"),
    "insights:network_json": ("agenda", "thema", "afdelingen"),
    "insights:network_svg": ("agenda", "thema", "afdelingen"),
    "insights:figures": ("agenda",),
    "organisations:list": ("q", "soort", "pagina"),
    "news:list": ("thema", "pagina"),
    "news:events": ("pagina",),
    "news:feed_atom": ("thema",),
    "home": ("q",),
}


@pytest.mark.parametrize("name", GET_PAGES)
def test_it_survives_hostile_filters(fuzz_client, exceptions, name):
    url = reverse(name)

    @FUZZ_SLOW_PAGE if name.startswith("insights:network") else FUZZ
    @given(params=hostile_fields(GET_PAGES[name]), htmx=st.booleans())
    def run(params, htmx):
        fresh_example(exceptions)
        headers = {"HX-Request": "true"} if htmx else {}
        check(fuzz_get(fuzz_client, url, params, headers=headers), exceptions)

    run()


def test_it_survives_hostile_theme_page_filters(fuzz_client, exceptions):
    section = Section.objects.filter(agenda__period=PERIOD).order_by("position").first()
    url = reverse("portfolio:theme", args=[PERIOD, section.slug])

    @FUZZ
    @given(params=hostile_fields(["organisatie", "status", "q"]))
    def run(params):
        fresh_example(exceptions)
        check(fuzz_get(fuzz_client, url, params), exceptions)

    run()


PATHS = (
    "/kennisbank/{}/",
    "/opgaven/{}/",
    "/privacy/{}/",
    "/mijn-gegevens/{}/",
    "/thema/{}/{}/",
    "/project/{}/{}/",
    "/organisaties/{}/",
    "/cijfers/{}.csv",
    "/nieuws/{}/",
    "/evenementen/{}/",
    "/evenementen/{}.ics",
    "/backoffice/kennisloket/vraag/{}/",
)


@FUZZ
@given(template=st.sampled_from(PATHS), parts=st.lists(hostile_text, min_size=2, max_size=2))
def test_it_survives_hostile_addresses(fuzz_client, exceptions, template, parts):
    fresh_example(exceptions)
    path = template.format(*(quote(part[:500], safe="") or "x" for part in parts))
    check(fuzz_get(fuzz_client, path), exceptions)


@pytest.mark.parametrize(
    "path",
    [
        *NUL_ADDRESSES,
        "/mijn-gegevens/%00/",
        "/kennisbank/?q=%00&thema=%00",
        "/opgaven/?thema=%00&wijk=%00&status=%00",
        "/netwerk/?agenda=%00&thema=%00",
        "/zoeken/?q=%00&thema=%00&organisatie=%00&rol=%00&status=%00&soort=%00",
        "/kennisbank/%00/",
        "/organisaties/%00/",
    ],
)
def test_it_answers_nul_bytes_without_crashing(fuzz_client, exceptions, path):
    check(fuzz_client.get(path), exceptions)


# --- figures as CSV ------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@FUZZ
@given(slug=st.sampled_from(sorted(CHART_SLUGS)), agenda=st.none() | st.just(PERIOD) | hostile_text)
def test_it_survives_hostile_csv_requests(fuzz_client, exceptions, slug, agenda):
    fresh_example(exceptions)
    response = fuzz_get(fuzz_client, reverse("insights:figures_csv", args=[slug]), {"agenda": agenda})
    check(response, exceptions)


def csv_cells(response) -> list[str]:
    text = response.content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_it_neutralises_formulas_in_csv_cells(fuzz_client, start):
    # Theme and organisation names come from imported documents; in a CSV they must stay text.
    section = Section.objects.filter(agenda__period=PERIOD).order_by("position").first()
    Section.objects.filter(pk=section.pk).update(title=f'{start}HYPERLINK("http://example.org","klik")')
    organisation = Organisation.objects.filter(participations__project__agenda__period=PERIOD).first()
    Organisation.objects.filter(pk=organisation.pk).update(name=f"{start}cmd|' /C calc'!A0")
    for slug in ("themas-en-status", "organisaties"):
        response = fuzz_client.get(reverse("insights:figures_csv", args=[slug]))
        assert response.status_code == 200
        cells = csv_cells(response)
        assert any("HYPERLINK" in cell or "calc" in cell for cell in cells), cells
        dangerous = [cell for cell in cells if cell and cell[0] in FORMULA_START and not _number(cell)]
        assert dangerous == []


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# --- my data, the language switch, the admin login -----------------------------------------------------


@FUZZ
@given(token=hostile_text, method=st.sampled_from(["get", "post"]), action=st.none() | hostile_text)
def test_it_survives_hostile_data_links(fuzz_client, exceptions, token, method, action):
    fresh_example(exceptions)
    count = Question.objects.count()
    url = reverse("loket:my_data", args=["x"]).replace("/x/", f"/{quote(token[:2000], safe='') or 'x'}/")
    data = {} if action is None else {"action": action, "confirm": "on"}
    response = getattr(fuzz_client, method)(url, data)
    check(response, exceptions)
    assert Question.objects.count() == count


@FUZZ_FEW
@given(
    action=st.none() | st.sampled_from(["download", "erase"]) | hostile_text,
    fields=hostile_fields(["confirm", "website"]),
)
def test_it_survives_hostile_posts_with_a_real_data_link(fuzz_client, exceptions, action, fields):
    fresh_example(exceptions)
    submitted = loket_services.question_submit(
        question="Hoe krijgen we meer groen in de Merenwijk?",
        background="",
        district=None,
        asker_kind="bewoner",
        asker_name="Anna de Vries",
        asker_email="anna@example.org",
        language="nl",
        privacy_statement=loket_services.current_privacy_statement(),
        consent=True,
    )
    url = reverse("loket:my_data", args=[loket_services.data_token(submitted.question)])
    data = {k: v for k, v in {"action": action, **fields}.items() if v is not None}
    check(fuzz_client.post(url, data), exceptions)


@FUZZ
@given(fields=hostile_fields(["language", "next"]), referer=st.none() | hostile_text)
def test_it_survives_hostile_language_switches(fuzz_client, exceptions, fields, referer):
    fresh_example(exceptions)
    headers = {} if referer is None else {"Referer": referer.encode("utf-8", "replace").decode("latin-1")}
    data = {k: v for k, v in fields.items() if v is not None}
    response = fuzz_client.post(reverse("set_language"), data, headers=headers)
    check(response, exceptions)
    if response.status_code == 302:
        # Never away from the site, whatever "next" or the Referer says.
        location = response["Location"]
        # (Cut first: the check refuses very long addresses, and the host is at the start anyway.)
        assert url_has_allowed_host_and_scheme(location[:2000], allowed_hosts={"testserver"}), location


@FUZZ
@given(fields=hostile_fields(["username", "password", "next"]))
def test_it_survives_hostile_admin_logins(fuzz_client, exceptions, fields):
    fresh_example(exceptions)
    data = {k: v for k, v in fields.items() if v is not None}
    response = fuzz_client.post(reverse("admin:login"), data)
    check(response, exceptions)
    assert "_auth_user_id" not in fuzz_client.session


# --- the agenda import -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    names = ("agenda-2023-2027.table.txt", "agenda-2023-2027.pdf.txt", "website-projecten.txt")
    if not all((SEEDS_DIR / name).exists() for name in names):
        pytest.skip(f"seeds not found in {SEEDS_DIR}")
    return {name: (SEEDS_DIR / name).read_text(encoding="utf-8") for name in names}


INSERTS = st.one_of(
    st.sampled_from(SAMPLES),
    st.sampled_from(["\t", "\t\t\t", "\x00", "\x0b", "\x0c", "\x1f", "\u202e", "\n\n", "\r"]),
    st.integers(1000, 20_000).map(lambda n: "x" * n),  # a huge cell or a 10k-character line
    any_text,
)


@st.composite
def mutated(draw, text: str) -> str:
    """A seed cut, with lines shuffled or dropped, and hostile pieces put in at random places."""
    lines = text.splitlines(keepends=True)
    start = draw(st.integers(0, max(0, len(lines) - 1)))
    end = draw(st.integers(start, min(len(lines), start + 200)))
    # Keep the head of the document (with the period and the column header) in most examples.
    head = lines[:8] if draw(st.booleans()) else []
    lines = head + lines[start:end]
    if draw(st.booleans()):
        draw(st.randoms(use_true_random=False)).shuffle(lines)
    result = "".join(lines)
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(result)))
        result = result[:at] + draw(INSERTS) + result[at:]
    if draw(st.booleans()):
        result = result[: draw(st.integers(0, len(result)))]
    return result


NO_THEME = (
    "Agenda 2031-2035\n\nnr.\tProject\tBeschrijving doel\tT: Trekker P: overige (beoogde) Partners\n\n"
    "1a\tEen project\tOmschrijving\tT: UL\n1b\tNog een project\tOmschrijving\tT: gem\n"
)


def test_an_import_without_a_theme_heading_fails_cleanly():
    parsed = parse_agenda_text(NO_THEME, source_name="fuzz.txt")
    before = database_state()
    with pytest.raises(AgendaFormatError):
        import_agenda(parsed=parsed, source_name="fuzz.txt")
    assert database_state() == before


def parse_or_refuse(parse, text: str) -> ParsedAgenda | None:
    try:
        return parse(text)
    except AgendaFormatError as error:
        assert str(error)
        return None


@FUZZ
@given(data=st.binary(max_size=3000) | any_text.map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_it_reads_random_bytes_or_refuses_them(data):
    try:
        text = decode_text(data, "fuzz.txt")
    except AgendaFormatError as error:
        assert "fuzz.txt" in str(error)
        return
    parse_or_refuse(lambda t: parse_agenda_text(t, source_name="fuzz.txt"), text)


@FUZZ
@given(data=st.data(), seed=st.sampled_from(["agenda-2023-2027.table.txt", "agenda-2023-2027.pdf.txt"]))
def test_every_reader_parses_or_refuses_mutated_seeds(seeds, data, seed):
    text = data.draw(mutated(seeds[seed]) | hostile_text)
    for parse in (parse_agenda_text, table_text.parse, pdf_text.parse, parse_html):
        parse_or_refuse(parse, text)
    parse_or_refuse(parse_page, text)


def test_the_unchanged_seeds_parse(seeds):
    # The baseline for the fuzzing above: the seeds themselves read without error.
    for name in ("agenda-2023-2027.table.txt", "agenda-2023-2027.pdf.txt"):
        assert len(parse_agenda_text(seeds[name]).projects) > 50


@FUZZ_FEW
@given(data=st.data(), period=st.none() | st.just("2031-2035"), dry_run=st.booleans())
def test_an_import_of_a_mutated_seed_succeeds_or_changes_nothing(seeds, data, period, dry_run):
    text = data.draw(mutated(seeds["agenda-2023-2027.table.txt"]))
    before = database_state()
    parsed = parse_or_refuse(lambda t: parse_agenda_text(t, source_name="fuzz.txt"), text)
    if parsed is None:
        return
    try:
        report = import_agenda(parsed=parsed, source_name="fuzz.txt", period=period, dry_run=dry_run)
    except AgendaFormatError as error:
        assert str(error)
        assert database_state() == before
        return
    if dry_run:
        assert database_state() == before
        assert report.import_run_id is None
    else:
        assert report.import_run_id is not None
        for project in Project.objects.filter(key__in=[c.key for c in report.created + report.updated]):
            assert "\x00" not in project.title + project.description


@FUZZ_FEW
@given(data=st.data())
def test_the_import_command_succeeds_or_fails_cleanly(seeds, tmp_path_factory, data):
    text = data.draw(mutated(seeds["agenda-2023-2027.table.txt"]) | hostile_text)
    encoding = data.draw(st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
    suffix = data.draw(st.sampled_from([".txt", ".html", ".tsv"]))
    path = tmp_path_factory.mktemp("fuzz") / f"agenda{suffix}"
    path.write_bytes(text.encode(encoding, errors="replace"))
    before = database_state()
    try:
        call_command("import_agenda", str(path), "--dry-run", stdout=io.StringIO())
    except CommandError as error:
        assert "niets veranderd" in str(error) or "bestand" in str(error)
    assert database_state() == before


@FUZZ_FEW
@given(
    data=st.data(),
    name=st.sampled_from(["agenda.txt", "agenda.html", "agenda.pdf", "agenda.docx", "agenda.exe", "agenda"]),
    dry_run=st.booleans(),
)
def test_the_import_page_survives_hostile_uploads(
    fuzz_client, exceptions, kennismakelaar, seeds, data, name, dry_run
):
    fresh_example(exceptions)
    content = data.draw(
        st.binary(max_size=2000)
        | mutated(seeds["agenda-2023-2027.table.txt"]).map(lambda t: t.encode("utf-8", "replace"))
        | st.sampled_from([b"%PDF-1.4\n%%EOF", b"PK\x03\x04garbage", b"\x00" * 100])
    )
    fuzz_client.force_login(kennismakelaar)
    form = {"document": SimpleUploadedFile(name, content), "dry_run": "on" if dry_run else ""}
    period = data.draw(st.none() | st.just(PERIOD) | hostile_text)
    if period is not None:
        form["period"] = period
    before = database_state()
    response = fuzz_client.post(reverse("admin:ingest_import_agenda"), form)
    body = check(response, exceptions, allowed=(200,))
    if dry_run or "niets veranderd" in body:
        assert database_state() == before


# --- hostile text in imported projects, shown on the public site ---------------------------------------


@FUZZ_FEW
@given(title=hostile_text, description=hostile_text, partners=hostile_text, query=hostile_text)
def test_hostile_project_text_is_escaped_on_pages_and_in_search_snippets(
    fuzz_client, exceptions, title, description, partners, query
):
    fresh_example(exceptions)
    # Cells are read as HTML fragments: real tags are dropped, entities become text. So the
    # entity-escaped marker is stored as a raw <script> in the text, which every page must escape.
    marker = "&lt;script&gt;alert('fuzz')&lt;/script&gt;"
    cell = lambda text: " ".join(text.replace("\t", " ").split())  # noqa: E731
    text = (
        "Agenda 2031-2035\n\nnr.\tProject\tBeschrijving doel\tT: Trekker P: overige (beoogde) Partners\n\n"
        "1. Fuzz &amp; Thema\n\n"
        f"1a\tZoekwoord {marker} {cell(title)[:300]}\tOmschrijving {marker} {cell(description)[:2000]}"
        f"\tT: UL P: {marker} {cell(partners)[:300]}\n"
        f"1b\tTweede zoekwoord\tNog een {marker}\tT: gem\n"
    )
    before = database_state()
    parsed = parse_or_refuse(lambda t: parse_agenda_text(t, source_name="fuzz.txt"), text)
    if parsed is None:
        return
    try:
        import_agenda(parsed=parsed, source_name="fuzz.txt")
    except AgendaFormatError:
        assert database_state() == before
        return
    project = Project.objects.get(agenda__period="2031-2035", key__endswith="1a")
    assert "<script>alert('fuzz')</script>" in project.title
    body = check(fuzz_client.get(project.get_absolute_url()), exceptions, allowed=(200,))
    assert "&lt;script&gt;alert(" in body
    body = check(fuzz_client.get(reverse("search:search"), {"q": "zoekwoord"}), exceptions, allowed=(200,))
    assert "&lt;script&gt;alert(" in body
    for q in (f"zoekwoord {query[:100]}", "script alert fuzz", query):
        check(fuzz_client.get(reverse("search:search"), {"q": q}), exceptions)
