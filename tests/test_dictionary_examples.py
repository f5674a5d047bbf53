"""Every example of every shipped dictionary entry is a test (LanguageTool's <example>).

A ``bad`` example must produce exactly one finding: that rule's code, at the marked span,
with the rule's suggestions. A ``good`` example must produce no finding at all.
"""

import pytest

from errcheck.resources import builtin_dictionaries
from errcheck.families import family
from errcheck.loader import load_rules

RULES = load_rules([builtin_dictionaries()])
BAD = [pytest.param(r, ex, id=f"{r.code}-bad{i}") for r in RULES for i, ex in enumerate(r.bad_examples)]
GOOD = [pytest.param(r, ex, id=f"{r.code}-good{i}") for r in RULES for i, ex in enumerate(r.good_examples)]


@pytest.mark.parametrize("rule, example", BAD)
def test_bad_example_is_flagged_at_marker(checker, rule, example):
    report = checker.check(example.text, mode=family(rule.family).example_mode_for(rule))
    got = [(f.code, f.start, f.end, f.suggestions) for f in report.findings]
    expected = (example.suggestion,) if example.suggestion else rule.right
    assert got == [(rule.code, *example.span, expected)], example.text


@pytest.mark.parametrize("rule, example", GOOD)
def test_good_example_is_quiet(checker, rule, example):
    report = checker.check(example.text, mode=family(rule.family).example_mode_for(rule))
    assert [(f.code, f.text) for f in report.findings] == [], example.text


def test_every_rule_has_examples_and_source():
    """Rules carry their own bad examples, except in families whose are generated
    (protected terms: tests/test_protected_terms.py)."""
    assert RULES, "no shipped rules"
    for rule in RULES:
        assert rule.source.strip(), rule.code
        if family(rule.family).own_bad_examples:
            assert rule.bad_examples, rule.code


def test_right_forms_trigger_nothing(checker):
    """A suggestion must never be flagged itself (no A→B→A cycles across dictionaries)."""
    for rule in RULES:
        for right in rule.right:
            findings = checker.check(right).findings
            assert not findings, (rule.code, right, [(f.code, f.text) for f in findings])
