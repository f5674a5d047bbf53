"""The compiled kernels of the context stage (errcheck/_speedups.c) make exactly the
decisions of their pure-Python twins in errcheck.services.lm, and the judge's precomputed
word-alternatives table answers as the on-demand computation does."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from errcheck.services import lm as lm_module
from errcheck.services.judge import ContextJudge
from errcheck.services.lm import LanguageModel, viterbi_py, viterbi_scored_py, viterbi_tokens_py

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

try:
    from errcheck import _speedups
except ImportError:  # a build without a C compiler (ERRCHECK_NO_EXTENSIONS=1)
    _speedups = None


@pytest.fixture(scope="module")
def model():
    return LanguageModel().load()


def test_the_extension_is_built_and_used():
    """A build with a C compiler (as CI's) ships the extension and the judge uses it."""
    if os.environ.get("ERRCHECK_NO_EXTENSIONS"):
        pytest.skip("built without extensions on purpose")
    assert _speedups is not None, "errcheck._speedups was not built (see hatch_build.py)"
    assert isinstance(LanguageModel().native, _speedups.Lattice)


needs_ext = pytest.mark.skipif(_speedups is None, reason="errcheck._speedups not built")


# characters the vocabulary knows, some it does not, an astral one and a lone surrogate
_ALPHABET = list("国家权力利机关过上幸福辛生活政府攻中华人民共和各扶贫贪的了是在") + ["仼", "𠮷", "a", " ", "\ud800"]


@pytest.fixture(scope="module")
def loaded_judge(tmp_path_factory):
    return ContextJudge(cache_dir=tmp_path_factory.mktemp("speedups-judge")).load()


@pytest.fixture(scope="module")
def native(loaded_judge):
    return loaded_judge.lm.native


@needs_ext
def test_the_judge_and_the_model_share_one_native_lattice(loaded_judge, model):
    native = loaded_judge.lm.native
    assert isinstance(native, _speedups.Lattice)
    # the judge segments and ranks completions with the model's compiled lattice
    assert loaded_judge._segment == native.viterbi and loaded_judge._segment_scored == native.viterbi_scored
    assert loaded_judge._ranked_completions == native.ranked_completions
    assert loaded_judge._segment_tokens == native.viterbi_tokens
    # the model segments with it too, as the Python code does
    text = "全县人民正在过上幸福生活，国家权力机关依法履职"
    assert model.segment(text) == viterbi_py(text, model.lattice, model.unknown_logprob)


@needs_ext
def test_native_viterbi_matches_python_on_real_prose(loaded_judge, native):
    import re

    lines = [line for f in sorted(CORPUS.glob("*.txt"))[:3] for line in f.read_text(encoding="utf-8").splitlines()]
    clauses = [m.group() for line in lines[:3000] for m in re.finditer(r"[\u4e00-\u9fff]+", line)]
    assert len(clauses) > 1000
    for clause in clauses:
        assert native.viterbi_scored(clause) == viterbi_scored_py(
            clause, loaded_judge.lm.lattice, loaded_judge._unk)
        assert native.viterbi_tokens(clause) == viterbi_tokens_py(clause, loaded_judge.lm.lattice, loaded_judge._unk)


@needs_ext
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=40))
def test_native_viterbi_matches_python_on_any_string(loaded_judge, native, text):
    tokens, score = native.viterbi_scored(text)
    assert (tokens, score) == viterbi_scored_py(text, loaded_judge.lm.lattice, loaded_judge._unk)
    assert native.viterbi(text) == tokens
    # with each token's offset and unigram log10 probability (the vocabulary's, or the
    # unknown word's), as the scan reads them
    got = native.viterbi_tokens(text)
    assert got == viterbi_tokens_py(text, loaded_judge.lm.lattice, loaded_judge._unk)
    costs, unk = loaded_judge._costs, loaded_judge._unk
    assert got[0] == tokens and got[2] == [costs.get(t, unk) for t in tokens]
    assert [text[a:a + len(t)] for a, t in zip(got[1], tokens)] == tokens


def _keys(judge, ch):
    return judge._confusion_keys.get(ch) or frozenset(judge.confusion(ch))


