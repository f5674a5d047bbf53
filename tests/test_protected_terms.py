"""Protected terms: generated variants are caught, correct terms are quiet (issue: errors
nobody listed). The variants come from the compiled table itself, so every kind the
generator keeps is exercised end to end through the filters."""

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from errcheck.families.terms import KINDS, VariantOptions, generate
from errcheck.services.confusables import Confusables

CONTEXTS = [("据悉，", "。"), ("", "，"), ("会议强调：", "！"), ("（", "）")]


@pytest.fixture(scope="module")
def variants_by_kind(checker):
    """kind -> [(variant, rule)] for every kept variant in the compiled rule set."""
    compiled = checker.load()
    out = defaultdict(list)
    for pattern, targets in zip(compiled.patterns, compiled.targets):
        if '"' in pattern:  # the straight-quote spelling of a quote variant: see below
            continue
        for rule_i, suggestions, kind, _, *needs_context in targets:
            rule = compiled.rules[rule_i]
            # variants that need context are confirmed by the language model or dropped
            # (tests/test_context_stage.py), not flagged as they are
            if kind != "listed" and rule.family == "terms" and not any(needs_context):
                out[kind].append((pattern, rule, suggestions[0]))
    return out


def test_every_kind_is_generated(checker, variants_by_kind):
    assert set(variants_by_kind) == set(KINDS)
    stats = checker.load_info["variants"]
    # terms contain no width-sensitive punctuation, so each kept variant is one pattern
    # (quote variants have a second, straight-quote spelling, left out of variants_by_kind)
    assert stats["kept"] == sum(len(v) for v in variants_by_kind.values())
    assert stats["generated"] == stats["kept"] + stats["dropped"]
    assert set(stats["dropped_by_reason"]) <= {"too-short", "is-a-protected-term", "common-word", "real-word",
                                               "plausible-phrase", "inside-a-protected-term"}


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(kind=st.sampled_from(KINDS), pick=st.integers(min_value=0), context=st.sampled_from(CONTEXTS))
def test_injected_variant_is_found_with_term_and_kind(checker, variants_by_kind, kind, pick, context):
    variant, rule, suggestion = variants_by_kind[kind][pick % len(variants_by_kind[kind])]
    assert_variant_is_caught(checker, variant, rule, suggestion, context)


def test_every_generated_variant_is_caught(checker, variants_by_kind):
    """All of them (about 200,000, a minute), each in one of the contexts in turn: the
    sample above found an overlap bug only once in a while."""
    i = 0
    for kind in KINDS:
        for variant, rule, suggestion in variants_by_kind[kind]:
            assert_variant_is_caught(checker, variant, rule, suggestion, CONTEXTS[i % len(CONTEXTS)])
            i += 1
    assert i == checker.load_info["variants"]["kept"]


def assert_variant_is_caught(checker, variant, rule, suggestion, context):
    before, after = context
    text = before + variant + after
    result = checker.check(text)
    findings = result.findings
    shown = (text, [(f.text, f.code, f.kind) for f in findings])
    inside = [f for f in findings if len(before) <= f.start and f.end <= len(before) + len(variant)]
    assert inside, shown
    # a curated pair for an error inside the variant may report it with its own rule,
    # but only when its correction restores the term: either way, applying the
    # suggestions gives back the correct text
    assert suggestion.strip("“”") == rule.params.term
    whole = [f for f in inside if (f.start, f.end) == (len(before), len(before) + len(variant))]
    if whole and whole[0].kind != "listed":
        (f,) = whole
        # a variant of several terms lists them all; this one among them
        assert suggestion in f.suggestions, shown
        choose = f.suggestions.index(suggestion)
        assert result.apply(text, choose) == before + suggestion + after, shown
        assert f.kind in KINDS
    else:
        assert all(f.kind == "listed" for f in inside), shown
        assert result.apply(text) == before + suggestion + after, shown


@SETTINGS
@given(pick=st.integers(min_value=0), context=st.sampled_from(CONTEXTS))
def test_correct_term_in_clean_text_is_quiet(checker, pick, context):
    terms = [r.params for r in checker.rules if r.family == "terms"]
    rule = terms[pick % len(terms)]
    term = f"“{rule.term}”" if rule.quoted else rule.term
    text = context[0] + term + context[1]
    assert [(f.text, f.code) for f in checker.check(text).findings] == []


def test_every_correct_term_is_quiet(checker):
    for rule in checker.rules:
        if rule.family == "terms":
            findings = checker.check("据悉，" + rule.params.term + "。").findings
            assert not findings, (rule.code, rule.params.term, [(f.text, f.code) for f in findings])


