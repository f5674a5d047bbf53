"""The pattern family (``patterns:``): loader errors with file and line, anchors, fixes that
change only the wrong part, whole-text checks, and a property test: offsets exact and no
exception on any text. Runs on the shipped pattern files alone (no word lists), in seconds."""

from __future__ import annotations

import re
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import errcheck
from errcheck.families import BY_NAME, Candidate, Target
from errcheck.families.base import Family
from errcheck.families.patterns import derive_anchors, unpaired
from errcheck.loader import load_file
from errcheck.resources import builtin_dictionaries
from errcheck.rules import RuleError

PATTERNS = builtin_dictionaries() / "patterns"


@pytest.fixture(scope="module")
def patterns_checker(tmp_path_factory):
    c = errcheck.Checker(PATTERNS, builtin=False, cache_dir=tmp_path_factory.mktemp("patterns-cache"))
    c.load()
    return c


def write(tmp_path, body: str):
    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


ENTRY = """\
patterns:
  - code: XX0001
    category: typo
    severity: error
    message: "「{{match}}」应为「{{suggestion}}」"
    source: test
    pattern: '{pattern}'
    right: 截至
    examples:
      bad: ["{bad}"]
"""


# --------------------------------------------------------------------------- loader


@pytest.mark.parametrize("pattern, bad, reason", [
    (r"(?P<wrong>[0-9]+)", "[[2024]]年", "cannot be anchored"),
    (r"(?P<wrong>截止(", "[[截止]]今年", "not a valid regular expression"),
    (r"截止(?=今年)", "[[截止]]今年", "no named group 'wrong'"),
    (r"(?P<wrong>截止)(?=今年)", "[[截止今年]]底", "bad example marks '截止今年'"),
    (r"(?P<wrong>截止)(?=今年)", "[[截止]]明年", "matches nothing"),
    (r"(?P<wrong>[，])", "好[[，]]", "too common"),
])
def test_loader_refuses_with_file_and_line(tmp_path, pattern, bad, reason):
    path = write(tmp_path, "# a comment\n" + ENTRY.format(pattern=pattern, bad=bad))
    with pytest.raises(RuleError) as err:
        load_file(path)
    assert err.value.path == str(path) and err.value.line == 3, str(err.value)
    assert reason in str(err.value)
    assert str(err.value).startswith(f"{path}:3: ")


def test_loader_refuses_bad_template_and_unknown_check(tmp_path):
    path = write(tmp_path, ENTRY.format(pattern=r"(?P<wrong>截止)(?=今年)", bad="[[截止]]今年")
                 .replace("right: 截至", r"right: '\g<nope>'"))
    with pytest.raises(RuleError, match=r"p.yaml:2: .*(suggestion|names the expected)"):
        load_file(path)
    path = write(tmp_path, ENTRY.format(pattern=r"(?P<wrong>截止)", bad="[[截止]]今年").replace(
        "    pattern:", "    check: nonsense\n    pattern:"))
    with pytest.raises(RuleError, match="unknown check"):
        load_file(path)


def test_derived_anchors():
    assert derive_anchors(r"(?P<wrong>截止)(?=今年|去年)") == ("截止",)
    assert derive_anchors(r"(?:香港|澳门)、(?P<wrong>国家)") == ("、国家",)
    assert derive_anchors(r"(?P<wrong>第0+(?P<n>[1-9]))(?=号)") == ("第0",)
    assert derive_anchors(r"(?P<wrong>。{3,6})") == ("。。。",)
    assert derive_anchors(r"(?P<wrong>(?P<a>，)，|(?P<b>；)；)") == ("，，", "；；")
    assert derive_anchors(r"(?<=今年)(?P<wrong>[0-9]+)") == ()  # look-around is not part of the match


def test_shipped_rules_compile_and_are_anchored():
    rules = [r for f in sorted(PATTERNS.glob("*.yaml")) for r in load_file(f)]
    assert len(rules) >= 20
    for rule in rules:
        assert rule.family == "patterns"
        assert rule.params.check or rule.params.anchors, rule.code
        assert isinstance(rule.params.regex, re.Pattern)


# --------------------------------------------------------------------------- fixes


@pytest.mark.parametrize("text, fixed", [
    ("截止今年6月，全市已建成5G基站1.2万个。", "截至今年6月，全市已建成5G基站1.2万个。"),
    ("截止发稿时，事故原因仍在调查中。", "截至发稿时，事故原因仍在调查中。"),
    ("截止2024年底，累计发放补贴。", "截至2024年底，累计发放补贴。"),
    ("根据国发[2019]5号文件精神。", "根据国发〔2019〕5号文件精神。"),
    ("国办发〔2021〕第012号文件要求", "国办发〔2021〕12号文件要求"),
    ("国发[2019]05号", "国发〔2019〕5号"),
    ("产品远销美国、日本和香港等国家。", "产品远销美国、日本和香港等国家和地区。"),
    ("学习《宪法》、《民法典》。", "学习《宪法》《民法典》。"),
    ("会议强调，，要压实责任。", "会议强调，要压实责任。"),
    ("产品远销美国、香港、台湾等国家。", "产品远销美国、香港、台湾等国家和地区。"),
    ("骑车要带头盔。", "骑车要戴头盔。"),
    ("二0一九年", "二〇一九年"),
])
def test_fix_replaces_only_the_wrong_part(patterns_checker, text, fixed):
    report = patterns_checker.check(text)
    assert report.findings, text
    assert report.apply(text) == fixed


