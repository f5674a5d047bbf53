"""Four-character idioms and set phrases with any one character replaced (AP0150, the
``masked`` entries of `errcheck/families/approx.py`), found by the context stage in
thorough mode and confirmed by the language model.

The model cannot confirm every random substitution (a replaced character that reads as
part of the sentence leaves it no evidence), so the property tests assert two things
that can fail: every candidate that passes the guards and the model's margin is reported
with the phrase as its only suggestion (the design's guarantee), and at least a measured
share of random slips is found (measured 2026-12-05: see ``MIN_FOUND``).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from errcheck.context import judge_for
from errcheck.families.approx import (
    MASKED_LENGTH,
    _masked_index,
    build_masked_index,
    masked_guard,
    masked_hits,
)
from errcheck.filter import Selection

POOL = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研"
#: realistic frames: the phrase stands as a clause of its own, as idioms usually do
CARRIERS = ("会上，大家{}，工作取得了新进展。", "据介绍，当地群众{}，共同建设美好家园。", "他说：“我们要{}，把各项工作做好。”")
#: share of random one-character slips of listed phrases found in the carriers: measured
#: 86 of 120 (0.72) on 2026-12-05 with the sample of
#: test_random_slips_are_found_at_the_measured_rate; the floor leaves room for a retuned margin
MIN_FOUND = 0.65


@pytest.fixture(scope="module")
def compiled(checker):
    return checker.load()


@pytest.fixture(scope="module")
def index(compiled):
    found = _masked_index(compiled)
    assert found is not None and len(found.phrases) > 2000
    return found


@pytest.fixture(scope="module")
def judge():
    return judge_for()


def _masked_findings(checker, text):
    return [(f.start, f.end, f.suggestions) for f in checker.check(text, mode="thorough").findings
            if f.code == "AP0150"]


def _expected(text, a, phrase, j, index, judge, rule):
    """Whether the design promises a finding: no guard explains the slip, the model does
    not know the written span, and the gain reaches the rule's margin."""
    if masked_guard(text, a, phrase, j, index, rule.params.min_word_count):
        return False
    if judge.known(text[a:a + MASKED_LENGTH]):
        return False
    margin = rule.params.confirm_margin if judge.known(phrase) else rule.params.unknown_margin
    return judge.gain(text, a, a + MASKED_LENGTH, phrase) >= margin


def _slip(phrase, rnd):
    j = rnd.randrange(MASKED_LENGTH)
    c = rnd.choice([x for x in POOL if x != phrase[j]])
    return phrase[:j] + c + phrase[j + 1:], j


def test_issue_cases(checker):
    text = "大会拉来帷幕，代表陆续报到。"
    assert _masked_findings(checker, text) == [(2, 6, ("拉开帷幕",))]
    assert not checker.check(text, mode="fast").findings  # thorough mode only


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(seed=st.integers(0, 10**9))
def test_a_confirmed_slip_is_reported_with_the_phrase(checker, index, judge, seed):
    rnd = random.Random(seed)
    phrase = rnd.choice(sorted(index.phrases))
    wrong, j = _slip(phrase, rnd)
    carrier = rnd.choice(CARRIERS)
    text = carrier.format(wrong)
    a = carrier.index("{}")
    rules = [rule for p, rule in index.keys[phrase[:j] + "\x00" + phrase[j + 1:]] if p == phrase]
    if wrong in index.phrases:
        return  # another listed phrase: correct text
    report = checker.check(text, mode="thorough")
    if any(f.code != "AP0150" and f.start < a + MASKED_LENGTH and a < f.end for f in report.findings):
        return  # another rule claims the span first (聪数伶俐: the everyday-words variant 聪数)
    findings = [(f.start, f.end, f.suggestions) for f in report.findings if f.code == "AP0150"]
    if _expected(text, a, phrase, j, index, judge, rules[0]):
        assert (a, a + MASKED_LENGTH, (phrase,)) in findings, text
    else:
        assert all(s != a for s, _, _ in findings), text


