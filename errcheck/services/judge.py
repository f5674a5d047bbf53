"""The context judge: candidate corrections judged with a word language model.

A shared service of the context stage (``errcheck/context.py``), which wires it into the
pipeline; it knows nothing of rules or the pipeline.

Two uses, both independent of the rest of the pipeline:

* **fast mode**: the pipeline has a candidate (a generated variant that is itself a
  word, 国家权利机关) and asks how much better the text reads with the correction:
  `ContextJudge.gain` (log10; > 0 means the replacement reads better).
* **thorough mode**: `ContextJudge.scan` looks for one-character substitution typos
  nobody listed (辛福 → 幸福, 攻府 → 政府, 共合国 → 共和国), extra characters (习近平近新时代,
  中国国共产党) and, when asked (``missing=True``), missing ones (中华人民共国 → 共和国)
  and returns `Proposal`s.

How `scan` decides (the design measured in ``../shared/design/DEPENDENCIES.md``, "A
Chinese language model for context"): each run of Chinese characters (a clause) is
segmented once with a unigram Viterbi over the model's vocabulary. A typo usually breaks
a word, so only characters left as lone one-character tokens are suspects. A suspect's
candidates are its homophones, near-homophones and look-alikes (errcheck.confusables,
plus ``dictionaries/confusables/shape-extra.tsv``) that complete a vocabulary word with
the neighbouring characters (an index "word with one character masked → completing
characters"); the two completing the likeliest words are scored. Two lone characters in
a row are suspects too (words read alike: 鱼蒜 → 预算), and so are rare two-character
words (神迹 → 审计). Each candidate's window (one token either side, re-segmented) is
scored by the language model with two tokens of context either side, keeping KenLM
states; a candidate is proposed when it beats the text as written by a margin that
depends on its kind and form (`DEFAULT_MARGINS`). A lone character that repeats its
neighbour or a character of a neighbouring word is also tried deleted (kinds ``doubled``
and ``extra``), and, with ``missing=True``, completed with a common character before or
after it that makes a vocabulary word (kind ``missing``: the masked index with the mask at
the insertion point; `_indel_jobs`).

Names and new terms are protected: spans the caller passes (``protected``), an
allow-list (``dictionaries/context/allow.txt``), heuristics for personal names (a
common surname left as a lone token and the lone characters after it; lone characters
before a title) and transliterations (three or more transliteration characters in a
row; the characters next to a name separator "·", 葛兰素·威康), and, in
`ContextJudge.scan`, a suspect the document writes the same way more than once and
more often than corrected (`repeated`). Two kinds of lone characters are never
suspects: the commonest function character (的: `_SUSPECT_MAX_LOGPROB`) and a
character written again two places away (党章党规, 党规党纪, 大拆大建: the parallel
pattern ABAC of Chinese four-character phrases, where the model knows the compound
AB but not the coined AC).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from ..normalize import replace_surrogates
from .lm import LanguageModel

__all__ = ["ContextJudge", "Proposal", "DEFAULT_MARGINS", "clean_text", "repeated", "select"]

#: minimum log10 gain of the corrected window over the written one, per candidate kind;
#: chosen on ECSpell's odw.train split (benchmarks/context_eval.py --tune)
#: ``pair`` and ``word`` apply on top to proposals of those forms (see `Proposal.form`);
#: ``pair`` lowered from 10 to 8 once reduplications (酽酽) stopped being pair suspects:
#: the lowest value that adds no false alarm on the clean prose (7 doubles them), chosen on
#: odw.train and law.train (sentence recall 0.345 → 0.353 together, precision unchanged);
#: ``homophone`` from 6 to 5.75 with the room the guards of 2026-12-05 made on clean prose
#: (line by line 0.69 → 0.25 per 10k characters): odw.train recall 0.330 → 0.339, law.train
#: 0.381 → 0.396, precision 0.997 / 0.979, clean prose 0.25 → 0.37 per 10k (5.5: 0.58)
DEFAULT_MARGINS: dict[str, float] = {"homophone": 5.75, "near-homophone": 6.0, "shape": 5.0, "pair": 8.0,
                                     "word": 6.0, "missing": 6.5, "extra": 7.0, "doubled": 5.0}

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
#: a clause the scan looks at: a run of two or more Chinese characters
_CLAUSE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")
_MASK = "\x00"
_INDEX_FORMAT = 3
_RESEGMENT = 1  # tokens re-segmented either side of a suspect
_CONTEXT = 2  # tokens of language-model context either side of those (a trigram model)
#: lone characters likelier than this (的 −1.9, 在, 是, 了 …) do not start a pair suspect
_PAIR_MAX_LOGPROB = -4.0
#: a lone character likelier than this is never a suspect: 的 (−1.95), the only one, which a
#: trigram model rewrites into strong bigrams (解决好的一个 → 第一个 on clean prose) while its
#: real misuse (的/地/得) is a question of grammar, not a slip; 和 (−2.36) stays a suspect
#: (出让和同 → 合同 in ECSpell)
_SUSPECT_MAX_LOGPROB = -2.2
#: a lone character likelier than this is not completed with a missing character: one that
#: often stands alone as a word (在 −2.5, 有 −2.8, 也 −2.7, 把, 被, 对 …) is a word as written,
#: and they are two thirds of the lone characters of prose (the speed of the scan); 共 (−3.6)
#: of 中华人民共国 is not one of them
_MISSING_MAX_LOGPROB = -3.5
#: separators of the parts of a transliterated foreign name (葛兰素·威康, 卡尔·马克思)
_NAME_DOTS = "\u00b7\u30fb\u2027\u2022\u2219"
#: Chinese characters either side of such a separator that are protected
_NAME_DOT_REACH = 3
_NAME_DOT = re.compile(f"[\u3400-\u4dbf\u4e00-\u9fff]{{1,{_NAME_DOT_REACH}}}(?=[{_NAME_DOTS}])"
                       f"|(?<=[{_NAME_DOTS}])[\u3400-\u4dbf\u4e00-\u9fff]{{1,{_NAME_DOT_REACH}}}")


#: common single-character Chinese surnames (about 250, those of 《百家姓》 still frequent
#: today); a lone one followed by one or two lone characters reads as a name (曾培炎,
#: 李赋宁). Surnames that are mostly function words (和, 于, 何, 与 …) are left out: they
#: would shield too many real typos.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严覃武戴莫孔汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧"
    "耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴"
    "蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏"
    "席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
    "苑迟邝"
)
#: characters of phonetic transliterations of foreign names (马拉多那, 武契奇, 阿尔及利亚)
TRANSLITERATION = frozenset(
    "阿埃艾安昂奥巴拜班邦保贝本比彼宾波伯博布查达戴丹德迪蒂丁东杜多厄恩尔法凡菲费芬丰弗"
    "福盖甘冈戈哥格古圭哈海汉豪赫亨胡华霍基吉加贾杰金卡凯坎康柯科克肯库拉莱赖兰朗劳勒雷黎"
    "里利莉丽连林琳卢鲁路伦罗洛马玛迈麦曼梅门蒙米密敏莫姆穆纳娜奈南内尼涅宁纽努诺欧帕派潘"
    "佩彭皮普奇齐恰乔切钦丘萨塞桑瑟森沙莎尚舍什施史斯松苏索塔泰坦汤唐特图托瓦万旺威韦维温"
    "沃乌伍西希夏谢辛休雅亚扬耶伊因尤于约泽扎詹兹佐契"
)
#: words that follow a name (武契奇总统, 李赋宁教授): the lone characters before one are a name
TITLES = frozenset(
    "总统 总理 主席 首相 国王 女王 亲王 王子 公主 大使 部长 外长 议长 省长 市长 县长 区长 镇长 乡长 村长 书记 "
    "主任 局长 厅长 处长 科长 司令 将军 教授 院士 博士 先生 女士 同志 老师 师傅 医生 记者 委员 代表 董事长 总经理 "
    "经理 校长 院长 所长 表示 指出 说".split()
)
#: words a name follows in a byline (新华社北京电 记者郅振璞): the lone characters after one are a name
BYLINES = frozenset("记者 通讯员".split())
#: a protected run of transliteration characters must be at least this long
_TRANSLIT_RUN = 3
_TRANSLIT_RUN_RE = re.compile(f"[{''.join(sorted(TRANSLITERATION))}]{{{_TRANSLIT_RUN},}}")


@dataclass(frozen=True, slots=True)
class Proposal:
    """A suspected one-character typo: ``text[start:end]`` should read ``suggestion`` (as
    long for a substitution; one character longer for a missing character, the span being
    the lone character next to the gap; one shorter for an extra one, the span being the
    extra character and the one it repeats or precedes)."""

    start: int
    end: int
    original: str
    suggestion: str
    kind: str  # 'homophone' | 'near-homophone' | 'shape' | 'missing' | 'extra' | 'doubled'
    gain: float  # log10 gain of the corrected window over the written one
    #: what was replaced: ``char`` a lone character, ``pair`` two lone characters (鱼蒜 for
    #: 预算), ``word`` a word of the model's vocabulary (神迹 for 审计); the last two have
    #: their own, larger margins
    form: str = "char"

    @property
    def confidence(self) -> float:
        """The gain as a 0–1 score (0.5 at a gain of 6, 0.9 at 10): for ranking only."""
        return 1.0 / (1.0 + 10 ** ((6.0 - self.gain) / 4.0))


#: ``text`` with lone surrogates replaced by U+FFFD (same length: offsets hold)
clean_text = replace_surrogates


def _dictionaries_dir() -> Path:
    from ..resources import builtin_dictionaries

    return builtin_dictionaries()


def _read_terms(path: Path) -> list[str]:
    """One term a line; ``#`` starts a comment."""
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        term = line.split("#", 1)[0].strip()
        if term:
            out.append(term)
    return out


