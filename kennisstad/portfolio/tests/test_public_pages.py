import io
from html import escape

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse

from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Agenda, Participation, Project, Role, Section

pytestmark = pytest.mark.django_db


def project_url(key: str) -> str:
    return reverse("portfolio:project", kwargs={"period": "2023-2027", "key": key})


def test_home_shows_the_themes_with_their_ambitions_and_figures_from_the_data(client, demo):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    page = response.context["page"]
    assert page.figures.projects == Project.objects.count() == 58
    participating = {
        p.organisation.root().pk for p in Participation.objects.select_related("organisation__parent")
    }
    assert page.figures.organisations == len(participating)
    for section in Section.objects.all():
        assert escape(section.title) in response.text
        assert section.get_absolute_url() in response.text
    assert "gezondste steden van Nederland" in response.text
    assert "Vlaggenschepen" in response.text and "Leren met de stad" in response.text


def test_every_project_is_two_clicks_from_home(client, demo):
    home = client.get(reverse("home")).text
    reachable = set()
    for section in Section.objects.all():
        assert section.get_absolute_url() in home
        theme = client.get(section.get_absolute_url()).text
        reachable |= {p.key for p in Project.objects.all() if p.get_absolute_url() in theme}

    assert reachable == set(Project.objects.values_list("key", flat=True))


def test_a_theme_page_lists_its_projects_with_leads_and_filters(client, demo):
    section = Section.objects.get(number="2")
    url = section.get_absolute_url()

    everything = client.get(url)
    naturalis = client.get(url, {"organisatie": "naturalis-biodiversity-center"})

    assert everything.context["page"].shown == section.projects.count()
    assert "Naturalis Biodiversity Center" in everything.text  # as trekker in the list
    naturalis_keys = {
        card.project.key for _group, cards in naturalis.context["page"].groups for card in cards
    }
    expected = set(
        Project.objects.filter(
            section=section, participations__organisation__slug="naturalis-biodiversity-center"
        ).values_list("key", flat=True)
    )
    assert naturalis_keys == expected and "2k" not in naturalis_keys


