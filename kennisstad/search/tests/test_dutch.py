from kennisstad.lib import dutch


def test_it_splits_words_on_punctuation_and_keeps_digits():
    assert dutch.words("UL/FSW, W&N en e-Health (2023-2027): What's 1a?") == [
        "ul",
        "fsw",
        "w",
        "n",
        "en",
        "e",
        "health",
        "2023",
        "2027",
        "what",
        "s",
        "1a",
    ]


def test_it_lowercases_and_normalises_unicode():
    assert dutch.words("ＦＳＷ ﬁets HsL") == ["fsw", "fiets", "hsl"]


def test_word_spans_point_into_the_original_text():
    text = "Bomen & Groen"
    assert [(text[s.start : s.end], s.word) for s in dutch.word_spans(text)] == [
        ("Bomen", "bomen"),
        ("Groen", "groen"),
    ]


def test_tokens_ignore_diacritics():
    assert dutch.tokens("creëren cliënten") == dutch.tokens("creeren clienten")


def test_plural_and_singular_share_a_stem():
    assert dutch.stem("bomen") == dutch.stem("boom")
    assert dutch.stem("studenten") == dutch.stem("student")


def test_the_stemmer_keeps_words_with_ge_apart_from_their_remainder():
    # Snowball's newer Dutch stemmer makes "gezondheid" and "zon" one stem; the classic one does not.
    assert dutch.stem("gezondheid") != dutch.stem("zon")
    assert dutch.stem("begeleiding") != dutch.stem("beleid")


def test_studentenhuisvesting_is_also_huisvesting():
    assert dutch.compound_parts("studentenhuisvesting") == ("studenten", "huisvesting")
    assert dutch.stem("huisvesting") in dutch.word_tokens("studentenhuisvesting")


def test_ouderenzorg_is_also_ouderen():
    assert dutch.stem("ouderen") in dutch.word_tokens("ouderenzorg")
    assert dutch.stem("zorg") in dutch.word_tokens("ouderenzorg")


def test_hittestress_is_also_stress():
    assert dutch.compound_parts("hittestress") == ("hitte", "stress")
    assert dutch.stem("stress") in dutch.tokens("De hittestress in steden")


def test_a_linking_s_is_dropped_from_the_first_part():
    assert dutch.compound_parts("stadsnatuur") == ("stad", "natuur")
    assert dutch.compound_parts("wetenschapsagenda") == ("wetenschap", "agenda")


def test_long_rare_parts_are_split_again():
    parts = dutch.compound_parts("leefstijlgeneeskunde")
    assert {"leefstijl", "leef", "stijl", "geneeskunde"} <= set(parts)


def test_common_words_are_not_split():
    for word in ("huisvesting", "biodiversiteit", "verandering", "samenwerking", "gemeente"):
        assert dutch.compound_parts(word) == (), word


def test_affixes_and_short_accidents_are_no_parts():
    assert "ing" not in dutch.compound_parts("verduurzaming")
    assert dutch.compound_parts("mossen") == ()
    assert "ont" not in dutch.compound_parts("ontsluiten")


def test_terms_are_tokens_separated_by_spaces():
    assert dutch.terms("Studentenhuisvesting in Leiden") == "studentenhuisvest student huisvest in leid"


def test_the_vocabulary_holds_words_and_compound_parts():
    assert dutch.vocabulary("Ouderenzorg in Leiden") == {"ouderenzorg", "ouder", "zorg", "in", "leiden"}


def test_a_typo_is_one_edit_from_a_candidate():
    candidates = ["biodiversiteit", "diversiteit", "universiteit"]
    assert dutch.typo_candidates("biodiversitiet", candidates) == ["biodiversiteit"]
    assert dutch.typo_candidates("biodiversiteitt", candidates) == ["biodiversiteit"]
    assert dutch.typo_candidates("biodverseit", candidates) == []


def test_short_words_get_no_typo_candidates():
    assert dutch.typo_candidates("zorgt", ["zorg", "zorgen"]) == []


def test_function_words_and_single_letters_are_stopwords():
    assert dutch.is_stopword("de") and dutch.is_stopword("the") and dutch.is_stopword("s")
    assert not dutch.is_stopword("air") and not dutch.is_stopword("2")
