"""Comparing two agendas: suggested links, the kennismakelaar's decisions, and the back-office page.

Only the 2023-2027 agenda exists in the demo; the earlier agenda is built here from a few of its
projects: unchanged titles, reworded titles with the same organisations, and projects that ended.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from kennisstad.accounts.models import Role as BackOfficeRole
from kennisstad.accounts.roles import assign_role
from kennisstad.portfolio import comparison
from kennisstad.portfolio.models import Agenda, Participation, Project, ProjectLineage, Role, Section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("compare_demo")]

LATER = "2023-2027"
EARLIER = "2019-2023"
# Later key → earlier key the matcher should find.
EXPECTED_LINKS = {
    "1a": "1a",  # same title, same code
    "2f": "2c",  # same title, other code
    "1b": "1d",  # "Studentenwelzijn" was "Welzijn van studenten", same organisations
    "4K7": "4K2",  # "International Center Leiden" was "Expat Centre Leiden", same organisations
}
ENDED = {"1x", "4K9"}


def _copy(source_key: str, *, agenda: Agenda, section: Section, key: str, position: int, **fields) -> Project:
    source = Project.objects.get(agenda__period=LATER, key=source_key)
    project = Project.objects.create(
        agenda=agenda,
        section=section,
        code=fields.pop("code", key),
        key=key,
        slug=key.lower(),
        title=fields.pop("title", source.title),
        description=fields.pop("description", source.description),
        position=position,
    )
    for participation in source.participations.all():
        Participation.objects.create(
            project=project,
            organisation=participation.organisation,
            role=participation.role,
            position=participation.position,
        )
    return project


def build_earlier_agenda() -> Agenda:
    agenda = Agenda.objects.create(title="Agenda 2019-2023", period=EARLIER, slug=EARLIER)
    health = Section.objects.create(
        agenda=agenda, number="1", title="Gezondheid & Welzijn", slug="gezondheid"
    )
    city = Section.objects.create(agenda=agenda, number="4", title="Kennisstad breed", slug="kennisstad")
    _copy("1a", agenda=agenda, section=health, key="1a", position=1)
    _copy("2f", agenda=agenda, section=health, key="2c", position=2)
    studenten = Project.objects.get(agenda__period=LATER, key="1b")
    _copy(
        "1b",
        agenda=agenda,
        section=health,
        key="1d",
        position=3,
        title="Welzijn van studenten",
        # The older goal text: the first two sentences of the current one.
        description=" ".join(studenten.description.split(". ")[:2]),
    )
    _copy("4K7", agenda=agenda, section=city, key="4K2", code="2", position=4, title="Expat Centre Leiden")
    # Ended: a project run by the municipality alone, like 4K12 "Leerkrachtencampagne" now, and
    # one whose title shares a word with a later project but nothing else.
    municipality = (
        Participation.objects.get(project__agenda__period=LATER, project__key="4K12", role=Role.TREKKER)
    ).organisation
    festival = Project.objects.create(
        agenda=agenda,
        section=health,
        code="1x",
        key="1x",
        slug="1x",
        title="Kennisfestival in de Leidse Hout",
        description="Een jaarlijks festival in het park waar wetenschappers hun onderzoek laten zien.",
        position=5,
    )
    Participation.objects.create(project=festival, organisation=municipality, role=Role.TREKKER)
    Project.objects.create(
        agenda=agenda,
        section=city,
        code="9",
        key="4K9",
        slug="4k9",
        title="Campus Stationsgebied",
        description="Een nieuwe campus bij het station voor hbo-onderwijs.",
        position=6,
    )
    return agenda


@pytest.fixture(scope="module")
def compare_demo(django_db_setup, django_db_blocker):
    """The Leiden demo plus an earlier agenda, loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        build_earlier_agenda()
        yield
        transaction.set_rollback(True)


def agendas() -> tuple[Agenda, Agenda]:
    return Agenda.objects.get(period=EARLIER), Agenda.objects.get(period=LATER)


def compare() -> comparison.AgendaComparison:
    earlier, later = agendas()
    return comparison.compare_agendas(earlier=earlier, later=later)


def links(result: comparison.AgendaComparison) -> dict[str, str]:
    return {row.later.key: row.earlier.key for row in result.continued}


def row_of(result: comparison.AgendaComparison, later_key: str) -> comparison.Continuation:
    return next(row for row in result.continued if row.later.key == later_key)


def project(period: str, key: str) -> Project:
    return Project.objects.select_related("agenda").get(agenda__period=period, key=key)


# --- matching ----------------------------------------------------------------------------------