def test_the_theme_filter_answers_htmx_with_only_the_list(client, demo):
    section = Section.objects.get(number="1")

    response = client.get(section.get_absolute_url(), {"status": "lopend"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="project-list"')
    assert "<html" not in response.text


def test_a_project_page_shows_goal_leads_partners_units_and_mentions(client, demo):
    response = client.get(project_url("1f"))

    assert response.status_code == 200
    text = response.text
    assert "Leids preventieakkoord" in text
    assert "<li>Inwoners van Leiden hebben een gezond gewicht</li>" in text  # the bullet list is kept
    gemeente = Organisation.objects.get(name="Gemeente Leiden")
    assert gemeente.get_absolute_url() in text
    assert '<li class="mention">e.a.</li>' in text


def test_a_unit_is_shown_under_its_organisation(client, demo):
    response = client.get(project_url("1i"))

    [entry] = response.context["page"].leads
    assert entry.organisation.name == "Universiteit Leiden"
    assert [unit.name for unit in entry.units] == ["Faculteit der Sociale Wetenschappen"]


def test_related_projects_share_organisations_or_the_theme_with_the_reason(client, demo):
    page = client.get(project_url("2c")).context["page"]

    assert page.related
    for item in page.related:
        assert item.reason
        assert item.card.project.key != "2c"
    assert any("Naturalis" in item.reason for item in page.related)


def test_project_urls_survive_a_reimport(client, demo, shared_dir):
    url = project_url("4K6")
    before = client.get(url)

    call_command(
        "import_agenda", str(shared_dir / "seeds" / "agenda-2023-2027.table.txt"), stdout=io.StringIO()
    )

    after = client.get(url)
    assert before.status_code == after.status_code == 200
    assert "studentenhuysvesting" in after.text  # the table text's spelling now, same address


def test_an_organisation_page_shows_units_projects_by_role_and_collaborators(client, demo):
    university = Organisation.objects.get(name="Universiteit Leiden")

    response = client.get(university.get_absolute_url())

    assert response.status_code == 200
    page = response.context["page"]
    assert "Faculteit der Sociale Wetenschappen" in [unit.name for unit in page.units]
    family = [university.pk, *university.units.values_list("pk", flat=True)]
    leads = set(
        Project.objects.filter(
            participations__organisation__in=family, participations__role=Role.TREKKER
        ).values_list("pk", flat=True)
    )
    assert page.lead_count == len(leads)
    top = page.collaborators[0]
    shared = (
        Project.objects.filter(participations__organisation__in=family)
        .filter(participations__organisation=top.organisation)
        .distinct()
        .count()
    )
    assert top.shared_projects == shared
    assert top.organisation.name == "Gemeente Leiden"


def test_the_organisation_list_counts_projects_including_units(client, demo):
    response = client.get(reverse("organisations:list"))

    entries = {entry.organisation.name: entry.project_count for entry in response.context["entries"]}
    assert "Faculteit der Sociale Wetenschappen" not in entries  # units are counted under their organisation
    assert entries["Naturalis Biodiversity Center"] == (
        Project.objects.filter(participations__organisation__name="Naturalis Biodiversity Center")
        .distinct()
        .count()
    )


@pytest.mark.parametrize(
    "url",
    [
        "/project/2023-2027/9z/",
        "/project/1999-2000/1a/",
        "/thema/2023-2027/bestaat-niet/",
        "/organisaties/bestaat-niet/",
    ],
)
def test_unknown_pages_are_404(client, demo, url):
    assert client.get(url).status_code == 404


def test_an_empty_platform_still_has_a_home_page(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert Agenda.objects.count() == 0


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("home", {}),
        ("portfolio:theme", {"period": "2023-2027", "slug": "kennisstad-breed"}),
        ("portfolio:project", {"period": "2023-2027", "key": "1a"}),
        ("organisations:list", {}),
        ("organisations:detail", {"slug": "universiteit-leiden"}),
    ],
)
def test_public_pages_do_not_query_per_row(client, demo, django_assert_max_num_queries, name, kwargs):
    with django_assert_max_num_queries(15):
        response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == 200


def test_the_english_interface_keeps_the_agenda_text_dutch(client, demo):
    client.cookies["django_language"] = "en"
    response = client.get(project_url("1a"))

    assert '<html lang="en">' in response.text
    assert "Who takes part" in response.text
    assert "Leiden staat de komende decennia voor grote uitdagingen" in response.text


def test_the_site_is_dutch_for_an_english_browser_until_english_is_chosen(client, demo):
    dutch = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    switched = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True)

    assert '<html lang="nl">' in dutch.text and dutch["Content-Language"] == "nl"
    assert '<html lang="en">' in switched.text and "Organisations" in switched.text


def test_a_long_theme_is_paged_and_the_pages_together_list_every_project(client, demo, monkeypatch):
    from kennisstad.portfolio import selectors

    monkeypatch.setattr(selectors, "THEME_PAGE_SIZE", 6)
    section = Section.objects.get(number="1")
    seen, url = [], section.get_absolute_url()
    while url:
        response = client.get(url)
        seen += [card.project.key for _group, cards in response.context["page"].groups for card in cards]
        next_url = response.context["next_url"]
        url = section.get_absolute_url() + next_url if next_url else None

    assert seen == list(section.projects.order_by("position").values_list("key", flat=True))
    assert "pagina 4 van 4" in response.text


def test_theme_filter_options_count_projects_per_organisation_and_status(client, demo):
    section = Section.objects.get(number="2")
    Project.objects.filter(key__in=["2a", "2b"]).update(status=Project.Status.AFGEROND)

    page = client.get(section.get_absolute_url()).context["page"]

    statuses = {option.value: option.count for option in page.status_options}
    assert statuses == {"lopend": section.projects.count() - 2, "afgerond": 2}
    organisations = {option.label: option.count for option in page.organisation_options}
    assert organisations["Naturalis Biodiversity Center"] == (
        section.projects.filter(participations__organisation__name="Naturalis Biodiversity Center")
        .distinct()
        .count()
    )
    assert organisations["Universiteit Leiden"] == (
        section.projects.filter(
            Q(participations__organisation__name="Universiteit Leiden")
            | Q(participations__organisation__parent__name="Universiteit Leiden")
        )
        .distinct()
        .count()
    )
