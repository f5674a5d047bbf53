"""Approximate matching of protected phrases (``approx:``): a phrase written with up to
``k`` slips of any kind — any character replaced, one missing or extra, two neighbours
swapped — is flagged with the phrase as suggestion, ``k`` growing with the phrase's length
(中华人民大和国, 中国人民共和国, 习近平近新时代中国特色社会主义思想, 江山如此多妖).

The generated variants of protected terms (`errcheck.families.terms`) cover the likely
one-character slips exactly and cheaply; this family covers the rest without generating
them, in the same single automaton scan:

* **anchoring** (compile time): each phrase of ``n`` characters with ``k`` allowed edits
  is cut into ``k + 1`` disjoint pieces of at least two characters, separated by one
  character left out where the phrase is long enough (so that a swap of two neighbours
  breaks at most one piece): ``k`` edits can break at most ``k`` pieces, so one piece
  appears intact in any approximate occurrence. The cuts minimise the estimated text frequency of the most frequent piece
  (`piece_costs`, from jieba's word counts); a piece still too frequent to be an anchor
  (``max_anchor_cost``) is dropped, losing only the slips that break every other piece.
  The pieces are a compact block of the automaton (`Approx.compile_block`).
* **verification** (per anchor hit, `Approx.refine`): a correctly written phrase at the
  anchor is dismissed at once; otherwise the text before and after the anchor is aligned
  with the rest of the phrase with the optimal-string-alignment distance (rapidfuzz
  ``OSA``, edits and adjacent swaps, with ``score_cutoff``) on a window of ``k``
  characters of slack; the best span within ``k`` edits becomes the finding.
* **guards** (`Approx.refine`, reasons counted in ``Approx.dropped``): the span is itself
  another protected phrase or an allowed near-miss (``allow``: 打黑除恶 is an older
  campaign's name, not a misspelt 扫黑除恶); it contains a character that is not a Han
  character where the phrase has none (a phrase cut by punctuation); it is a prefix or
  suffix of the phrase (a truncated mention); an exact rule already claims the same span
  (the generated variants of `terms` and `words` name the slip more precisely); a
  dictionary word straddles its edges (as for every generated variant); and, for phrases
  up to ``word_guard`` characters, the changed characters form a common word of their
  own in context (a real-word slip in a short phrase is usually legitimate prose).

Findings of an entry with ``from_terms: true`` carry the term's own rule (code, severity,
message, dates), so an archived page is judged as of its date; other entries carry their
own code. Every finding's kind starts with ``approx-`` (``approx-substitution`` 错字,
``approx-missing`` 漏字, ``approx-extra`` 多字, ``approx-order`` 语序颠倒,
``approx-edits`` 多处差错): a context judge can pick them out (`needs_context`).

An entry with ``frozen: true`` (idioms) skips the guards that read a replaced character as
a word (防范于未然: 防范). An entry with ``masked: true`` (four-character idioms and set
phrases, `AP0150`) adds nothing to the automaton: in thorough mode the context stage asks
`Approx.context_candidates` for every four characters that are one of its phrases with one
position replaced (`masked_hits`, `masked_guard`) and confirms each with the language model
(``confirm_margin``, ``unknown_margin``).

An entry with ``titles`` protects title+name forms against a wrong country in the name
slot (新加坡总书记 for 习近平总书记): every country of its table followed by the title,
except the countries that have such a post, is an exact pattern.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..matcher import build_matcher
from ..rules import COMMON_KEYS, DATE_KEYS, Rule, RuleError, common_fields, open_entry, string_list, table_lines
from ..services.confusables import jieba_frequencies
from ..services.segment import SEGMENTER, crosses_word_boundary, word_spans
from .base import Block, BuildContext, Candidate, Family, PatternTable, Target, common_properties, common_schema

KIND_LABELS = {
    "approx-substitution": "错字",
    "approx-missing": "漏字",
    "approx-extra": "多字",
    "approx-order": "语序颠倒",
    "approx-edits": "多处差错",
    "approx-context": "疑似差错，需结合上下文判断",
    "wrong-title": "称谓错置",
}
#: the kind of an anchor candidate before verification: "listed" so that the allow check
#: before `refine` applies only the entry's own allow phrases (a correctly written
#: protected term around the anchor must not hide a slip next to it); `refine` replaces it
ANCHOR_KIND = "listed"
#: the kind of a candidate kept only for a context judge (see `Approx.keep_for_context`)
CONTEXT_KIND = "approx-context"
#: guards that drop a slip because the changed text reads as legitimate words: a
#: language model looking at the sentence could still tell an error from prose
SOFT_GUARDS = frozenset({"real-word", "real-word-of-phrase", "word-replaced", "changed-chars-form-a-common-word",
                         "inserted-word", "deleted-word", "short-phrase-substitution"})
DEFAULT_MAX_EDITS = {4: 1, 8: 2}
DEFAULT_MAX_ANCHOR_COST = 3000
KEYS = COMMON_KEYS | DATE_KEYS | {"from_terms", "term_types", "skip_term_types", "phrases", "max_edits",
                                  "max_anchor_cost", "min_piece", "word_guard", "min_word_count", "substitute_from",
                                  "always_anchor", "allow", "titles", "countries", "except", "masked",
                                  "confirm_margin", "unknown_margin", "frozen"}
REQUIRED = ("code", "category", "severity")
MESSAGE = "「{match}」疑为「{suggestion}」之误（{kind}）"


@dataclass(frozen=True, slots=True)
class ApproxParams:
    """An entry's settings: where its phrases come from and how far they may stray."""

    #: match the protected terms (``terms:`` files) of these types (empty: all types)
    from_terms: bool = False
    term_types: tuple[str, ...] = ()
    #: ... except these (leaders' title+name forms: another person's name or title in the
    #: same frame is legitimate, 国务院副总理李岚清)
    skip_term_types: tuple[str, ...] = ()
    #: ``(phrase, source)`` pairs from the entry's own tables
    phrases: tuple[tuple[str, str], ...] = ()
    #: ``(min length, k)`` pairs: phrases of at least that length allow ``k`` edits
    max_edits: tuple[tuple[int, int], ...] = tuple(DEFAULT_MAX_EDITS.items())
    max_anchor_cost: int = DEFAULT_MAX_ANCHOR_COST
    #: shortest anchor piece (see `MIN_PIECE`)
    min_piece: int = 3
    #: phrases anchored whatever their pieces cost (the country's and the Party's names)
    always_anchor: tuple[str, ...] = ()
    #: phrases up to this length: drop a slip whose changed characters form a common word
    word_guard: int = 0
    min_word_count: int = 50
    #: phrases shorter than this are matched for missing, extra and swapped characters
    #: only: any-character substitutions in short phrases are mostly other legitimate
    #: phrases of the same template (依法治X, X之所Y); the confusable substitutions are
    #: the terms family's generated variants
    substitute_from: int = 5
    #: ``(title, suggestion)``: a country before the title is an error (titles entries)
    titles: tuple[tuple[str, str], ...] = ()
    countries: tuple[str, ...] = ()
    except_countries: tuple[str, ...] = ()
    #: the phrases are frozen (idioms): a character replaced so that it reads as a word is
    #: still a slip (防范于未然: 防范 is a word, and the model cannot tell, +0.0), so the
    #: guards ``real-word-of-phrase`` (meant for formulations with legitimate older
    #: wordings, 全面建设小康社会) and, for a substitution, ``changed-chars-form-a-common-word``
    #: do not apply
    frozen: bool = False
    #: thorough mode only: the phrases (four characters) are not anchored in the automaton;
    #: the context stage looks every four characters up with each position masked
    #: (`Approx.context_candidates`) and the language model confirms the correction
    masked: bool = False
    #: the log10 gain of the corrected clause over the written one that confirms a
    #: masked slip (`masked` entries) whose phrase is a word of the language model ...
    confirm_margin: float = 0.0
    #: ... and one whose phrase is not: the model then scores the phrase as the words it
    #: is made of, and its gain understates the evidence (拉来帷幕 → 拉开帷幕: +4.3)
    unknown_margin: float = 0.0


