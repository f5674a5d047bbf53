"""The context stage in the pipeline: modes, confirmation of candidates that need
context, the context rule, and the invariants of `Checker.check` in thorough mode."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import errcheck
from errcheck.services.lm import LanguageModelError

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_modes_are_validated(checker):
    with pytest.raises(ValueError, match="unknown mode"):
        checker.check("文本", mode="slow")
    with pytest.raises(ValueError, match="unknown mode"):
        errcheck.Checker(mode="slow")


def test_thorough_mode_finds_what_no_rule_names(checker):
    text = "全县人民正在过上辛福生活，他身休健康。"
    assert checker.check(text).findings == ()  # fast mode: no rule names these
    found = [(f.text, f.suggestions, f.code, f.kind) for f in checker.check(text, mode="thorough").findings]
    assert found == [("辛", ("幸",), "LM0001", "context"), ("休", ("体",), "LM0001", "context")]


def test_thorough_mode_leaves_listed_findings_and_names_alone(checker):
    text = "曾培炎同志指出，要推进京津翼协同发展。"
    fast = [(f.start, f.code) for f in checker.check(text).findings]
    thorough = [(f.start, f.code) for f in checker.check(text, mode="thorough").findings]
    assert fast == thorough == [(text.index("京津翼"), "FP0001")]


def test_context_findings_follow_the_selection(checker):
    text = "全县人民正在过上辛福生活。"
    assert checker.check(text, mode="thorough", categories=["fixed-phrase"]).findings == ()
    assert checker.check(text, mode="thorough", min_severity="serious").findings == ()


def _house(tmp_path, margin: float):
    """A protected term whose real-word variant (权利 for 权力) the guards drop, and the
    context rule with the given confirmation margin (overriding the shipped one)."""
    (tmp_path / "terms.yaml").write_text(textwrap.dedent("""\
        terms:
          - code: PT9901
            term: 国家权力机关
            category: fixed-phrase
            severity: serious
            source: 《中华人民共和国宪法》第九十六条
        """), encoding="utf-8")
    (tmp_path / "context.yaml").write_text(textwrap.dedent(f"""\
        context:
          code: LM0001
          category: typo
          severity: error
          message: "「{{match}}」疑为「{{suggestion}}」之误（{{kind}}）"
          source: test
          confirm_margin: {margin}
          examples:
            bad: ["过上[[辛|幸]]福生活。"]
        """), encoding="utf-8")
    return errcheck.Checker(dictionaries=[tmp_path], builtin=False, cache=False)


def test_a_variant_that_is_a_real_word_is_confirmed_by_context_or_dropped(tmp_path):
    text = "地方各级人民代表大会是地方国家权利机关。"
    confirmed = _house(tmp_path, 2.0)
    assert confirmed.load_info == {} and confirmed.load().stats["variants"]["readmitted_for_context"] > 0
    found = [(f.text, f.suggestions, f.code) for f in confirmed.check(text, mode="thorough").findings]
    assert found == [("国家权利机关", ("国家权力机关",), "PT9901")]
    assert confirmed.check("地方各级人民代表大会是地方国家权力机关。", mode="thorough").findings == ()
    assert confirmed.check(text).findings == ()  # fast mode has no model: dropped
    # the same candidate below the margin is dropped
    (tmp_path / "strict").mkdir()
    assert _house(tmp_path / "strict", 9.0).check(text, mode="thorough").findings == ()


def test_a_missing_model_is_a_clear_error_in_thorough_mode(tmp_path):
    bad = tmp_path / "not-a-model.lm"
    bad.write_bytes(b"this is not a KenLM file")
    checker = errcheck.Checker(lm=bad)  # the session's cached rule set
    assert [f.code for f in checker.check("推进京津翼协同发展").findings] == ["FP0001"]
    with pytest.raises(LanguageModelError):
        checker.check("全县人民正在过上辛福生活。", mode="thorough")


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(["辛福", "身休", "京津翼", "曾培炎", "，", "。", "\n", "\ud800", "生活"]),
                          st.text(max_size=6)), max_size=30).map("".join))
def test_thorough_mode_never_raises_and_offsets_point_at_the_text(checker, text):
    report = checker.check(text, mode="thorough")
    previous_end = 0
    for f in report.findings:
        assert 0 <= f.start < f.end <= len(text) and f.text == text[f.start:f.end]
        assert f.start >= previous_end, "findings overlap or are unsorted"
        previous_end = f.end
