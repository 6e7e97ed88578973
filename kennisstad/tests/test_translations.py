import re
from pathlib import Path

import pytest
from django.urls import reverse

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def untranslated_entries(po_text: str) -> list[str]:
    """msgids whose English msgstr is empty (the header entry aside), or that are marked fuzzy."""
    problems = []
    for block in po_text.split("\n\n")[1:]:
        if "msgid" not in block:
            continue
        source, _, translation = block.partition("\nmsgstr")
        if "#, fuzzy" in block or not re.search(r'"(.+)"', translation):
            problems.append(source[source.index("msgid") :])
    return problems


def test_the_english_catalogue_is_complete():
    assert untranslated_entries(CATALOGUE.read_text(encoding="utf-8")) == []
    assert CATALOGUE.with_suffix(".mo").stat().st_mtime >= CATALOGUE.stat().st_mtime - 1


@pytest.mark.django_db
def test_the_back_office_speaks_english_when_chosen_whatever_the_browser_says(client, kennismakelaar, demo):
    client.force_login(kennismakelaar)

    dutch = client.get(reverse("admin:portfolio_project_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    english = client.get(reverse("admin:portfolio_project_changelist"))

    assert "Kennisstad back office" in english.text and ">Leads<" in english.text
    assert "Kennisstad backoffice" in dutch.text and ">Trekkers<" in dutch.text
