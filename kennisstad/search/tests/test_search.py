import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from kennisstad.conftest import DEMO_DIR
from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Participation, Project
from kennisstad.search import selectors
from kennisstad.search.models import SearchDocument, SearchTerm
from kennisstad.search.selectors import highlight, search
from kennisstad.search.services import index_projects, rebuild_index, remove_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("indexed_demo")]


@pytest.fixture(scope="module")
def indexed_demo(django_db_setup, django_db_blocker):
    """The Leiden demo, loaded (and so indexed) once for this module and rolled back after it.

    Each test runs in a savepoint inside this transaction, so tests that change
    data still start from the demo as loaded.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def keys(results) -> list[str]:
    """The project keys (or organisation names) of the hits, in order."""
    projects = dict(Project.objects.values_list("pk", "key"))
    organisations = dict(Organisation.objects.values_list("pk", "name"))
    return [
        projects[hit.object_id] if hit.kind == "project" else organisations[hit.object_id]
        for hit in results.hits
    ]


def facet(results, name: str) -> dict[str, int]:
    return {value.value: value.count for value in results.facets[name]}


def project_ids_with(organisation_name: str, role: str | None = None) -> set[int]:
    """Projects in which the organisation or one of its units takes part (in that role)."""
    organisation = Organisation.objects.get(name=organisation_name)
    participations = Participation.objects.filter(organisation__in=[organisation, *organisation.units.all()])
    if role:
        participations = participations.filter(role=role)
    return set(participations.values_list("project_id", flat=True))


# --- Dutch words ------------------------------------------------------------


def test_huisvesting_finds_studentenhuisvesting():
    results = search("huisvesting")

    assert keys(results)[0] == "4K6"
    assert "<mark>studentenhuisvesting</mark>" in results.hits[0].snippet


def test_ouderen_finds_ouderenzorg():
    assert "1r" in keys(search("ouderen"))[:2]


def test_ouderenzorg_finds_zorg_voor_ouderen_written_apart():
    results = search("ouderenzorg")

    assert keys(results)[0] == "1r"
    assert "<mark>zorg</mark> voor <mark>ouderen</mark>" in results.hits[0].snippet


def test_stress_finds_hittestress():
    found = keys(search("stress", limit=50))

    assert {"2c", "2d"} <= set(found)
    assert found[0] == "1i"  # "stress" in the title


def test_bomen_finds_and_highlights_boom():
    assert "<mark>boom</mark>" in highlight("Een boom in de stad.", _tokens("bomen"))
    results = search("boom")
    assert "2f" in keys(results)
    assert "<mark>Bomen</mark>" in results.hits[keys(results).index("2f")].snippet


def _tokens(query: str) -> set[str]:
    words, _corrections = selectors.parse_query(query)
    return {token for word in words for token in word.tokens}


def test_a_typo_in_a_long_word_is_tolerated():
    results = search("biodiversitiet")

    assert results.corrections == {"biodiversitiet": "biodiversiteit"}
    assert set(keys(results)) == set(keys(search("biodiversiteit")))
    assert results.total >= 5


def test_a_known_word_is_not_corrected():
    assert search("universiteit").corrections == {}


# --- English queries ----------------------------------------------------------


def test_student_housing_finds_the_studentenhuisvesting_project_near_the_top():
    assert "4K6" in keys(search("student housing"))[:3]


def test_air_quality_finds_whats_in_the_air():
    results = search("air quality")

    assert keys(results)[0] == "2e"
    assert results.hits[0].title == "2e What's In The Air (WITA)?"


# --- Organisations, aliases and abbreviations ---------------------------------


@pytest.mark.parametrize(
    "query, name",
    [
        ("GL", "Gemeente Leiden"),
        ("HsL", "Hogeschool Leiden"),
        ("mboR", "mboRijnland"),
        ("FSW", "Faculteit der Sociale Wetenschappen"),
    ],
)
def test_an_abbreviation_finds_the_organisation_first_and_then_its_projects(query, name):
    results = search(query, limit=200)
    organisation = Organisation.objects.get(name=name)

    assert (results.hits[0].kind, results.hits[0].object_id) == ("organisation", organisation.pk)
    found_projects = {hit.object_id for hit in results.hits if hit.kind == "project"}
    assert project_ids_with(name) <= found_projects


def test_fsw_finds_the_faculty_and_its_projects():
    results = search("FSW")

    assert results.hits[0].title == "Faculteit der Sociale Wetenschappen"
    assert {"1i", "1k", "1u", "2l", "3a", "3e"} <= set(keys(results))


def test_ul_finds_a_project_where_only_a_faculty_takes_part():
    # In 1i only UL/FSW takes part, not the university itself.
    university = Organisation.objects.get(name="Universiteit Leiden")
    project = Project.objects.get(key="1i")
    assert not project.participations.filter(organisation=university).exists()

    results = search("UL", limit=200)

    assert results.hits[0].title == "Universiteit Leiden"
    assert "1i" in keys(results)


def test_a_faculty_does_not_outrank_its_university():
    assert keys(search("universiteit leiden"))[:3].count("Universiteit Leiden") == 1
    assert keys(search("UL"))[0] == "Universiteit Leiden"


# --- Ranking -------------------------------------------------------------------


def _levels(results, token: str) -> list[int]:
    """Per hit: 3 when the token is in its title, 2 in its organisation names, 1 in its body."""
    documents = {
        (d.kind, d.object_id): d
        for d in SearchDocument.objects.filter(object_id__in=[hit.object_id for hit in results.hits])
    }
    levels = []
    for hit in results.hits:
        document = documents[(hit.kind, hit.object_id)]
        if token in document.title_terms.split():
            levels.append(3)
        elif token in document.org_terms.split():
            levels.append(2)
        else:
            levels.append(1)
    return levels


def test_title_matches_rank_above_body_matches():
    results = search("singelpark")

    assert keys(results)[0] == "2h"  # "Expeditie singelpark"; 2j only names it in its text, four times
    assert "2j" in keys(results)
    assert _levels(results, "singelpark") == sorted(_levels(results, "singelpark"), reverse=True)


def test_organisation_matches_rank_between_title_and_body_matches():
    results = search("naturalis", limit=100)
    levels = _levels(results, "naturalis")

    assert levels == sorted(levels, reverse=True)
    assert {3, 2} <= set(levels)


def test_documents_matching_more_query_words_rank_higher():
    results = search("klimaatverandering gezondheid")
    found = keys(results)

    assert found.index("2d") < found.index("1f")  # 2d has both words, 1f only "gezondheid"


def test_scores_follow_the_order_of_the_hits():
    scores = [hit.score for hit in search("leiden onderwijs", limit=50).hits]

    assert scores == sorted(scores, reverse=True)


# --- Facets and filters ----------------------------------------------------------


def test_facets_count_the_whole_result_set_not_just_the_page():
    results = search("biodiversiteit", limit=2)

    assert len(results.hits) == 2 and results.total == 6
    assert facet(results, "thema") == {"biodiversiteit-duurzaamheid": 6}
    assert facet(results, "status") == {"lopend": 6}
    assert facet(results, "organisatie")["naturalis-biodiversity-center"] == 6
    assert list(results.facets) == ["thema", "organisatie", "rol", "status", "soort"]


def test_a_facet_keeps_counting_the_other_values_of_its_own_filter():
    everything = search("onderzoek")
    filtered = search("onderzoek", thema="cultureel-erfgoed")

    assert filtered.total == facet(everything, "thema")["cultureel-erfgoed"]
    assert facet(filtered, "thema") == facet(everything, "thema")
    assert [v.value for v in filtered.facets["thema"] if v.selected] == ["cultureel-erfgoed"]
    assert facet(filtered, "soort") == {"project": filtered.total}


def test_organisation_filter_includes_the_units_of_the_organisation():
    results = search("", organisatie="universiteit-leiden", soort="project", limit=200)

    assert {hit.object_id for hit in results.hits} == project_ids_with("Universiteit Leiden")
    assert Project.objects.get(key="1i").pk in {hit.object_id for hit in results.hits}


def test_role_and_organisation_filter_together():
    results = search("", organisatie="universiteit-leiden", rol="trekker", limit=200)
    lead_projects = project_ids_with("Universiteit Leiden", "trekker")

    assert {hit.object_id for hit in results.hits} == lead_projects
    assert results.total == len(lead_projects)
    # The role facet counts what each role would give for this organisation.
    assert facet(results, "rol") == {
        "trekker": len(lead_projects),
        "partner": len(project_ids_with("Universiteit Leiden", "partner")),
    }
    # The organisation facet counts each organisation in the chosen role.
    assert facet(results, "organisatie")["gemeente-leiden"] == len(
        project_ids_with("Gemeente Leiden", "trekker")
    )


def test_a_role_alone_filters_documents_with_any_participation_in_that_role():
    results = search("", rol="partner", limit=200)

    expected = set(Participation.objects.filter(role="partner").values_list("project_id", flat=True))
    assert {hit.object_id for hit in results.hits} == expected
    assert {hit.kind for hit in results.hits} == {"project"}


def test_status_and_kind_filters():
    Project.objects.filter(key="2h").update(status=Project.Status.AFGEROND)
    index_projects(Project.objects.filter(key="2h"))

    results = search("singelpark", status="afgerond")
    assert keys(results) == ["2h"]
    assert facet(results, "status") == {"afgerond": 1, "lopend": 1}
    assert search("leiden", soort="organisation", limit=200).hits
    assert {hit.kind for hit in search("leiden", soort="organisation", limit=200).hits} == {"organisation"}


def test_an_unknown_filter_value_finds_nothing_but_stays_selected():
    results = search("leiden", organisatie="bestaat-niet")

    assert results.total == 0 and results.hits == []
    assert search("leiden", thema="bestaat-niet").facets["thema"][-1].selected


def test_an_empty_query_with_filters_browses_by_kind_and_code():
    results = search("", thema="biodiversiteit-duurzaamheid", limit=100)

    assert keys(results) == [
        "2a",
        "2b",
        "2c",
        "2d",
        "2e",
        "2f",
        "2g",
        "2h",
        "2i",
        "2j",
        "2k",
        "2l",
        "2m",
        "2n",
    ]
    assert all(hit.score == 0.0 for hit in results.hits)


def test_browsing_everything_lists_projects_before_organisations():
    results = search("", limit=1000)

    assert results.total == Project.objects.count() + Organisation.objects.count()
    kinds = [hit.kind for hit in results.hits]
    assert kinds == sorted(kinds, key=["project", "organisation"].index)
    assert facet(results, "soort") == {
        "project": Project.objects.count(),
        "organisation": Organisation.objects.count(),
    }


def test_paging_keeps_the_total():
    first, second = search("leiden", limit=10), search("leiden", limit=10, offset=10)

    assert first.total == second.total > 20
    assert len(first.hits) == len(second.hits) == 10
    assert not {(h.kind, h.object_id) for h in first.hits} & {(h.kind, h.object_id) for h in second.hits}


# --- Hits and snippets -----------------------------------------------------------


def test_a_hit_carries_what_a_result_list_shows():
    hit = search("hittestress").hits[0]
    project = Project.objects.get(pk=hit.object_id)

    assert hit.kind == "project" and hit.title == f"{project.code} {project.title}"
    assert hit.section_title == "Biodiversiteit & Duurzaamheid"
    assert hit.status == "lopend"
    assert hit.url == project.get_absolute_url()


def test_snippets_highlight_matches_and_escape_the_text():
    project = Project.objects.get(key="2f")
    project.description = "<script>alert('x')</script> Meer <b>kruidenrijke</b> & bomen in de stad."
    project.save()
    index_projects([project])

    results = search("kruidenrijke bomen")

    assert keys(results)[0] == "2f"
    snippet = results.hits[0].snippet
    assert "<script>" not in snippet and "<b>" not in snippet
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in snippet
    assert "&lt;b&gt;<mark>kruidenrijke</mark>&lt;/b&gt; &amp; <mark>bomen</mark>" in snippet


def test_a_snippet_is_a_window_around_the_first_match():
    text = " ".join(["woord"] * 100) + " Singelpark " + " ".join(["ander"] * 100)

    snippet = highlight(text, _tokens("singelpark"))

    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>Singelpark</mark>" in snippet
    assert len(snippet) < 300


def test_without_a_match_in_the_body_the_title_is_the_snippet():
    assert search("air").hits[0].snippet == "2e What&#x27;s In The <mark>Air</mark> (WITA)?"


@pytest.mark.parametrize(
    "query",
    [
        "\"AND OR NOT * ( ) NEAR -- ' ;",
        'title_terms:"x" OR {org_terms}: y*',
        "NEAR(a b, 3) ^start",
        "'; DROP TABLE search_searchdocument; --",
        "a & b | !c <-> d:*",
        "\\ % _ \x00",
        "   ",
        "ü" * 500,
    ],
)
def test_hostile_input_does_not_crash(query):
    results = search(query)

    assert isinstance(results.total, int)
    assert SearchDocument.objects.exists()


# --- Keeping the index current -------------------------------------------------


def test_reindex_after_an_import_keeps_results_current(tmp_path):
    document = tmp_path / "agenda.table.txt"
    text = (DEMO_DIR / "agenda-2023-2027.table.txt").read_text(encoding="utf-8")
    document.write_text(text.replace("Trees Future Proof", "Xylotheek Leiden"), encoding="utf-8")

    call_command("import_agenda", str(document), "--agenda", "2023-2027", "--dry-run", stdout=io.StringIO())
    assert search("xylotheek").total == 0

    call_command("import_agenda", str(document), "--agenda", "2023-2027", stdout=io.StringIO())
    assert keys(search("xylotheek")) == ["2f"]
    assert "2f" not in keys(search("trees"))


def test_a_removed_document_is_no_longer_found_and_its_words_are_forgotten():
    project = Project.objects.get(key="4K6")
    assert SearchTerm.objects.filter(word="shortstay").exists()

    remove_document("project", project.pk)

    assert "4K6" not in keys(search("studentenhuisvesting shortstay"))
    assert not SearchTerm.objects.filter(word="shortstay").exists()


def test_the_vocabulary_stays_exact_when_documents_are_indexed_again():
    index_projects(Project.objects.all())
    incremental = dict(SearchTerm.objects.values_list("word", "doc_count"))

    rebuild_index()

    assert incremental == dict(SearchTerm.objects.values_list("word", "doc_count"))
    assert incremental["studentenhuisvesting"] == 1


def test_rebuild_search_index_prints_its_counts():
    output = io.StringIO()

    call_command("rebuild_search_index", stdout=output)

    assert (
        f"{Project.objects.count()} projecten, {Organisation.objects.count()} organisaties"
        in output.getvalue()
    )
    assert SearchDocument.objects.count() == Project.objects.count() + Organisation.objects.count()


def test_a_search_runs_a_bounded_number_of_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        search("biodiversitiet leiden", organisatie="universiteit-leiden", rol="partner")
    with django_assert_max_num_queries(5):
        search("", thema="gezondheid-welzijn")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_uses_the_gin_index():
    words, _corrections = selectors.parse_query("huisvesting")
    sql, params = selectors.match_sql(words)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "search_searchdocument_vector" in plan
