import json
import textwrap
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor

import pytest

import errcheck
from errcheck import Severity
from errcheck.model import Finding, Report

from seed_cases import SEED_SENTENCE

USER_DICT = """\
entries:
  - code: TY0001
    wrong: [名族]
    right: [民族]
    category: typo
    severity: warning
    message: "本单位规定：「{match}」写作「{suggestion}」"
    source: house style
    examples:
      bad: ["[[名族]]团结"]
  - code: XX0001
    wrong: [市场监督局]
    right: [市场监督管理局]
    category: outdated
    severity: error
    message: "「{match}」应为「{suggestion}」"
    source: house style
    valid_from: 2018-03-21
    examples:
      bad: ["县[[市场监督局]]"]
"""


def test_seed_sentence_from_the_issue(checker):
    report = checker.check(SEED_SENTENCE)
    got = [(f.text, f.suggestions[0], f.start, f.end) for f in report.findings]
    assert got == [
        ("京津翼", "京津冀", 10, 13),
        ("截止目前", "截至目前", 14, 18),
        ("名族", "民族", 22, 24),
        ("党的二十精神", "党的二十大精神", 27, 33),
    ]
    for f in report.findings:
        assert SEED_SENTENCE[f.start : f.end] == f.text
        assert f.severity is Severity.SERIOUS and f.source and f.message and f.code
        assert f.text in f.context
    assert report.verdict == "fail"
    assert report.counts == {"serious": 4, "error": 0, "warning": 0}
    assert report.score == 0
    assert report.apply(SEED_SENTENCE) == "县医保局将京津冀写成京津冀，截至目前已整改，民族团结，党的二十大精神"


def test_module_level_check_uses_a_default_checker():
    report = errcheck.check("深入推进京津翼协同发展")
    assert [f.code for f in report.findings] == ["FP0001"]
    assert errcheck.default_checker() is errcheck.default_checker()


def test_clean_text_passes(checker):
    report = checker.check("深入推进京津冀协同发展，截至目前各项工作进展顺利。")
    assert report.findings == () and report.verdict == "pass" and report.score == 100


def test_verdict_and_score_rules():
    def finding(sev):
        return Finding(0, 1, 1, 1, "x", ("y",), "XX0001", "typo", sev, "m", "s", "x")

    assert Report((finding(Severity.WARNING),)).verdict == "pass"
    assert Report((finding(Severity.WARNING),)).score == 98
    assert Report((finding(Severity.ERROR),) * 2).verdict == "warn"
    assert Report((finding(Severity.ERROR),) * 2).score == 80
    assert Report((finding(Severity.SERIOUS),)).verdict == "fail"
    assert Report((finding(Severity.SERIOUS),)).score == 59
    assert Report((finding(Severity.ERROR),) * 11).score == 0


def test_report_json_schema(checker):
    data = json.loads(checker.check(SEED_SENTENCE).to_json())
    assert data["schema_version"] == errcheck.SCHEMA_VERSION
    assert set(data) == {"schema_version", "ruleset_version", "length", "verdict", "score", "counts", "findings",
                         "truncated_at", "fixable"}
    assert data["truncated_at"] is None
    assert data["ruleset_version"] == checker.version
    f = data["findings"][0]
    assert set(f) == {"start", "end", "line", "column", "text", "suggestions", "code", "category", "severity",
                      "message", "source", "context", "kind", "applicability"}
    assert f["severity"] == "serious" and f["suggestions"] == ["京津冀"] and f["applicability"] == "safe"


def test_min_severity_and_categories(checker):
    text = "深入推进京津翼协同发展，截止目前"
    # 截止目前 is a curated typo pair (TY0002); the generated variants of 截至目前 leave
    # it to the pair because 截止 is itself a common word (a real-word error)
    assert [f.code for f in checker.check(text, categories=["fixed-phrase"]).findings] == ["FP0001"]
    assert [f.code for f in checker.check(text, categories=["typo"]).findings] == ["TY0002"]
    assert checker.check(text, min_severity="serious").findings
    with pytest.raises(ValueError, match="unknown categories"):
        errcheck.Checker(categories=["nonsense"])
    with pytest.raises(ValueError, match="unknown severity"):
        checker.check(text, min_severity="fatal")


