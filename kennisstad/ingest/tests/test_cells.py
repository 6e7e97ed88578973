"""Reading T:/P: cells into organisations: the whole gold agenda plus the nasty cases on their own."""

import json
from pathlib import Path

import pytest

from kennisstad.ingest.cells import (
    AliasIndex,
    Mention,
    OrgRef,
    looks_like_organisation_name,
    resolve_cells,
    split_cell,
)

SHARED_DIR = Path(__file__).resolve().parents[3].parent / "shared"
GOLD_DIR = SHARED_DIR / "gold"
RESULT_FIELDS = ("leads", "partners", "lead_units", "partner_units", "unresolved")


def _gold_cases() -> list:
    """One case per gold project, plus one per table-text variant of its cells."""
    path = GOLD_DIR / "agenda-2023-2027.json"
    if not path.is_file():
        return [pytest.param(None, id="no-gold")]
    cases = []
    for project in json.loads(path.read_text()):
        expected = {name: project[name] for name in RESULT_FIELDS}
        cases.append(
            pytest.param((project["leads_raw"], project["partners_raw"], expected), id=project["key"])
        )
        differences = project.get("table_text_differences") or {}
        if not {"leads_raw", "partners_raw", *RESULT_FIELDS} & differences.keys():
            continue
        cells = (
            differences.get("leads_raw", project["leads_raw"]),
            differences.get("partners_raw", project["partners_raw"]),
        )
        expected = {name: differences.get(name, project[name]) for name in RESULT_FIELDS}
        if cells != (project["leads_raw"], project["partners_raw"]) and "unresolved" not in differences:
            # Unresolved words are kept as written; the gold does not restate them for the other
            # spelling ("studentenhuysvesting"), so only their number is known.
            expected["unresolved"] = len(project["unresolved"])
        if project["key"] == "4V1":
            # The gold lists Naturalis before mboRijnland, but the table text writes
            # "CS Lab, mboR, Naturalis"; organisations come out in the order written.
            partners = list(expected["partners"])
            i, j = partners.index("Naturalis Biodiversity Center"), partners.index("mboRijnland")
            partners[i], partners[j] = partners[j], partners[i]
            expected["partners"] = partners
        cases.append(pytest.param((*cells, expected), id=f"{project['key']}-table"))
    return cases


@pytest.fixture(scope="module")
def gold_index() -> AliasIndex:
    path = GOLD_DIR / "organisations.json"
    if not path.is_file():
        pytest.skip("../shared/gold is not next to this checkout")
    entries = []
    for org in json.loads(path.read_text()):
        entries += [(form, org["name"], org["parent"]) for form in [org["name"], *org["aliases"]]]
    return AliasIndex.from_entries(entries)


@pytest.fixture
def index() -> AliasIndex:
    """A small hand-made table, so the nasty cases do not depend on the gold data."""
    return AliasIndex.from_entries(
        [
            ("UL", "Universiteit Leiden", None),
            ("Universiteit", "Universiteit Leiden", None),
            ("GL", "Gemeente Leiden", None),
            ("gemeente", "Gemeente Leiden", None),
            ("HsL", "Hogeschool Leiden", None),
            ("LUMC", "LUMC", None),
            ("LBSP", "Leiden Bio Science Park", None),
            ("Cultuurfonds Leiden", "Cultuurfonds Leiden", None),
            ("Leren met de Stad", "Leren met de Stad", None),
            ("Leiden en Partners", "Leiden&Partners", None),
            ("L&P", "Leiden&Partners", None),
            ("LEF", "Leiden Education Fieldlab", None),
            ("gemeente A'dam", "Gemeente Amsterdam", None),
            ("Prov.", "Provincie Zuid-Holland", None),
            (
                "Faculteit der Sociale Wetenschappen",
                "Faculteit der Sociale Wetenschappen",
                "Universiteit Leiden",
            ),
            ("FSW", "Faculteit der Sociale Wetenschappen", "Universiteit Leiden"),
            ("UL/FSW", "Faculteit der Sociale Wetenschappen", "Universiteit Leiden"),
            ("FGW", "Faculteit der Geesteswetenschappen", "Universiteit Leiden"),
            ("L&P/ECL", "Expat Centre Leiden", "Leiden&Partners"),
            (
                "Ministerie van Onderwijs, Cultuur en Wetenschap",
                "Ministerie van Onderwijs, Cultuur en Wetenschap",
                None,
            ),
        ]
    )


def _texts(mentions: list[Mention]) -> list[tuple[str, str | None]]:
    return [(m.text, m.ref.name if m.ref else None) for m in mentions]


@pytest.mark.parametrize("case", _gold_cases())
def test_it_reads_every_gold_cell_as_the_gold_does(gold_index, case):
    if case is None:
        pytest.skip("../shared/gold is not next to this checkout")
    leads_raw, partners_raw, expected = case
    result = resolve_cells(leads_raw, partners_raw, gold_index)
    actual = {name: getattr(result, name) for name in RESULT_FIELDS}
    if isinstance(expected["unresolved"], int):
        actual["unresolved"] = len(actual["unresolved"])
    assert actual == expected


