"""The knowledge base: published answers on the public site, in the search, for the matcher,
and the broker's editing of them."""

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils.html import escape

from kennisstad.loket import services
from kennisstad.loket.models import PublishedAnswer
from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Project
from kennisstad.search.models import SearchDocument
from kennisstad.search.selectors import search
from kennisstad.search.services import rebuild_index

from .factories_assignments import section, user

pytestmark = pytest.mark.django_db

LIST_URL = reverse("loket:answers")

EXAM_TITLE = "Hoe helpen we scholieren met faalangst voor hun eindexamen?"
EXAM_ANSWER = (
    "Veel leerlingen hebben last van examenstress.\n\n"
    "Het kenniscentrum angst & stress helpt scholen om dit vroeg te herkennen."
)


def publish(title=EXAM_TITLE, answer=EXAM_ANSWER, **extra) -> PublishedAnswer:
    return services.answer_publish(question=None, title=title, answer=answer, by=None, **extra)


def hit_titles(response) -> list[str]:
    return [hit.title for hit in response.context["page"].hits]


@pytest.fixture
def broker_client(client, kennismakelaar):
    client.force_login(kennismakelaar)
    return client


# --- public pages ----------------------------------------------------------------------------


def test_it_lists_published_answers_newest_first(client):
    older = publish("Waar vind ik een moestuin in de wijk?", "Bij de volkstuinvereniging.")
    newer = publish()
    hidden = publish("Een verborgen vraag over parkeren?", "Niet tonen.")
    services.answer_update(published=hidden, by=None, is_published=False)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert list(response.context["page"].answers) == [newer, older]
    assert "verborgen vraag" not in response.text
    assert older.get_absolute_url() in response.text


def test_it_filters_by_theme(client):
    health = section("Gezondheid en welzijn", "1")
    green = section("Groen en klimaat", "2")
    publish(section=health)
    publish("Waar vind ik een moestuin in de wijk?", "Bij de volkstuinvereniging.", section=green)

    response = client.get(LIST_URL, {"thema": green.slug})

    assert [answer.title for answer in response.context["page"].answers] == [
        "Waar vind ik een moestuin in de wijk?"
    ]
    assert f'<option value="{health.slug}">' in response.text


def test_the_search_finds_an_answer_by_a_dutch_stem_and_a_compound(client):
    publish()
    publish("Waar kan ik in de wijk samen tuinieren?", "Bij de buurtmoestuin of de moestuinvereniging.")
    garden = ["Waar kan ik in de wijk samen tuinieren?"]

    by_stem = client.get(LIST_URL, {"q": "leerling"})  # "leerlingen" in the answer
    by_part_of_a_compound = client.get(LIST_URL, {"q": "vereniging"})  # "moestuinvereniging"
    by_a_compound = client.get(LIST_URL, {"q": "buurttuin"})  # "buurt" + "tuin" in "buurtmoestuin"
    by_part_in_both = client.get(LIST_URL, {"q": "stress"})  # "stress", and part of "examenstress"

    assert hit_titles(by_stem) == [EXAM_TITLE]
    assert hit_titles(by_part_of_a_compound) == garden
    assert hit_titles(by_a_compound) == garden
    assert hit_titles(by_part_in_both) == [EXAM_TITLE]
    assert "<mark>leerlingen</mark>" in by_stem.text


def test_the_search_corrects_a_typo_and_says_so(client):
    publish()

    response = client.get(LIST_URL, {"q": "faalanst"})

    assert hit_titles(response) == [EXAM_TITLE]
    assert response.context["page"].corrections == {"faalanst": "faalangst"}
    assert "Gezocht met:" in response.text


def test_the_search_finds_only_answers_not_projects_or_organisations(client, organisations):
    publish("Welke universiteit doet onderzoek naar stress?", "De Universiteit Leiden, zie hieronder.")

    response = client.get(LIST_URL, {"q": "universiteit"})

    assert hit_titles(response) == ["Welke universiteit doet onderzoek naar stress?"]


def test_htmx_gets_only_the_answer_list(client):
    publish()

    response = client.get(LIST_URL, {"q": "faalangst"}, HTTP_HX_REQUEST="true")

    assert response.text.lstrip().startswith('<section id="answer-list"')
    assert "<html" not in response.text


@pytest.mark.parametrize("params", [{"q": "x" * 5000}, {"q": "<script>alert(1)</script>"}, {"pagina": "-1"}])
def test_odd_searches_do_not_break_the_page(client, params):
    publish()

    response = client.get(LIST_URL, params)

    assert response.status_code == 200
    assert "<script>alert" not in response.text