def test_user_dictionary_adds_and_overrides_by_code(tmp_path):
    (tmp_path / "house.yaml").write_text(USER_DICT, encoding="utf-8")
    checker = errcheck.Checker(tmp_path)
    report = checker.check("名族团结，县市场监督局，京津翼")
    got = {f.code: (f.severity, f.message) for f in report.findings}
    assert got["TY0001"] == (Severity.WARNING, "本单位规定：「名族」写作「民族」")
    assert "XX0001" in got and "FP0001" in got
    # min_severity on the checker hides the demoted rule
    strict = errcheck.Checker(tmp_path, min_severity="error")
    assert "TY0001" not in {f.code for f in strict.check("名族团结").findings}


def test_as_of_judges_dated_rules(tmp_path):
    (tmp_path / "house.yaml").write_text(USER_DICT, encoding="utf-8")
    checker = errcheck.Checker(tmp_path, builtin=False, cache=False)
    text = "县市场监督局"
    assert [f.code for f in checker.check(text).findings] == ["XX0001"]
    assert [f.code for f in checker.check(text, as_of="2024-05-01").findings] == ["XX0001"]
    assert checker.check(text, as_of="2017-06-30").findings == ()
    with pytest.raises(ValueError, match="as_of must be a date"):
        checker.check(text, as_of="yesterday")


def test_second_start_loads_the_cache(tmp_path, checker):
    seed_rules = Path(checker.rules[0].path).parents[1] / "serious"
    first = errcheck.Checker(seed_rules, builtin=False, cache_dir=tmp_path)
    first.load()
    assert first.load_info["source"] == "built"
    second = errcheck.Checker(seed_rules, builtin=False, cache_dir=tmp_path)
    second.load()
    assert second.load_info["source"] == "cache"
    assert second.check(SEED_SENTENCE) == first.check(SEED_SENTENCE)
    assert len(second.check(SEED_SENTENCE).findings) == 4


def test_corrupt_cache_is_rebuilt(tmp_path, checker):
    seed_rules = Path(checker.rules[0].path).parents[1] / "serious"
    errcheck.Checker(seed_rules, builtin=False, cache_dir=tmp_path).load()
    for f in tmp_path.glob("*.pickle"):
        f.write_bytes(b"garbage")
    again = errcheck.Checker(seed_rules, builtin=False, cache_dir=tmp_path)
    again.load()
    assert again.load_info["source"] == "built"
    assert len(again.check(SEED_SENTENCE).findings) == 4


def test_cache_key_changes_with_the_dictionaries(tmp_path):
    d = tmp_path / "dicts"
    d.mkdir()
    (d / "house.yaml").write_text(USER_DICT, encoding="utf-8")
    a = errcheck.Checker(d, cache_dir=tmp_path / "c")
    a.load()
    (d / "house.yaml").write_text(USER_DICT.replace("市场监督局", "质监局"), encoding="utf-8")
    b = errcheck.Checker(d, cache_dir=tmp_path / "c")
    assert b.load_info == {} and b.version != a.version
    assert b.load_info["source"] == "built"
    assert [f.text for f in b.check("县质监局").findings] == ["质监局"]


def test_concurrent_checks_are_consistent():
    checker = errcheck.Checker()  # not loaded yet: threads race to load it (from the cache)
    texts = [SEED_SENTENCE * (i % 5 + 1) for i in range(200)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda t: len(checker.check(t).findings), texts))
    assert results == [4 * (i % 5 + 1) for i in range(200)]


def test_full_width_letters_and_invisible_characters(checker):
    text = "京\u200b津翼"
    (f,) = checker.check(text).findings
    assert (f.start, f.end, f.text) == (0, 4, text)


def test_rejects_non_str(checker):
    with pytest.raises(TypeError):
        checker.check(b"bytes")


def test_word_boundary_filter_drops_cross_word_matches(tmp_path):
    """A short wrong form that is only the tail of one word plus the head of the next is
    not an error; the same form standing alone is."""
    (tmp_path / "d.yaml").write_text(textwrap.dedent("""\
        entries:
          - code: XX0002
            wrong: [法制]
            right: [法治]
            category: typo
            severity: error
            message: "「{match}」→「{suggestion}」"
            source: test
            examples:
              bad: ["[[法制]]"]
        """), encoding="utf-8")
    checker = errcheck.Checker(tmp_path, builtin=False, cache=False)
    assert [f.text for f in checker.check("推进法制，建设").findings] == ["法制"]
    # 立法 + 制度: 法制 straddles two common words
    assert checker.check("完善立法制度").findings == ()