def test_gold_aliases_do_not_conflict(gold_index):
    assert gold_index.conflicts == []


def test_it_reads_an_alias_with_a_slash_as_one_unit_mention(index):
    [mention] = split_cell("UL/FSW", index)
    assert mention.ref == OrgRef("Faculteit der Sociale Wetenschappen", "Universiteit Leiden")
    assert mention.ref.is_unit
    assert _texts(split_cell("GL, L&P/ECL", index)) == [
        ("GL", "Gemeente Leiden"),
        ("L&P/ECL", "Expat Centre Leiden"),
    ]


def test_it_splits_on_slashes_between_organisations(index):
    assert _texts(split_cell("HsL/UL /GL", index)) == [
        ("HsL", "Hogeschool Leiden"),
        ("UL", "Universiteit Leiden"),
        ("GL", "Gemeente Leiden"),
    ]


def test_it_counts_a_unit_for_its_organisation(index):
    result = resolve_cells("UL/FSW, UL", "FGW", index)
    assert result.leads == ["Universiteit Leiden"]
    assert result.lead_units == ["Faculteit der Sociale Wetenschappen"]
    assert result.partners == ["Universiteit Leiden"]
    assert result.partner_units == ["Faculteit der Geesteswetenschappen"]


def test_it_walks_a_deep_parent_chain_to_the_root():
    index = AliasIndex.from_entries(
        [
            ("UL", "Universiteit Leiden", None),
            ("FSW", "Faculteit der Sociale Wetenschappen", "Universiteit Leiden"),
            ("CSL", "Citizen Science Lab", "Faculteit der Sociale Wetenschappen"),
        ]
    )
    assert index.lookup("CSL") == OrgRef("Citizen Science Lab", "Universiteit Leiden")
    assert index.lookup("Citizen Science Lab") == OrgRef("Citizen Science Lab", "Universiteit Leiden")


def test_it_drops_connector_phrases_between_organisations(index):
    result = resolve_cells("GL, in nauwe samenwerking met UL, LUMC", "HsL i.s.m. GL en LBSP", index)
    assert result.leads == ["Gemeente Leiden", "Universiteit Leiden", "LUMC"]
    assert result.partners == ["Hogeschool Leiden", "Gemeente Leiden", "Leiden Bio Science Park"]
    assert result.unresolved == []


def test_it_keeps_the_words_before_a_connector_as_unresolved(index):
    result = resolve_cells("werkgroep studentenhuisvesting o.l.v. UL", None, index)
    assert result.leads == ["Universiteit Leiden"]
    assert result.unresolved == ["werkgroep studentenhuisvesting"]


def test_it_keeps_connector_words_inside_an_alias(index):
    assert _texts(split_cell("Leiden en Partners, Leren met de Stad.", index)) == [
        ("Leiden en Partners", "Leiden&Partners"),
        ("Leren met de Stad", "Leren met de Stad"),
    ]


def test_it_keeps_a_comma_inside_an_alias(index):
    assert _texts(split_cell("Ministerie van Onderwijs, Cultuur en Wetenschap, GL", index)) == [
        (
            "Ministerie van Onderwijs, Cultuur en Wetenschap",
            "Ministerie van Onderwijs, Cultuur en Wetenschap",
        ),
        ("GL", "Gemeente Leiden"),
    ]


def test_it_reads_a_parenthesised_list_as_a_list(index):
    result = resolve_cells(
        None, "partners die zich met letteren bezighouden (FGW, FSW, het LEF, musea etc)", index
    )
    assert result.partners == ["Universiteit Leiden", "Leiden Education Fieldlab"]
    assert result.partner_units == [
        "Faculteit der Geesteswetenschappen",
        "Faculteit der Sociale Wetenschappen",
    ]
    assert result.unresolved == ["partners die zich met letteren bezighouden", "musea etc"]


def test_it_keeps_a_parenthesised_remark_as_one_unresolved_item(index):
    result = resolve_cells(
        "(aparte organisatie voor fysieke ontwikkeling LBSP en aparte parkorganisatie) GL", None, index
    )
    assert result.leads == ["Gemeente Leiden"]
    assert result.unresolved == [
        "aparte organisatie voor fysieke ontwikkeling LBSP en aparte parkorganisatie"
    ]


def test_it_keeps_a_remark_after_an_organisation_as_its_note(index):
    [mention] = split_cell("GL (tot 1/1/23)", index)
    assert mention == Mention("GL", OrgRef("Gemeente Leiden", "Gemeente Leiden"), note="tot 1/1/23")