@needs_ext
def test_completions_match_python_on_real_prose(loaded_judge, native):
    """The same characters with the same log10 probabilities, at every position (with the
    judge's credit for longer words, as the scan asks, and without)."""
    import re

    judge = loaded_judge
    lines = [line for f in sorted(CORPUS.glob("*.txt"))[:2] for line in f.read_text(encoding="utf-8").splitlines()]
    clauses = [m.group() for line in lines[:1500] for m in re.finditer(r"[\u4e00-\u9fff]{2,}", line)]
    found = 0
    for clause in clauses:
        for i in range(len(clause)):
            keys = _keys(judge, clause[i])
            want = judge._completions_py(clause, i, judge.max_word, judge._masked, keys, judge._costs,
                                         judge.long_word_credit)
            assert native.completions(clause, i, judge.max_word, keys, judge.long_word_credit) == want, (clause, i)
            if i % 3 == 0:
                plain = judge._completions_py(clause, i, judge.max_word, judge._masked, keys, judge._costs)
                assert native.completions(clause, i, judge.max_word, keys) == plain, (clause, i)
            found += bool(want)
    assert found > 1000
    # the rare-character case draws from every common character
    clause = "当加强对仼行政区域"
    want = judge._completions_py(clause, 4, judge.max_word, judge._masked, judge._common, judge._costs)
    assert native.completions(clause, 4, judge.max_word, judge._common) == want


@needs_ext
@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET[:-1]), min_size=1, max_size=12), st.data())
def test_completions_match_python_on_any_clause(loaded_judge, native, clause, data):
    judge = loaded_judge
    i = data.draw(st.integers(0, len(clause) - 1))
    per_char = data.draw(st.sampled_from([0.0, 1.0, 2.5]))
    keys = _keys(judge, clause[i])
    assert native.completions(clause, i, judge.max_word, keys, per_char) == judge._completions_py(
        clause, i, judge.max_word, judge._masked, keys, judge._costs, per_char)


@needs_ext
def test_ranked_completions_match_python_on_real_prose(loaded_judge, native):
    """The candidates the scan sends to the language model: the same characters in the
    same order, with the scan's limit and floor and others (a floor that drops some, a
    limit of none or of many), for confusion sets, a mutable set and every common
    character."""
    import re

    judge = loaded_judge
    lines = [line for f in sorted(CORPUS.glob("*.txt"))[:2] for line in f.read_text(encoding="utf-8").splitlines()]
    clauses = [m.group() for line in lines[:800] for m in re.finditer(r"[\u4e00-\u9fff]{2,}", line)]
    settings_ = [(judge.long_word_credit, judge.max_candidates, judge.min_word_logprob), (0.0, 5, -5.0),
                 (2.5, 0, -99.0), (1.0, 1000, -6.0)]
    found = 0
    for n, clause in enumerate(clauses):
        for i in range(len(clause)):
            keys = _keys(judge, clause[i])
            if n % 7 == 0:
                keys = set(keys)
            for per_char, limit, floor in settings_[: 1 if i % 2 else 4]:
                want = judge._ranked_completions_py(clause, i, judge.max_word, judge._masked, keys, judge._costs,
                                                    per_char, limit, floor)
                got = native.ranked_completions(clause, i, judge.max_word, keys, per_char, limit, floor)
                assert got == want, (clause, i, per_char, limit, floor)
                found += len(want) > 1
    assert found > 1000
    clause = "当加强对仼行政区域"
    for limit in (2, 50):
        want = judge._ranked_completions_py(clause, 4, judge.max_word, judge._masked, judge._common, judge._costs,
                                            1.0, limit, -7.0)
        assert native.ranked_completions(clause, 4, judge.max_word, judge._common, 1.0, limit, -7.0) == want
        assert len(want) == min(limit, len(native.completions(clause, 4, judge.max_word, judge._common, 1.0)))


@needs_ext
@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET[:-1]), min_size=1, max_size=12), st.data())
def test_ranked_completions_match_python_on_any_clause(loaded_judge, native, clause, data):
    judge = loaded_judge
    i = data.draw(st.integers(0, len(clause) - 1))
    per_char = data.draw(st.sampled_from([0.0, 1.0, 2.5]))
    limit = data.draw(st.integers(0, 4))
    floor = data.draw(st.sampled_from([-99.0, -7.0, -5.0]))
    keys = data.draw(st.sampled_from([_keys(judge, clause[i]), judge._common, frozenset(clause)]))
    assert native.ranked_completions(clause, i, judge.max_word, keys, per_char, limit, floor) == (
        judge._ranked_completions_py(clause, i, judge.max_word, judge._masked, keys, judge._costs, per_char,
                                     limit, floor))