def test_it_links_unchanged_and_reworded_titles_and_nothing_else():
    result = compare()

    assert links(result) == EXPECTED_LINKS
    assert {p.key for p in result.ended} == ENDED
    later_keys = set(Project.objects.filter(agenda__period=LATER).values_list("key", flat=True))
    assert {row.project.key for row in result.new} == later_keys - set(EXPECTED_LINKS)
    assert not any(row.confirmed for row in result.continued)
    assert all(row.score >= comparison.MATCH_THRESHOLD for row in result.continued)


def test_it_gives_the_reasons_of_a_link():
    result = compare()

    same = row_of(result, "1a").reasons
    assert "zelfde titel" in same
    assert "zelfde code" in same
    assert "zelfde trekker(s)" in same
    assert "6 van 6 organisaties gelijk" in same

    moved = row_of(result, "2f").reasons
    assert "zelfde titel" in moved
    assert "zelfde code" not in moved

    reworded = row_of(result, "1b").reasons
    assert "zelfde titel" not in reworded
    assert any(reason.startswith("titel lijkt op (") for reason in reworded)
    assert "zelfde trekker(s)" in reworded
    assert "6 van 6 organisaties gelijk" in reworded
    assert any(reason.startswith("doelomschrijving lijkt op") for reason in reworded)

    expat = row_of(result, "4K7").reasons
    assert any(reason.startswith("titel lijkt") for reason in expat)
    assert "zelfde trekker(s)" in expat


def test_it_does_not_link_a_project_that_only_shares_the_municipality():
    scores = comparison._scores(
        comparison._load(Agenda.objects.get(period=EARLIER)),
        comparison._load(Agenda.objects.get(period=LATER)),
    )
    earlier = [p.key for p in comparison._load(Agenda.objects.get(period=EARLIER)).projects]
    later = [p.key for p in comparison._load(Agenda.objects.get(period=LATER)).projects]
    # Both are run by Gemeente Leiden alone; their titles and goals have nothing in common.
    festival_vs_campaign = scores.total[earlier.index("1x"), later.index("4K12")]
    assert scores.organisations[earlier.index("1x"), later.index("4K12")] == pytest.approx(1.0)
    assert festival_vs_campaign < comparison.MATCH_THRESHOLD


def test_it_refuses_to_compare_an_agenda_with_itself():
    _earlier, later = agendas()
    with pytest.raises(ValidationError, match="twee verschillende agenda"):
        comparison.compare_agendas(earlier=later, later=later)


def test_it_compares_in_a_few_queries(django_assert_max_num_queries):
    earlier, later = agendas()
    comparison.lineage_set(later=project(LATER, "1m"), earlier_or_none=None, user=None)
    with django_assert_max_num_queries(6):
        result = comparison.compare_agendas(earlier=earlier, later=later)
        [str(row.decision.decided_by) for row in result.new if row.decision]


def test_it_defaults_to_the_newest_earlier_and_the_current_agenda():
    Agenda.objects.create(title="Agenda 2015-2019", period="2015-2019", slug="2015-2019")
    earlier, later = comparison.default_agendas()
    assert (earlier.period, later.period) == (EARLIER, LATER)


# --- decisions ---------------------------------------------------------------------------------


def test_a_confirmation_marks_the_suggested_link_as_confirmed(kennismakelaar):
    earlier, _later = agendas()
    lineage = comparison.lineage_confirm(
        later=project(LATER, "1b"),
        earlier=project(EARLIER, "1d"),
        user=kennismakelaar,
        earlier_agenda=earlier,
    )

    assert (lineage.decided_by, lineage.earlier_agenda, lineage.later_agenda.period) == (
        kennismakelaar,
        earlier,
        LATER,
    )
    row = row_of(compare(), "1b")
    assert row.confirmed and row.decision.decided_by == kennismakelaar
    assert not row_of(compare(), "1a").confirmed


def test_a_correction_overrides_the_suggestions_and_clearing_restores_them(kennismakelaar):
    earlier, _later = agendas()
    # 1b is not the 2019 "Welzijn van studenten" after all, but a new project …
    comparison.lineage_set(
        later=project(LATER, "1b"), earlier_or_none=None, user=kennismakelaar, earlier_agenda=earlier
    )
    # … and the campaign does continue the festival, against the suggestion.
    comparison.lineage_set(
        later=project(LATER, "4K12"),
        earlier_or_none=project(EARLIER, "1x"),
        user=kennismakelaar,
        earlier_agenda=earlier,
    )
    result = compare()

    assert links(result) == {"1a": "1a", "2f": "2c", "4K7": "4K2", "4K12": "1x"}
    assert row_of(result, "4K12").confirmed
    assert not row_of(result, "1a").confirmed
    new_1b = next(row for row in result.new if row.project.key == "1b")
    assert new_1b.confirmed and new_1b.decision.earlier is None
    assert {p.key for p in result.ended} == {"1d", "4K9"}

    assert comparison.lineage_clear(later=project(LATER, "1b"), user=kennismakelaar) is True
    assert comparison.lineage_clear(later=project(LATER, "1b"), user=kennismakelaar) is False
    assert links(compare())["1b"] == "1d"


