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


def test_thorough_mode_finds_an_extra_character_with_an_exact_span(checker):
    text = "加强规则和标准体系相互兼容容，提供更好的营商环境。"
    assert checker.check(text).findings == ()  # fast mode: no rule names it
    report = checker.check(text, mode="thorough")
    found = [(f.start, f.end, f.text, f.suggestions, f.code, f.applicability) for f in report.findings]
    assert found == [(12, 14, "容容", ("容",), "LM0001", "unsafe")]
    assert report.apply(text) == "加强规则和标准体系相互兼容，提供更好的营商环境。"
    assert report.fix(text) == text  # a guess, never applied as a safe fix


def test_thorough_mode_leaves_listed_findings_and_names_alone(checker):
    text = "曾培炎同志指出，要推进京津翼协同发展。"
    fast = [(f.start, f.code) for f in checker.check(text).findings]
    thorough = [(f.start, f.code) for f in checker.check(text, mode="thorough").findings]
    assert fast == thorough == [(text.index("京津翼"), "FP0001")]


def test_context_findings_follow_the_selection(checker):
    text = "全县人民正在过上辛福生活。"
    assert checker.check(text, mode="thorough", categories=["fixed-phrase"]).findings == ()
    assert checker.check(text, mode="thorough", min_severity="serious").findings == ()


def _house(tmp_path, margin: float, by_kind: str = ""):
    """A protected term whose real-word variant (权利 for 权力) the guards drop, and the
    context rule with the given confirmation margin (overriding the shipped one) and
    ``by_kind``, lines of YAML giving its ``confirm_margins``."""
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
{by_kind}          examples:
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


def test_the_confirmation_margin_can_be_set_per_kind_of_candidate(tmp_path):
    # 国家权利机关 → 国家权力机关 gains ~3.0 here: a homophone variant
    text = "国家权利机关依法行使职权。"
    lenient = _house(tmp_path, 9.0, "          confirm_margins:\n            homophone: 2.0\n")
    assert [f.code for f in lenient.check(text, mode="thorough").findings] == ["PT9901"]
    (tmp_path / "other").mkdir()
    other = _house(tmp_path / "other", 9.0, "          confirm_margins:\n            missing: 2.0\n")
    assert other.check(text, mode="thorough").findings == ()  # the default (9.0) applies


@pytest.mark.parametrize("by_kind, message", [
    ("          confirm_margins: 2.0\n", "confirm_margins must be a mapping"),
    ("          confirm_margins:\n            homophone: -1\n", "non-negative"),
    ("          confirm_margins:\n            homophone: high\n", "non-negative"),
])
def test_a_bad_confirmation_margin_is_a_clear_error(tmp_path, by_kind, message):
    with pytest.raises(errcheck.RuleError, match=message) as info:
        _house(tmp_path, 2.0, by_kind).load()
    assert "context.yaml" in str(info.value)


def test_the_shipped_rule_confirms_a_substitution_variant_below_the_default_margin(checker):
    # +2.97: below confirm_margin (3.5), above the substitution kinds' 2.9
    found = [(f.text, f.suggestions) for f in checker.check("国家权利机关依法行使职权。", mode="thorough").findings]
    assert found == [("国家权利机关", ("国家权力机关",))]
    # a term with a character left out that is legitimate text (+3.07) stays below 3.5
    assert checker.check("要深入实施西部开发、东北振兴。", mode="thorough").findings == ()
    assert checker.check("坚决整治生态领域突出问题。", mode="thorough").findings == ()  # +2.77


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
