"""The matcher against a naive oracle, and the two backends against each other."""

from hypothesis import given, settings, strategies as st

from errcheck.matcher import build_matcher, load_matcher

ALPHABET = "京津冀翼名民族截止至目前ab一二"


def oracle(patterns, text):
    found = set()
    for index, p in enumerate(patterns):
        start = text.find(p)
        while start != -1:
            found.add((start, start + len(p), index))
            start = text.find(p, start + 1)
    return found


patterns_st = st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=5), min_size=1, max_size=30, unique=True)


@settings(max_examples=300)
@given(patterns_st, st.text(alphabet=ALPHABET, max_size=80))
def test_both_backends_equal_the_oracle(patterns, text):
    expected = oracle(patterns, text)
    for backend in ("daachorse", "pyahocorasick"):
        got = build_matcher(patterns, backend).find_all(text)
        assert len(got) == len(set(got))
        assert set(got) == expected, backend


@given(patterns_st, st.text(max_size=60))
def test_arbitrary_unicode_text(patterns, text):
    a = sorted(build_matcher(patterns, "daachorse").find_all(text))
    b = sorted(build_matcher(patterns, "pyahocorasick").find_all(text))
    assert a == b == sorted(oracle(patterns, text))


def test_serialisation_round_trip():
    patterns = ["京津翼", "名族", "截止目前"]
    text = "京津翼和名族，截止目前"
    for backend in ("daachorse", "pyahocorasick"):
        m = build_matcher(patterns, backend)
        again = load_matcher(m.to_bytes(), backend)
        assert sorted(again.find_all(text)) == sorted(m.find_all(text)) == [(0, 3, 0), (4, 6, 1), (7, 11, 2)]


def test_empty_pattern_set_finds_nothing():
    for backend in ("daachorse", "pyahocorasick"):
        assert build_matcher([], backend).find_all("任何文本") == []


def test_flashtext_style_cjk_cases():
    # adjacent CJK keywords and keywords followed by digits, which break ASCII-boundary matchers
    patterns = ["成都", "人民日报", "北京"]
    text = "成都北京人民日报1版"
    assert sorted(build_matcher(patterns, "daachorse").find_all(text)) == [(0, 2, 0), (2, 4, 2), (4, 8, 1)]
