import io
import json

import pytest
from django.core.management import CommandError, call_command

from kennisstad.ingest.models import ImportRun
from kennisstad.organisations.models import Organisation
from kennisstad.portfolio.models import Participation, Project, Role, UnresolvedMention

pytestmark = pytest.mark.django_db


def run_import(path, *args) -> str:
    out = io.StringIO()
    call_command("import_agenda", str(path), *args, stdout=out)
    return out.getvalue()


def database_state() -> tuple:
    return (
        list(Project.objects.order_by("pk").values_list("key", "title", "description", "status")),
        list(Participation.objects.order_by("pk").values_list("project_id", "organisation_id", "role")),
        list(UnresolvedMention.objects.order_by("pk").values_list("project_id", "text")),
        ImportRun.objects.count(),
    )


def org_level(project: Project, role: str) -> set[str]:
    return {p.organisation.root().name for p in project.participations.all() if p.role == role}


def units(project: Project, role: str) -> set[str]:
    return {
        p.organisation.name for p in project.participations.all() if p.role == role and p.organisation.is_unit
    }


# Where the table text differs from the PDF text but the gold records no
# table_text_difference: the table text really says these (checked by hand).
TABLE_TEXT_GOLD_GAPS = {
    "1n": {"leads_raw": "UI, CS Lab"},
    "4V2": {"partners_raw": "OVBS, MRDH, Prov, etc."},
    "4V3": {
        "partners_raw": "gem, UL, ICLON, Da Vinci, mboRijnland, SCOL, PROOLEiden, Leidse Aanpak, Naturalis, "
        "Microsoft, Technolab en Ondernemersfonds Leiden."
    },
    "4K6": {"unresolved": ["werkgroep studentenhuysvesting"]},
}
ORGANISATION_FIELDS = ("leads", "partners", "lead_units", "partner_units")


def expected(gold: dict, source: str) -> dict:
    """The gold record as the given seed text states it."""
    if source == "table":
        return {**gold, **gold.get("table_text_differences", {}), **TABLE_TEXT_GOLD_GAPS.get(gold["key"], {})}
    return gold


@pytest.mark.parametrize("source", ["pdf", "table"])
def test_json_out_matches_the_gold_for_each_seed_text(
    organisations, shared_dir, gold_projects, tmp_path, source
):
    seed = shared_dir / "seeds" / f"agenda-2023-2027.{source}.txt"
    out_file = tmp_path / "out.json"
    run_import(seed, "--dry-run", "--json-out", out_file)
    records = {r["key"]: r for r in json.loads(out_file.read_text())}
    wanted = {
        key: gold
        for key, gold in gold_projects.items()
        if f"agenda-2023-2027.{source}.txt" in gold["sources"]
    }
    assert set(records) == set(wanted)
    fields = [
        "agenda",
        "section",
        "group",
        "code",
        "title",
        "status_note",
        "leads_raw",
        "partners_raw",
        "leads",
        "partners",
        "lead_units",
        "partner_units",
        "unresolved",
        "contact",
    ]
    for key, gold in wanted.items():
        gold = expected(gold, source)
        for name in fields:
            if name in ORGANISATION_FIELDS:  # organisation level: F1 = 1.0, order aside
                assert set(records[key][name]) == set(gold[name]), f"{key} {name}"
                assert len(records[key][name]) == len(gold[name]), f"{key} {name} has duplicates"
            else:
                assert records[key][name] == gold[name], f"{key} {name}"
        words = " ".join(records[key]["description"].split())
        assert words.startswith(" ".join(gold["description_first_words"].split())), key
        assert words.endswith(" ".join(gold["description_last_words"].split())), key


def test_it_imports_the_pdf_text_with_organisations_per_project(organisations, shared_dir, gold_projects):
    output = run_import(shared_dir / "seeds" / "agenda-2023-2027.pdf.txt")

    assert "nieuw: 58" in output
    assert "Geen onbekende afkortingen." in output
    projects = {p.key: p for p in Project.objects.prefetch_related("participations__organisation__parent")}
    assert set(projects) == set(gold_projects)
    for key, gold in gold_projects.items():
        project = projects[key]
        assert project.title == gold["title"]
        assert project.section.title == gold["section"]
        assert (project.group.title if project.group else None) == gold["group"]
        assert org_level(project, Role.TREKKER) == set(gold["leads"]), key
        assert org_level(project, Role.PARTNER) == set(gold["partners"]), key
        assert units(project, Role.TREKKER) == set(gold["lead_units"]), key
        assert units(project, Role.PARTNER) == set(gold["partner_units"]), key
        assert sorted(project.unresolved_mentions.values_list("text", flat=True)) == sorted(
            gold["unresolved"]
        ), key