@pytest.mark.parametrize(
    "term, variant, kind",
    [
        ("京津冀", "京津翼", "shape"),
        ("自然资源", "自热资源", "shape"),
        ("厉行节约", "历行节约", "homophone"),  # 历/厉 are both lì (and look alike)
        ("落实全面从严治党", "全面落实从严治党", "order"),
        ("最后一公里", "最后“一公里”", "quote"),
        ("截至目前", "截止目前", "homophone"),
    ],
)
def test_seed_cases_are_generated_from_their_terms(checker, term, variant, kind):
    rule = next(r.params for r in checker.rules if r.family == "terms" and r.params.term == term)
    confusables = Confusables(shape=_shape(checker))
    generated = generate(term, confusables, VariantOptions(), rule.segments, rule.quoted)
    assert generated[variant][0] == kind


def _shape(checker):
    from errcheck.services.confusables import load_shape_table

    root = checker.paths[0]
    return load_shape_table(*sorted((root / "confusables").glob("shape*.tsv")))


def test_seed_variants_are_flagged_by_the_generated_family(checker):
    """Without the curated pairs (category filter keeps only protected-term categories
    that the pairs do not use), the variant machinery alone catches the seed errors whose
    altered word is not itself a common word."""
    compiled = checker.load()
    for variant, term in [("京津翼", "京津冀"), ("自热资源", "自然资源"), ("历行节约", "厉行节约"),
                          ("全面落实从严治党", "落实全面从严治党"), ("最后“一公里”", "最后一公里")]:
        index = compiled.patterns.index(variant)
        generated = [(compiled.rules[i].params.term, kind) for i, _, kind, *_ in compiled.targets[index] if kind != "listed"]
        assert any(t == term for t, _ in generated), (variant, generated)


def test_real_word_variants_are_dropped_not_flagged(checker):
    # 截止目前 is a homophone variant of 截至目前, but 截止 is a common word: generated
    # variants leave such real-word errors to curated pairs (TY0002 catches it)
    compiled = checker.load()
    index = compiled.patterns.index("截止目前")
    kinds = {kind for _, _, kind, *_ in compiled.targets[index]}
    assert kinds == {"listed"}


def test_legitimate_neighbours_are_not_flagged(checker):
    clean = [
        "坚决整治生态领域突出问题。",  # 整治 is a word, not 政治 misspelt
        "全面贯彻实施宪法是建设社会主义法治国家的首要任务。",  # not 贯彻落实 with a character missing
        "健全全面从严治党体系。",  # 健全 + 全面, not a doubled 全
        "中共中央统战部部长出席会议。",  # 统战部 + 部长
        "提供了亿元人民币经济援助。",  # 人民币, not 民营经济
        "学习党的二十届三中全会精神。",
    ]
    for text in clean:
        assert [(f.text, f.code) for f in checker.check(text).findings] == [], text


def test_listed_match_made_of_the_terms_own_characters_yields_to_the_variant(checker):
    # 人大常委 (NE0160: not a title) occurs inside 人大常委委会 only because the protected
    # term 人大常委会 is misspelt around it: the extra-character variant explains the error
    (f,) = checker.check("据悉，人大常委委会。").findings
    assert (f.start, f.end, f.kind, f.suggestions[0]) == (3, 9, "extra", "人大常委会")
    # a listed error that is not part of the term still wins inside a longer variant
    (f,) = checker.check("推动京津翼协同发展。").findings
    assert (f.text, f.kind, f.suggestions[0]) == ("京津翼", "listed", "京津冀")
    # and the listed rule still fires on its own
    (f,) = checker.check("他当选为省人大常委。").findings
    assert (f.text, f.code) == ("人大常委", "NE0160")


def test_a_variant_of_two_terms_names_both_in_suggestions_and_message(checker):
    (f,) = checker.check("全面推行呼长制。").findings
    assert set(f.suggestions) == {"河长制", "湖长制"}
    assert all(s in f.message for s in f.suggestions), f.message


def test_quote_variants_are_caught_with_straight_quotes_too(checker, variants_by_kind):
    """Web pages and plain-text drafts often use ASCII quotes: 最后"一公里" is the same
    misplaced quote as 最后“一公里”, and the correct term in ASCII quotes stays quiet."""
    assert variants_by_kind["quote"]
    for variant, rule, suggestion in variants_by_kind["quote"]:
        straight = variant.replace("“", '"').replace("”", '"')
        text = "据悉，" + straight + "。"
        got = [(f.start, f.end, f.suggestions[0]) for f in checker.check(text).findings]
        assert got == [(3, 3 + len(straight), suggestion)], text
    for rule in {r.code: r for _, r, _ in variants_by_kind["quote"]}.values():
        text = f'据悉，"{rule.params.term}"。'
        assert not checker.check(text).findings, text