def test_longer_rule_wins_and_findings_do_not_overlap(tmp_path):
    (tmp_path / "d.yaml").write_text(textwrap.dedent("""\
        defaults: {category: typo, severity: error, message: "m", source: test}
        entries:
          - code: XX0003
            wrong: [二十精神]
            right: [二十大精神]
            boundary: false
            examples: {bad: ["[[二十精神]]"]}
          - code: XX0004
            wrong: [党的二十精神]
            right: [党的二十大精神]
            boundary: false
            examples: {bad: ["[[党的二十精神]]"]}
        """), encoding="utf-8")
    checker = errcheck.Checker(tmp_path, builtin=False, cache=False)
    assert [f.code for f in checker.check("学习党的二十精神").findings] == ["XX0004"]
    assert [f.code for f in checker.check("学习二十精神").findings] == ["XX0003"]


def test_work_per_text_is_bounded_and_the_report_says_where_it_stopped():
    """A text that is a list of errors is judged up to the bound; the report says from
    which offset nothing was checked, and offsets still point into the input."""
    checker = errcheck.Checker(max_candidates=50)
    text = "前言。" + "京津翼，" * 200  # 803 characters: a bound of 50 + 803 // 50 = 66
    report = checker.check(text)
    assert report.truncated_at is not None and 3 < report.truncated_at < len(text)
    assert 0 < len(report.findings) <= 100
    assert all(f.end <= report.truncated_at and text[f.start:f.end] == f.text for f in report.findings)
    assert report.to_dict()["truncated_at"] == report.truncated_at
    full = errcheck.Checker(max_candidates=1000).check(text)
    assert full.truncated_at is None and len(full.findings) == 200
    # the first findings are the same either way
    assert [f.start for f in report.findings] == [f.start for f in full.findings][: len(report.findings)]
    with pytest.raises(ValueError):
        errcheck.Checker(max_candidates=0)


def test_lone_surrogates_never_raise_and_offsets_point_into_the_input(checker):
    text = "abc\ud800京津翼\udfff名族\ud83d"
    report = checker.check(text)
    assert [(f.text, f.suggestions[0]) for f in report.findings] == [("京津翼", "京津冀"), ("名族", "民族")]
    assert all(text[f.start:f.end] == f.text for f in report.findings)
    assert report.length == len(text)


def test_only_curated_single_fixes_are_safe(checker):
    """全部采纳 / --fix apply only safe fixes: a listed pair or a protected term's variant
    with one suggestion; the everyday-words family's guesses (疑为) are left to a human,
    so a name such as 李赋宁 is never rewritten unattended."""
    text = "县医保局将京津冀写成京津翼，李赋宁教授说截止目前"
    report = checker.check(text)
    by_text = {f.text: f for f in report.findings}
    assert by_text["京津翼"].applicability == "safe" and by_text["截止目前"].applicability == "safe"
    guesses = [f for f in report.findings if f.code == "CW0001"]
    assert guesses and all(f.applicability == "unsafe" for f in guesses)
    fixed = report.fix(text)
    assert fixed == "县医保局将京津冀写成京津冀，李赋宁教授说截至目前"
    assert report.fixable == 2
    # the verdict after applying reflects what remains: only the guess
    after = checker.check(fixed)
    assert [f.code for f in after.findings] == [f.code for f in guesses]


def test_settle_freezes_the_loaded_objects_and_checks_the_same():
    """Checker.settle (used by the CLI's own process and batch workers) loads the rule set
    and the judge, then moves what the process holds to the collector's permanent
    generation; checking gives the same findings."""
    import gc

    c = errcheck.Checker()
    text = "京津翼协同发展，全县人民正在过上辛福生活。"
    expected = [(f.start, f.end, f.code) for f in c.check(text, mode="thorough").findings]
    before = gc.get_freeze_count()
    try:
        assert c.settle("thorough") is c
        assert gc.get_freeze_count() > before
        assert [(f.start, f.end, f.code) for f in c.check(text, mode="thorough").findings] == expected
        assert len(expected) == 2
    finally:
        gc.unfreeze()
