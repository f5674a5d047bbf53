"""Everyday words (``wordlist:``): the one-character homophone and look-alike
misspellings of tens of thousands of common words (秸秆 → 秸杆, 花篮 → 花蓝).

A variant is kept only when (a) it is rare next to the word it came from: its own jieba
count is below the list's ``max_count`` and at most ``max_ratio`` of the word's count
(jieba lists misspellings such as 布署 at low counts, so membership alone proves
nothing); (a') it does not read naturally as the end of one word followed by the start
of the next (新的, 这是, 关系是): the expected count of that seam, from jieba's counts of
words ending and starting with its parts, is at most ``max_seam[length]`` times the
word's count; (b) it comes from one word only (two words one slip away from the same
string leave the suggestion in doubt); (c) no other rule already claims the string
(curated pairs and protected terms win); (d) it is not, and does not occur inside, a
protected term or a suggestion of any rule.

There are hundreds of thousands of variants, so they are a compact block of the
automaton: pattern ``k`` of the block means word ``targets[k] >> 1`` of the list,
misspelt by a homophone (low bit 0) or a look-alike (low bit 1). Its per-candidate check
is strict: any dictionary word at all that straddles the variant (服务体系 around 务体)
explains the text better than a misspelling does.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .._version import __version__
from ..rules import COMMON_KEYS, DATE_KEYS, Rule, RuleError, common_fields, open_entry, string_list, table_lines
from ..services.cache import default_cache_dir, read_pickle, write_pickle
from ..services.confusables import Confusables, jieba_frequencies
from ..services.segment import crosses_word_boundary
from .base import Block, BuildContext, Candidate, Family, PatternTable, Target, common_properties, common_schema

KEYS = COMMON_KEYS | DATE_KEYS | {"words", "kinds", "max_ratio", "max_count", "max_seam", "allow"}
REQUIRED = ("code", "words", "category", "severity", "examples")
#: the kinds of one-character substitution a word list generates
KINDS = ("homophone", "shape")
#: bump when the generation below changes its result (part of the word-list cache key)
GENERATION_VERSION = 1


@dataclass(frozen=True, slots=True)
class WordListParams:
    """``(word, frequency count)`` pairs whose misspellings are flagged, and the limits
    of that generation (see the module docstring)."""

    words: tuple[tuple[str, int], ...]
    kinds: tuple[str, ...]
    max_ratio: float
    max_count: int
    #: ``(length, ratio)`` pairs: guard (a')
    max_seam: tuple[tuple[int, float], ...] = ()


def _read_word_table(path: Path) -> tuple[tuple[str, int], ...]:
    """``word<TAB>count[<TAB>anything]`` lines."""
    words = []
    for number, parts in table_lines(path, "word table"):
        if len(parts) < 2 or not parts[0] or not parts[1].isdigit():
            raise RuleError(path, number, "expected word<TAB>count")
        words.append((parts[0], int(parts[1])))
    return tuple(words)


class Words(Family):
    name = "words"
    file_key = "wordlist"
    shape = "mapping"
    keys = KEYS
    kind_labels = {"homophone": "同音字", "shape": "形近字"}
    stats_key = "word_variants"
    summary = "everyday words and their generated one-character misspellings"
    schema = common_schema(
        {
            **common_properties(),
            "words": {"description": "word table(s) next to this file: word<TAB>count lines",
                      "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
            "kinds": {"type": "array", "items": {"enum": list(KINDS)}},
            "max_ratio": {"type": "number", "minimum": 0, "exclusiveMaximum": 1,
                          "description": "a variant's jieba count may be at most this share of the word's count"},
            "max_count": {"type": "integer", "minimum": 1, "description": "a variant's jieba count must be below this"},
            "max_seam": {"type": "object", "description": "word length -> largest expected seam count of a variant, "
                                                          "as a share of the word's count",
                         "additionalProperties": {"type": "number", "minimum": 0}},
            "allow": {"type": "array", "items": {"type": "string"}},
        },
        REQUIRED,
        shape="mapping",
        description="a word list: its words' one-character homophone and look-alike misspellings are generated "
                    "and flagged",
    )

    # ----------------------------------------------------------------- schema → rules

    def load(self, value, defaults: dict, path: Path) -> list[Rule]:
        if not isinstance(value, dict):
            raise RuleError(path, None, "'wordlist' must be a mapping")
        line, entry = open_entry(value, defaults, path, KEYS, REQUIRED, "word list")
        try:
            common = common_fields(entry, "「{match}」疑为「{suggestion}」之误（{kind}）")
            words = tuple(dict(pair for name in string_list(entry["words"], "words")
                               for pair in _read_word_table(path.parent / name)).items())
            kinds = string_list(entry.get("kinds") or list(KINDS), "kinds")
            unknown = set(kinds) - set(KINDS)
            if unknown:
                raise ValueError(f"unknown kinds {sorted(unknown)} (expected: {', '.join(KINDS)})")
            max_ratio, max_count = entry.get("max_ratio", 0.01), entry.get("max_count", 3)
            if not isinstance(max_ratio, (int, float)) or not 0 <= max_ratio < 1:
                raise ValueError("max_ratio must be a number in [0, 1)")
            if not isinstance(max_count, int) or max_count < 1:
                raise ValueError("max_count must be a positive integer")
            max_seam = entry.get("max_seam") or {}
            if isinstance(max_seam, dict):
                max_seam = {k: v for k, v in max_seam.items() if k != "__line__"}
            if not isinstance(max_seam, dict) or not all(
                    isinstance(k, int) and isinstance(v, (int, float)) and v >= 0 for k, v in max_seam.items()):
                raise ValueError("max_seam must map a word length to a non-negative number")
            allow = string_list(entry.get("allow") or [], "allow")
            if not common["bad_examples"]:
                raise ValueError("needs at least one bad example (a sentence that must be flagged)")
            for ex in common["bad_examples"]:
                if not ex.suggestion:
                    raise ValueError(f"a word-list bad example names its suggestion: [[wrong|right]] in {ex.text!r}")
        except ValueError as exc:
            raise RuleError(path, line, f"word list {entry['code']}: {exc}") from None
        params = WordListParams(words=words, kinds=kinds, max_ratio=float(max_ratio), max_count=max_count,
                                max_seam=tuple(sorted((k, float(v)) for k, v in max_seam.items())))
        return [Rule(wrong=(), right=(), allow=allow, boundary=True, path=str(path), line=line, family=self.name,
                     params=params, **common)]

    # ----------------------------------------------------------------- compile

    def compile_block(self, rules, table: PatternTable, context: BuildContext) -> Block:
        """Guards (c) and (d) here; (a), (a') and (b) depend on the word list alone and
        are cached on disk (see `_word_candidates`)."""
        block = Block(payload=((), array("H"), array("I")))
        lists = self.rules_of(rules)
        if not lists:
            return block
        confusables = context.confusables or Confusables()
        taken = table.index
        protected = table.protected()
        forms: list[str] = []
        form_rule = array("H")
        targets = array("I")
        stats: Counter = Counter()
        chosen: dict[str, tuple[int, int]] = {}  # variant -> (word index, kind bit), or (-1, 0) if ambiguous
        for rule in lists:
            offset = len(forms)
            list_forms, candidates, list_stats = _word_candidates(rule, confusables)
            forms.extend(list_forms)
            form_rule.extend([table.rule_index(rule)] * len(list_forms))
            stats.update(list_stats)
            for variant, wi, bit in candidates:
                if variant in taken or variant in protected or context.base_has(variant):
                    stats["dropped: claimed by another rule"] += 1
                elif variant in chosen or self._in_base_block(variant, context):  # from another word list
                    chosen[variant] = (-1, 0)
                    stats["dropped: from two words"] += 1
                else:
                    chosen[variant] = (offset + wi, bit)
        unique = sorted(v for v, (wi, _) in chosen.items() if wi >= 0)
        # variants are 2-4 characters: enumerate the protected strings' substrings of those
        # lengths (cheaper than an automaton over hundreds of thousands of variants)
        inside = {t[i : i + n] for t in protected for n in (2, 3, 4) for i in range(len(t) - n + 1)}
        for variant in unique:
            if variant in inside:
                stats["dropped: inside a protected term"] += 1
                continue
            wi, bit = chosen[variant]
            block.patterns.append(variant)
            targets.append(wi << 1 | bit)
        stats["kept"] = len(block.patterns)
        stats["words"] = len(forms)
        block.stats = dict(sorted(stats.items()))
        block.payload = (tuple(forms), form_rule, targets)
        return block

    def _in_base_block(self, variant: str, context: BuildContext) -> bool:
        """Under an overlay: whether ``variant`` is also a variant of a shipped word list
        (then, as with two lists in one build, neither says which word was meant)."""
        found = False
        for i in context.base_patterns(variant):
            if context.base_block(i) == self.name:
                context.suppress(i, self.name)
                found = True
        return found

    def shadow(self, table: PatternTable, context: BuildContext) -> None:
        """A shipped word variant that a user's rule claims (any pattern of the overlay's
        table), or that equals or lies inside a user's right form, is one a full build
        would have dropped (guards (c) and (d))."""
        protected = context.own_protected()
        strings = set(table.patterns) | protected
        strings |= {t[i : i + n] for t in protected for n in (2, 3, 4) for i in range(len(t) - n + 1)}
        for s in strings:
            for i in context.base_patterns(s):
                if context.base_block(i) == self.name:
                    context.suppress(i, self.name)

    # ----------------------------------------------------------------- per candidate

    def decode(self, payload, k: int, start: int, end: int, rules, selection) -> list[Candidate]:
        forms, form_rule, targets = payload
        packed = targets[k]
        word = packed >> 1
        rule = rules[form_rule[word]]
        if not selection.accepts_rule(rule):
            return []
        kind = "shape" if packed & 1 else "homophone"
        return [Candidate(start, end, Target(rule, (forms[word],), kind, True))]

    def clear_caches(self) -> None:
        _CANDIDATES.clear()

    def keep(self, cand: Candidate, text: str, compiled) -> bool:
        # a variant is a guess about an everyday word: any dictionary word at all that
        # straddles it (服务体系 around 务体) explains the text better
        return not crosses_word_boundary(text, cand.start, cand.end)


FAMILY = Words()


# --------------------------------------------------------------------------- generation

_CANDIDATES: dict[str, tuple] = {}


def _word_candidates(rule: Rule, confusables: Confusables):
    """``(words, [(variant, word index, kind bit)], stats)`` for one word list: guards
    (a), (a') and (b). Generating them takes seconds for tens of thousands of words, so
    the result is kept in memory and in the cache directory, keyed by the list, the
    character tables, errcheck's version and this module's source."""
    p = rule.params
    key = hashlib.sha256(repr((
        p.words, p.kinds, p.max_ratio, p.max_count, p.max_seam, confusables.common_limit,
        sorted(confusables.shape.items()), __version__, GENERATION_VERSION, Path(__file__).read_bytes(),
    )).encode()).hexdigest()[:32]
    if key in _CANDIDATES:
        return _CANDIDATES[key]
    path = default_cache_dir() / f"wordlist-{key}.pickle"
    result = read_pickle(path)
    if result is None:
        result = _generate_word_candidates(p, confusables)
        write_pickle(path, result, "word-list cache")
    _CANDIDATES[key] = result
    return result


def _generate_word_candidates(p: WordListParams, confusables: Confusables):
    freq = jieba_frequencies()
    seam = _seam_counts()
    max_seam = dict(p.max_seam)
    substitutes: dict[str, tuple[tuple[str, int], ...]] = {}

    def substitutes_of(ch: str) -> tuple[tuple[str, int], ...]:
        if ch not in substitutes:
            subs = [(c, 0) for c in sorted(confusables.same_tone_homophones(ch))] if "homophone" in p.kinds else []
            subs += [(c, 1) for c in sorted(confusables.look_alikes(ch))] if "shape" in p.kinds else []
            substitutes[ch] = tuple(subs)
        return substitutes[ch]

    forms = [word for word, _ in p.words]
    chosen: dict[str, tuple[int, int]] = {}
    generated = common = seamy = ambiguous = 0
    for wi, (word, count) in enumerate(p.words):
        # the highest jieba count a misspelling may have: below max_count, and rare
        # next to the word
        most_common = min(p.max_count - 1, p.max_ratio * count)
        most_seam = max_seam.get(len(word), 0.0) * count
        for i, ch in enumerate(word):
            head, tail = word[:i], word[i + 1 :]
            for c, bit in substitutes_of(ch):
                variant = head + c + tail
                generated += 1
                if variant in chosen:
                    if 0 <= chosen[variant][0] != wi:
                        chosen[variant] = (-1, 0)
                        ambiguous += 1
                elif freq.get(variant, 0) > most_common:
                    common += 1
                elif seam(variant) > most_seam:
                    seamy += 1
                else:
                    chosen[variant] = (wi, bit)
    candidates = [(v, wi, bit) for v, (wi, bit) in chosen.items() if wi >= 0]
    stats = {"generated": generated, "dropped: a word in its own right": common,
             "dropped: reads as two words": seamy, "dropped: from two words": ambiguous}
    return forms, candidates, stats


def _seam_counts():
    """``seam(v)``: how often ``v`` is expected to arise at a word boundary, the largest
    over its split points ``v = L + R`` of count(words ending in L) × count(words
    starting with R) / count(all words), from jieba's dictionary counts."""
    freq = jieba_frequencies()
    total = sum(freq.values())
    ends: dict[str, int] = {}
    starts: dict[str, int] = {}
    for word, n in freq.items():
        for k in range(1, min(3, len(word)) + 1):
            ends[word[-k:]] = ends.get(word[-k:], 0) + n
            starts[word[:k]] = starts.get(word[:k], 0) + n
    end, start = ends.get, starts.get

    def seam(v: str) -> float:
        best = 0
        for k in range(1, len(v)):
            a = end(v[:k])
            if a:
                best = max(best, a * start(v[k:], 0))
        return best / total

    return seam