def edits_for(length: int, max_edits) -> int:
    """``k`` for a phrase of ``length`` characters under ``(min length, k)`` pairs."""
    k = 0
    for min_length, edits in max_edits:
        if length >= min_length:
            k = max(k, edits)
    return k


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


# --------------------------------------------------------------------------- anchors


def cached_piece_costs(pieces) -> dict[str, int]:
    """`piece_costs`, kept on disk in the cache directory (it reads all of jieba's
    dictionary: ~3 s), keyed by the pieces, errcheck's version and this module's source."""
    import hashlib

    from .._version import __version__
    from ..services.cache import default_cache_dir, read_pickle, write_pickle

    pieces = sorted(set(pieces))
    key = hashlib.sha256(repr((pieces, __version__, Path(__file__).read_bytes())).encode()).hexdigest()[:32]
    path = default_cache_dir() / f"approx-costs-{key}.pickle"
    costs = read_pickle(path)
    if costs is None:
        costs = piece_costs(pieces)
        write_pickle(path, costs, "approx piece-cost cache")
    return costs


def piece_costs(strings) -> dict[str, tuple[int, int]]:
    """``(containing, seam)`` for each string: the jieba counts of the dictionary words
    that contain it, and how often it is expected to arise across a word boundary (the
    seam estimate of the everyday-words family). A piece's estimated frequency in text
    *outside its phrase* is its containing count minus the phrase's own (words that
    contain the phrase are occurrences of the phrase, dismissed at once) plus its seam
    count (`anchor_cost`)."""
    from .words import _seam_counts

    freq = jieba_frequencies()
    strings = set(strings)
    if len(strings) <= SMALL_SET:
        return _scan_costs(strings)
    containing = dict.fromkeys(strings, 0)
    lengths = sorted({len(p) for p in strings})
    for word, n in freq.items():
        if len(word) < 2:
            continue
        seen = set()
        for length in lengths:
            if length > len(word):
                break
            for i in range(len(word) - length + 1):
                sub = word[i : i + length]
                if sub in containing and sub not in seen:
                    seen.add(sub)
                    containing[sub] += n
    seam = _seam_counts()
    return {p: (containing[p], int(seam(p))) for p in strings}


#: `piece_costs` of at most this many strings (an overlay's few protected terms) scans
#: jieba's words joined into one text with one automaton instead of tabulating every
#: word's substrings and affixes (seconds)
SMALL_SET = 5000


@functools.cache
def _joined_words() -> tuple[str, list[int], list[int], list[int]]:
    """jieba's words as one text, each between newlines, with each word's start offset,
    count and length."""
    freq = jieba_frequencies()
    words = list(freq)
    starts = list(itertools.accumulate((len(w) + 1 for w in words), initial=1))[:-1]
    return "\n" + "\n".join(words) + "\n", starts, list(freq.values()), [len(w) for w in words]


def _scan_costs(strings: set[str]) -> dict[str, tuple[int, int]]:
    """`piece_costs` of a few strings, equal to the tabulated one: one automaton scan of
    the joined words for the strings themselves (words of two or more characters that
    contain them), the suffixes ``x`` of up to three characters as ``x + "\n"`` (words
    ending so) and the prefixes as ``"\n" + x`` (words starting so)."""
    text, starts, counts, lengths = _joined_words()
    heads = {v[:k] for v in strings for k in range(1, min(3, len(v) - 1) + 1)}
    tails = {v[k:] for v in strings for k in range(1, len(v)) if len(v) - k <= 3}
    keys = sorted({("c", p) for p in strings} | {("e", h) for h in heads} | {("s", t) for t in tails})
    patterns = [p if kind == "c" else (p + "\n" if kind == "e" else "\n" + p) for kind, p in keys]
    containing = dict.fromkeys(strings, 0)
    ends: dict[str, int] = {}
    begins: dict[str, int] = {}
    seen = set()
    for a, b, i in build_matcher(patterns).find_all(text):
        kind, p = keys[i]
        w = bisect.bisect_right(starts, a + (kind == "s")) - 1
        if kind == "c":
            if lengths[w] >= 2 and (w, p) not in seen:
                seen.add((w, p))
                containing[p] += counts[w]
        elif kind == "e":
            ends[p] = ends.get(p, 0) + counts[w]
        else:
            begins[p] = begins.get(p, 0) + counts[w]
    total = sum(counts)

    def seam(v: str) -> float:
        best = 0
        for k in range(1, len(v)):
            a = ends.get(v[:k]) if k <= 3 else None
            if a:
                best = max(best, a * (begins.get(v[k:], 0) if len(v) - k <= 3 else 0))
        return best / total

    return {p: (containing[p], int(seam(p))) for p in strings}


#: the estimated frequency given to a piece that occurs inside another protected phrase
#: (中国特色 of 中国特色社会主义进入新时代 is in 中国特色社会主义): protected phrases are
#: frequent in official prose, more than jieba's counts of words say
INSIDE_PROTECTED_COST = 10_000


