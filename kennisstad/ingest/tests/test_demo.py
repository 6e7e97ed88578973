import io

import pytest
from django.core.management import call_command

from kennisstad.portfolio.models import Agenda, Project, Section

pytestmark = pytest.mark.django_db


def test_the_demo_holds_every_project_of_both_seed_texts_once(demo, gold_projects):
    assert set(Project.objects.values_list("key", flat=True)) == set(gold_projects)
    agenda = Agenda.objects.get()
    assert agenda.period == "2023-2027" and agenda.is_current


def test_the_demo_themes_carry_their_ambitions_from_the_website(demo):
    ambitions = dict(Section.objects.values_list("title", "ambition"))

    assert ambitions["Gezondheid & Welzijn"].startswith(
        "We hebben de ambitie Leiden als een van de gezondste"
    )
    assert "klimaat neutrale stad per 2040" in ambitions["Biodiversiteit & Duurzaamheid"]
    assert ambitions["Cultureel erfgoed"]
    assert Agenda.objects.get().introduction.startswith("De projecten binnen Leiden Kennisstad")


def test_loading_the_demo_twice_creates_no_duplicates(demo):
    counts = (Project.objects.count(), Section.objects.count())

    call_command("load_demo", stdout=io.StringIO())

    assert (Project.objects.count(), Section.objects.count()) == counts


def test_the_demo_does_not_need_the_shared_folder(settings, monkeypatch, tmp_path):
    # Run from an unrelated directory: everything the demo loads ships inside the package.
    monkeypatch.chdir(tmp_path)
    call_command("load_demo", stdout=io.StringIO())

    assert Project.objects.count() == 58