def test_a_decision_takes_the_earlier_project_from_another_suggestion(kennismakelaar):
    # 1m "Leiden op Leeftijd" declared the successor of the 2019 Healthy Society Center.
    comparison.lineage_set(
        later=project(LATER, "1m"), earlier_or_none=project(EARLIER, "1a"), user=kennismakelaar
    )
    result = compare()

    assert links(result)["1m"] == "1a"
    assert "1a" not in links(result)
    assert "1a" in {row.project.key for row in result.new}


@pytest.mark.parametrize(
    ("earlier_period", "earlier_key", "agenda_period", "message"),
    [
        (LATER, "1c", None, "dezelfde agenda"),
        (LATER, "1c", EARLIER, "dezelfde agenda"),
        (EARLIER, "1d", "2015-2019", "hoort niet bij"),
    ],
)
def test_it_refuses_a_link_that_cannot_be(
    kennismakelaar, earlier_period, earlier_key, agenda_period, message
):
    Agenda.objects.create(title="Agenda 2015-2019", period="2015-2019", slug="2015-2019")
    agenda = Agenda.objects.get(period=agenda_period) if agenda_period else None
    with pytest.raises(ValidationError, match=message):
        comparison.lineage_set(
            later=project(LATER, "1b"),
            earlier_or_none=project(earlier_period, earlier_key),
            user=kennismakelaar,
            earlier_agenda=agenda,
        )
    assert not ProjectLineage.objects.exists()


def test_it_refuses_an_earlier_project_from_a_later_agenda(kennismakelaar):
    with pytest.raises(ValidationError, match="latere agenda"):
        comparison.lineage_set(
            later=project(EARLIER, "1a"), earlier_or_none=project(LATER, "1a"), user=kennismakelaar
        )
    assert not ProjectLineage.objects.exists()


def test_it_refuses_a_predecessor_already_confirmed_for_another_project(kennismakelaar):
    comparison.lineage_confirm(
        later=project(LATER, "1a"), earlier=project(EARLIER, "1a"), user=kennismakelaar
    )
    with pytest.raises(ValidationError, match="al bevestigd als voorganger"):
        comparison.lineage_set(
            later=project(LATER, "1m"), earlier_or_none=project(EARLIER, "1a"), user=kennismakelaar
        )
    assert list(ProjectLineage.objects.values_list("later__key", "earlier__key")) == [("1a", "1a")]


def test_the_database_refuses_a_link_within_one_agenda():
    later = project(LATER, "1a")
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - IntegrityError of either database
        ProjectLineage.objects.create(
            later=later, earlier=project(LATER, "1b"), later_agenda=later.agenda, earlier_agenda=later.agenda
        )


def test_the_public_project_pages_show_a_confirmed_link_only(client, kennismakelaar):
    later_url = project(LATER, "1b").get_absolute_url()
    assert "Vervolg op" not in client.get(later_url).content.decode()

    comparison.lineage_confirm(
        later=project(LATER, "1b"), earlier=project(EARLIER, "1d"), user=kennismakelaar
    )

    later_page = client.get(later_url).content.decode()
    assert "Vervolg op" in later_page
    assert f'href="{project(EARLIER, "1d").get_absolute_url()}"' in later_page
    assert "(Agenda 2019-2023)" in later_page
    earlier_page = client.get(project(EARLIER, "1d").get_absolute_url()).content.decode()
    assert "Voortgezet als" in earlier_page and f'href="{later_url}"' in earlier_page


# --- the page ----------------------------------------------------------------------------------

PAGE = reverse("portfolio:agenda_compare")


def decide_url(name: str, key: str) -> str:
    return reverse(f"portfolio:{name}", kwargs={"period": LATER, "key": key})


@pytest.fixture
def broker_client(client, kennismakelaar):
    client.force_login(kennismakelaar)
    return client


def test_it_sends_anonymous_visitors_to_the_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.post(decide_url("lineage_confirm", "1a"), {"eerder": EARLIER})["Location"].startswith(
        reverse("admin:login")
    )


