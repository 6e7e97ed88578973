"""The reader for agenda text extracted from a PDF (``ingest.formats.pdf_text``)."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest

from kennisstad.ingest.common import AgendaFormatError, ParsedAgenda
from kennisstad.ingest.formats.pdf_text import looks_like, parse

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
SEED = SHARED / "seeds" / "agenda-2023-2027.pdf.txt"
GOLD = SHARED / "gold" / "agenda-2023-2027.json"

# Full-width description lines, so that the snippets below have the column
# widths of a real agenda (the reader measures them on the document).
BODY = dedent(
    """\
    Bewoners, onderzoekers en studenten werken samen aan de vraagstukken van de stad en de regio, waarbij
    de kennis van de instellingen wordt ingezet voor gezondheid, welzijn en een groene leefomgeving."""
)


def _agenda(snippet: str, heading: str = "1. Gezondheid & Welzijn") -> ParsedAgenda:
    return parse(f"B. Agenda 2023-2027 Voortgang Projecten\n\n{heading}\n\n{dedent(snippet)}", "test.txt")


def _words(text: str) -> str:
    return " ".join(text.split())


def _gold_records() -> list[dict]:
    if not GOLD.exists():
        return []
    return json.loads(GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_agenda() -> ParsedAgenda:
    if not SEED.exists():
        pytest.skip(f"seed document not found in {SHARED}")
    return parse(SEED.read_text(encoding="utf-8"), SEED.name)


# -- the real agenda ----------------------------------------------------------


@pytest.mark.parametrize("gold", _gold_records() or [None], ids=lambda gold: gold["key"] if gold else "none")
def test_it_reads_every_gold_project_from_the_seed(seed_agenda, gold):
    if gold is None:
        pytest.skip(f"gold data not found in {SHARED}")
    projects = {project.key: project for project in seed_agenda.projects}
    project = projects[gold["key"]]
    assert project.section_title == gold["section"]
    assert project.section_number == gold["key"][0]
    assert project.group == gold["group"]
    assert project.code == gold["code"]
    assert project.title == gold["title"]
    assert project.status_note == gold["status_note"]
    assert project.leads_raw == gold["leads_raw"]
    assert project.partners_raw == gold["partners_raw"]
    assert project.contact == gold["contact"]
    assert _words(project.description).startswith(_words(gold["description_first_words"]))
    assert _words(project.description).endswith(_words(gold["description_last_words"]))


def test_it_reads_exactly_the_gold_projects_in_order(seed_agenda):
    gold = _gold_records()
    if not gold:
        pytest.skip(f"gold data not found in {SHARED}")
    assert [project.key for project in seed_agenda.projects] == [record["key"] for record in gold]


def test_it_reads_the_document_heading_and_period(seed_agenda):
    assert seed_agenda.title == "B. Agenda 2023-2027 Voortgang Projecten"
    assert seed_agenda.period == "2023-2027"
    assert seed_agenda.style == "pdf-text"


def test_it_points_each_project_at_the_line_where_its_row_starts(seed_agenda):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    for project in seed_agenda.projects:
        assert lines[project.line - 1].strip().startswith(project.code), project.key


def test_it_recognises_the_pdf_layout_but_not_the_table_layout():
    if not SEED.exists():
        pytest.skip(f"seed documents not found in {SHARED}")
    assert looks_like(SEED.read_text(encoding="utf-8"))
    assert not looks_like((SHARED / "seeds" / "agenda-2023-2027.table.txt").read_text(encoding="utf-8"))
    assert not looks_like((SHARED / "seeds" / "magazine-2017.txt").read_text(encoding="utf-8"))


# -- layout quirks, on small snippets -------------------------------------------


def test_it_joins_a_cell_split_over_a_page_break():
    agenda = _agenda(
        f"""\
        1a Leids preventieakkoord

        {BODY}

        T: GL
        P: HsL, UL, mboR, Leren met

        7

        de Stad, LUMC e.a.

        1b Studentenwelzijn

        {BODY}

        T: GL, UL, HsL,

        8

        StOP
        P: UL/CS Lab
        """
    )
    first, second = agenda.projects
    assert first.partners_raw == "HsL, UL, mboR, Leren met de Stad, LUMC e.a."
    assert "7" not in first.description.split()
    assert second.leads_raw == "GL, UL, HsL, StOP"
    assert second.partners_raw == "UL/CS Lab"


def test_it_joins_a_title_wrapped_over_three_lines():
    agenda = _agenda(
        f"""\
        1a KAS: SPIL-Programma
        (Kenniscentrum preventie angst
        & stress)

        {BODY}

        T: UL/FSW
        P: SWV PPO, GGD

        1b Nieuwste technieken van

        biomonitoring in de stad en
        op het land
        {BODY}

        T: Naturalis
        P: HsL
        """
    )
    first, second = agenda.projects
    assert first.title == "KAS: SPIL-Programma (Kenniscentrum preventie angst & stress)"
    assert second.title == "Nieuwste technieken van biomonitoring in de stad en op het land"
    assert second.description.startswith("Bewoners, onderzoekers")


def test_it_skips_the_column_header_repeated_on_a_new_page():
    agenda = _agenda(
        """\
        1a Stadscriminoloog

        In een vier jaar durend promotieproject wordt onderzoek gedaan naar de veiligheidsbeleving van
        Leidse burgers. Daarmee slaan de universiteit, de gemeente en de politie de handen ineen om tot

        12

        nr. Project Beschrijving doel
        T: Trekker
        P: overige (beoogde) Partners

        gerichte interventies te kunnen komen in het verbeteren van de veiligheidsbeleving van burgers.

        T: UL, CS Lab
        P: GL en politie
        """
    )
    (project,) = agenda.projects
    assert project.leads_raw == "UL, CS Lab"
    assert project.partners_raw == "GL en politie"
    assert "de handen ineen om tot gerichte interventies" in project.description
    assert "Trekker" not in project.description and "Beschrijving" not in project.description


def test_it_joins_words_hyphenated_across_lines():
    agenda = _agenda(
        """\
        1a Campus voor de Geestesweten-
        schappen

        De faculteit der Geestesweten-
        schappen groeit, net als het aantal Leidenaren met een niet-
        Nederlandse nationaliteit. Het kenniscentrum richt zich op ontwikkelings-
        en onderwijspsychologie en op de verpleeg-, thuis- en ouderenzorg in de wijken van de stad Leiden.

        T: GL en UL
        P: Faculteit der Rechtsgeleerd-
        heid
        """
    )
    (project,) = agenda.projects
    assert project.title == "Campus voor de Geesteswetenschappen"
    assert project.description.startswith("De faculteit der Geesteswetenschappen groeit")
    assert "niet-Nederlandse" in project.description
    assert "ontwikkelings- en onderwijspsychologie" in project.description
    assert "verpleeg-, thuis- en ouderenzorg" in project.description
    assert project.partners_raw == "Faculteit der Rechtsgeleerdheid"


@pytest.mark.parametrize(
    ("title_lines", "status"),
    [
        ("1a Huurteam Project voltooid", "afgerond"),
        ("1a HuurteamProject gestaakt", "gestopt"),
        ("1a Huurteam (project afgerond)", "afgerond"),
        ("1a Huurteam\n(project afgerond)", "afgerond"),
    ],
)
def test_it_moves_a_status_remark_glued_to_the_title_to_status_note(title_lines, status):
    agenda = _agenda(f"{title_lines}\n\n{BODY}\n\nT: GL, UL/FdR\nP: Leidse Rechtswinkel\n")
    (project,) = agenda.projects
    assert project.title == "Huurteam"
    assert project.status_note and project.status_note.lower().startswith("project")
    assert project.status == status


def test_it_moves_a_status_remark_out_of_a_title_that_shares_a_line_with_the_description():
    agenda = _agenda(
        "1a Huurteam Project voltooid Leiden heeft een Huurteam dat huurders helpt die problemen hebben met\n"
        f"{BODY}\n\nT: GL\nP: UL\n"
    )
    (project,) = agenda.projects
    assert (project.title, project.status_note) == ("Huurteam", "Project voltooid")
    assert project.description.startswith("Leiden heeft een Huurteam")


def test_it_reads_an_agenda_organised_in_numbered_tracks():
    agenda = parse(
        dedent(
            f"""\
            Kennisagenda Leiden 2015-2019

            Spoor 1: Wonen en
            leefomgeving

            1.1 Studentenhuisvesting

            {BODY}

            T: werkgroep studentenhuisvesting
            P: GL, DUWO

            1.2 Tweede groene ring

            {BODY}

            T: GL
            P: UL, HsL

            Track 2 – Onderwijs en talent

            a Leerkrachtencampagne

            {BODY}

            T: GL, schoolbesturen
            P: HsL

            Lijn 3. Cultuur

            3a Letterlijk Leiden

            {BODY}

            T: Cultuurfonds Leiden
            P: kennisinstellingen
            """
        ),
        "sporen.txt",
    )
    assert agenda.period == "2015-2019"
    assert [(p.section_number, p.section_title, p.code, p.title) for p in agenda.projects] == [
        ("1", "Wonen en leefomgeving", "1.1", "Studentenhuisvesting"),
        ("1", "Wonen en leefomgeving", "1.2", "Tweede groene ring"),
        ("2", "Onderwijs en talent", "a", "Leerkrachtencampagne"),
        ("3", "Cultuur", "3a", "Letterlijk Leiden"),
    ]


def test_it_joins_a_code_wrapped_over_two_lines():
    agenda = _agenda(
        f"""\
        9 Humanities Campus

        {BODY}

        T: GL en UL
        P: de Sleutels

        1 Agoriaans professionaliseren  Agora is een landelijk vernieuwingsconcept dat de ontwikkeling en
        0
        vorming van leerlingen als uitgangspunt neemt. Vakken en huiswerk worden ingeruild voor challenges.

        T: SCOL en HsL
        P: ICLON, GL

        1
        1 Geloof in eigen kunnen

        {BODY}

        T: mboRijnland
        P: GL
        """,
        heading="4. Kennisstad breed",
    )
    assert [(p.code, p.title) for p in agenda.projects] == [
        ("9", "Humanities Campus"),
        ("10", "Agoriaans professionaliseren"),
        ("11", "Geloof in eigen kunnen"),
    ]
    assert agenda.projects[1].description.startswith(
        "Agora is een landelijk vernieuwingsconcept dat de ontwikkeling en vorming"
    )


@pytest.mark.parametrize(
    ("line", "title", "description_start"),
    [
        ("Studentenwelzijn Het welzijn van studenten, in de breedste zin van het woord, staat onder druk en",
         "Studentenwelzijn", "Het welzijn"),
        ("Stevenshof vitaal  Bewoners en organisaties in de Stevenshof zetten zich samen in voor een gezonde",
         "Stevenshof vitaal", "Bewoners en"),
        ("MDT UniverCity Changemakers zijn jonge mensen die zien dat het anders kan en de moed hebben om zelf",
         "MDT UniverCity", "Changemakers zijn"),
        ("Leiden Law Park Leiden Law Park is de hotspot waarin wetenschap, bedrijfsleven en overheid samenkomen",
         "Leiden Law Park", "Leiden Law Park is"),
        ("What’s In The Air (WITA)? De invloed van stedelijk ontwerp op luchtbiodiversiteit en gezondheid van de",
         "What's In The Air (WITA)?", "De invloed"),
        ("Huis van de Wijk Bewoners ontmoeten elkaar in het buurthuis om samen plannen te maken voor de wijk en",
         "Huis van de Wijk", "Bewoners ontmoeten"),
        ("Expat Centre Leiden Leiden International Centre offers registration appointments and information",
         "Expat Centre Leiden", "Leiden International"),
    ],
)  # fmt: skip
def test_it_splits_a_title_that_shares_its_line_with_the_description(line, title, description_start):
    agenda = _agenda(f"1a {line}\n{BODY}\n\nT: GL\nP: UL\n")
    (project,) = agenda.projects
    assert project.title == title
    assert project.description.startswith(description_start)


def test_it_splits_the_last_title_line_when_it_shares_a_line_with_the_description():
    agenda = _agenda(
        "1a Public Health: e-Health en\n"
        "gezonde stad: NeLL  NeLL is een onafhankelijk kennisplatform, dat diensten aanbiedt voor de\n"
        f"{BODY}\n\nT: NeLL\nP: GL\n"
    )
    (project,) = agenda.projects
    assert project.title == "Public Health: e-Health en gezonde stad: NeLL"
    assert project.description.startswith("NeLL is een onafhankelijk kennisplatform")


def test_it_continues_the_description_after_cells_in_the_middle_of_it():
    agenda = _agenda(
        """\
        1a UNA Europa-consortium

        De Universiteit Leiden heeft zich in 2022 aangesloten bij Una Europa, een alliantie met acht
        universiteiten in Europa die zich richt op Europese studies en duurzaamheid. Samen met de andere

        T: UL
        P: HsL, GL
         partneruniversiteiten zal de Universiteit Leiden zich sterk maken voor de toekomst van Europa met
        behulp van innovatief onderwijs, onderzoek en internationale uitwisseling.

        1b Collectie Leiden

        Door middel van duurzame samenwerking tussen Leidse Musea en erfgoed partijen komen we tot een
        stads brede programmering. Daarnaast moet deze samenwerking leiden tot meer

        T: GL
        P. UL, Leidse musea, ELO
         dan de som op het gebied van media-aandacht en financiering voor de Leidse musea en erfgoedpartijen.
        """
    )
    first, second = agenda.projects
    assert "Samen met de andere partneruniversiteiten zal" in first.description
    assert first.description.endswith("internationale uitwisseling.")
    assert (first.leads_raw, first.partners_raw) == ("UL", "HsL, GL")
    assert second.partners_raw == "UL, Leidse musea, ELO"
    assert "tot meer dan de som" in second.description


def test_it_reads_named_groups_in_which_numbering_restarts():
    agenda = _agenda(
        f"""\
        Vlaggenschepen
        1 Leren met de Stad

        {BODY}

        T: HsL/UL /GL
        P: CS Lab

        Kennisinfrastructuur
        1 Leiden Law Park

        {BODY}

        T: UL
        P: gemeente

        3 Eduroam

        {BODY}

        T: GL
        P: UL
        """,
        heading="4. Kennisstad breed",
    )
    assert [(p.key, p.group, p.code) for p in agenda.projects] == [
        ("4V1", "Vlaggenschepen", "1"),
        ("4K1", "Kennisinfrastructuur", "1"),
        ("4K3", "Kennisinfrastructuur", "3"),
    ]
    assert any("3 volgt op 1" in warning for warning in agenda.warnings)


def test_it_reads_the_contact_line_and_keeps_it_out_of_the_cells():
    agenda = _agenda(f"1a Tweede groene ring\n\n{BODY}\n\nT: GL\nP: UL, HsL\n\nContact: Veronique Loeffen\n")
    (project,) = agenda.projects
    assert project.contact == "Veronique Loeffen"
    assert project.partners_raw == "UL, HsL"


def test_it_keeps_paragraphs_and_bullet_lists_in_the_description():
    agenda = _agenda(
        """\
        1a Leiden op Leeftijd

        Leiden op Leeftijd is een plan van aanpak van de gemeente Leiden in samenwerking met Leyden
        Academy. Ook LUMC, NeLL en Hogeschool zijn betrokken.
        Een aantal belangrijke onderdelen zijn:
        - Meer werk maken van dementie, in samenwerking met het expertisecentrum van Topaz, Transmuralis,
        en het LUMC
        - Nieuwe woonzorgvormen ontwikkelen i.s.m. zorg- en kennispartners.

        T: GL
        P: LUMC
        """
    )
    (project,) = agenda.projects
    assert project.description == (
        "Leiden op Leeftijd is een plan van aanpak van de gemeente Leiden in samenwerking met Leyden Academy. "
        "Ook LUMC, NeLL en Hogeschool zijn betrokken.\n\n"
        "Een aantal belangrijke onderdelen zijn:\n\n"
        "- Meer werk maken van dementie, in samenwerking met het expertisecentrum van Topaz, Transmuralis, "
        "en het LUMC\n"
        "- Nieuwe woonzorgvormen ontwikkelen i.s.m. zorg- en kennispartners."
    )


def test_it_does_not_take_a_numbered_list_in_a_description_for_a_section():
    agenda = _agenda(
        f"""\
        1a Leiden op Leeftijd

        {BODY}
        1. Meer werk maken van dementie
        2. Onderzoek doen naar knelpunten bij verhuizen

        T: GL
        P: LUMC
        """
    )
    (project,) = agenda.projects
    assert project.section_title == "Gezondheid & Welzijn"
    assert "2. Onderzoek doen naar knelpunten" in project.description


def test_it_leaves_an_absent_or_empty_cell_as_none():
    agenda = _agenda(f"1a Natuur- en\nDuurzaamheidseducatie (NDE)\n\n{BODY}\n\nT: Gemeente Leiden \\\nP:\n")
    (project,) = agenda.projects
    assert project.title == "Natuur- en Duurzaamheidseducatie (NDE)"
    assert project.leads_raw == "Gemeente Leiden"
    assert project.partners_raw is None


# -- not an agenda ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  \n\n",
        "De projecten binnen Leiden Kennisstad dragen bij aan een van de drie thema's.\n\n"
        "Met deze drie thema's bouwen we voort op de bestaande sterktes van de stad.\n",
        "1. Inleiding\n\nIn 2017 kwamen de besturen van de kennisinstellingen voor het eerst bijeen.\n",
    ],
    ids=["empty", "blank", "prose", "numbered-prose"],
)
def test_it_rejects_text_without_agenda_projects(text):
    with pytest.raises(AgendaFormatError) as raised:
        parse(text, "brief.txt")
    assert raised.value.line == 1
    assert raised.value.source == "brief.txt"
    assert raised.value.message


def test_it_rejects_the_tab_separated_table_layout_with_a_pointed_message():
    text = "nr.\tProject\tBeschrijving doel\tT: Trekker\n" + "\n".join(
        f"1{letter}\tProject {letter}\t<p>Beschrijving</p>\tT: GL P: UL" for letter in "abcd"
    )
    assert not looks_like(text)
    with pytest.raises(AgendaFormatError, match="tabs"):
        parse(text)