def test_the_page_shows_the_question_the_answer_and_its_links(client, demo):
    project = Project.objects.get(key="1i")
    organisation = Organisation.objects.get(slug="universiteit-leiden")
    answer = publish(
        answer="Eerste alinea met <script>alert(1)</script>.\n\nTweede alinea.",
        section=project.section,
        projects=[project],
        organisations=[organisation],
    )

    response = client.get(answer.get_absolute_url())

    assert response.status_code == 200
    assert EXAM_TITLE in response.text
    assert "<p>Eerste alinea met &lt;script&gt;alert(1)&lt;/script&gt;.</p>" in response.text
    assert "<p>Tweede alinea.</p>" in response.text
    assert escape(project.section.title) in response.text
    assert project.get_absolute_url() in response.text
    assert reverse("organisations:detail", kwargs={"slug": organisation.slug}) in response.text


def test_a_hidden_answer_has_no_page(client):
    answer = publish()
    services.answer_update(published=answer, by=None, is_published=False)

    assert client.get(answer.get_absolute_url()).status_code == 404


def test_the_project_page_lists_its_answered_questions(client, demo):
    project = Project.objects.get(key="1i")
    answer = publish(projects=[project])
    hidden = publish("Een verborgen vraag over toetsangst?", "Niet tonen.", projects=[project])
    services.answer_update(published=hidden, by=None, is_published=False)

    response = client.get(project.get_absolute_url())

    assert "Beantwoorde vragen" in response.text
    assert answer.get_absolute_url() in response.text
    assert hidden.get_absolute_url() not in response.text


# --- search integration ----------------------------------------------------------------------


def test_a_published_answer_is_a_search_document_with_its_organisations(demo):
    project = Project.objects.get(key="1i")
    naturalis = Organisation.objects.get(name="Naturalis Biodiversity Center")
    answer = publish(section=project.section, projects=[project], organisations=[naturalis])

    document = SearchDocument.objects.get(kind="question", object_id=answer.pk)
    results = search("faalangst", soort="question")

    assert document.url == answer.get_absolute_url()
    assert document.section_id == project.section_id
    in_document = {p["organisation_id"] for p in document.participations}
    assert naturalis.pk in in_document
    assert set(project.participations.values_list("organisation_id", flat=True)) <= in_document
    assert [hit.object_id for hit in results.hits] == [answer.pk]
    assert search("faalangst", organisatie=naturalis.slug, soort="question").total == 1


def test_the_site_search_shows_answers_with_their_kind(client, demo):
    answer = publish()

    everything = client.get(reverse("search:search"), {"q": "faalangst"})
    only_answers = client.get(reverse("search:search"), {"q": "faalangst", "soort": "question"})

    assert "Beantwoorde vraag" in everything.text
    kinds = next(f for f in everything.context["facet_links"] if f["name"] == "soort")
    assert {item["value"].value: item["value"].label for item in kinds["values"]}["question"] == (
        "beantwoorde vraag"
    )
    assert [hit.object_id for hit in only_answers.context["results"].hits] == [answer.pk]


def test_unpublishing_removes_the_answer_from_search_and_publishing_brings_it_back():
    answer = publish()
    assert search("faalangst", soort="question").total == 1

    services.answer_update(published=answer, by=None, is_published=False)
    assert search("faalangst").total == 0
    assert not SearchDocument.objects.filter(kind="question").exists()

    services.answer_update(published=answer, by=None, is_published=True)
    assert search("faalangst", soort="question").total == 1


def test_rebuilding_the_index_keeps_published_answers_only():
    publish()
    hidden = publish("Een verborgen vraag over toetsangst?", "Niet tonen.")
    services.answer_update(published=hidden, by=None, is_published=False)

    counts = rebuild_index()

    assert counts.questions == 1
    assert search("faalangst").total == 1
    assert search("toetsangst").total == 0


def test_the_new_search_kind_changes_no_table():
    """On SQLite a rebuilt search_searchdocument would lose the FTS5 triggers of 0002."""
    loader = MigrationLoader(connection)
    before = loader.project_state(("search", "0002_fulltext")).apps.get_model("search", "SearchDocument")
    after = loader.project_state(("search", "0003_question_kind")).apps.get_model("search", "SearchDocument")
    editor = connection.schema_editor(collect_sql=True)  # not entered: only collects the SQL

    editor.alter_field(after, before._meta.get_field("kind"), after._meta.get_field("kind"))

    assert editor.collected_sql == []


# --- the matcher -----------------------------------------------------------------------------