@needs_ext
def test_native_lattice_rejects_bad_input(native):
    with pytest.raises(IndexError):
        native.completions("国家", 2, 4, frozenset())
    with pytest.raises(TypeError):
        native.completions("国家", 0, 4, ["国"])
    with pytest.raises(TypeError):
        _speedups.Lattice({"国": "not a pair"}, -7.0)
    with pytest.raises(TypeError):
        _speedups.Lattice(["not", "a", "dict"], -7.0)
    fresh = _speedups.Lattice({"国": (None, True), "国家": (-3.0, False)}, -7.0)
    with pytest.raises(RuntimeError):  # completions need the masked index
        fresh.completions("国家", 0, 4, frozenset({"国"}))
    with pytest.raises(TypeError):
        fresh.index_masked({"\x00家": frozenset({"国家"})})
    assert fresh.index_masked({"\x00家": frozenset({"国"})}) is True
    assert fresh.index_masked({}) is False  # loaded once
    assert fresh.completions("国家", 0, 4, frozenset({"国"})) == {"国": -3.0}
    assert fresh.ranked_completions("国家", 0, 4, frozenset({"国"}), 0.0, 2, -7.0) == ["国"]
    assert fresh.ranked_completions("国家", 0, 4, frozenset({"国"}), 0.0, 2, -2.0) == []
    with pytest.raises(TypeError):
        native.ranked_completions("国家", 0, 4, ["国"], 0.0, 2, -7.0)
    # a masked entry whose completion is not a word of the lattice
    odd = _speedups.Lattice({"国": (None, True), "国家": (-3.0, False)}, -7.0)
    odd.index_masked({"\x00家": frozenset({"国", "大"})})
    assert odd.completions("国家", 0, 4, frozenset({"国"})) == {"国": -3.0}
    with pytest.raises(KeyError):
        odd.completions("大家", 0, 4, frozenset({"大"}))
    with pytest.raises(KeyError):
        odd.ranked_completions("大家", 0, 4, frozenset({"国", "大"}), 0.0, 2, -7.0)
    assert fresh.viterbi("国家") == ["国家"] and fresh.viterbi_scored("国") == (["国"], -7.0)


def test_word_table_answers_as_the_computation(tmp_path):
    judge = ContextJudge(cache_dir=tmp_path).load()
    table = judge._word_table
    assert table, "the table is built on load"
    domain = sorted(judge._word_domain)
    rng = random.Random(7)
    for word in rng.sample(domain, 400) + ["须要", "神迹"]:
        if word in judge._word_domain:
            assert judge.word_alternatives(word) == judge._compute_word_alternatives(word), word
    # a word outside the scanned domain is computed on demand, as before
    assert judge.word_alternatives("幸福") == judge._compute_word_alternatives("幸福")
    # a second judge loads the table from the disk cache
    again = ContextJudge(cache_dir=tmp_path).load()
    assert again._word_table == table
    assert list(tmp_path.glob("context-words-*.pickle"))


@needs_ext
def test_completions_both_ways_round(loaded_judge, native):
    """Few candidates against many completions (a search of the sorted completions) and
    many candidates against few (a test of each completion) give what Python gives."""
    judge = loaded_judge
    many_completions = judge._masked["\x00的"]
    small_keys = _keys(judge, "目")
    assert len(small_keys) < len(many_completions)
    want = judge._completions_py("目的", 0, judge.max_word, judge._masked, small_keys, judge._costs)
    assert want and native.completions("目的", 0, judge.max_word, small_keys) == want
    big_keys = judge._common
    want = judge._completions_py("目的", 0, judge.max_word, judge._masked, big_keys, judge._costs)
    assert len(want) > 10 and native.completions("目的", 0, judge.max_word, big_keys) == want


def test_without_the_extension_the_judge_decides_the_same(loaded_judge, monkeypatch, tmp_path_factory):
    """A build without a C compiler runs the Python twins: the same proposals, gains
    included, as the compiled path on real prose."""
    monkeypatch.setattr(lm_module, "_native_lattice_type", lambda: None)
    plain = ContextJudge(LanguageModel(), cache_dir=tmp_path_factory.mktemp("plain-judge")).load()
    assert plain.lm.native is None
    lines = [line for f in sorted(CORPUS.glob("*.txt"))[:2] for line in f.read_text(encoding="utf-8").splitlines()]
    text = "\n".join(lines[:400]) + "\n全县人民正在过上辛福生活，市攻府召开会议，他身休健康。"
    got = plain.candidates(text, floor=0.0)
    assert got == loaded_judge.candidates(text, floor=0.0)
    assert any(p.suggestion == "幸" for p in got)


@needs_ext
def test_a_stale_build_is_not_used(monkeypatch):
    """A module compiled from an older source (an editable install not rebuilt) lacks
    methods the judge calls: the Python twins serve instead of failing on first use."""
    assert lm_module._native_lattice_type() is _speedups.Lattice
    stale = type("Lattice", (), {name: None for name in lm_module._NATIVE_METHODS if name != "viterbi_tokens"})
    monkeypatch.setattr(_speedups, "Lattice", stale)
    assert lm_module._native_lattice_type() is None
    model = LanguageModel().load()
    assert model.native is None
    text = "全县人民正在过上幸福生活"
    assert model.token_segmenter(text) == viterbi_tokens_py(text, model.lattice, model.unknown_logprob)