#: pieces shorter than this are never anchors: measured on official prose, two-character
#: pieces fire every few hundred characters whatever jieba's counts say (人不, 创业, 全民),
#: and each hit costs a verification; a phrase of 4-5 characters is then anchored by its
#: one piece of 3 (partly: slips inside that piece are left to the generated variants)
MIN_PIECE = 3
NEVER = 10**9
#: jieba's counts undercount two-character words in running text most (创业, 全民, 整治
#: fire every few hundred characters of official prose): their estimate is multiplied
SHORT_PIECE_FACTOR = 20


def anchor_cost(piece: str, phrase: str, costs, inside_other: bool = False, min_piece: int = MIN_PIECE) -> int:
    containing, seam = costs[piece]
    cost = max(0, containing - costs[phrase][0]) + seam
    if len(piece) < min_piece:
        return NEVER
    if len(piece) == 2 and jieba_frequencies().get(piece):
        cost = cost * SHORT_PIECE_FACTOR + 1
    return cost + (INSIDE_PROTECTED_COST if inside_other else 0)


def piece_spans(n: int, m: int) -> list[tuple[tuple[int, int], ...]]:
    """Every way to cut ``n`` characters into ``m`` pieces of at least 2, as ``(start,
    end)`` spans: contiguous pieces and, when there is room (``n >= 3m - 1``), pieces
    separated by one character left out, so that a swap of two neighbours breaks at most
    one piece and the pigeonhole argument covers swaps too (preferred by `choose_pieces`
    unless the longer contiguous pieces are rarer)."""
    out = []
    for gap in ((1, 0) if n >= 3 * m - 1 else (0,)):
        for cuts in itertools.combinations(range(1, n), m - 1):
            starts = (0, *(c + gap for c in cuts))
            ends = (*cuts, n)
            spans = tuple(zip(starts, ends))
            if all(e - s >= 2 for s, e in spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:])):
                out.append(spans)
    return out


def choose_pieces(phrase: str, k: int, cost, max_cost: int | None = None) -> list[tuple[int, str]]:
    """``(offset, piece)`` anchors of ``phrase`` for ``k`` edits: ``k + 1`` disjoint
    pieces (`piece_spans`), cut where the most frequent piece is least frequent (then
    the total). With ``max_cost``, a cut that keeps more pieces usable as anchors (cost
    at most ``max_cost``) comes first: a five-character phrase cut 2+gap+2 has no usable
    piece (two characters are never anchors), cut 2+3 it has one."""
    best = None
    for spans in piece_spans(len(phrase), k + 1):
        costs = [cost[phrase[a:b]] for a, b in spans]
        contiguous = all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
        usable = sum(c <= max_cost for c in costs) if max_cost is not None else 0
        key = (-usable, max(costs), contiguous, sum(costs))
        if best is None or key < best[0]:
            best = (key, spans)
    if best is None:
        return []
    return [(a, phrase[a:b]) for a, b in best[1]]


def all_pieces(phrase: str, k: int) -> set[str]:
    return {phrase[a:b] for spans in piece_spans(len(phrase), k + 1) for a, b in spans}


# --------------------------------------------------------------------------- verification


def _osa():
    from rapidfuzz.distance import OSA

    return OSA.distance


_OSA = None
from rapidfuzz.distance import OSA as _OSA_MODULE  # noqa: E402

_OSA_FAST = _OSA_MODULE.distance


def align(text: str, start: int, end: int, phrase: str, offset: int, k: int) -> tuple[int, int, int] | None:
    """The best span ``(a, b, distance)`` of ``text`` around the anchor ``text[start:end]``
    (which is ``phrase[offset:offset + end - start]``) within ``k`` edits of ``phrase``,
    or None. The text before the anchor is aligned with the phrase's head and the text
    after it with its tail, each with up to ``k`` characters of slack; ties go to the
    span whose length is closest to the phrase's."""
    global _OSA
    if _OSA is None:
        _OSA = _osa()
    dist = _OSA
    head = phrase[:offset]
    tail = phrase[offset + end - start :]
    heads = [(0, start)]
    if head:
        heads = []
        lo = start - len(head)
        for a in range(max(0, lo - k), lo + k + 1):
            if a > start:
                break
            d = dist(head, text[a:start], score_cutoff=k)
            if d <= k:
                heads.append((d, a))
    if not heads:
        return None
    tails = [(0, end)]
    if tail:
        tails = []
        hi = end + len(tail)
        for b in range(max(end, hi - k), min(len(text), hi + k) + 1):
            d = dist(tail, text[end:b], score_cutoff=k)
            if d <= k:
                tails.append((d, b))
    best = None
    n = len(phrase)
    for dh, a in heads:
        for dt, b in tails:
            d = dh + dt
            if d <= k:
                key = (d, abs(b - a - n))
                if best is None or key < best[0]:
                    best = (key, a, b)
    if best is None:
        return None
    return best[1], best[2], best[0][0]


def slip_kind(found: str, phrase: str, distance: int) -> str:
    if distance > 1:
        return "approx-edits"
    if len(found) < len(phrase):
        return "approx-missing"
    if len(found) > len(phrase):
        return "approx-extra"
    diff = [i for i, (x, y) in enumerate(zip(found, phrase)) if x != y]
    if len(diff) == 2:
        return "approx-order"
    return "approx-substitution"


def changed_positions(found: str, phrase: str) -> list[int]:
    """Offsets in ``found`` of the characters that differ from ``phrase`` (by a common
    prefix and suffix: the middle that differs)."""
    p = 0
    while p < len(found) and p < len(phrase) and found[p] == phrase[p]:
        p += 1
    s = 0
    while s < len(found) - p and s < len(phrase) - p and found[-1 - s] == phrase[-1 - s]:
        s += 1
    return list(range(p, len(found) - s)) or [min(p, len(found) - 1)]


# --------------------------------------------------------------------------- masked phrases

#: the length of the phrases of a ``masked`` entry: four-character idioms and set phrases,
#: whose two-character halves are common words (too costly as anchors of the automaton)
MASKED_LENGTH = 4
_MASK = "\x00"
_HAN4 = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{4}")
_HEAD, _TAIL = 1, 2
#: opening → closing quotation marks: a slip that is the whole content of a pair is a
#: coinage quoted on purpose (“同球共济”, “一发了之”)
_QUOTES = {"“": "”", "「": "」", "『": "』", "‘": "’", '"': '"', "'": "'", "《": "》"}
#: characters either side in which the same phrase written with another character at the
#: same place makes the variants a deliberate series (一村之长、一乡之长)
PARALLEL_WINDOW = 24


