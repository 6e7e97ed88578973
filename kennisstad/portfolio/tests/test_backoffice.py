import pytest
from django.urls import reverse

from kennisstad.organisations.models import Alias, Organisation
from kennisstad.portfolio.models import Participation, Project, Role, UnresolvedMention

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_client(client, kennismakelaar):
    client.force_login(kennismakelaar)
    return client


def changelist_keys(response) -> set[str]:
    return {project.key for project in response.context["cl"].result_list}


def test_the_back_office_speaks_dutch(broker_client, demo):
    response = broker_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "Kennisstad backoffice" in response.text
    assert "Projecten" in response.text and "Organisaties" in response.text


def test_projects_can_be_filtered_by_section_and_status(broker_client, demo):
    section = Project.objects.get(key="2a").section
    Project.objects.filter(key="2b").update(status=Project.Status.AFGEROND)

    by_section = broker_client.get(
        reverse("admin:portfolio_project_changelist"), {"section__id__exact": section.pk}
    )
    by_status = broker_client.get(
        reverse("admin:portfolio_project_changelist"), {"status__exact": "afgerond"}
    )

    assert changelist_keys(by_section) == set(section.projects.values_list("key", flat=True))
    assert changelist_keys(by_status) == {"2b"}


def test_projects_can_be_filtered_by_organisation_and_role_together(broker_client, demo):
    naturalis = Organisation.objects.get(name="Naturalis Biodiversity Center")
    url = reverse("admin:portfolio_project_changelist")

    as_lead = changelist_keys(broker_client.get(url, {"organisatie": naturalis.pk, "rol": Role.TREKKER}))
    any_role = changelist_keys(broker_client.get(url, {"organisatie": naturalis.pk}))

    expected_leads = set(
        Participation.objects.filter(organisation=naturalis, role=Role.TREKKER).values_list(
            "project__key", flat=True
        )
    )
    assert as_lead == expected_leads and "2c" in as_lead
    assert as_lead < any_role
    assert "1a" in any_role  # Naturalis is a partner there


def test_filtering_on_an_organisation_includes_projects_of_its_units(broker_client, demo):
    leiden_university = Organisation.objects.get(name="Universiteit Leiden")

    keys = changelist_keys(
        broker_client.get(
            reverse("admin:portfolio_project_changelist"), {"organisatie": leiden_university.pk}
        )
    )

    assert "1i" in keys  # only the faculty UL/FSW is named there


def test_projects_can_be_searched(broker_client, demo):
    response = broker_client.get(reverse("admin:portfolio_project_changelist"), {"q": "studentenhuisvesting"})

    assert "4K6" in changelist_keys(response)


def test_an_organisation_page_shows_its_aliases_and_units(broker_client, demo):
    university = Organisation.objects.get(name="Universiteit Leiden")

    response = broker_client.get(reverse("admin:organisations_organisation_change", args=[university.pk]))

    assert response.status_code == 200
    assert "Faculteit der Sociale Wetenschappen" in response.text
    assert 'value="UL"' in response.text


def test_an_alias_differing_only_in_case_is_rejected(broker_client, demo):
    gemeente = Organisation.objects.get(name="Gemeente Leiden")

    response = broker_client.post(
        reverse("admin:organisations_alias_add"), {"text": "  gl ", "organisation": gemeente.pk}
    )

    assert response.status_code == 200
    assert "bestaat al" in response.text
    assert Alias.objects.filter(text__iexact="gl").count() == 1


def test_mapping_an_unresolved_mention_updates_every_project_that_uses_it(broker_client, demo):
    inwoners = list(UnresolvedMention.objects.filter(text="inwoners"))
    assert len(inwoners) == 2
    target = Organisation.objects.create(name="Bewonersplatform Leiden", slug="bewonersplatform-leiden")

    response = broker_client.post(
        reverse("admin:portfolio_unresolvedmention_changelist"),
        {
            "action": "map_to_organisation",
            "_selected_action": [inwoners[0].pk],
            "apply": "1",
            "organisation": target.pk,
        },
        follow=True,
    )

    assert response.status_code == 200
    assert not UnresolvedMention.objects.filter(text="inwoners").exists()
    mapped = Participation.objects.filter(organisation=target)
    assert {p.project.key for p in mapped} == {m.project.key for m in inwoners}
    assert all(p.role == Role.PARTNER for p in mapped)
    assert Alias.objects.filter(organisation=target, text="inwoners").exists()


