import unicodedata

from hypothesis import given, strategies as st

from errcheck.normalize import FOLD_TABLE, INVISIBLE, fold, normalize, pattern_variants


def test_plain_text_is_untouched():
    n = normalize("京津冀协同发展，截至目前。")
    assert n.text == n.original == "京津冀协同发展，截至目前。"
    assert n.to_original(2, 5) == (2, 5)


def test_full_width_letters_and_digits_fold():
    n = normalize("ＡＢＣ１２３ｘ")
    assert n.text == "ABC123x"
    assert n.to_original(0, 3) == (0, 3)


def test_chinese_punctuation_is_kept_in_the_text():
    text = "。“”……、，：；！？（）\u3000"
    assert normalize(text).text == text


def test_patterns_expand_to_both_punctuation_widths():
    assert pattern_variants("是，不（是）") == [
        "是，不（是）", "是,不（是）", "是，不(是）", "是,不(是）",
        "是，不（是)", "是,不（是)", "是，不(是)", "是,不(是)",
    ]
    assert pattern_variants("Ａ　Ｂ") == ["A\u3000B", "A B"]
    # many punctuation marks: only the all-full and all-half spellings
    assert pattern_variants("a,b,c,d,e,f") == ["a,b,c,d,e,f", "a，b，c，d，e，f"]


def test_kangxi_radicals_and_compatibility_ideographs_fold():
    kangxi_ren = "\u2f08"  # ⼈ KANGXI RADICAL MAN
    assert normalize(kangxi_ren + "民").text == "人民"
    compat = "\uf900"  # 豈 CJK COMPATIBILITY IDEOGRAPH-F900
    assert normalize(compat).text == unicodedata.normalize("NFKC", compat)


def test_invisible_characters_are_dropped_with_offsets_kept():
    text = "京\u200b津\ufeff翼，名族"
    n = normalize(text)
    assert n.text == "京津翼，名族"
    start, end = n.to_original(0, 3)  # 京津翼 in the normalized text
    assert text[start:end] == "京\u200b津\ufeff翼"
    start, end = n.to_original(4, 6)
    assert text[start:end] == "名族"


def test_leading_and_trailing_invisibles_are_outside_the_span():
    text = "\u200b\u200b名族\u200d"
    n = normalize(text)
    assert n.text == "名族"
    assert n.to_original(0, 2) == (2, 4)


def test_fold_of_patterns_matches_normalized_text():
    assert fold("ＡＢ") == normalize("AB").text == "AB"
    assert fold("a\u200bb") == "ab"


@given(st.text(alphabet=st.sampled_from(list("京津冀名族ab，,\u200b\ufeff\u200dＡ\u3000\u2f08") + [chr(c) for c in list(FOLD_TABLE)[:40]])))
def test_offset_map_round_trips(text):
    n = normalize(text)
    assert len(n.text) == len(text) - sum(text.count(c) for c in INVISIBLE)
    for i in range(len(n.text)):
        start, end = n.to_original(i, i + 1)
        assert end == start + 1
        assert fold(text[start]) == n.text[i]
    # every normalized span maps to an original span that folds to the same string
    for i in range(len(n.text)):
        for j in range(i + 1, min(len(n.text), i + 4) + 1):
            start, end = n.to_original(i, j)
            assert fold(text[start:end]) == n.text[i:j]


def test_curly_quotes_in_a_pattern_also_match_straight_quotes():
    from errcheck.normalize import pattern_variants

    assert pattern_variants("最后“一公里”") == ["最后“一公里”", '最后"一公里"']
    assert pattern_variants("‘三农’问题") == ["‘三农’问题", "'三农'问题"]
    assert pattern_variants("京津冀") == ["京津冀"]
