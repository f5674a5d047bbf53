"""Compile the loaded rules into ONE automaton, and cache the result on disk.

Every rule family contributes patterns to the same table: the wrong forms of dictionary
pairs (``targets``) and the allow-phrases that suppress them (``allow``). One pattern may
carry several meanings (the wrong form of one rule can be an allow phrase of another), so
each pattern index maps to a tuple of `Target` and to the set of codes it suppresses.

The compiled rule set is cached under the user's cache directory keyed by a hash of the
dictionary bytes, the backend and the errcheck version, so a second start loads it
instead of rebuilding (pickle for the tables, the backend's own bytes for the automaton).
"""

from __future__ import annotations

import logging
import os
from array import array
import pickle
import tempfile
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from collections import Counter
from typing import NamedTuple, Sequence

from ._version import __version__
from .matcher import Matcher, build_matcher, load_matcher
from .confusables import Confusables, jieba_frequencies
from .normalize import FOLD_TABLE, pattern_variants
from .rules import Rule
from .variants import CLOSE_QUOTE, OPEN_QUOTE, VariantOptions, VariantStats, drop_reason, generate

log = logging.getLogger(__name__)

#: Bump when the pickled layout below changes, so old caches are ignored.
CACHE_FORMAT = 10


class Target(NamedTuple):
    """What a matched pattern means for one rule. (A named tuple, not a dataclass: there
    is one per generated variant, and tuples unpickle ~10x faster from the cache.)"""

    rule: Rule
    suggestions: tuple[str, ...]
    kind: str = "listed"
    #: whether the word-boundary filter looks at this match (see `Rule.checks_boundary`)
    boundary: bool = True


@dataclass(slots=True)
class CompiledRules:
    rules: tuple[Rule, ...]
    patterns: tuple[str, ...]
    #: per pattern index: what it triggers, as plain ``(rule index, suggestions, kind,
    #: boundary)`` tuples (they unpickle at C speed; `Target` is made per match)
    targets: tuple[tuple[tuple, ...], ...]
    #: per pattern index: codes whose findings this pattern suppresses when it covers them
    allow: tuple[frozenset[str], ...]
    matcher: Matcher
    version: str
    #: patterns ``0 .. fold_marks-1`` are the characters that `normalize` changes
    fold_marks: int = 0
    #: length of the longest allow pattern (bounds the allow look-up in `filter`)
    longest_allow: int = 0
    #: dictionary words too rare to count in the word-boundary check (see `filter`)
    rare_words: frozenset[str] = frozenset()
    stats: dict = field(default_factory=dict)
    #: word lists (everyday words): patterns from ``word_base`` on are their generated
    #: misspellings, stored compactly (there are hundreds of thousands): pattern
    #: ``word_base + k`` means word ``word_targets[k] >> 1`` of `word_forms`, misspelt by
    #: a homophone (low bit 0) or a look-alike (low bit 1); `word_form_rule` gives the rule
    word_base: int = 0
    word_forms: tuple[str, ...] = ()
    word_form_rule: array = field(default_factory=lambda: array("H"))
    word_targets: array = field(default_factory=lambda: array("I"))

    @property
    def backend(self) -> str:
        return self.matcher.backend


#: in an allow set, this code suppresses every generated (protected-term) candidate
ANY_VARIANT = "*"


def compile_rules(
    rules: Sequence[Rule],
    backend: str,
    version: str,
    confusables: Confusables | None = None,
    options: VariantOptions | None = None,
) -> CompiledRules:
    began = time.perf_counter()
    index: dict[str, int] = {}
    patterns: list[str] = []
    targets: list[list[Target]] = []
    allow: list[set[str]] = []

    def slots(pattern: str) -> list[int]:
        """Pattern indexes of every spelling of ``pattern`` (see `pattern_variants`)."""
        found = []
        for key in pattern_variants(pattern):
            if key not in index:
                index[key] = len(patterns)
                patterns.append(key)
                targets.append([])
                allow.append(set())
            found.append(index[key])
        return found

    # Characters that normalization would change come first, as one-character patterns:
    # the scan itself then tells whether the text needs normalizing (rarely), so clean
    # text is read once, by the automaton, and never by a separate regex.
    for ch in sorted(FOLD_TABLE):
        index[chr(ch)] = len(patterns)
        patterns.append(chr(ch))
        targets.append([])
        allow.append(set())
    fold_marks = len(patterns)

    rule_index = {id(rule): i for i, rule in enumerate(rules)}
    for rule in rules:
        for wrong in rule.wrong:
            target = (rule_index[id(rule)], rule.right, "listed", rule.checks_boundary(wrong))
            for i in slots(wrong):
                targets[i].append(target)
        for phrase in rule.allow:
            for i in slots(phrase):
                allow[i].add(rule.code)

    confusables = confusables or Confusables()
    variant_stats = _add_protected_terms(rules, rule_index, slots, targets, allow, confusables,
                                         options or VariantOptions())
    word_base = len(patterns)
    words = _word_variants(rules, rule_index, index, confusables)
    matcher = build_matcher(patterns + words.patterns, backend)
    return CompiledRules(
        rules=tuple(rules),
        patterns=tuple(patterns),
        targets=_shared_tuples(targets),
        allow=tuple(frozenset(a) for a in allow),
        matcher=matcher,
        version=version,
        fold_marks=fold_marks,
        longest_allow=max((len(p) for p, a in zip(patterns, allow) if a), default=0),
        rare_words=_rare_words(),
        stats={
            "rules": len(rules),
            "patterns": len(patterns) - fold_marks,
            "build_seconds": round(time.perf_counter() - began, 3),
            "variants": variant_stats.as_dict(),
            "word_variants": words.stats,
        },
        word_base=word_base,
        word_forms=tuple(words.forms),
        word_form_rule=words.form_rule,
        word_targets=words.targets,
    )