def test_the_mapping_page_asks_which_organisation(broker_client, demo):
    mention = UnresolvedMention.objects.filter(text="MKB").first()

    response = broker_client.post(
        reverse("admin:portfolio_unresolvedmention_changelist"),
        {"action": "map_to_organisation", "_selected_action": [mention.pk]},
    )

    assert response.status_code == 200
    assert "Vermeldingen koppelen aan een organisatie" in response.text
    assert UnresolvedMention.objects.filter(pk=mention.pk).exists()


def test_unresolved_mentions_are_listed_for_the_kennismakelaar(broker_client, demo):
    response = broker_client.get(reverse("admin:portfolio_unresolvedmention_changelist"))

    assert response.status_code == 200
    assert "partners preventie-akkoord" in response.text


def test_the_project_page_shows_participations_and_mentions(broker_client, demo):
    project = Project.objects.get(key="1a")

    response = broker_client.get(reverse("admin:portfolio_project_change", args=[project.pk]))

    assert response.status_code == 200
    assert "partners preventie-akkoord" in response.text
    assert "Leiden Healthy Society Center" in response.text


def test_the_back_office_is_closed_to_anonymous_visitors(client, demo):
    response = client.get(reverse("admin:portfolio_project_changelist"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_kennismakelaar_can_preview_and_then_import_an_uploaded_agenda(
    broker_client, organisations, shared_dir
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (shared_dir / "seeds" / "agenda-2023-2027.table.txt").read_bytes()
    url = reverse("admin:ingest_import_agenda")

    preview = broker_client.post(
        url, {"document": SimpleUploadedFile("agenda.table.txt", content), "period": "", "dry_run": "on"}
    )
    assert preview.status_code == 200
    assert "Proefimport" in preview.text and "55 nieuw" in preview.text
    assert Project.objects.count() == 0

    real = broker_client.post(
        url, {"document": SimpleUploadedFile("agenda.table.txt", content), "period": ""}
    )
    assert "Import voltooid" in real.text
    assert Project.objects.count() == 55


def test_an_upload_of_the_wrong_type_is_refused_keeping_the_period(broker_client, organisations):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = broker_client.post(
        reverse("admin:ingest_import_agenda"),
        {"document": SimpleUploadedFile("agenda.exe", b"MZ"), "period": "2019-2022", "dry_run": "on"},
    )

    assert response.status_code == 200
    assert "wordt niet ondersteund" in response.text
    assert 'value="2019-2022"' in response.text
    assert Project.objects.count() == 0


def test_an_unreadable_upload_shows_the_reason_and_changes_nothing(broker_client, organisations):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = broker_client.post(
        reverse("admin:ingest_import_agenda"),
        {"document": SimpleUploadedFile("agenda.pdf", b"not a pdf"), "period": "2023-2027"},
    )

    assert "er is niets veranderd" in response.text
    assert Project.objects.count() == 0


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:portfolio_project_changelist",
        "admin:organisations_organisation_changelist",
        "admin:portfolio_unresolvedmention_changelist",
    ],
)
def test_list_pages_do_not_query_per_row(broker_client, demo, django_assert_max_num_queries, url_name):
    # 58 projects and 86 organisations on one page: a per-row query would blow far past this.
    with django_assert_max_num_queries(20):
        response = broker_client.get(reverse(url_name))

    assert response.status_code == 200


def test_a_project_saved_in_the_back_office_is_found_by_the_public_search(broker_client, demo):
    from kennisstad.search.selectors import search

    project = Project.objects.get(key="3h")
    data = {
        "agenda": project.agenda_id,
        "section": project.section_id,
        "group": "",
        "code": project.code,
        "title": "Stad en taal: meertaligheid in de wijk",
        "slug": project.slug,
        "description": project.description,
        "status": project.status,
        "status_note": "",
        "contact": "",
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
        "unresolved_mentions-TOTAL_FORMS": "0",
        "unresolved_mentions-INITIAL_FORMS": "0",
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
        "_edit_version": project.version,
    }

    response = broker_client.post(reverse("admin:portfolio_project_change", args=[project.pk]), data)

    assert response.status_code == 302, response.context["adminform"].errors if response.context else ""
    assert [hit.object_id for hit in search("meertaligheid").hits] == [project.pk]


def test_a_new_alias_makes_the_organisations_projects_findable_by_it(broker_client, demo):
    from kennisstad.search.selectors import search

    naturalis = Organisation.objects.get(name="Naturalis Biodiversity Center")
    assert search("NBC").total == 0

    broker_client.post(
        reverse("admin:organisations_alias_add"), {"text": "NBC", "organisation": naturalis.pk}
    )

    found = {hit.object_id for hit in search("NBC", soort="project").hits}
    assert Project.objects.get(key="2c").pk in found