def test_it_lists_an_organisation_named_as_lead_and_partner_in_both(index):
    result = resolve_cells("GL", "HsL, LUMC, GL", index)
    assert result.leads == ["Gemeente Leiden"]
    assert result.partners == ["Hogeschool Leiden", "LUMC", "Gemeente Leiden"]


def test_it_lists_an_organisation_once_per_cell(index):
    assert resolve_cells("UL en GL, Universiteit", None, index).leads == [
        "Universiteit Leiden",
        "Gemeente Leiden",
    ]


def test_it_leaves_an_unknown_abbreviation_unresolved_and_flags_it(index):
    result = resolve_cells("UL, HvA", "GL, XYZ/ABC, inwoners", index)
    assert result.unresolved == ["HvA", "XYZ", "ABC", "inwoners"]
    assert [looks_like_organisation_name(text) for text in result.unresolved] == [True, True, True, False]


def test_it_does_not_credit_a_generic_alias_inside_an_unknown_name(index):
    result = resolve_cells("Universiteit Utrecht, Vrije Universiteit", "gemeente Zoeterwoude en UL", index)
    assert result.leads == []
    assert result.partners == ["Universiteit Leiden"]
    assert result.unresolved == ["Universiteit Utrecht", "Vrije Universiteit", "gemeente Zoeterwoude"]
    assert all(looks_like_organisation_name(text) for text in result.unresolved)


def test_it_does_not_read_a_lowercase_word_as_an_acronym(index):
    assert _texts(split_cell("studenten met lef", index)) == [("studenten met lef", None)]
    assert index.lookup("lef") == OrgRef("Leiden Education Fieldlab", "Leiden Education Fieldlab")


def test_it_splits_fillers_from_names_but_not_from_generic_words(index):
    assert resolve_cells(
        "Cultuurfonds Leiden?", "LUMC e.a., e.a. Partijen in de ouderenzorg, musea etc", index
    ).unresolved == [
        "?",
        "e.a.",
        "e.a.",
        "Partijen in de ouderenzorg",
        "musea etc",
    ]


def test_it_drops_a_leading_conjunction_and_a_full_stop(index):
    assert resolve_cells(None, "GL, inwoners, en nog veel meer partners.", index).unresolved == [
        "inwoners",
        "nog veel meer partners",
    ]


def test_it_tolerates_case_quotes_spacing_and_trailing_punctuation(index):
    assert index.lookup("  ul. ") == index.lookup("UL")
    assert index.lookup("Gemeente A’dam,").name == "Gemeente Amsterdam"
    assert index.lookup("ul / fsw").name == "Faculteit der Sociale Wetenschappen"
    assert index.lookup("PROV").name == "Provincie Zuid-Holland"
    assert index.lookup("Cultuurfonds Leiden?") is None
    assert _texts(split_cell("gemeente A’dam, “Leren met de stad”, L & P, Prov., GL\\", index)) == [
        ("gemeente A’dam", "Gemeente Amsterdam"),
        ("Leren met de stad", "Leren met de Stad"),
        ("L & P", "Leiden&Partners"),
        ("Prov", "Provincie Zuid-Holland"),
        ("GL", "Gemeente Leiden"),
    ]


def test_it_returns_nothing_for_an_absent_or_empty_cell(index):
    assert split_cell(None, index) == []
    assert split_cell("  ", index) == []
    assert _texts(split_cell("GL,", index)) == [("GL", "Gemeente Leiden")]


def test_it_reports_a_written_form_claimed_by_two_organisations():
    index = AliasIndex.from_entries(
        [("HSL", "Hogeschool Leiden", None), ("HSL", "Hotel School Leiden", None)]
    )
    assert index.lookup("HSL").name == "Hogeschool Leiden"
    assert index.conflicts == [("HSL", "Hogeschool Leiden", "Hotel School Leiden")]


@pytest.mark.parametrize(
    "text",
    [
        "XYZ",
        "HvA",
        "Stichting Foo",
        "gemeente Zoeterwoude",
        "Vrije Universiteit Amsterdam",
        "Foo B.V.",
        "Cardea",
    ],
)
def test_it_flags_what_looks_like_an_organisation(text):
    assert looks_like_organisation_name(text)


@pytest.mark.parametrize(
    "text",
    [
        "e.a.",
        "etc.",
        "?",
        "inwoners",
        "andere partners in en buiten Leiden",
        "Partijen in de ouderenzorg",
        "Leidse musea",
    ],
)
def test_it_does_not_flag_generic_words(text):
    assert not looks_like_organisation_name(text)


def test_no_unresolved_gold_item_looks_like_an_organisation_except_all_caps_terms():
    path = GOLD_DIR / "agenda-2023-2027.json"
    if not path.is_file():
        pytest.skip("../shared/gold is not next to this checkout")
    items = [text for project in json.loads(path.read_text()) for text in project["unresolved"]]
    flagged = [text for text in items if looks_like_organisation_name(text)]
    assert all(text.isupper() for text in flagged), flagged
