"""The context stage: judge candidate corrections with a word language model.

Two uses, both independent of the rest of the pipeline:

* **fast mode**: the pipeline has a candidate (a generated variant that is itself a
  word, 国家权利机关) and asks how much better the text reads with the correction:
  `ContextJudge.gain` (log10; > 0 means the replacement reads better).
* **thorough mode**: `ContextJudge.scan` looks for one-character substitution typos
  nobody listed (辛福 → 幸福, 攻府 → 政府, 共各国 → 共和国) and returns `Proposal`s.

How `scan` decides (the design measured in /work/shared/design/DEPENDENCIES.md, "A
Chinese language model for context"): each run of Chinese characters (a clause) is
segmented once with a unigram Viterbi over the model's vocabulary. A typo usually breaks
a word, so only characters left as lone one-character tokens are suspects. A suspect's
candidates are its homophones, near-homophones and look-alikes (errcheck.confusables,
plus ``dictionaries/confusables/shape-extra.tsv``) that complete a vocabulary word with
the neighbouring characters (an index "word with one character masked → completing
characters"). Each candidate's window (two tokens either side, re-segmented) is scored
by the language model with the KenLM state of the left context kept; a candidate is
proposed when it beats the text as written by a margin that depends on its kind.

Names and new terms are protected: spans the caller passes (``protected``), an
allow-list (``dictionaries/context/allow.txt``), and two heuristics for personal names
(a common surname left as a lone token, followed by one or two lone characters) and
transliterations (three or more transliteration characters in a row).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from .services.lm import LanguageModel, viterbi

__all__ = ["ContextJudge", "Proposal", "DEFAULT_MARGINS", "clean_text"]

#: minimum log10 gain of the corrected window over the written one, per candidate kind;
#: chosen on ECSpell's odw.train split (benchmarks/context_eval.py --tune)
DEFAULT_MARGINS: dict[str, float] = {"homophone": 6.0, "near-homophone": 7.0, "shape": 6.0}

_KINDS = ("homophone", "near-homophone", "shape")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_MASK = "\x00"
_INDEX_FORMAT = 1
_WINDOW = 2  # tokens re-segmented either side of a suspect, and tokens of context

#: surnames that head most Chinese personal names (the commonest ~100 of 《百家姓》 by
#: population, public statistics); a lone one followed by one or two lone characters
#: reads as a name (曾培炎, 李赋宁). Characters that are mostly function words (和, 于,
#: 何 …) are left out: they would shield too many real typos.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严覃武戴莫孔汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧"
    "耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴"
    "蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏"
    "席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
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
#: a protected run of transliteration characters must be at least this long
_TRANSLIT_RUN = 3


@dataclass(frozen=True, slots=True)
class Proposal:
    """A suspected one-character typo: ``text[start:end]`` should read ``suggestion``."""

    start: int
    end: int
    original: str
    suggestion: str
    kind: str  # 'homophone' | 'near-homophone' | 'shape'
    gain: float  # log10 gain of the corrected window over the written one

    @property
    def confidence(self) -> float:
        """The gain as a 0–1 score (0.5 at a gain of 6, 0.9 at 10): for ranking only."""
        return 1.0 / (1.0 + 10 ** ((6.0 - self.gain) / 4.0))


def clean_text(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD (same length: offsets hold)."""
    return _SURROGATES.sub("\ufffd", text) if _SURROGATES.search(text) else text


