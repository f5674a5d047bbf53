"""The everyday-words family (word list CW0001): generated misspellings of frequent words
and idioms are caught with the right suggestion, and legitimate text stays quiet."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from errcheck.services.confusables import Confusables, load_shape_table
from errcheck.services.segment import SEGMENTER, crosses_word_boundary
from errcheck.resources import builtin_dictionaries

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FALLBACK = ["各地区各部门认真贯彻落实党中央决策部署。", "今年以来，全市经济运行总体平稳。"]


def _sentences() -> list[str]:
    files = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
    lines = [line.strip() for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    lines = [s for s in lines if 10 <= len(s) <= 80]
    return random.Random(3).sample(lines, min(400, len(lines))) or FALLBACK


SENTENCES = _sentences()


@pytest.fixture(scope="module")
def family(checker):
    """(word, variant, kind) triples that the compiled automaton holds, for a sample of words."""
    compiled = checker.load()
    [(base, _, (forms, _, targets))] = [b for b in compiled.blocks if b[1] == "words"]
    rule = next(r for r in compiled.rules if r.family == "words")
    shapes = builtin_dictionaries() / "confusables"
    confusables = Confusables(shape=load_shape_table(shapes / "shape.tsv", shapes / "shape-curated.tsv"))
    words = [w for w, _ in rule.params.words]
    sample = random.Random(5).sample(words, 1500)
    triples = []
    for word in sample:
        for i, ch in enumerate(word):
            for kind, subs in (("homophone", confusables.same_tone_homophones(ch)), ("shape", confusables.look_alikes(ch))):
                for c in sorted(subs):
                    variant = word[:i] + c + word[i + 1 :]
                    for start, end, index in compiled.matcher.find_all(variant):
                        if (start, end) == (0, len(variant)) and index >= base:
                            packed = targets[index - base]
                            if forms[packed >> 1] == word:
                                triples.append((word, variant, "shape" if packed & 1 else "homophone"))
    assert len(triples) > 1000, len(triples)
    return triples


def test_word_list_is_loaded_and_counted(checker):
    info = checker.load()
    stats = info.stats["word_variants"]
    assert stats["words"] > 10_000
    assert 0 < stats["kept"] < stats["generated"]
    [(_, family, (_, _, targets))] = [b for b in info.blocks if b[1] == "words"]
    assert family == "words" and len(targets) == stats["kept"]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_variant_between_clauses_is_caught_with_its_word(checker, family, data):
    word, variant, kind = data.draw(st.sampled_from(family))
    before = data.draw(st.sampled_from(SENTENCES))
    after = data.draw(st.sampled_from(SENTENCES))
    text = before + variant + "，" + after
    start, end = len(before), len(before) + len(variant)
    findings = checker.check(text).findings
    hits = [f for f in findings if (f.start, f.end) == (start, end)]
    if hits:
        assert [(f.code, f.suggestions, f.kind) for f in hits] == [("CW0001", (word,), kind)], text
    else:
        assert_explained(text, findings, start, end, word)


def assert_explained(text, findings, start, end, word):
    """Why a variant at text[start:end] may lack its own CW0001 finding: a listed pair
    reports the slip inside it (锈花 in 锈花枕头) and its correction restores the word;
    a dictionary word straddles the variant's edge (张平福 + 建莉: 福建); or a finding that
    starts earlier overlaps it (福场 in 张平福 + 场劾: leftmost wins)."""
    inside = [f for f in findings if start <= f.start and f.end <= end]
    earlier = [f for f in findings if f.start < start < f.end]
    if earlier:
        return
    if inside:
        fixed = text[start:end]
        for f in sorted(inside, key=lambda f: f.start, reverse=True):
            fixed = fixed[: f.start - start] + f.suggestions[0] + fixed[f.end - start :]
        assert fixed == word, (text, [(f.text, f.code, f.suggestions) for f in inside])
    else:
        assert crosses_word_boundary(text, start, end), text


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_variant_replacing_a_word_in_real_prose(checker, family, data):
    """One character of a word in a corpus sentence replaced by a homophone or look-alike:
    the finding names the word, unless a dictionary word straddles the slip (the filter's
    documented reason to stay quiet) or a listed rule claims that stretch of text."""
    by_word = {}
    for word, variant, kind in family:
        by_word.setdefault(word, []).append((variant, kind))
    sentence = data.draw(st.sampled_from(SENTENCES))
    pos, spots = 0, []
    for token in SEGMENTER.cut(sentence):
        if token in by_word:
            spots.append((pos, token))
        pos += len(token)
    if not spots:
        return
    start, word = data.draw(st.sampled_from(spots))
    variant, kind = data.draw(st.sampled_from(by_word[word]))
    text = sentence[:start] + variant + sentence[start + len(word) :]
    end = start + len(variant)
    findings = checker.check(text).findings
    hit = [f for f in findings if (f.start, f.end) == (start, end) and f.code == "CW0001"]
    if hit:
        assert hit[0].suggestions == (word,) and hit[0].kind == kind
    else:
        overlapping = [f for f in findings if f.start < end and start < f.end]
        assert overlapping or crosses_word_boundary(text, start, end), text


@pytest.mark.parametrize("text", [
    "中方愿同葡方加强发展战略对接。",          # 葡方: a partner country, not 北方
    "深化拓展网格化管理，把资源下沉到基层。",   # 网格化 is a word in its own right
    "完善公共文化服务体系。",                   # 务体 straddles 服务|体系
    "这是做好人才工作的根本。",                 # 这是 reads as two words, never 这里
    "要作出新的更大贡献。",                     # 新的 is not 新堤
    "各地区各部门要齐心协力，坚持不懈抓好落实。",
])
def test_legitimate_text_is_quiet(checker, text):
    assert [(f.code, f.text) for f in checker.check(text).findings if f.code == "CW0001"] == []


def test_benchmark_counts_the_familys_false_alarms_with_quality_py(checker, tmp_path):
    """benchmarks/everyday_words.py counts false alarms through quality.py's counter and
    only adds the family's share."""
    import importlib.util
    import sys

    bench = Path(__file__).resolve().parents[1] / "benchmarks"
    sys.path.insert(0, str(bench))
    try:
        spec = importlib.util.spec_from_file_location("everyday_words_benchmark", bench / "everyday_words.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(bench))
    prose = tmp_path / "prose.txt"
    prose.write_text("大家齐心协立，提前完成了任务。\n\n推动京津翼协同发展。\n", encoding="utf-8")
    fa = module.false_alarms(checker, [prose])
    assert (fa["chars"], fa["all"], fa["family"]) == (25, 2, 1)
    assert fa["family_hits"] == ["prose.txt: 齐心协立 in 大家齐心协立，提前完成了任务。"]
    assert fa["family_per_10k"] == round(10_000 / 25, 3)
