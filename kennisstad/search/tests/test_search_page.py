import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_search_page_without_a_query_explains_what_to_search(client, demo):
    response = client.get(reverse("search:search"))

    assert response.status_code == 200
    assert response.context["results"] is None
    assert "GL, HsL of mboR" in response.text


def test_a_search_shows_hits_snippets_and_facet_links(client, demo):
    response = client.get(reverse("search:search"), {"q": "hittestress"})

    assert response.status_code == 200
    assert "BENIGN-project" in response.text
    assert "<mark>" in response.text
    theme_facet = next(f for f in response.context["facet_links"] if f["name"] == "thema")
    assert all(item["url"].startswith("?q=hittestress&thema=") for item in theme_facet["values"])


def test_a_selected_facet_links_back_to_the_unfiltered_results(client, demo):
    unfiltered = client.get(reverse("search:search"), {"q": "onderzoek"}).context["results"].total

    response = client.get(reverse("search:search"), {"q": "onderzoek", "soort": "organisation"})

    assert response.context["results"].total < unfiltered
    [active] = response.context["active_filters"]
    assert active["remove_url"] == "?q=onderzoek"
    assert 'aria-current="true"' in response.text


def test_htmx_gets_only_the_results_fragment(client, demo):
    response = client.get(reverse("search:search"), {"q": "GL"}, HTTP_HX_REQUEST="true")

    assert response.text.lstrip().startswith('<div id="results"')
    assert "<html" not in response.text


def test_paging_links_keep_the_query_and_filters(client, demo):
    first = client.get(reverse("search:search"), {"q": "leiden", "soort": "project"})
    assert first.context["results"].total > 20

    second = client.get(first.context["next_url"].replace("?", reverse("search:search") + "?"))

    assert second.context["previous_url"] == "?q=leiden&soort=project&pagina=1"
    first_ids = {hit.object_id for hit in first.context["results"].hits}
    assert first_ids.isdisjoint(hit.object_id for hit in second.context["results"].hits)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 5000},
        {"q": "<script>alert(1)</script>"},
        {"pagina": "-3"},
        {"pagina": "abc", "q": "GL"},
        {"thema": "'; DROP TABLE x; --"},
    ],
)
def test_odd_input_gets_a_page_not_an_error(client, demo, params):
    response = client.get(reverse("search:search"), params)

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