def test_importing_both_seed_texts_merges_them_without_duplicates(organisations, shared_dir, gold_projects):
    run_import(shared_dir / "seeds" / "agenda-2023-2027.table.txt")
    assert Project.objects.count() == 55
    slugs_before = dict(Project.objects.values_list("key", "slug"))

    output = run_import(shared_dir / "seeds" / "agenda-2023-2027.pdf.txt")

    assert Project.objects.count() == 58
    assert "nieuw: 3" in output
    for key in ("1t", "1u", "2n"):
        assert f"+ {key} " in output
    # The spelling the table text got wrong is reported as a change of the PDF text.
    assert "~ 4K6" in output and "studentenhuysvesting" in output
    assert {key: slug for key, slug in Project.objects.values_list("key", "slug") if key in slugs_before} == (
        slugs_before
    )
    assert Project.objects.get(key="4K6").title == gold_projects["4K6"]["title"]
    assert sorted(Project.objects.get(key="1a").source_documents) == [
        "agenda-2023-2027.pdf.txt",
        "agenda-2023-2027.table.txt",
    ]


def test_the_table_text_after_the_pdf_text_reports_projects_it_lacks(organisations, shared_dir):
    run_import(shared_dir / "seeds" / "agenda-2023-2027.pdf.txt")

    output = run_import(shared_dir / "seeds" / "agenda-2023-2027.table.txt")

    assert Project.objects.count() == 58
    assert "niet in dit document: 3" in output
    assert "1t, 1u, 2n" in output


def test_reimporting_the_same_document_changes_nothing(organisations, shared_dir):
    seed = shared_dir / "seeds" / "agenda-2023-2027.pdf.txt"
    run_import(seed)
    before = database_state()[:3]

    output = run_import(seed)

    assert "nieuw: 0   gewijzigd: 0   ongewijzigd: 58" in output
    assert database_state()[:3] == before


def test_a_dry_run_reports_but_changes_nothing(organisations, shared_dir):
    before = database_state()

    output = run_import(shared_dir / "seeds" / "agenda-2023-2027.pdf.txt", "--dry-run")

    assert "Proefimport" in output and "nieuw: 58" in output
    assert database_state() == before


def test_a_remark_after_the_title_sets_the_status(organisations, tmp_path):
    document = tmp_path / "agenda.txt"
    document.write_text(
        "Agenda 2019-2022\n\n"
        "nr.\tProject\tBeschrijving doel\tT: Trekker P: overige (beoogde) Partners\n\n"
        "1. Gezonde stad\n\n"
        "1a\tHuurteam Project voltooid\t<p>Huurders helpen.</p>\tT: GL P: UL\n"
        "1b\tLeefstijlloket (project gestaakt)\t<p>Een loket.</p>\tT: GL\n"
        "1c\tBuurtlab\t<p>Onderzoek in de wijk.</p>\tT: HsL P: GL\n",
        encoding="utf-8",
    )

    run_import(document)

    statuses = dict(Project.objects.values_list("key", "status"))
    assert statuses == {"1a": "afgerond", "1b": "gestopt", "1c": "lopend"}
    assert Project.objects.get(key="1a").title == "Huurteam"


def test_an_unknown_abbreviation_is_reported_and_kept_as_unresolved(organisations, tmp_path):
    document = tmp_path / "agenda.txt"
    document.write_text(
        "Agenda 2019-2022\n\n"
        "nr.\tProject\tBeschrijving doel\tT: Trekker P: overige (beoogde) Partners\n\n"
        "1. Gezonde stad\n\n"
        "1a\tBuurtlab\t<p>Onderzoek in de wijk.</p>\tT: GL, XQZ P: UL, inwoners\n",
        encoding="utf-8",
    )

    output = run_import(document)

    assert "XQZ: 1a" in output
    project = Project.objects.get(key="1a")
    assert sorted(project.unresolved_mentions.values_list("text", flat=True)) == ["XQZ", "inwoners"]
    assert not Organisation.objects.filter(name="XQZ").exists()