def _shared_tuples(targets: list[list[tuple]]) -> tuple[tuple, ...]:
    """Each pattern's targets as a tuple, with equal targets and equal tuples shared: the
    hundreds of thousands of generated variants have a few thousand distinct targets (one
    per term and kind), and sharing them saves tens of MB in every serving process (the
    cache pickles each shared object once)."""
    seen: dict[tuple, tuple] = {}

    def share(t: tuple) -> tuple:
        return seen.setdefault(t, t)

    return tuple(share(tuple(map(share, t))) for t in targets)


def _rare_words() -> frozenset[str]:
    from .filter import STRADDLE_MIN_FREQ

    return frozenset(w for w, n in jieba_frequencies().items() if len(w) > 1 and n < STRADDLE_MIN_FREQ)


def _add_protected_terms(rules, rule_index, slots, targets, allow, confusables: Confusables,
                         options: VariantOptions) -> VariantStats:
    """Generate, guard and register the variants of every protected term."""
    stats = VariantStats()
    terms = [r for r in rules if r.term]
    if not terms:
        return stats
    protected = {r.term for r in terms} | {right for r in rules for right in r.right}
    candidates: list[tuple[str, str, Rule]] = []
    for rule in terms:
        stats.terms += 1
        for variant, (kind, reason) in generate(rule.term, confusables, options, rule.segments, rule.quoted).items():
            stats.generated[kind] += 1
            reason = reason or drop_reason(variant, rule.term, kind, options, protected)
            if reason:
                stats.dropped[reason] += 1
            else:
                candidates.append((variant, kind, rule))
    # a variant that occurs inside a correctly written protected term would fire on it
    unique = sorted({v for v, _, _ in candidates})
    probe = build_matcher(unique, "daachorse")
    inside = {unique[i] for term in protected for _, _, i in probe.find_all(term) if unique[i] != term}
    for variant, kind, rule in candidates:
        if variant in inside:
            stats.dropped["inside-a-protected-term"] += 1
            continue
        stats.kept[kind] += 1
        suggestion = OPEN_QUOTE + rule.term + CLOSE_QUOTE if kind == "quote" else rule.term
        # a generated variant is a guess: always make sure no dictionary word of the
        # surrounding text straddles its edges (人民币经济 is not 民营经济 misspelt)
        target = (rule_index[id(rule)], (suggestion,), kind, True)
        for i in slots(variant):
            targets[i].append(target)
    # a correctly written term suppresses variant candidates it covers (党的二十届 ... )
    for term in sorted(protected):
        for i in slots(term):
            allow[i].add(ANY_VARIANT)
    return stats


@dataclass
class _WordVariants:
    patterns: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    form_rule: array = field(default_factory=lambda: array("H"))
    targets: array = field(default_factory=lambda: array("I"))
    stats: dict = field(default_factory=dict)


def _word_variants(rules, rule_index, taken: dict[str, int], confusables: Confusables) -> _WordVariants:
    """The one-character homophone / look-alike misspellings of every word-list word.

    A variant is kept only when (a) it is rare next to the word it came from: its own
    jieba count is below the list's ``max_count`` and at most ``max_ratio`` of the word's
    count (jieba lists misspellings such as 布署 at low counts, so membership alone proves
    nothing); (a') it does not read naturally as the end of one word followed by the
    start of the next (新的, 这是, 关系是): the expected count of that seam, from jieba's
    counts of words ending and starting with its parts, is at most ``max_seam[length]``
    times the word's count; (b) it comes from one word only (two words one slip away from
    the same string leave the suggestion in doubt); (c) no other rule already claims the
    string (curated pairs and protected terms win); (d) it is not, and does not occur
    inside, a protected term or a suggestion of any rule.

    (a), (a') and (b) depend on the word list alone and are cached on disk (see
    `_word_candidates`); (c) and (d) depend on the rest of the rule set and run here.
    """
    out = _WordVariants()
    lists = [r for r in rules if r.words]
    if not lists:
        return out
    protected = {r.term for r in rules if r.term} | {right for r in rules for right in r.right}
    stats: Counter = Counter()
    chosen: dict[str, tuple[int, int]] = {}  # variant -> (word index, kind bit), or (-1, 0) if ambiguous
    for rule in lists:
        offset = len(out.forms)
        forms, candidates, list_stats = _word_candidates(rule, confusables)
        out.forms.extend(forms)
        out.form_rule.extend([rule_index[id(rule)]] * len(forms))
        stats.update(list_stats)
        for variant, wi, bit in candidates:
            if variant in taken or variant in protected:
                stats["dropped: claimed by another rule"] += 1
            elif variant in chosen:  # from another word list
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
        out.patterns.append(variant)
        out.targets.append(wi << 1 | bit)
    stats["kept"] = len(out.patterns)
    stats["words"] = len(out.forms)
    out.stats = dict(sorted(stats.items()))
    return out