def test_it_refuses_staff_without_a_role_lets_the_steering_group_read_and_the_broker_decide(
    client, django_user_model
):
    user = django_user_model.objects.create_user(
        "redacteur", "r@example.org", "geheim-wachtwoord-1", is_staff=True
    )
    client.force_login(user)
    assert client.get(PAGE).status_code == 403
    assert (
        client.post(decide_url("lineage_set", "1a"), {"eerder": EARLIER, "voorganger": "nieuw"}).status_code
        == 403
    )
    assert not ProjectLineage.objects.exists()

    assign_role(user, BackOfficeRole.STUURGROEP)
    client.force_login(django_user_model.objects.get(pk=user.pk))
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "/bevestigen/" not in page.text and "/corrigeren/" not in page.text  # read-only: no decision forms
    assert (
        client.post(decide_url("lineage_set", "1a"), {"eerder": EARLIER, "voorganger": "nieuw"}).status_code
        == 403
    )

    assign_role(user, BackOfficeRole.KENNISMAKELAAR)
    client.force_login(django_user_model.objects.get(pk=user.pk))
    assert (
        client.post(decide_url("lineage_set", "1a"), {"eerder": EARLIER, "voorganger": "nieuw"}).status_code
        == 302
    )
    assert ProjectLineage.objects.count() == 1


def test_it_shows_the_three_lists_with_counts_and_reasons(broker_client):
    response = broker_client.get(PAGE)
    html = response.content.decode()

    assert response.status_code == 200
    result = compare()
    assert f'Voortgezet <span class="count">({len(EXPECTED_LINKS)})</span>' in html
    assert f'Nieuw <span class="count">({len(result.new)})</span>' in html
    assert f'Beëindigd <span class="count">({len(ENDED)})</span>' in html
    assert 'id="project-1b"' in html and "Welzijn van studenten" in html
    assert "zelfde titel" in html and "voorstel" in html
    assert "Kennisfestival in de Leidse Hout" in html
    assert 'for="voorganger-1b"' in html and "geen voorganger (nieuw project)" in html


def test_it_confirms_from_the_page_and_says_who_did(broker_client, kennismakelaar):
    response = broker_client.post(
        decide_url("lineage_confirm", "1b"),
        {"eerder": EARLIER, "later": LATER, "voorganger": project(EARLIER, "1d").pk},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?eerder={EARLIER}&later={LATER}#project-1b"
    assert ProjectLineage.objects.get(later__key="1b", later__agenda__period=LATER).earlier.key == "1d"
    html = broker_client.get(response["Location"]).content.decode()
    assert "Bevestigd: 1b Studentenwelzijn is een vervolg op 1d Welzijn van studenten." in html
    assert "bevestigd door kennismakelaar op" in html


def test_it_corrects_and_clears_from_the_page(broker_client):
    response = broker_client.post(
        decide_url("lineage_set", "1a"), {"eerder": EARLIER, "later": LATER, "voorganger": "nieuw"}
    )
    assert response.status_code == 302
    assert ProjectLineage.objects.get(later__key="1a").earlier is None
    assert "1a" in {row.project.key for row in compare().new}

    response = broker_client.post(decide_url("lineage_clear", "1a"), {"eerder": EARLIER, "later": LATER})
    assert response.status_code == 302
    assert not ProjectLineage.objects.exists()
    assert "het voorstel geldt weer" in broker_client.get(response["Location"]).content.decode()


def test_it_shows_a_refusal_on_the_page_and_changes_nothing(broker_client):
    response = broker_client.post(
        decide_url("lineage_set", "1b"),
        {"eerder": EARLIER, "later": LATER, "voorganger": project(LATER, "1c").pk},
    )
    assert response.status_code == 400
    assert "dezelfde agenda" in response.content.decode()

    response = broker_client.post(
        decide_url("lineage_set", "1b"), {"eerder": EARLIER, "later": LATER, "voorganger": "onzin"}
    )
    assert response.status_code == 400
    assert "Kies een eerder project" in response.content.decode()

    response = broker_client.post(
        decide_url("lineage_confirm", "1b"), {"eerder": EARLIER, "later": LATER, "voorganger": "nieuw"}
    )
    assert response.status_code == 400
    assert "Kies het project waarop dit project een vervolg is" in response.content.decode()
    assert not ProjectLineage.objects.exists()


def test_it_explains_how_to_import_an_agenda_when_there_is_only_one(broker_client):
    Project.objects.filter(agenda__period=EARLIER).delete()
    Agenda.objects.filter(period=EARLIER).delete()
    response = broker_client.get(PAGE)
    html = response.content.decode()

    assert response.status_code == 200
    assert "minstens twee nodig" in html
    assert "import_agenda" in html
    assert "Voortgezet" not in html