def test_random_slips_are_found_at_the_measured_rate(checker, index):
    rnd = random.Random(150)
    phrases = sorted(index.phrases)
    found = total = 0
    for _ in range(120):
        phrase = rnd.choice(phrases)
        wrong, _ = _slip(phrase, rnd)
        if wrong in index.phrases:
            continue
        carrier = rnd.choice(CARRIERS)
        a = carrier.index("{}")
        total += 1
        found += (a, a + MASKED_LENGTH, (phrase,)) in _masked_findings(checker, carrier.format(wrong))
    assert found / total >= MIN_FOUND, (found, total)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(seed=st.integers(0, 10**9))
def test_correct_phrases_give_nothing(checker, index, seed):
    rnd = random.Random(seed)
    phrase = rnd.choice(sorted(index.phrases))
    text = rnd.choice(CARRIERS).format(phrase)
    assert _masked_findings(checker, text) == [], text


def test_hits_cover_every_position(index):
    phrase = "一如既往"
    for j in range(MASKED_LENGTH):
        wrong = phrase[:j] + "口" + phrase[j + 1:]
        hits = [(a, p, k) for a, p, k, _ in masked_hits("我们" + wrong + "。", index)]
        assert (2, phrase, j) in hits, wrong
    assert [h for h in masked_hits("我们一如既往。", index) if h[1] == phrase] == []


@pytest.mark.parametrize("text, start, phrase, j, reason", [
    ("这是“同球共济”的时候。", 3, "同舟共济", 1, "quoted"),
    ("一村之长、一乡之长，都要带头。", 5, "一技之长", 1, "parallel"),
    ("抗台救灾，抗台救灾精神。", 0, "抗震救灾", 1, "repeated"),
    ("经济运行稳中有变。", 4, "稳中有升", 3, "changed-chars-form-a-common-word"),
    ("在新媒体的作用下翻陈出新。", 8, "推陈出新", 0, "blend"),
    ("学而时习之，不亦说乎。", 6, "不亦乐乎", 2, "in-a-protected-phrase"),
])
def test_guards_name_their_reason(index, text, start, phrase, j, reason):
    small = build_masked_index([_Rule(((phrase, ""),))]) if phrase not in index.phrases else index
    assert masked_guard(text, start, phrase, j, small, 50) == reason


class _Rule:
    """The part of a rule `build_masked_index` reads."""

    def __init__(self, phrases):
        self.params = type("P", (), {"phrases": phrases})()


def test_masked_entries_need_four_character_phrases(tmp_path):
    from errcheck.loader import load_rules
    from errcheck.rules import RuleError

    (tmp_path / "p.tsv").write_text("一如既往\n全心全意为人民\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("approx:\n  - code: AP0999\n    phrases: [p.tsv]\n    masked: true\n    category: typo\n"
                   "    severity: error\n    source: x\n", encoding="utf-8")
    with pytest.raises(RuleError, match="only phrases of 4 characters"):
        load_rules([tmp_path])


def test_phrase_tables_record_a_source():
    root = Path(__file__).resolve().parents[1] / "dictionaries" / "approx"
    for name in ("idioms4.tsv", "fixed4.tsv"):
        for line in (root / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                phrase, source = line.split("\t")
                assert len(phrase) == MASKED_LENGTH and source.strip(), line


def test_selection_can_leave_the_rule_out(checker):
    report = checker.check("大会拉来帷幕，代表陆续报到。", mode="thorough", ignore=["AP0150"])
    assert [f for f in report.findings if f.code == "AP0150"] == []


def test_fast_mode_never_reports_masked_slips(checker, compiled, index):
    from errcheck.families.approx import FAMILY

    text = "大会拉来帷幕，代表陆续报到。"
    assert FAMILY.context_candidates(text, compiled, Selection())  # a candidate exists ...
    assert not checker.check(text, mode="fast").findings        # ... and fast mode never looks
