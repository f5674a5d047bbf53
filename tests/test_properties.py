"""Invariants of `Checker.check` on arbitrary input (hypothesis)."""


from hypothesis import HealthCheck, given, settings, strategies as st

import errcheck
from errcheck.normalize import INVISIBLE

from seed_cases import SEED_SENTENCE

# text biased towards the shipped wrong forms, so findings actually occur
FRAGMENTS = ["京津翼", "截止目前", "名族", "党的二十精神", "著名族群", "最后“一公里”", "共度难关", "，", "\n", "ＡＢ", "\u200b", "\ufeff", "\x00", "\r\n", "\U0001f600", "历行节约"]
#: lone surrogates: JSON may carry them escaped (\ud800), and Python strings hold them
surrogates = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, categories=["Cs"]), min_size=1, max_size=3)
chinese_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8), surrogates),
                        max_size=40).map("".join)
any_text = st.one_of(st.text(), chinese_text)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(any_text)
def test_check_never_raises_and_offsets_point_at_the_text(checker, text):
    report = checker.check(text)
    previous_end = 0
    for f in report.findings:
        assert 0 <= f.start < f.end <= len(text)
        assert f.text == text[f.start : f.end]
        assert f.start >= previous_end, "findings overlap or are unsorted"
        previous_end = f.end
        line_start = text.rfind("\n", 0, f.start) + 1
        assert f.line == text.count("\n", 0, f.start) + 1
        assert f.column == f.start - line_start + 1
        assert f.text[0] not in INVISIBLE and f.text[-1] not in INVISIBLE
    assert sum(report.counts.values()) == len(report.findings)
    assert 0 <= report.score <= 100


@SETTINGS
@given(any_text)
def test_backends_agree(checker, text):
    other = _pyaho_checker()
    assert [f.to_dict() for f in checker.check(text).findings] == [f.to_dict() for f in other.check(text).findings]


_PYAHO = None


def _pyaho_checker():
    global _PYAHO
    if _PYAHO is None:
        _PYAHO = errcheck.Checker(backend="pyahocorasick", cache=False)
    return _PYAHO


@SETTINGS
@given(st.lists(st.sampled_from(["京津翼", "截止目前", "名族", "党的二十精神", "历行节约", "共度难关"]), min_size=1, max_size=5),
       st.randoms(use_true_random=False))
def test_injected_errors_are_found_with_invisible_characters_inside(checker, errors, rnd):
    """Zero-width characters pasted into a wrong form do not hide it, and the finding
    spans the characters as they are in the input."""
    parts = []
    for wrong in errors:
        broken = "".join(ch + (rnd.choice(INVISIBLE) if rnd.random() < 0.5 else "") for ch in wrong[:-1]) + wrong[-1]
        parts.append("我们" + broken + "。")
    text = "".join(parts)
    findings = checker.check(text).findings
    assert len(findings) == len(errors)
    for f, wrong in zip(findings, errors):
        assert "".join(ch for ch in f.text if ch not in INVISIBLE) == wrong


def test_very_long_input():
    text = (SEED_SENTENCE + "\n") * 20000  # ~700k characters
    report = errcheck.Checker(max_candidates=10**6).check(text)
    assert len(report.findings) == 4 * 20000
    assert report.findings[-1].line == 20000


def test_every_control_character(checker):
    text = "".join(chr(c) for c in range(0, 0x20)) + "京津翼" + "".join(chr(c) for c in range(0x7F, 0xA0))
    (f,) = checker.check(text).findings
    assert f.text == "京津翼" and f.start == 32