_CANDIDATES: dict[str, tuple] = {}


def _word_candidates(rule: Rule, confusables: Confusables):
    """``(words, [(variant, word index, kind bit)], stats)`` for one word list: guards
    (a), (a') and (b) of `_word_variants`. Generating them takes seconds for tens of
    thousands of words, so the result is kept in memory and in the cache directory, keyed
    by the list, the character tables and errcheck's version."""
    import hashlib

    key = hashlib.sha256(repr((
        rule.words, rule.kinds, rule.max_ratio, rule.max_count, rule.max_seam, confusables.common_limit,
        sorted(confusables.shape.items()), __version__, CACHE_FORMAT, Path(__file__).read_bytes(),
    )).encode()).hexdigest()[:32]
    if key in _CANDIDATES:
        return _CANDIDATES[key]
    path = default_cache_dir() / f"wordlist-{key}.pickle"
    try:
        with path.open("rb") as fh:
            _CANDIDATES[key] = result = pickle.load(fh)
        return result
    except (OSError, pickle.PickleError, EOFError, ValueError):
        pass
    result = _generate_word_candidates(rule, confusables)
    _CANDIDATES[key] = result
    _write_pickle(path, result, "word-list cache")
    return result


def _write_pickle(path: Path, payload, what: str) -> None:
    """Write atomically (temp file + rename), so a reader never sees half a cache; a
    cache that cannot be written is logged, never fatal."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot write %s %s: %s", what, path, exc)


def _generate_word_candidates(rule: Rule, confusables: Confusables):
    freq = jieba_frequencies()
    seam = _seam_counts()
    max_seam = dict(rule.max_seam)
    substitutes: dict[str, tuple[tuple[str, int], ...]] = {}

    def substitutes_of(ch: str) -> tuple[tuple[str, int], ...]:
        if ch not in substitutes:
            subs = [(c, 0) for c in sorted(confusables.same_tone_homophones(ch))] if "homophone" in rule.kinds else []
            subs += [(c, 1) for c in sorted(confusables.look_alikes(ch))] if "shape" in rule.kinds else []
            substitutes[ch] = tuple(subs)
        return substitutes[ch]

    forms = [word for word, _ in rule.words]
    chosen: dict[str, tuple[int, int]] = {}
    generated = common = seamy = ambiguous = 0
    for wi, (word, count) in enumerate(rule.words):
        # the highest jieba count a misspelling may have: below max_count, and rare
        # next to the word
        most_common = min(rule.max_count - 1, rule.max_ratio * count)
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


def default_cache_dir() -> Path:
    env = os.environ.get("ERRCHECK_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "errcheck"


def _cache_path(cache_dir: Path, version: str, backend: str) -> Path:
    return cache_dir / f"rules-{version[:24]}-{backend}-{__version__}-v{CACHE_FORMAT}.pickle"


def load_or_compile(
    load: "callable",
    version: str,
    backend: str,
    cache_dir: Path | None,
) -> tuple[CompiledRules, str]:
    """Return the compiled rules and how they were obtained (``cache`` or ``built``).

    ``load`` is called to load and compile the rules only when the cache misses. A cache
    that cannot be read or written is ignored (logged), never fatal. Every field of
    `CompiledRules` is cached as it is, except the matcher, which is stored as the
    backend's own bytes.
    """
    path = _cache_path(cache_dir, version, backend) if cache_dir else None
    if path and path.is_file():
        try:
            with path.open("rb") as fh:
                data = pickle.load(fh)
            data["matcher"] = load_matcher(data.pop("automaton"), backend)
            return CompiledRules(**data), "cache"
        except Exception as exc:  # a stale or corrupt cache is rebuilt
            log.warning("ignoring unreadable rule cache %s: %s", path, exc)
    compiled = load()
    if path:
        payload = {f.name: getattr(compiled, f.name) for f in fields(CompiledRules) if f.name != "matcher"}
        payload["automaton"] = compiled.matcher.to_bytes()
        _write_pickle(path, payload, "rule cache")
    return compiled, "built"