def test_a_published_answer_helps_the_matcher_with_a_later_question(demo):
    # Linked to student well-being rather than the obvious anxiety project (1i): the matcher only
    # puts 1b forward because of the earlier question.
    project = Project.objects.get(key="1b")
    answer = publish(
        "Hoe kunnen we scholieren met faalangst en examenstress helpen?",
        "Het project Studentenwelzijn werkt aan preventie van stress; neem contact op met de trekkers.",
        projects=[project],
    )

    result = services.match(
        "Mijn zoon zit in de examenklas en is erg gespannen en angstig voor de examens. Wie kan helpen?"
    )

    assert answer.slug in [similar.id for similar in result.similar_questions]
    suggestion = next(s for s in result.suggestions if s.key == project.key)
    assert f"eerdere vraag {answer.slug} ging hierover" in suggestion.reason
    assert result.suggestions[0].key == project.key


def test_an_unpublished_answer_is_not_used_by_the_matcher(demo):
    answer = publish(
        "Hoe gaan we om met faalangst en stress bij studenten rond tentamens?",
        "Studenten met faalangst kunnen terecht bij de welzijnsprojecten.",
        projects=[Project.objects.get(key="1b")],
    )
    services.answer_update(published=answer, by=None, is_published=False)

    assert answer.slug not in [q.id for q in services.earlier_questions()]


# --- the back office -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["loket:backoffice_answers", "loket:backoffice_answer"])
def test_the_back_office_needs_a_logged_in_broker(client, name):
    answer = publish()
    url = reverse(name, args=[answer.pk] if name.endswith("answer") else [])

    anonymous = client.get(url)
    client.force_login(user("redacteur"))
    outsider = client.get(url)
    outsider_post = client.post(url, {"title": "Gekaapt", "answer": "x"})
    client.force_login(user("makelaar", broker=True))
    broker = client.get(url)

    assert anonymous.status_code == 302 and reverse("admin:login") in anonymous["Location"]
    assert outsider.status_code == 403 and outsider_post.status_code == 403
    assert broker.status_code == 200
    answer.refresh_from_db()
    assert answer.title == EXAM_TITLE


def test_the_back_office_lists_hidden_and_visible_answers(broker_client, django_assert_max_num_queries):
    for n in range(12):
        publish(f"Vraag nummer {n} over groen?", "Antwoord.")
    hidden = publish("Een verborgen vraag over parkeren?", "Niet tonen.")
    services.answer_update(published=hidden, by=None, is_published=False)
    url = reverse("loket:backoffice_answers")

    with django_assert_max_num_queries(10):
        everything = broker_client.get(url)
    only_hidden = broker_client.get(url, {"zichtbaar": "nee"})

    assert len(everything.context["answers"]) == 13
    assert [a.title for a in only_hidden.context["answers"]] == ["Een verborgen vraag over parkeren?"]


def test_the_broker_edits_links_and_hides_an_answer(broker_client, demo):
    answer = publish()
    project = Project.objects.get(key="1i")
    organisation = Organisation.objects.get(slug="universiteit-leiden")
    url = reverse("loket:backoffice_answer", args=[answer.pk])

    response = broker_client.post(
        url,
        {
            "title": "Hoe helpen we scholieren met examenvrees?",
            "answer": "Het SPIL-programma helpt scholen met prestatieangst.",
            "section": project.section_id,
            "projects": [project.pk],
            "organisations": [organisation.pk],
            "is_published": "on",
        },
    )

    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.title == "Hoe helpen we scholieren met examenvrees?"
    assert list(answer.projects.all()) == [project]
    assert search("prestatieangst", soort="question").total == 1
    assert search("faalangst", soort="question").total == 0

    hide = broker_client.post(
        url,
        {"title": answer.title, "answer": answer.answer, "section": project.section_id},
    )

    assert hide.status_code == 302
    answer.refresh_from_db()
    assert answer.is_published is False
    assert search("prestatieangst").total == 0
    assert client_page_status(broker_client, answer) == 404


def client_page_status(client, answer) -> int:
    return client.get(answer.get_absolute_url()).status_code


def test_an_edit_with_markup_is_refused_and_keeps_the_text(broker_client):
    answer = publish()

    response = broker_client.post(
        reverse("loket:backoffice_answer", args=[answer.pk]),
        {"title": "Een nieuwe titel die blijft staan", "answer": "<script>x</script>", "is_published": "on"},
    )

    assert response.status_code == 400
    assert "Een nieuwe titel die blijft staan" in response.text
    assert "Gebruik geen HTML" in response.text
    answer.refresh_from_db()
    assert answer.title == EXAM_TITLE