def _dictionaries_dir() -> Path:
    from .resources import builtin_dictionaries

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
    ):
        self.lm = lm if isinstance(lm, LanguageModel) else LanguageModel(lm)
        self.margins = dict(DEFAULT_MARGINS)
        if margins:
            unknown = set(margins) - set(_KINDS)
            if unknown:
                raise ValueError(f"unknown candidate kinds {sorted(unknown)}; expected {_KINDS}")
            self.margins.update(margins)
        self._dictionaries = Path(dictionaries) if dictionaries else None
        self._extra_allow = tuple(allow)
        self._cache_dir = Path(cache_dir) if cache_dir else None
        self.protect_names = protect_names
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

    def _build(self) -> None:
        from .confusables import Confusables, load_shape_table

        lm = self.lm.load()
        self._model = lm.model
        self._costs = lm.unigrams
        self._prefixes = lm._prefixes
        self._unk = lm.unknown_logprob
        root = self._dictionaries or _dictionaries_dir()
        shape_files = sorted((root / "confusables").glob("shape*.tsv"))
        self._confusables = Confusables(shape=load_shape_table(*shape_files))
        self._confusion: dict[str, dict[str, str]] = {}
        self._masked = self._load_index([f.read_bytes() for f in shape_files])
        allow = _read_terms(root / "context" / "allow.txt") + list(self._extra_allow)
        self._allow_re = re.compile("|".join(map(re.escape, sorted(set(allow), key=len, reverse=True)))) if allow else None

    def _load_index(self, salt: list[bytes]) -> dict[str, str]:
        """The "word with one character masked → completing characters" index, cached on
        disk (built in ~1 s from the model's vocabulary otherwise)."""
        from .compiler import _write_pickle, default_cache_dir

        st = self.lm.path.stat()
        digest = hashlib.sha256(f"{st.st_size}:{_INDEX_FORMAT}".encode())
        with self.lm.path.open("rb") as fh:  # the vocabulary sits at the end of the file
            fh.seek(max(0, st.st_size - (1 << 20)))
            digest.update(fh.read())
        path = (self._cache_dir or default_cache_dir()) / f"context-index-{digest.hexdigest()[:24]}.pickle"
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, ValueError):
            pass
        index = build_masked_index(self._costs)
        _write_pickle(path, index, "context index")
        return index

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
            got.pop(ch, None)
            self._confusion[ch] = got
        return got

    # ------------------------------------------------------------------ fast mode
    def gain(self, text: str, start: int, end: int, replacement: str) -> float:
        """How much better (log10) the clause around ``text[start:end]`` scores with
        ``replacement`` than as written. The clause is the run of Chinese characters
        around the span, at most 24 characters either side; both versions are segmented
        with the model's vocabulary and scored with sentence boundaries at clause ends."""
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span {start}:{end} outside a text of {len(text)} characters")
        self.load()
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
                tokens.extend(viterbi(piece, self._costs, self._prefixes, self._unk))
        return self._model.score(" ".join(tokens), bos=bos, eos=eos) if tokens else 0.0

    # ------------------------------------------------------------------ thorough mode
    def scan(self, text: str, protected=()) -> list[Proposal]:
        """One-character substitution typos in ``text``, in text order, never overlapping
        each other or a ``protected`` span (``(start, end)`` pairs): the `candidates`
        that pass their kind's margin, the larger gain winning between neighbours."""
        margins = self.margins
        return _non_overlapping([p for p in self.candidates(text, protected, floor=min(margins.values()))
                                 if p.gain >= margins[p.kind]])

    def candidates(self, text: str, protected=(), floor: float = 0.0) -> list[Proposal]:
        """Every suspect's best-scoring correction with a gain of at least ``floor``, before
        the per-kind margins and the overlap resolution of `scan` (for tuning, and for a
        caller that combines the gain with its own evidence)."""
        self.load()
        text = clean_text(text)
        guarded = bytearray(len(text))
        for start, end in protected:
            guarded[max(0, start):max(0, end)] = b"\x01" * (max(0, end) - max(0, start))
        if self._allow_re is not None:
            for m in self._allow_re.finditer(text):
                guarded[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        found: list[Proposal] = []
        for m in _HAN.finditer(text):
            if m.end() - m.start() >= 2:
                self._scan_clause(m.group(), m.start(), m.start() == 0 or not _HAN.match(text, m.start() - 1),
                                  m.end() == len(text), guarded, found, floor)
        return found

    def _scan_clause(self, clause: str, base: int, bos: bool, eos_end: bool, guarded, found: list, floor: float) -> None:
        costs, prefixes, unk = self._costs, self._prefixes, self._unk
        tokens = viterbi(clause, costs, prefixes, unk)
        ntok = len(tokens)
        if ntok < 2:
            return
        offsets = []
        pos = 0
        for tok in tokens:
            offsets.append(pos)
            pos += len(tok)
        masked = self._masked
        n = len(clause)
        for k in range(ntok):
            ch = tokens[k]
            if len(ch) != 1:
                continue
            i = offsets[k]
            if guarded[base + i]:
                continue
            conf = self.confusion(ch)
            if not conf:
                continue
            completing = set()
            for a in range(max(0, i - 3), i + 1):
                left = clause[a:i]
                for b in range(max(i + 1, a + 2), min(n, a + 4) + 1):
                    got = masked.get(left + _MASK + clause[i + 1:b])
                    if got:
                        completing.update(got)
            pool = completing.intersection(conf)
            if not pool:
                continue
            if self.protect_names and self._looks_like_name(clause, tokens, offsets, k):
                continue
            best = self._best_candidate(clause, tokens, offsets, k, pool, bos, eos_end)
            if best is None:
                continue
            cand, gain = best
            kind = conf[cand]
            if gain >= floor:
                found.append(Proposal(base + i, base + i + 1, ch, cand, kind, round(gain, 3)))

    def _best_candidate(self, clause, tokens, offsets, k, pool, bos, eos_end):
        model = self._model
        costs, prefixes, unk = self._costs, self._prefixes, self._unk
        ntok = len(tokens)
        lo = max(0, k - _WINDOW)
        hi = min(ntok, k + _WINDOW + 1)
        span_start = offsets[lo]
        span = "".join(tokens[lo:hi])
        at = offsets[k] - span_start
        old_tokens = tokens[lo:hi]
        old_uni = sum(costs.get(t, unk) for t in old_tokens)
        tail = tokens[hi:hi + _WINDOW]
        eos = eos_end and hi + _WINDOW >= ntok
        state = self._left_state(tokens, lo, bos)
        old = None
        best = None
        for cand in sorted(pool):
            new_span = span[:at] + cand + span[at + 1:]
            new_tokens = viterbi(new_span, costs, prefixes, unk)
            if sum(costs.get(t, unk) for t in new_tokens) <= old_uni:
                continue  # the correction does not even make better words
            if old is None:
                old = self._window_score(state, old_tokens, tail, eos)
            gain = self._window_score(state, new_tokens, tail, eos) - old
            if best is None or gain > best[1]:
                best = (cand, gain)
        return best

    def _left_state(self, tokens, lo, bos):
        import kenlm

        model = self._model
        state = kenlm.State()
        if bos and lo <= _WINDOW:
            model.BeginSentenceWrite(state)
            first = 0
        else:
            model.NullContextWrite(state)
            first = lo - _WINDOW
        out = kenlm.State()
        for t in tokens[first:lo]:
            model.BaseScore(state, t, out)
            state, out = out, state
        return state

    def _window_score(self, state, tokens, tail, eos) -> float:
        import kenlm

        base = self._model.BaseScore
        a, b = kenlm.State(), kenlm.State()
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

    def _looks_like_name(self, clause: str, tokens, offsets, k: int) -> bool:
        """A personal name (lone surname + one or two lone characters) or a
        transliteration around token ``k`` (a lone character)."""
        for s in (k - 2, k - 1, k):
            if s < 0 or len(tokens[s]) != 1 or tokens[s] not in SURNAMES:
                continue
            given = tokens[s + 1:s + 3]
            # the name is the surname and the lone characters after it (one or two)
            lone = 0
            for t in given:
                if len(t) != 1:
                    break
                lone += 1
            if lone and s < k <= s + lone or (s == k and lone):
                return True
        i = offsets[k]
        lo = i
        while lo > 0 and clause[lo - 1] in TRANSLITERATION:
            lo -= 1
        hi = i + 1
        while hi < len(clause) and clause[hi] in TRANSLITERATION:
            hi += 1
        return clause[i] in TRANSLITERATION and hi - lo >= _TRANSLIT_RUN


def _non_overlapping(found: list[Proposal]) -> list[Proposal]:
    """Adjacent proposals compete (辛福: 辛 → 幸 or 福 → 苦); the larger gain wins."""
    kept: list[Proposal] = []
    for p in sorted(found, key=lambda p: -p.gain):
        if all(p.end < q.start or q.end < p.start for q in kept):
            kept.append(p)
    kept.sort(key=lambda p: p.start)
    return kept


def build_masked_index(unigrams: dict[str, float], lengths=(2, 3, 4)) -> dict[str, str]:
    """Map each vocabulary word of ``lengths`` characters, with one character replaced by
    NUL, to the characters that complete it (幸福 → "\\0福": "幸", "幸\\0": "福")."""
    index: dict[str, set[str]] = {}
    for word in unigrams:
        if len(word) not in lengths or not _HAN.fullmatch(word):
            continue
        for j in range(len(word)):
            key = word[:j] + _MASK + word[j + 1:]
            index.setdefault(key, set()).add(word[j])
    return {k: "".join(sorted(v)) for k, v in index.items()}