def test_an_error_halfway_rolls_the_whole_import_back(organisations, shared_dir, tmp_path):
    run_import(shared_dir / "seeds" / "agenda-2023-2027.pdf.txt")
    before = database_state()
    text = (shared_dir / "seeds" / "agenda-2023-2027.table.txt").read_text(encoding="utf-8")
    # A title longer than the database allows, late in the document: the projects
    # updated before it must be rolled back too.
    broken = tmp_path / "broken.txt"
    broken.write_text(text.replace("4\tPLNT\t", "4\t" + "PLNT " * 80 + "\t"), encoding="utf-8")

    with pytest.raises(CommandError, match=r"(?s)broken.txt:\d+: project 4K4: title.*Er is niets veranderd"):
        run_import(broken)

    assert database_state() == before


def test_a_code_used_twice_is_rejected_before_anything_is_written(organisations, shared_dir, tmp_path):
    text = (shared_dir / "seeds" / "agenda-2023-2027.table.txt").read_text(encoding="utf-8")
    broken = tmp_path / "broken.txt"
    broken.write_text(text.replace("2m\tNatuur om de hoek", "2a\tNatuur om de hoek"), encoding="utf-8")

    with pytest.raises(CommandError, match=r"(?s)2a komt twee keer voor.*Er is niets veranderd"):
        run_import(broken)

    assert Project.objects.count() == 0


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", b"", "leeg"),
        ("blank.txt", b"   \n\n  ", "leeg"),
        ("garbage.txt", bytes(range(256)) * 8, "tekenset"),
        ("utf32.txt", "1a\tProject\tdoel\tT: GL".encode("utf-32-le"), "tekenset"),
        ("not-a-pdf.pdf", b"this is not a PDF file at all", "PDF"),
        ("prose.txt", b"Dit is gewoon een brief.\nMet twee regels proza.\n", "geen"),
        ("agenda.xlsx", b"PK\x03\x04", "xlsx"),
    ],
)
def test_bad_input_gives_a_clear_error_and_changes_nothing(organisations, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    before = database_state()

    with pytest.raises(CommandError, match=message):
        run_import(path, "--agenda", "2023-2027")

    assert database_state() == before


def test_a_truncated_table_gives_a_clear_error_and_changes_nothing(organisations, shared_dir, tmp_path):
    text = (shared_dir / "seeds" / "agenda-2023-2027.table.txt").read_text(encoding="utf-8")
    cut = text.index("1k\tPIT")
    truncated = tmp_path / "truncated.txt"
    truncated.write_text(text[: cut + 40], encoding="utf-8")
    before = database_state()

    with pytest.raises(CommandError, match=r"truncated.txt:\d+"):
        run_import(truncated)

    assert database_state() == before


def test_a_random_pdf_gives_a_clear_error(organisations):
    from pathlib import Path

    random_pdf = Path(__file__).parent / "fixtures" / "random.pdf"
    if not random_pdf.exists():
        pytest.skip("fixture random.pdf missing")
    before = database_state()

    with pytest.raises(CommandError, match="geen"):
        run_import(random_pdf, "--agenda", "2023-2027")

    assert database_state() == before


def test_it_asks_for_the_period_when_the_document_does_not_state_it(organisations, tmp_path):
    document = tmp_path / "agenda.txt"
    document.write_text(
        "nr.\tProject\tBeschrijving doel\tT: Trekker P: overige (beoogde) Partners\n\n1. Stad\n\n"
        "1a\tBuurtlab\t<p>Onderzoek.</p>\tT: GL\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match="--agenda"):
        run_import(document)

    output = run_import(document, "--agenda", "2019-2022")
    assert "agenda 2019-2022" in output


def test_the_report_shows_where_a_long_text_changed():
    from kennisstad.ingest.reporting import difference_window

    old = "Een lange beschrijving " * 10 + "met studentenhuysvesting erin."
    new = "Een lange beschrijving " * 10 + "met studentenhuisvesting erin."

    shown_old, shown_new = difference_window(old, new)

    assert "studentenhuysvesting" in shown_old and "studentenhuisvesting" in shown_new
    assert shown_old.startswith("…") and len(shown_old) < 80
    assert difference_window("kort", "korter") == ("kort", "korter")