class ContextJudge:
    """Language-model judge for candidate corrections (see the module docstring).

    Build once and share: loading is lazy and locked, and the built state is read-only.
    """

    def __init__(
        self,
        lm: LanguageModel | str | os.PathLike | None = None,
        *,
        margins: dict[str, float] | None = None,
        allow: tuple[str, ...] | list[str] = (),
        dictionaries: str | os.PathLike | None = None,
        cache_dir: str | os.PathLike | None = None,
        protect_names: bool = True,
        word_candidates: bool = True,
        word_max_logprob: float = -5.0,
        word_min_logprob: float = -6.0,
        word_gap: float = 1.0,
        max_candidates: int = 2,
        min_word_logprob: float = -7.0,
        trust_repeats: bool = True,
        long_word_credit: float = 1.0,
        indels: bool = True,
        missing: bool = False,
    ):
        self.lm = lm if isinstance(lm, LanguageModel) else LanguageModel(lm)
        self.margins = dict(DEFAULT_MARGINS)
        if margins:
            unknown = set(margins) - set(DEFAULT_MARGINS)
            if unknown:
                raise ValueError(f"unknown margin keys {sorted(unknown)}; expected {sorted(DEFAULT_MARGINS)}")
            self.margins.update(margins)
        self._dictionaries = Path(dictionaries) if dictionaries else None
        self._extra_allow = tuple(allow)
        self._cache_dir = Path(cache_dir) if cache_dir else None
        self.protect_names = protect_names
        self.word_candidates = word_candidates
        self.word_min_logprob = word_min_logprob
        self.word_max_logprob = word_max_logprob
        #: a word alternative must be this much likelier (log10) than the word written
        self.word_gap = word_gap
        self.max_candidates = max_candidates
        self.min_word_logprob = min_word_logprob
        self.trust_repeats = trust_repeats
        #: when the candidates of a lone character are ranked by the likeliest word each
        #: completes, log10 credit per character of that word beyond two: a correction that
        #: makes a longer word is better evidence (不孚众望: 负 completes 不负众望, −5.6 + 2,
        #: and now outranks 仅 of 不仅, −3.8). Chosen on ECSpell odw.train/law.train and the
        #: labelled sets (0.5, 1 and 2 alike on train, no new false alarm on clean prose)
        self.long_word_credit = long_word_credit
        #: also propose deleting an extra character (习近平近新时代, 中国国共产党)
        self.indels = indels
        #: also propose a missing character (财拨款 → 财政拨款): off by default, as it costs
        #: ~40 % of the scan's speed (each rare lone character is a site)
        self.missing = missing
        #: a missing character: the longest word it may complete, and the candidates per side
        self.insert_max_word = 4
        self.insert_candidates = max_candidates
        self.max_word = 4  # longest word a candidate may complete (2–4: the masked index)
        self._lock = threading.Lock()
        self._ready = False

    # ------------------------------------------------------------------ building
    def load(self) -> "ContextJudge":
        if not self._ready:
            with self._lock:
                if not self._ready:
                    self._build()
                    self._ready = True
        return self

    def _load_model(self) -> None:
        """Only what `gain` needs: the model and its segmentation lattice."""
        if getattr(self, "_model", None) is None:
            with self._lock:
                if getattr(self, "_model", None) is None:
                    lm = self.lm.load()
                    self._costs = lm.unigrams
                    self._unk = lm.unknown_logprob
                    self._segment = lm.segmenter
                    self._model = lm.model

    def _build(self) -> None:
        from .confusables import Confusables, load_directed_table, load_shape_table

        lm = self.lm.load()
        self._costs = lm.unigrams
        self._unk = lm.unknown_logprob
        self._segment = lm.segmenter
        self._segment_scored = lm.scored_segmenter
        self._segment_tokens = lm.token_segmenter
        import kenlm

        self._State = kenlm.State
        self._model = lm.model  # last: `gain` loads nothing once it is set
        root = self._dictionaries or _dictionaries_dir()
        shape_files = sorted((root / "confusables").glob("shape*.tsv"))
        self._confusables = Confusables(shape=load_shape_table(*shape_files))
        # one-way tables of the context stage only (a part for its whole, 去 for 法; pairs
        # observed in ECSpell's training splits): see tools/build_context_confusions.py
        directed_files = sorted((root / "confusables").glob("context-*.tsv"))
        self._directed: dict[str, tuple[str, ...]] = {}
        for f in directed_files:
            for ch, others in load_directed_table(f).items():
                self._directed[ch] = tuple(dict.fromkeys(self._directed.get(ch, ()) + others))
        self._confusion: dict[str, dict[str, str]] = {}
        self._confusion_keys: dict[str, frozenset[str]] = {}
        self._word_memo: dict[str, list[tuple[str, str]]] = {}
        self._word_table: dict[str, list[tuple[str, str]]] | None = None
        self._word_domain: frozenset[str] = frozenset()
        self._pair_memo: dict[str, list[tuple[str, str]]] = {}
        self._masked, self._by_pinyin = self._load_index()
        # the masked index in the model's native tables too (errcheck/_speedups.c): the
        # same completions without creating strings
        native = lm.native
        if native is not None:
            native.index_masked(self._masked)
            self._ranked_completions = native.ranked_completions
        else:
            masked, costs = self._masked, self._costs
            self._ranked_completions = lambda clause, i, max_word, keys, per_char, limit, floor: (
                self._ranked_completions_py(clause, i, max_word, masked, keys, costs, per_char, limit, floor))
        self._load_confusion([f.read_bytes() for f in shape_files + directed_files])
        self._top_insertions = self._build_insertions() if self.indels and self.missing else {}
        self._load_word_table(self._index_key + self._confusion_key)
        self._rare_candidates = dict.fromkeys(self._common, "shape")
        allow = _read_terms(root / "context" / "allow.txt") + list(self._extra_allow)
        self._allow_re = re.compile("|".join(map(re.escape, sorted(set(allow), key=len, reverse=True)))) if allow else None

    def _load_index(self) -> tuple[dict[str, frozenset[str]], dict[str, tuple[str, ...]]]:
        """The "word with one character masked → completing characters" index and the
        "toneless pinyin → two-character words" index, cached on disk (built in ~2 s from
        the model's vocabulary otherwise)."""
        from .cache import default_cache_dir, write_pickle as _write_pickle

        import pypinyin

        st = self.lm.path.stat()
        digest = hashlib.sha256(f"{st.st_size}:{_INDEX_FORMAT}:{pypinyin.__version__}".encode())
        with self.lm.path.open("rb") as fh:  # the vocabulary sits at the end of the file
            fh.seek(max(0, st.st_size - (1 << 20)))
            digest.update(fh.read())
        self._index_key = digest.digest()
        path = (self._cache_dir or default_cache_dir()) / f"context-index-{digest.hexdigest()[:24]}.pickle"
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, ValueError):
            pass
        index = build_masked_index(self._costs), build_pinyin_index(self._costs)
        _write_pickle(path, index, "context index")
        return index

    def _load_confusion(self, tables: list[bytes]) -> None:
        """The common characters (substitutes are drawn from them) and every vocabulary
        character's confusion set, computed once (~1.5 s: jieba's word counts, pinyin)
        and cached on disk next to the index, keyed by the shape tables and versions."""
        from .cache import default_cache_dir, write_pickle as _write_pickle
        from .confusables import common_characters

        import jieba
        import pypinyin

        digest = hashlib.sha256(f"{_INDEX_FORMAT}:{pypinyin.__version__}:{jieba.__version__}:"
                                f"{self._confusables.common_limit}".encode())
        for table in tables:
            digest.update(hashlib.sha256(table).digest())
        self._confusion_key = digest.digest()
        path = (self._cache_dir or default_cache_dir()) / f"context-confusion-{digest.hexdigest()[:24]}.pickle"
        try:
            with path.open("rb") as fh:
                self._common, self._confusion = pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, ValueError):
            self._common = common_characters(self._confusables.common_limit)
            chars = {w for w in self._costs if len(w) == 1} | set(self._common)
            for ch in sorted(chars):
                self.confusion(ch)
            _write_pickle(path, (self._common, self._confusion), "context confusion sets")
        self._confusion_keys = {ch: frozenset(conf) for ch, conf in self._confusion.items()}

    def confusion(self, ch: str) -> dict[str, str]:
        """Candidate → kind for one character (homophones first, then near, then shape)."""
        got = self._confusion.get(ch)
        if got is None:
            c = self._confusables
            got = {}
            for kind, chars in (("shape", c.look_alikes(ch)), ("near-homophone", c.near_homophones(ch)),
                                ("homophone", c.homophones(ch))):
                for other in chars:
                    got[other] = kind
            for other in self._directed.get(ch, ()):
                got.setdefault(other, "shape")  # a one-way look-alike (a part for its whole)
            got.pop(ch, None)
            self._confusion[ch] = got
            self._confusion_keys[ch] = frozenset(got)
        return got

    def known(self, word: str) -> bool:
        """Whether ``word`` is a word of the model's vocabulary."""
        self._load_model()
        return word in self._costs

    # ------------------------------------------------------------------ fast mode
    def gain(self, text: str, start: int, end: int, replacement: str) -> float:
        """How much better (log10) the clause around ``text[start:end]`` scores with
        ``replacement`` than as written. The clause is the run of Chinese characters
        around the span, at most 24 characters either side; both versions are segmented
        with the model's vocabulary and scored with sentence boundaries at clause ends."""
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span {start}:{end} outside a text of {len(text)} characters")
        self._load_model()  # the model alone: no candidate index (fast mode stays small)
        text = clean_text(text)
        replacement = clean_text(replacement)
        lo = start
        while lo > 0 and start - lo < 24 and _HAN.match(text, lo - 1):
            lo -= 1
        hi = end
        while hi < len(text) and hi - end < 24 and _HAN.match(text, hi):
            hi += 1
        bos = lo == 0 or not _HAN.match(text, lo - 1)
        eos = hi == len(text) or not _HAN.match(text, hi)
        before = text[lo:start]
        after = text[end:hi]
        old = self._clause_score(before + text[start:end] + after, bos, eos)
        new = self._clause_score(before + replacement + after, bos, eos)
        return new - old

    def _clause_score(self, clause: str, bos: bool, eos: bool) -> float:
        tokens = []
        for piece in re.split(r"(\s+)", clause):
            if piece and not piece.isspace():
                tokens.extend(self._segment(piece))
        return self._model.score(" ".join(tokens), bos=bos, eos=eos) if tokens else 0.0

    # ------------------------------------------------------------------ thorough mode
    def scan(self, text: str, protected=()) -> list[Proposal]:
        """One-character typos in ``text`` (substitutions, extra and missing characters:
        `Proposal.kind`), in text order, never overlapping
        each other or a ``protected`` span (``(start, end)`` pairs): the `candidates`
        that pass their kind's margin, the larger gain winning between neighbours, minus
        those the document itself vouches for (`repeated`)."""
        found = select(self.candidates(text, protected, floor=min(self.margins.values())), self.margins)
        if found:
            text = clean_text(text)
            found = [p for p in found if not parallel(text, p) and not (self.trust_repeats and repeated(text, p))]
        return found

    def candidates(self, text: str, protected=(), floor: float = 0.0) -> list[Proposal]:
        """Every suspect's best-scoring correction with a gain of at least ``floor``, before
        the per-kind margins and the overlap resolution of `scan` (for tuning, and for a
        caller that combines the gain with its own evidence)."""
        self.load()
        text = clean_text(text)
        n = len(text)
        guarded = bytearray(n)
        for start, end in protected:
            start, end = max(0, min(n, start)), max(0, min(n, end))
            if start < end:
                guarded[start:end] = b"\x01" * (end - start)
        if self._allow_re is not None:
            for m in self._allow_re.finditer(text):
                guarded[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        if any(dot in text for dot in _NAME_DOTS):
            for m in _NAME_DOT.finditer(text):
                guarded[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        found: list[Proposal] = []
        # a clause is a maximal run of Chinese characters: the model's sentence start and
        # end stand at its ends (as in `gain`)
        self._scan_clauses(text, guarded, found, floor)
        return found

    def _scan_clauses(self, text: str, guarded, found: list, floor: float) -> None:
        """Each clause of ``text`` (a run of two or more Chinese characters): the jobs of
        its suspects, scored by `_run_jobs` into ``found``."""
        costs = self._costs
        segment_tokens = self._segment_tokens
        ranked_completions = self._ranked_completions
        confusion, confusion_keys = self._confusion, self._confusion_keys
        common, max_word, max_candidates = self._common, self.max_word, self.max_candidates
        min_word_logprob, long_word_credit = self.min_word_logprob, self.long_word_credit
        indels = self.indels
        missing = indels and self.missing
        word_candidates, word_max_logprob = self.word_candidates, self.word_max_logprob
        word_table, word_domain = self._word_table, self._word_domain
        run_jobs = self._run_jobs
        for m in _CLAUSE.finditer(text):
            clause = m.group()
            base = m.start()
            # the tokens, their offsets in the clause and their unigram log10 probabilities
            tokens, offsets, lps = segment_tokens(clause)
            ntok = len(tokens)
            if ntok < 2:
                continue
            memo: list = [None, lps]  # the clause's name shields (once needed) and token log10 probabilities
            for k in range(ntok):
                tok = tokens[k]
                if len(tok) == 1:
                    i = offsets[k]
                    if guarded[base + i]:
                        continue
                    jobs = []
                    # not a function character, nor the repeated A of an ABAC phrase: those
                    # get no substitution nor a missing character (a doubled one may still be
                    # an extra character)
                    lp = lps[k]
                    suspect = lp <= _SUSPECT_MAX_LOGPROB and not (
                        (i >= 2 and clause[i - 2] == tok) or clause[i + 2:i + 3] == tok)
                    if missing or (indels and ((k and tok in tokens[k - 1])
                                               or (k + 1 < ntok and tok in tokens[k + 1]))):
                        self._indel_jobs(clause, tokens, offsets, k, guarded, base, jobs, suspect)
                    if not suspect:
                        if jobs:
                            run_jobs(clause, tokens, offsets, k, jobs, base, found, floor, memo)
                        continue
                    conf = confusion.get(tok)
                    if conf is None:
                        conf = self.confusion(tok)
                    keys = confusion_keys[tok]
                    if tok not in costs and tok not in common:
                        # a rare character the model does not know (仼, 迀): any common
                        # character that completes a word is a candidate, as a look-alike
                        conf, keys = self._rare_candidates, common
                    if conf:
                        # candidates that complete a word: only the few completing the
                        # likeliest words go to the language model
                        ranked = ranked_completions(clause, i, max_word, keys, long_word_credit, max_candidates,
                                                    min_word_logprob)
                        if ranked:
                            jobs.append((k + 1, [(c, conf[c]) for c in ranked], "char"))
                    nxt = tokens[k + 1] if k + 1 < ntok else ""
                    if (len(nxt) == 1 and nxt != tok and lp < _PAIR_MAX_LOGPROB
                            and lps[k + 1] < _PAIR_MAX_LOGPROB and not guarded[base + i + 1]):
                        # two lone characters in a row, neither a function word nor the same one
                        # twice (a reduplication: 酽酽的香茗): a word typed with the wrong
                        # characters of the same reading (元泽 for 原则, 鱼蒜 for 预算)
                        pair = tok + nxt
                        options = self.pair_alternatives(pair)
                        if options:
                            jobs.append((k + 2, options, "pair"))
                    if jobs:
                        run_jobs(clause, tokens, offsets, k, jobs, base, found, floor, memo)
                elif len(tok) == 2 and word_candidates and lps[k] < word_max_logprob:
                    # `word_alternatives`, its precomputed table inline
                    if word_table is not None and tok in word_domain:
                        options = word_table.get(tok)
                    else:
                        options = self.word_alternatives(tok)
                    i = offsets[k]
                    if options and not guarded[base + i] and not guarded[base + i + 1]:
                        run_jobs(clause, tokens, offsets, k, [(k + 1, options, "word")], base, found, floor, memo)

    def _run_jobs(self, clause, tokens, offsets, k, jobs, base, found, floor, memo) -> None:
        """Score each job (replacements of ``tokens[k:kend]``) and keep the best
        replacement of each that gains at least ``floor`` as a `Proposal`. ``memo``: the
        clause's name shields (computed on first need) and its tokens' log10 probabilities."""
        shields, token_lps = memo
        if shields is None:
            shields = memo[0] = self._shields(clause, tokens, offsets) if self.protect_names else ()
        i = offsets[k]
        for kend, options, form in jobs:
            best = self._best_candidate(tokens, offsets, k, kend, options, shields, token_lps)
            if best is None or best[1] < floor:
                continue
            rep, gain, kind = best
            old = "".join(tokens[k:kend])
            if len(rep) != len(old) and any(s <= i < e for s, e in shields):
                continue  # a character added to or taken from a name or a transliteration
            if len(rep) == len(old):
                # narrow to the characters that change (须要 → 需要: 须 → 需)
                a, b = 0, len(old)
                while a < b and old[a] == rep[a]:
                    a += 1
                while b > a and old[b - 1] == rep[b - 1]:
                    b -= 1
                found.append(Proposal(base + i + a, base + i + b, old[a:b], rep[a:b], kind, round(gain, 3), form))
            elif rep:
                # a missing character: the lone character next to the insertion point
                # is replaced by itself and the character (财 → 财政)
                found.append(Proposal(base + i, base + i + len(old), old, rep, kind, round(gain, 3), form))
            else:
                # an extra character: replaced with the neighbour it repeats, or the next
                # one (的的 → 的, 中中华 → 中), so the span is never empty
                j = i + 1 if i + 1 < len(clause) and (clause[i + 1] == old or i == 0 or clause[i - 1] != old) else i - 1
                a, b = min(i, j), max(i, j) + 1
                found.append(Proposal(base + a, base + b, clause[a:b], clause[j], kind, round(gain, 3), form))

    def _indel_jobs(self, clause, tokens, offsets, k, guarded, base, jobs, suspect: bool) -> None:
        """A missing or an extra character at the lone character ``tokens[k]`` (``suspect``:
        whether it is a suspect of substitutions, see `_scan_clauses`): jobs
        (see `_scan_clauses`) of kind ``missing`` (the character with a common character
        before or after it that completes a vocabulary word: 财 of 财拨款 → 财政, by the
        masked index with the mask at the insertion point) and ``extra`` (the character
        deleted, when it doubles a neighbour or repeats a character of a neighbouring
        word: 的的, 习近平近)."""
        costs, unk = self._costs, self._unk
        tok = tokens[k]
        i = offsets[k]
        lp = costs.get(tok, unk)
        ntok = len(tokens)
        prev = tokens[k - 1] if k else ""
        nxt = tokens[k + 1] if k + 1 < ntok else ""
        if self.indels and (tok in prev or tok in nxt) and not (
                (i and guarded[base + i - 1]) or (i + 1 < len(clause) and guarded[base + i + 1])):
            # the same character twice in a row (不不, 国国), or once more near a word
            # that has it (习近平近)
            doubled = prev[-1:] == tok or nxt[:1] == tok
            if not doubled:
                if prev[:1] != tok:  # not the head of a parallel phrase (依法依规)
                    jobs.append((k + 1, [("", "extra")], "char"))
            elif (len(prev) >= 2 and prev[-1] == tok and not (i >= 4 and clause[i - 4] == clause[i - 2])
                  and clause[i - 3:i - 2] != clause[i - 2] and not (i + 2 < len(clause) and clause[i + 1] == clause[i + 2])):
                # only a word that ends with the character, then the character again
                # (中国国, 创新新): a lone one before a word that starts with it is as often
                # a verb said twice (交交心, 剪剪枝) or a suffix (禁毒署署长, 编织袋厂厂房), and
                # two lone ones a reduplication (挪挪位子, 酽酽); nor the end of an ABAC
                # phrase (党章党规规范), nor half of an AABB one (坎坎坷坷)
                jobs.append((k + 1, [("", "doubled")], "char"))
        if not suspect:
            return  # the suspects of substitutions only (not 的, not the A of ABAC)
        if not self.missing or tok not in costs or lp > _MISSING_MAX_LOGPROB:
            # a character the model does not know (a substitution, if anything), or one
            # that stands alone as a word often (在, 有, 也, 把): a word as written
            return
        max_word, credit, top = self.insert_max_word, self.long_word_credit, self._top_insertions
        floor, options, n = self.min_word_logprob, [], len(clause)
        near = clause[max(0, i - 4):i + 5]
        # a common character before (after) it that completes a word of the vocabulary
        # with it and its neighbours: the masked index with the mask at the insertion point,
        # over every window of up to ``max_word`` characters holding the mask and the lone
        # character; the likeliest few words on each side
        for before in (True, False):
            best: dict[str, float] = {}
            cut = i if before else i + 1  # the insertion point
            for a in range(max(0, cut - max_word + 1), cut + 1 if before else cut):
                left = clause[a:cut] + _MASK
                for b in range(i + 1 if before else cut, min(n, a + max_word - 1) + 1):
                    key = left + clause[cut:b]
                    got = top.get(key)
                    if got:
                        extra = credit * (len(key) - 2)
                        for c, lp in got:
                            lp += extra
                            if lp > best.get(c, -99.0):
                                best[c] = lp
            # not a character the clause writes nearby: a shared part of coordinated
            # words (汽柴油: 汽油 and 柴油; 荒漠化、石漠化)
            ranked = sorted((c for c in best if c not in near), key=lambda c: (-best[c], c))
            options += [(c + tok if before else tok + c, "missing")
                        for c in ranked[: self.insert_candidates] if best[c] >= floor]
        if options:
            jobs.append((k + 1, options, "char"))

    def _build_insertions(self) -> dict[str, tuple[tuple[str, float], ...]]:
        """Each key of the masked index → the common characters that complete it into a
        vocabulary word, with the word's log10 probability, the likeliest first, at most
        ``max_candidates``: the candidates of a missing character (~140,000 keys,
        ~0.6 s)."""
        costs, common, limit = self._costs, self._common, self.max_candidates
        out = {}
        for key, chars in self._masked.items():
            got = chars & common
            if got:
                ranked = sorted(((c, costs[key.replace(_MASK, c)]) for c in got), key=lambda cl: (-cl[1], cl[0]))
                out[key] = tuple(ranked[:limit])
        return out

    @staticmethod
    def _completions_py(clause: str, i: int, max_word: int, masked, keys, costs, per_char: float = 0.0,
                        mask: str = _MASK) -> dict:
        """For each character of ``keys`` that completes a vocabulary word of 2 to
        ``max_word`` characters around ``clause[i]`` (by the masked index), the best such
        word's log10 probability plus ``per_char`` for each of its characters beyond two.
        (``errcheck._speedups.Lattice.completions`` is the same loop compiled over native
        tables.)"""
        n = len(clause)
        best_word: dict[str, float] = {}
        after = clause[i + 1:i + max_word]
        for a in range(max(0, i - max_word + 1), i + 1):
            left = clause[a:i] + mask
            for r in range(max(0, a + 1 - i), min(n - i - 1, a + max_word - i - 1) + 1):
                right = after[:r]
                got = masked.get(left + right)
                if got:
                    stem = left[:-1]
                    extra = per_char * (len(left) + len(right) - 2)
                    for c in got & keys:
                        lp = costs[stem + c + right] + extra
                        if lp > best_word.get(c, -99.0):
                            best_word[c] = lp
        return best_word

    @classmethod
    def _ranked_completions_py(cls, clause: str, i: int, max_word: int, masked, keys, costs, per_char: float,
                               limit: int, floor: float) -> list[str]:
        """The ``limit`` characters of `_completions_py` that complete the likeliest words
        (equal ones by character: deterministic whatever the order the completions were
        found in), minus those whose word is less likely than ``floor``: the candidates of
        a lone character that go to the language model.
        (``errcheck._speedups.Lattice.ranked_completions`` is the same, compiled.)"""
        best_word = cls._completions_py(clause, i, max_word, masked, keys, costs, per_char)
        ranked = sorted(best_word, key=lambda c: (-best_word[c], c))[:limit]
        return [c for c in ranked if best_word[c] >= floor]

    def pair_alternatives(self, pair: str) -> list[tuple[str, str]]:
        """Common two-character words that read like ``pair`` (two lone characters)."""
        got = self._pair_memo.get(pair)
        if got is None:
            costs = self._costs
            floor = self.word_min_logprob
            out = {w for key in _pinyin_keys(pair) for w in self._by_pinyin.get(key, ())
                   if w != pair and costs.get(w, -99.0) >= floor}
            ranked = sorted(out, key=lambda w: (-costs[w], w))[: self.max_candidates]
            got = self._pair_memo[pair] = [(w, "homophone") for w in ranked]
        return got

    def word_alternatives(self, word: str) -> list[tuple[str, str]]:
        """Two-character vocabulary words a writer may have meant instead of ``word``
        (itself a word): words read alike (神迹/审计, 须要/需要), and one-character
        look-alikes and near-homophones that are words. Each with its kind.

        For the words a scan asks about (rarer than ``word_max_logprob``) the answers are
        computed once for the whole vocabulary and cached on disk with the indexes
        (`_load_word_table`): the first sight of a rare word costs nothing in a scan."""
        table = self._word_table
        if table is not None and word in self._word_domain:
            return table.get(word, [])
        got = self._word_memo.get(word)
        if got is None:
            got = self._word_memo[word] = self._compute_word_alternatives(word)
        return got

    def _compute_word_alternatives(self, word: str) -> list[tuple[str, str]]:
        costs = self._costs
        out: dict[str, str] = {}
        # a likelier word than the one written, and a common one
        floor = max(self.word_min_logprob, costs[word] + self.word_gap)
        for key in _pinyin_keys(word):
            for other in self._by_pinyin.get(key, ()):
                if other != word and costs.get(other, -99.0) >= floor:
                    out[other] = "homophone"
        for j in range(2):
            conf = self.confusion(word[j])
            for c in self._masked.get(word[:j] + _MASK + word[j + 1:], ""):
                kind = conf.get(c)
                other = word[:j] + c + word[j + 1:]
                if kind and other not in out and costs.get(other, -99.0) >= floor:
                    out[other] = kind
        return sorted(out.items())

    def _word_domain_of(self) -> frozenset[str]:
        """The words `_scan_clauses` asks `word_alternatives` about."""
        return frozenset(w for w, lp in self._costs.items()
                         if len(w) == 2 and lp < self.word_max_logprob and _HAN.fullmatch(w))

    def _load_word_table(self, key: bytes) -> None:
        """`word_alternatives` of every word of the domain (~95,000 words, ~5 s), cached
        on disk keyed by the indexes' key, the confusion tables and the thresholds."""
        from .cache import default_cache_dir, write_pickle as _write_pickle

        self._word_table = None
        self._word_domain = self._word_domain_of()
        digest = hashlib.sha256(key + f"{self.word_min_logprob}:{self.word_max_logprob}:{self.word_gap}".encode())
        path = (self._cache_dir or default_cache_dir()) / f"context-words-{digest.hexdigest()[:24]}.pickle"
        try:
            with path.open("rb") as fh:
                table = pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, ValueError):
            table = {}
            for word in sorted(self._word_domain):
                alts = self._compute_word_alternatives(word)
                if alts:
                    table[word] = alts
            _write_pickle(path, table, "context word alternatives")
        self._word_table = table

    def _best_candidate(self, tokens, offsets, k, kend, options, shields, token_lps):
        """The best of ``options`` (replacements for ``tokens[k:kend]``, with their kind)
        by language-model gain over the window: (replacement, gain, kind) or None."""
        segment_scored = self._segment_scored
        ntok = len(tokens)
        lo = max(0, k - _RESEGMENT)
        hi = min(ntok, kend + _RESEGMENT)
        span_start = offsets[lo]
        span = "".join(tokens[lo:hi])
        at = offsets[k] - span_start
        width = offsets[kend - 1] + len(tokens[kend - 1]) - offsets[k]
        real_word = width > kend - k  # a word of the text is being replaced
        old_tokens = tokens[lo:hi]
        # the unigram log10 probabilities of the tokens, summed in order
        old_uni = sum(token_lps[lo:hi])
        tail = tokens[hi:hi + _CONTEXT]
        eos = hi + _CONTEXT >= ntok
        state = None
        old = None
        best = None
        for rep, kind in options:
            new_span = span[:at] + rep + span[at + width:]
            new_tokens, new_uni = segment_scored(new_span)
            if not real_word and new_uni <= old_uni:
                continue  # the correction does not even make better words
            if shields:
                # the word the correction makes, in clause coordinates
                p = span_start
                for t in new_tokens:
                    if p + len(t) > span_start + at:
                        break
                    p += len(t)
                if any(s <= p and p + len(t) <= e for s, e in shields):
                    continue
            if old is None:
                state = self._left_state(tokens, lo)
                old = self._window_score(state, old_tokens, tail, eos)
            gain = self._window_score(state, new_tokens, tail, eos) - old
            if best is None or gain > best[1]:
                best = (rep, gain, kind)
        return best

    def _left_state(self, tokens, lo):
        model, new_state = self._model, self._State
        state = new_state()
        if lo <= _CONTEXT:
            model.BeginSentenceWrite(state)
            first = 0
        else:
            model.NullContextWrite(state)
            first = lo - _CONTEXT
        out = new_state()
        for t in tokens[first:lo]:
            model.BaseScore(state, t, out)
            state, out = out, state
        return state

    def _window_score(self, state, tokens, tail, eos) -> float:
        base, new_state = self._model.BaseScore, self._State
        a, b = new_state(), new_state()
        total = base(state, tokens[0], a)
        for t in tokens[1:]:
            total += base(a, t, b)
            a, b = b, a
        for t in tail:
            total += base(a, t, b)
            a, b = b, a
        if eos:
            total += base(a, "</s>", b)
        return total

    def _shields(self, clause: str, tokens, offsets) -> list[tuple[int, int]]:
        """Clause spans that read as names; a correction whose new word lies inside one
        is not proposed. A personal name: a common surname left as a lone token and the
        one or two lone characters after it (曾培炎: the span 培炎, so 炎 → 养 making 培养
        is refused, while 辛福 → 幸福, which rewrites the "surname", is not); two to four
        lone characters before a title (武契奇总统, 李赋宁教授), two or three after a
        byline's 记者 or 通讯员 (记者郅振璞). A transliteration: three
        or more transliteration characters in a row (马拉多那)."""
        out = []
        ntok = len(tokens)
        # each kind is looked for only in a clause with a token of it (most have none)
        if not SURNAMES.isdisjoint(tokens):
            for s in range(ntok - 1):
                if len(tokens[s]) == 1 and tokens[s] in SURNAMES:
                    lone = 0
                    while lone < 2 and s + 1 + lone < ntok and len(tokens[s + 1 + lone]) == 1:
                        lone += 1
                    if lone:
                        out.append((offsets[s] + 1, offsets[s] + 1 + lone))
        if not TITLES.isdisjoint(tokens):
            for m in range(1, ntok):
                if tokens[m] in TITLES:
                    s = m
                    while s > 0 and m - s < 4 and len(tokens[s - 1]) == 1:
                        s -= 1
                    if m - s >= 2:
                        out.append((offsets[s], offsets[m]))
        if not BYLINES.isdisjoint(tokens):
            for m in range(ntok - 2):
                if tokens[m] in BYLINES:
                    e = m + 1
                    while e < ntok and e - m <= 3 and len(tokens[e]) == 1:
                        e += 1
                    if e - m >= 3:
                        out.append((offsets[m + 1], offsets[e - 1] + 1))
        out += [m.span() for m in _TRANSLIT_RUN_RE.finditer(clause)]
        return out


def select(candidates: list[Proposal], margins: dict[str, float]) -> list[Proposal]:
    """The candidates that pass their margin (per kind, and per form for a ``pair`` or a
    ``word``), the larger gain winning between neighbours."""
    return _non_overlapping([p for p in candidates
                             if p.gain >= margins[p.kind] and (p.form == "char" or p.gain >= margins[p.form])])


def repeated(text: str, p: Proposal) -> bool:
    """Whether ``text`` writes the suspect the same way, with the same neighbours, more
    than once and more often than as corrected: a term used on purpose that the model
    lacks (出质人 in the Civil Code, which also has 出资人; 节能降碳 in a work report), not
    a slip, which is rarely repeated letter for letter."""
    a, b = max(0, p.start - 1), min(len(text), p.end + 1)
    written = text.count(text[a:b])
    return written >= 2 and written > text.count(text[a:p.start] + p.suggestion + text[p.end:b])


#: what separates the clauses of a parallel structure (听党话、感党恩、跟党走)
_CLAUSE_BREAK = frozenset("、，；。,;！？!?：: \t\n“”‘’《》（）()")
_PARALLEL_MAX = 8  # the longest clause taken for one part of a parallel structure


def _clause_around(text: str, i: int) -> tuple[int, int]:
    a = i
    while a > 0 and text[a - 1] not in _CLAUSE_BREAK:
        a -= 1
    b = i
    while b < len(text) and text[b] not in _CLAUSE_BREAK:
        b += 1
    return a, b


def parallel(text: str, p: Proposal) -> bool:
    """Whether the replaced character stands at the same place of a neighbouring clause
    of the same short length (听党话、感党恩、跟党走: 党 three times): a parallel structure
    repeats it on purpose. (The suggestion standing there says nothing: 判决公布之日；判觉执行之日
    is a slip that parallelism reveals.)"""
    if len(p.original) != 1 or len(p.suggestion) != 1:
        return False
    a, b = _clause_around(text, p.start)
    n = b - a
    if n > _PARALLEL_MAX:
        return False
    off = p.start - a
    neighbours = []
    if a >= 2:
        neighbours.append(_clause_around(text, a - 2))
    if b + 1 < len(text):
        neighbours.append(_clause_around(text, b + 1))
    return any(e - s == n and text[s + off] == p.original for s, e in neighbours)


def _non_overlapping(found: list[Proposal]) -> list[Proposal]:
    """Adjacent proposals compete (辛福: 辛 → 幸 or 福 → 苦); the larger gain wins."""
    kept: list[Proposal] = []
    for p in sorted(found, key=lambda p: -p.gain):
        if all(p.end < q.start or q.end < p.start for q in kept):
            kept.append(p)
    kept.sort(key=lambda p: p.start)
    return kept


def build_masked_index(unigrams: dict[str, float], lengths=(2, 3, 4)) -> dict[str, frozenset[str]]:
    """Map each vocabulary word of ``lengths`` characters, with one character replaced by
    NUL, to the characters that complete it (幸福 → "\\0福": "幸", "幸\\0": "福")."""
    index: dict[str, set[str]] = {}
    for word in unigrams:
        if len(word) not in lengths or not _HAN.fullmatch(word):
            continue
        for j in range(len(word)):
            key = word[:j] + _MASK + word[j + 1:]
            index.setdefault(key, set()).add(word[j])
    return {k: frozenset(v) for k, v in index.items()}


def _pinyin_keys(word: str) -> list[str]:
    """Every toneless reading of ``word`` (one per combination of its characters' readings)."""
    from .confusables import _readings

    table = _readings()
    keys = [""]
    for ch in word:
        rs = table.get(ch)
        if not rs:
            return []
        keys = [k + " " + r if k else r for k in keys for r in sorted(rs)]
    return keys


def build_pinyin_index(unigrams: dict[str, float]) -> dict[str, tuple[str, ...]]:
    """Toneless pinyin → the two-character vocabulary words that read so."""
    index: dict[str, list[str]] = {}
    for word in unigrams:
        if len(word) == 2 and _HAN.fullmatch(word):
            for key in _pinyin_keys(word):
                index.setdefault(key, []).append(word)
    return {k: tuple(sorted(v)) for k, v in index.items()}