@dataclass(frozen=True, slots=True)
class MaskedIndex:
    """The phrases of the ``masked`` entries: each phrase with one position masked →
    the ``(phrase, rule)`` pairs it completes, and an automaton of the phrases' first
    and last two characters (a four-character span with one character replaced keeps
    one of them)."""

    keys: dict
    phrases: frozenset
    #: every four characters of the rule set's protected phrases (terms, quotations):
    #: written so, they are the protected wording (不亦说乎 of 《论语》, not 不亦乐乎)
    protected: frozenset = frozenset()
    #: the automaton of the heads and tails (``None`` when there are none) and, for each
    #: of its patterns, ``_HEAD | _TAIL`` bits: one C-speed scan finds the few places
    #: (about 4% of the characters of official prose) where a lookup can hit
    edges: object = None
    edge_kinds: tuple = ()


def build_masked_index(rules, protected=()) -> MaskedIndex:
    keys: dict[str, list] = {}
    phrases = set()
    for rule in rules:
        for phrase, _ in rule.params.phrases:
            if phrase in phrases:
                continue  # the first entry (by code) that lists a phrase reports it
            phrases.add(phrase)
            for j in range(MASKED_LENGTH):
                keys.setdefault(phrase[:j] + _MASK + phrase[j + 1 :], []).append((phrase, rule))
    grams = frozenset(q[i : i + MASKED_LENGTH] for q in protected for i in range(len(q) - MASKED_LENGTH + 1))
    heads, tails = frozenset(p[:2] for p in phrases), frozenset(p[2:] for p in phrases)
    edges = sorted(heads | tails)
    kinds = tuple((_HEAD if e in heads else 0) | (_TAIL if e in tails else 0) for e in edges)
    return MaskedIndex({k: tuple(v) for k, v in keys.items()}, frozenset(phrases), grams,
                       build_matcher(edges) if edges else None, kinds)


def masked_hits(text: str, index: MaskedIndex) -> list[tuple[int, str, int, Rule]]:
    """``(start, phrase, position, rule)`` for every four Han characters of ``text`` that
    are a phrase of ``index`` with the character at ``position`` replaced, in text order.
    One automaton scan finds the known heads (the first two characters kept) and tails
    (the last two kept); only there are the masked keys looked up."""
    if index.edges is None:
        return []
    windows: dict[int, int] = {}  # start of a four-character window -> _HEAD | _TAIL kept
    kinds = index.edge_kinds
    for start, _, k in index.edges.find_all(text):
        kind = kinds[k]
        if kind & _HEAD:
            windows[start] = windows.get(start, 0) | _HEAD
        if kind & _TAIL and start >= 2:
            windows[start - 2] = windows.get(start - 2, 0) | _TAIL
    get = index.keys.get
    out = []
    for i in sorted(windows):
        written = text[i : i + MASKED_LENGTH]
        if len(written) < MASKED_LENGTH or not _HAN4.fullmatch(written):
            continue
        kind = windows[i]
        found = []
        if kind & _HEAD:
            found += [(get(written[:3] + _MASK), 3), (get(written[:2] + _MASK + written[3]), 2)]
        if kind & _TAIL:
            found += [(get(_MASK + written[1:]), 0), (get(written[0] + _MASK + written[2:]), 1)]
        for hits, j in found:
            if hits:
                for phrase, rule in hits:
                    if phrase != written:
                        out.append((i, phrase, j, rule))
    return out


def masked_guard(text: str, a: int, phrase: str, j: int, index: MaskedIndex, min_count: int) -> str | None:
    """Why ``text[a:a + 4]``, ``phrase`` with the character at ``j`` replaced, reads as
    legitimate text, or None."""
    written = text[a : a + MASKED_LENGTH]
    if written in index.phrases:
        return "is-a-phrase"
    if written in index.protected:
        return "in-a-protected-phrase"
    freq = jieba_frequencies()
    if written in freq:
        return "real-word"  # 稳中有进 next to 稳中求进: listed words are words
    p = a + j
    c = text[p]
    for x, y in ((p - 1, p + 1), (p, p + 2)):
        if x >= 0 and y <= len(text) and freq.get(text[x:y], 0) >= min_count:
            # the new character makes a common word with a neighbour: the text reads as
            # other words (党际关系: 党际; 稳中有变: 有变)
            return "changed-chars-form-a-common-word"
    close = _QUOTES.get(text[a - 1]) if a > 0 else None
    if close is not None and text.startswith(close, a + MASKED_LENGTH):
        return "quoted"
    if text.count(written) > 1:
        return "repeated"  # a term of the document (抗台救灾), not a slip, which is rarely repeated
    lo, hi = max(0, a - PARALLEL_WINDOW), min(len(text), a + MASKED_LENGTH + PARALLEL_WINDOW)
    head, tail = phrase[:j], phrase[j + 1 :]
    for q in range(max(lo, 0), hi - MASKED_LENGTH + 1):
        if q != a and text.startswith(head, q) and text.startswith(tail, q + j + 1) and text[q + j] != c:
            return "parallel"  # 一村之长、一乡之长: a series of variants on purpose
    for k in range(MASKED_LENGTH):
        if abs(k - j) >= 2 and freq.get(c + phrase[k] if k > j else phrase[k] + c, 0) >= min_count:
            # the new character makes a common word with another character of the phrase:
            # a play on the idiom (翻陈出新: 翻新 in 推陈出新), measured to drop 6% of
            # random slips that the model confirms
            return "blend"
    return None


# --------------------------------------------------------------------------- the family