def test_right_usage_is_quiet(patterns_checker):
    for text in ["3月15日截止。", "申报截止日期为本月三十日。", "截止到今年6月，已完成。", "出门携带口罩。",
                 "时间10:30，增长3.5%，见 https://example.com/a,b;c", "Hello, world! Is it ok?",
                 "“一国两制”、“港人治港”。", "（一）加强领导。1）压实责任；2）强化考核。"]:
        assert patterns_checker.check(text).findings == (), text


def test_whole_text_checks(patterns_checker):
    text = "他说：“要把工作落到实处。\n会议审议了《实施方案。\n“第一段引文。\n“第二段引文。”"
    got = [(f.code, f.start, f.text) for f in patterns_checker.check(text).findings]
    assert got == [("PN0004", 3, "“"), ("PN0004", 19, "《")]
    assert unpaired("（甲）乙）", ("（）",)) == [4]
    # a stray half-width comma is flagged only in a text that mostly uses full-width ones
    mixed = "今年以来,全市经济运行稳中有进，主要指标好于预期，发展质量稳步提升。"
    assert [(f.code, f.start) for f in patterns_checker.check(mixed).findings] == [("PN0005", 4)]
    assert patterns_checker.check(mixed.replace("，", ",")).findings == ()


def test_one_thing_written_two_ways_flags_the_minority(patterns_checker):
    """NU0005 (check ``mixed``): years in Chinese numerals among more years in Arabic
    numerals are flagged with the Arabic form; a text written consistently either way,
    or mostly in Chinese numerals, is left alone."""
    text = "2022年增长3%，2023年增长5.2%，2024年增长5.0%，二〇二五年预期增长5%左右，二零二六年再议。"
    got = [(f.code, f.text, f.suggestions) for f in patterns_checker.check(text).findings if f.code == "NU0005"]
    assert got == [("NU0005", "二〇二五", ("2025",)), ("NU0005", "二零二六", ("2026",))]
    fixed = patterns_checker.check(text).apply(text)
    assert "2025年" in fixed and "2026年" in fixed
    assert not [f for f in patterns_checker.check("二〇二三年增长，二〇二四年增长，2025年预期。").findings
                if f.code == "NU0005"]
    assert not [f for f in patterns_checker.check("二〇二五年一月一日").findings if f.code == "NU0005"]


def test_mixed_check_needs_the_other_way_and_cheap_guard_characters(tmp_path):
    body = textwrap.dedent("""        patterns:
          - code: XX0002
            check: mixed
            pattern: '(?P<wrong>[一二][〇零一二三四五六七八九]{3})(?=年)'
            requires: "〇零"
            category: normative
            severity: warning
            message: "「{match}」"
            source: test
            examples:
              bad: ["2023年、2024年和[[二〇二五|2025]]年"]
        """)
    path = tmp_path / "m.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RuleError, match=r"m.yaml:2: .*needs a 'pattern' .* and 'against'"):
        load_file(path)
    against = "    against: '[12][0-9]{3}(?=年)'"
    path.write_text(body.replace('    requires: "〇零"', '    requires: "年"\n' + against), encoding="utf-8")
    with pytest.raises(RuleError, match="needs 'requires'"):
        load_file(path)


def test_document_check_runs_only_with_guard_characters(patterns_checker, monkeypatch):
    calls = []
    family = BY_NAME["patterns"]
    original = family.check_document
    monkeypatch.setattr(family, "check_document", lambda *a: calls.append(1) or original(*a))
    patterns_checker.check("全市经济运行稳中有进主要指标好于预期")
    assert calls == []
    patterns_checker.check("全市经济运行稳中有进，“主要指标”好于预期")
    assert calls == [1]


def test_categories_select_pattern_rules(patterns_checker):
    text = "产品远销美国、香港、台湾等国家。截止今年6月。"
    assert [f.code for f in patterns_checker.check(text, categories=["sensitive"]).findings] == ["SP0001"]
    assert [f.code for f in patterns_checker.check(text, categories=["typo"]).findings] == ["CX0001"]


def test_optional_wrong_group_never_reports_an_empty_span(tmp_path):
    write(tmp_path, ENTRY.format(pattern=r"截止(?P<wrong>今年)?", bad="截止[[今年]]"))
    c = errcheck.Checker(tmp_path, builtin=False, cache=False)
    assert [(f.start, f.end) for f in c.check("截止明年，截止今年").findings] == [(7, 9)]


def test_refine_defaults_to_keep():
    class Half(Family):
        def keep(self, cand, text, compiled):
            return cand.start % 2 == 0

    cand = Candidate(2, 4, Target(None, (), "listed", False))
    assert Half().refine(cand, "", None) is cand
    assert Half().refine(Candidate(1, 3, cand.target), "", None) is None


# --------------------------------------------------------------------------- properties

ALPHABET = st.sampled_from(list("截止至到今年去月日发稿时带戴口罩头盔香港澳门台湾等国家地区和、，,；;：:。.！!？?“”‘’《》（）()[]［］〔〕【】"
                                "0123456789第号国发办〇○一二九变显的越来更加期间其此在这中台关系交流总统马英九行政院 \n"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ALPHABET, max_size=80).map("".join))
def test_offsets_exact_and_no_exception(patterns_checker, text):
    report = patterns_checker.check(text)
    last_end = 0
    for f in report.findings:
        assert text[f.start:f.end] == f.text and f.start < f.end
        assert f.start >= last_end  # no overlaps
        last_end = f.end
        rule = next(r for r in patterns_checker.rules if r.code == f.code)
        if not rule.params.check:  # the span is the 'wrong' group of a match of the rule
            regex = rule.params.regex
            assert any(m.span("wrong") == (f.start, f.end)
                       for p in range(max(0, f.start - 64), f.start + 1)
                       for m in [regex.match(text, p)] if m), (f.code, text)
    report.apply(text)