class Approx(Family):
    name = "approx"
    entry_noun = "approx entry"
    file_key = "approx"
    keys = KEYS
    default_keys = frozenset({"category", "severity", "message", "source", "rationale", "valid_from", "valid_to",
                              "note"})
    kind_labels = dict(KIND_LABELS)
    stats_key = "approx"
    summary = "protected phrases matched approximately (any slip, up to k edits by length)"
    own_bad_examples = False
    schema = common_schema(
        {
            **common_properties(),
            "from_terms": {"type": "boolean", "description": "match the protected terms approximately"},
            "term_types": {"type": "array", "items": {"type": "string"}},
            "skip_term_types": {"type": "array", "items": {"type": "string"}},
            "phrases": {"description": "phrase tables next to this file: phrase[<TAB>source] lines",
                        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
            "max_edits": {"type": "object", "description": "min phrase length -> edits allowed",
                          "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 3}},
            "max_anchor_cost": {"type": "integer", "minimum": 0},
            "min_piece": {"type": "integer", "minimum": 2},
            "always_anchor": {"type": "array", "items": {"type": "string"}},
            "word_guard": {"type": "integer", "minimum": 0},
            "min_word_count": {"type": "integer", "minimum": 1},
            "substitute_from": {"type": "integer", "minimum": 1},
            "allow": {"type": "array", "items": {"type": "string"}},
            "titles": {"type": "object", "additionalProperties": {"type": "string"}},
            "countries": {"type": "string"},
            "except": {"type": "array", "items": {"type": "string"}},
            "frozen": {"type": "boolean",
                       "description": "idioms: a word of the phrase replaced by another word is still a slip"},
            "masked": {"type": "boolean",
                       "description": "thorough mode only: any one character of a four-character phrase replaced, "
                                      "confirmed by the language model"},
            "confirm_margin": {"type": "number", "minimum": 0,
                               "description": "log10 gain that confirms a masked slip (phrase known to the model)"},
            "unknown_margin": {"type": "number", "minimum": 0,
                               "description": "log10 gain that confirms a masked slip of a phrase the model does "
                                              "not know as a word"},
        },
        REQUIRED,
    )

    #: return the candidates that only a soft guard dropped (a real-word slip such as
    #: 防范于未然 for 防患于未然, where the changed word is itself a word), with kind
    #: ``approx-context`` and `Target.context` set: the context stage
    #: (`errcheck/context.py`) confirms them with the language model in thorough mode and
    #: drops them in fast mode. Off: measured on 2026-12-05, it found nothing new on the
    #: labelled sets and the model confirmed one legitimate phrase on clean prose
    #: (人民群众怎么认可全面建成了小康社会, a serious false alarm)
    keep_for_context: bool = False

    def __init__(self) -> None:
        #: guard name -> candidates dropped by it in this process (for reports and tuning)
        from collections import Counter

        self.dropped: Counter = Counter()

    # ----------------------------------------------------------------- schema → rules

    def build_entry(self, raw, defaults: dict, path: Path) -> Rule:
        line, entry = open_entry(raw, defaults, path, KEYS, REQUIRED, "approx entry")
        try:
            common = common_fields(entry, MESSAGE)
            from_terms = entry.get("from_terms", False)
            if not isinstance(from_terms, bool):
                raise ValueError("from_terms must be true or false")
            phrases = []
            for name in string_list(entry.get("phrases") or [], "phrases"):
                for number, parts in table_lines(path.parent / name, "phrase table"):
                    phrase = parts[0].strip()
                    if len(phrase) < 3:
                        raise ValueError(f"{name}:{number}: a phrase needs at least 3 characters")
                    phrases.append((phrase, parts[1].strip() if len(parts) > 1 else ""))
            titles = entry.get("titles") or {}
            titles = {k: v for k, v in titles.items() if k != "__line__"} if isinstance(titles, dict) else titles
            if not isinstance(titles, dict) or not all(isinstance(v, str) for v in titles.values()):
                raise ValueError("titles must map a title to its protected title+name form")
            countries = ()
            if titles:
                if not entry.get("countries"):
                    raise ValueError("titles need a countries table")
                countries = tuple(parts[0].strip() for _, parts in
                                  table_lines(path.parent / entry["countries"], "country table"))
            if not (from_terms or phrases or titles):
                raise ValueError("needs from_terms, phrases or titles")
            masked = entry.get("masked", False)
            frozen = entry.get("frozen", False)
            if not isinstance(masked, bool) or not isinstance(frozen, bool):
                raise ValueError("masked and frozen must be true or false")
            if masked and (from_terms or titles or any(len(ph) != MASKED_LENGTH for ph, _ in phrases)):
                raise ValueError(f"a masked entry has only phrases of {MASKED_LENGTH} characters")
            for key in ("confirm_margin", "unknown_margin"):
                value = entry.get(key, 0.0)
                if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"{key} must be a non-negative number")
            max_edits = entry.get("max_edits") or DEFAULT_MAX_EDITS
            max_edits = {k: v for k, v in max_edits.items() if k != "__line__"}
            if not all(isinstance(k, int) and isinstance(v, int) and 0 <= v <= 3 for k, v in max_edits.items()):
                raise ValueError("max_edits must map a phrase length to 0-3 edits")
            params = ApproxParams(
                from_terms=from_terms,
                term_types=string_list(entry.get("term_types") or [], "term_types"),
                skip_term_types=string_list(entry.get("skip_term_types") or [], "skip_term_types"),
                phrases=tuple(phrases),
                max_edits=tuple(sorted(max_edits.items())),
                max_anchor_cost=int(entry.get("max_anchor_cost", DEFAULT_MAX_ANCHOR_COST)),
                min_piece=int(entry.get("min_piece", MIN_PIECE)),
                always_anchor=string_list(entry.get("always_anchor") or [], "always_anchor"),
                word_guard=int(entry.get("word_guard", 0)),
                min_word_count=int(entry.get("min_word_count", 50)),
                substitute_from=int(entry.get("substitute_from", 5)),
                titles=tuple(sorted(titles.items())),
                countries=countries,
                except_countries=string_list(entry.get("except") or [], "except"),
                masked=masked,
                frozen=frozen,
                confirm_margin=float(entry.get("confirm_margin", 0.0)),
                unknown_margin=float(entry.get("unknown_margin", entry.get("confirm_margin", 0.0))),
            )
            allow = string_list(entry.get("allow") or [], "allow")
        except ValueError as exc:
            raise RuleError(path, line, f"approx entry {entry['code']}: {exc}") from None
        return Rule(wrong=(), right=(), allow=allow, boundary=False, path=str(path), line=line, family=self.name,
                    params=params, **common)

    # ----------------------------------------------------------------- compile

    def compile(self, rules, table: PatternTable, context: BuildContext) -> dict | None:
        """Titles: exact country+title patterns. Each entry's own phrases are protected
        like terms: a correctly written one suppresses generated candidates it covers."""
        stats = {}
        for rule in self.rules_of(rules):
            p = rule.params
            for title, right in p.titles:
                n = 0
                for country in p.countries:
                    if country in p.except_countries or right.startswith(country):
                        continue
                    table.add_target(country + title, (table.rule_index(rule), (right,), "wrong-title", False))
                    n += 1
                stats[f"titles {rule.code} {title}"] = n
        self._title_stats = stats  # reported with the block's statistics (one stats key)
        # the entries' own phrases are protected like terms: a correctly written one
        # suppresses generated candidates it covers; and every phrase suppresses its own
        # anchor candidates in the filter's cheap allow check (anchors are "listed": the
        # rule's code must be in the set). Table patterns are added here, in `compile`:
        # `compile_block` runs after other families' blocks are placed.
        wanted, own, _ = self._phrases(rules, context)
        for phrase in own:
            table.add_allow(phrase, "*")
        for phrase, (rule, *_rest) in wanted.items():
            table.add_allow(phrase, rule.code)
        return stats or None

    def _phrases(self, rules, context: BuildContext | None = None):
        """``(wanted, own, stats)``: phrase -> (rule to report, k, (word_guard,
        substitute_from), min count, (max anchor cost, min piece)) for every phrase
        matched approximately, the entries' own phrases, and counts.

        Under an overlay (``context.base``): the user's entries match every protected
        term (shipped and the user's), and the shipped entries that match protected
        terms match the user's terms; the shipped entries' own phrases are the base's."""
        terms = [r for r in rules if r.family == "terms"]
        jobs = [(entry, terms, True) for entry in self.rules_of(rules)]
        if context is not None and context.base is not None:
            every_term = sorted(terms + [r for r in context.base_rules if r.family == "terms"], key=_code)
            jobs = [(entry, every_term, True) for entry, _, _ in jobs]
            jobs += [(entry, terms, False) for entry in self.rules_of(context.base_rules) if entry.params.from_terms]
            jobs.sort(key=lambda job: job[0].code)
        wanted: dict[str, tuple] = {}
        stats = {"phrases": 0, "no-edits (too short)": 0, "duplicate": 0}
        own: list[str] = []
        listed, swept = [], []
        for entry, terms, with_phrases in jobs:
            p = entry.params
            if p.masked:
                continue  # not anchored: the context stage looks them up (`context_candidates`)
            if p.from_terms:
                swept += [(entry, t.params.term, replace(t, family=self.name, allow=entry.allow)) for t in terms
                          if (not p.term_types or t.params.term_type in p.term_types)
                          and t.params.term_type not in p.skip_term_types]
            if p.phrases and with_phrases:
                listed += [(entry, phrase, entry) for phrase, _ in p.phrases]
                own += [phrase for phrase, _ in p.phrases]
        # a phrase an entry lists itself is matched with that entry's settings, before the
        # protected terms an entry sweeps in (防患于未然 is a term and a listed idiom)
        for entry, phrase, rule in listed + swept:
            p = entry.params
            k = edits_for(len(phrase), p.max_edits)
            if k == 0:
                stats["no-edits (too short)"] += 1
                continue
            if phrase in wanted:
                stats["duplicate"] += 1
                continue
            max_cost = NEVER if phrase in p.always_anchor else p.max_anchor_cost
            wanted[phrase] = (rule, k, (p.word_guard, p.substitute_from), p.min_word_count, (max_cost, p.min_piece))
        return wanted, own, stats

    def compile_block(self, rules, table: PatternTable, context: BuildContext) -> Block | None:
        """The anchor pieces. (No table pattern may be added here: the blocks of the
        families before this one already have their base in the automaton.)"""
        entries = self.rules_of(rules)
        base_payload = _payload(context.base) if context.base is not None else None
        if not entries and base_payload is None:
            return None
        protected = set(table.protected())
        wanted, own, stats = self._phrases(rules, context)
        allowed = {a for e in entries for a in e.allow}
        if base_payload is not None:
            # an overlay's guards see the shipped phrases and allowed near-misses too
            protected |= base_payload[2]
            allowed |= set(base_payload[3])
        costs = cached_piece_costs(set(wanted).union(*(all_pieces(ph, v[1]) for ph, v in wanted.items()))
                                   ) if wanted else {}
        # which protected phrases each candidate piece occurs in (one automaton pass)
        every = sorted(set(protected) | set(own))
        candidates = sorted(set().union(*(all_pieces(ph, v[1]) for ph, v in wanted.items())) if wanted else set())
        probe = build_matcher(candidates) if candidates else None
        inside: dict[str, list[str]] = {}
        for q in every if probe else ():
            for _, _, i in probe.find_all(q):
                inside.setdefault(candidates[i], []).append(q)
        pieces: dict[str, list[int]] = {}
        infos: list[tuple] = []
        dropped_pieces = partial = unanchored = 0
        for phrase, (rule, k, guard, min_count, (max_cost, min_piece)) in sorted(wanted.items()):
            pieces_of = all_pieces(phrase, k)
            cost = {piece: anchor_cost(piece, phrase, costs, any(piece in q for q in inside.get(piece, ())
                                                                 if phrase not in q), min_piece)
                    for piece in pieces_of}
            chosen = choose_pieces(phrase, k, cost, max_cost)
            kept = [(o, s) for o, s in chosen if cost[s] <= max_cost]
            dropped_pieces += len(chosen) - len(kept)
            if not kept:
                unanchored += 1
                continue
            partial += len(kept) < len(chosen)
            index = len(infos)
            infos.append((rule, phrase, k, guard, min_count, tuple((o, len(s)) for o, s in kept)))
            for _, s in kept:
                pieces.setdefault(s, []).append(index)
        stats.update(phrases=len(wanted), anchored=len(infos), unanchored=unanchored,
                     partly_anchored=partial, pieces=len(pieces), pieces_dropped_too_common=dropped_pieces,
                     **getattr(self, "_title_stats", {}))
        patterns = sorted(pieces)
        payload = (tuple(infos), tuple(tuple(pieces[s]) for s in patterns), frozenset(protected | set(own)),
                   tuple(sorted(allowed)))
        return Block(patterns=patterns, payload=payload, stats=stats)

    # ----------------------------------------------------------------- per candidate

    # ----------------------------------------------------------------- masked (thorough)

    def example_mode_for(self, rule: Rule) -> str:
        return "thorough" if rule.params.masked else self.example_mode

    def context_candidates(self, text: str, compiled, selection, protected=()) -> list[tuple]:
        """The slips of the ``masked`` entries' phrases in ``text`` (one character
        replaced by any other), each with the gains its rule's language-model check must
        reach (``(phrase known to the model, not known)``): the context stage confirms
        them in thorough mode. Spans overlapping a
        ``protected`` ``(start, end)`` span (a finding already made, a correctly written
        protected term) and slips a guard explains (`masked_guard`) are left out."""
        index = _masked_index(compiled)
        if index is None:
            return []
        out = []
        for a, phrase, j, rule in masked_hits(text, index):
            b = a + MASKED_LENGTH
            if not selection.accepts_rule(rule) or any(s < b and a < e for s, e in protected):
                continue
            reason = masked_guard(text, a, phrase, j, index, rule.params.min_word_count)
            if reason:
                self.dropped["masked " + reason] += 1
                continue
            out.append((Candidate(a, b, Target(rule, (phrase,), "approx-substitution", False, True)),
                        (rule.params.confirm_margin, rule.params.unknown_margin)))
        return out

    def decode(self, payload, k: int, start: int, end: int, rules, selection) -> list[Candidate]:
        """One anchor candidate per hit, whatever the number of phrases sharing the
        piece: its suggestions are those phrases (whose rules the selection accepts),
        and `refine` tries each."""
        infos, by_piece, _, _ = payload
        phrases = by_piece[k]
        if len(phrases) == 1:
            info = infos[phrases[0]]
            if not selection.accepts_rule(info[0]):
                return []
            return [Candidate(start, end, Target(info[0], (info[1],), ANCHOR_KIND, False))]
        accepted = [infos[i] for i in phrases if selection.accepts_rule(infos[i][0])]
        if not accepted:
            return []
        return [Candidate(start, end, Target(accepted[0][0], tuple(i[1] for i in accepted), ANCHOR_KIND, False))]

    def keep(self, cand: Candidate, text: str, compiled) -> bool:
        return self.refine(cand, text, compiled) is not None

    def shadowed(self, cand: Candidate, text: str, overlay) -> bool:
        """A shipped approximate match that a full build with the user's rules would have
        dropped: its span is a user's protected phrase, an allowed near-miss of a user's
        entry is around it, or a user's exact rule names the span."""
        if cand.target.kind == "wrong-title":
            return False
        payload = _payload(overlay)
        if payload is None:
            return False
        a, b = cand.start, cand.end
        span = text[a:b]
        if span in payload[2]:
            return True
        window = text[max(0, a - 4) : b + 4]
        if any(x in window for x in payload[3]):
            return True
        return _claimed_in(overlay, span)

    def refine(self, cand: Candidate, text: str, compiled) -> Candidate | None:
        target = cand.target
        if target.kind != ANCHOR_KIND:  # an exact pattern (titles)
            return cand
        start, end = cand.start, cand.end
        piece = text[start:end]
        best = None
        todo = [phrase for phrase in target.suggestions if not _written_at(text, start, piece, phrase)]
        for phrase in todo:
            info = _info(compiled, phrase)
            k = info[2]
            offset = phrase.find(piece)
            while offset >= 0:
                # one cheap look first: a span within k edits of the phrase lies inside
                # this window of n + 2k characters and is at least n - k long, so the
                # window is at most k + 3k edits away from the phrase
                lo = start - offset - k
                window = text[max(0, lo) : lo + len(phrase) + 2 * k]
                if _OSA_FAST(phrase, window, score_cutoff=4 * k) > 4 * k:
                    offset = phrase.find(piece, offset + 1)
                    continue
                hit = align(text, start, end, phrase, offset, k)
                if hit and (best is None or hit[2] < best[0][2]):
                    best = (hit, info)
                offset = phrase.find(piece, offset + 1)
        if best is None:
            return None
        (a, b, distance), info = best
        rule, phrase, k, guard, min_count, _ = info
        span = text[a:b]
        kind = slip_kind(span, phrase, distance)
        word_guard, substitute_from = guard
        if kind == "approx-substitution" and len(phrase) < substitute_from:
            self.dropped["short-phrase-substitution"] += 1
            if self.keep_for_context and not self._guard(span, phrase, text, a, b, compiled, word_guard, min_count,
                                                         distance):
                return Candidate(a, b, Target(rule, (phrase,), CONTEXT_KIND, False, True))
            return None
        reason = self._guard(span, phrase, text, a, b, compiled, word_guard, min_count, distance)
        if reason:
            self.dropped[reason] += 1
            if self.keep_for_context and reason in SOFT_GUARDS:
                # a real-word slip (防范于未然): only context can tell; handed to the
                # context stage, which confirms it with the language model in thorough
                # mode (`Target.context`) and drops it in fast mode
                return Candidate(a, b, Target(rule, (phrase,), CONTEXT_KIND, False, True))
            return None
        return Candidate(a, b, Target(rule, (phrase,), kind, False))

    def _guard(self, span: str, phrase: str, text: str, a: int, b: int, compiled, guard: int,
               min_count: int, distance: int = 1) -> str | None:
        """Why the approximate match ``text[a:b]`` of ``phrase`` is legitimate, or None."""
        if span == phrase:
            return "correct"
        _, _, protected, allowed = _payload(compiled)
        if span in protected:
            return "is-a-protected-phrase"
        window = text[max(0, a - 4) : b + 4]
        if any(x in window for x in allowed):
            return "allowed-near-miss"
        if any(not _is_han(c) and c not in phrase for c in span):
            return "not-han"
        if phrase.startswith(span) or phrase.endswith(span):
            return "truncated"
        p, s = _common_ends(span, phrase)
        new, old = span[p : len(span) - s], phrase[p : len(phrase) - s]
        if any(c in NUMERALS for c in new + old + span[max(0, p - 1) : p] + span[len(span) - s : len(span) - s + 1]):
            # a numeral changed or next to the change: 二十届二中全会 is another plenum, and
            # numbered items vary (六是必须坚持 is the sixth item, not 六个必须坚持)
            return "numeral"
        if p == 0 or s == 0:
            # a slip at an end of the phrase: usually the phrase's stem followed or
            # preceded by another word (国家安全和, 推进全面从严治党, 中国特色社会主义理论);
            # only one replaced character set off by punctuation stands (“江山如此多妖”)
            if distance > 1 or len(span) != len(phrase):
                return "edge-slip"
            if (p == 0 and a > 0 and _is_han(text[a - 1])) or (s == 0 and b < len(text) and _is_han(text[b])):
                return "edge-slip-in-running-text"
        freq = jieba_frequencies()
        if any(len(x) > 1 and freq.get(x, 0) >= min_count for x in (new, old)):
            return "word-replaced"  # 党对(人民)军队的绝对领导, 中国特色社会主义法律体系
        frozen = getattr(_info(compiled, phrase)[0].params, "frozen", False)
        if len(new) == len(old) and not frozen and _becomes_other_word(phrase, p, len(phrase) - s, new,
                                                                       REAL_WORD_MIN_COUNT):
            return "real-word-of-phrase"  # 建成 → 建设, 警钟 → 警笛, 治军 → 治污
        if jieba_frequencies().get(span, 0) >= REAL_WORD_MIN:
            return "real-word"
        if not old and (new in FUNCTION_CHARS or (len(new) > 1 and jieba_frequencies().get(new, 0) >= min_count)):
            return "inserted-word"  # 和平共处的五项原则, 各民族广泛交往交流交融
        if not new and _whole_words(phrase, p, len(phrase) - s):
            return "deleted-word"  # 关键技术攻关, 全国统一市场
        if _claimed_exactly(compiled, span):
            return "claimed-by-an-exact-rule"
        if crosses_word_boundary(text, a, b, compiled.rare_words):
            return "word-straddles-edge"
        if (((guard and len(phrase) <= guard and not frozen) or (new and not old))
                and _forms_common_word(text, a, b, phrase, min_count)):
            # in short phrases, and wherever a character was inserted (现代文化产业体系:
            # 文 makes 文化), a slip that forms a common word of its own is prose
            return "changed-chars-form-a-common-word"
        return None


#: a numeral replaced by a numeral names another meeting, plan or document
NUMERALS = frozenset("〇零一二三四五六七八九十百千两0123456789")
#: characters commonly inserted between the words of a phrase in ordinary prose
FUNCTION_CHARS = frozenset("的地之和与及等了是在最更")
#: a span that is itself a jieba word counted at least this often is legitimate
REAL_WORD_MIN = 3
#: a word of the phrase turned into a jieba word counted at least this often (as the
#: terms family's ``common_word_min``) reads as legitimate prose
REAL_WORD_MIN_COUNT = 5


def _common_ends(span: str, phrase: str) -> tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix."""
    p = 0
    limit = min(len(span), len(phrase))
    while p < limit and span[p] == phrase[p]:
        p += 1
    s = 0
    while s < limit - p and span[-1 - s] == phrase[-1 - s]:
        s += 1
    return p, s


def _becomes_other_word(phrase: str, lo: int, hi: int, new: str, min_count: int) -> bool:
    """Whether replacing ``phrase[lo:hi]`` by ``new`` turns a word of the phrase (jieba's
    segmentation) into another common word: such real-word slips read as legitimate
    prose (全面建设小康社会 is an earlier formulation, not 全面建成小康社会 misspelt)."""
    freq = jieba_frequencies()
    spans = word_spans(phrase)
    single = any(b - a == 1 and lo <= a < hi for a, b in spans)
    if len(phrase) <= 6 or single:
        # a short phrase that jieba keeps whole (警钟长鸣), or a change in a one-character
        # word of the phrase (一张蓝图绘到底 → 干到底): the two- and three-character
        # windows around the change
        spans += [(i, i + n) for n in (2, 3) for i in range(max(0, lo - n + 1), min(hi, len(phrase) - n + 1))]
    for a, b in spans:
        if a < hi and lo < b and b - a > 1 and b - a < len(phrase):
            word = phrase[a:b]
            other = phrase[a:lo] + new + phrase[hi:b] if a <= lo and hi <= b else None
            if other and other != word and freq.get(other, 0) >= min_count:
                return True
    return False


def _whole_words(phrase: str, lo: int, hi: int) -> bool:
    """Whether ``phrase[lo:hi]`` is one or more whole words of the phrase's segmentation."""
    bounds = {0}
    for a, b in word_spans(phrase):
        bounds.add(b)
    return lo in bounds and hi in bounds


def _written_at(text: str, start: int, piece: str, phrase: str) -> bool:
    """Whether ``phrase`` is written correctly around the anchor ``piece`` at ``start``."""
    offset = phrase.find(piece)
    while offset >= 0:
        if text.startswith(phrase, start - offset):
            return True
        offset = phrase.find(piece, offset + 1)
    return False


def _payload(compiled):
    for base, name, payload in compiled.blocks:
        if name == "approx":
            return payload
    return None


#: id(compiled rule set) -> (that rule set, its phrase index), for the last few rule sets
#: (an overlay's candidates alternate with its base's within one check)
_INFO_CACHE: dict = {}


def _info(compiled, phrase: str):
    """The compiled information of ``phrase`` (an index kept per rule set; entries are
    replaced whole, so threads never see half of one)."""
    hit = _INFO_CACHE.get(id(compiled))
    if hit is None or hit[0] is not compiled:
        payload = _payload(compiled)
        hit = (compiled, {info[1]: info for info in payload[0]} if payload else {})
        if len(_INFO_CACHE) >= 8:
            _INFO_CACHE.clear()
        _INFO_CACHE[id(compiled)] = hit
    return hit[1].get(phrase)


#: id(compiled rule set) -> (that rule set, its `MaskedIndex` or None)
_MASKED_CACHE: dict = {}


def _masked_index(compiled) -> MaskedIndex | None:
    """The `MaskedIndex` of the ``masked`` entries in force in ``compiled`` (built on first
    use, ~20 ms, and kept for the last few rule sets), or None."""
    hit = _MASKED_CACHE.get(id(compiled))
    if hit is None or hit[0] is not compiled:
        rules = sorted((r for r in compiled.rules if r.family == "approx" and r.params.masked), key=_code)
        payload = _payload(compiled)
        protected = payload[2] if payload else ()
        hit = (compiled, build_masked_index(rules, protected) if rules else None)
        if len(_MASKED_CACHE) >= 8:
            _MASKED_CACHE.clear()
        _MASKED_CACHE[id(compiled)] = hit
    return hit[1]


def _code(rule: Rule) -> str:
    return rule.code


def _claimed_exactly(compiled, span: str) -> bool:
    """Whether an exact rule (a listed pair, a generated variant) matches the whole span:
    it names the slip more precisely, and its own checks decide. (An overlay asks its
    base too.)"""
    base = getattr(compiled, "base", None)
    return _claimed_in(compiled, span) or (base is not None and _claimed_in(base, span))


def _claimed_in(compiled, span: str) -> bool:
    targets = compiled.targets
    base = compiled.compact_base
    for s, e, i in compiled.matcher.find_all(span):
        if s == 0 and e == len(span):
            if i >= base:
                if _block_name(compiled, i) != "approx":
                    return True
            elif targets[i]:
                return True
    return False


def _block_name(compiled, index: int) -> str:
    name = ""
    for base, n, _ in compiled.blocks:
        if index >= base:
            name = n
    return name


def _forms_common_word(text: str, a: int, b: int, phrase: str, min_count: int) -> bool:
    """Whether a segmentation of the span in context puts a changed character into a
    common word that is not part of the phrase (扫黑除恶 → 扫黑险恶: 险恶)."""
    freq = jieba_frequencies()
    span = text[a:b]
    changed = {a + p for p in changed_positions(span, phrase)}
    lo, hi = max(0, a - 3), min(len(text), b + 3)
    pos = lo
    for token in SEGMENTER.cut(text[lo:hi]):
        t_end = pos + len(token)
        if len(token) > 1 and any(pos <= c < t_end for c in changed) and token not in phrase:
            if freq.get(token, 0) >= min_count:
                return True
        pos = t_end
    return False


def needs_context(cand: Candidate) -> bool:
    """Whether a candidate is a guess that a context judge should confirm: every
    approximate match (kind ``approx-*``)."""
    return cand.target.kind.startswith("approx-")


FAMILY = Approx()
