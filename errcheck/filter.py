"""Step 3: decide which raw matches are real candidates.

Per-candidate work only, each looking at a small window around the candidate:

* selection: the rule's category, severity and validity dates (``as_of``);
* allow-lists: an allow-phrase of the rule (or of every rule) that covers the candidate
  suppresses it (著名族群 keeps 名族 quiet);
* the family's own check (`Family.refine`, by default `Family.keep`; refine may also
  move a candidate's span, as `families.approx` grows an anchor into its match, and a
  moved span meets the allow-phrases again): by default a word-boundary test: a short wrong
  form that only appears *across* word boundaries is not an error (the "wrong form" is
  the tail of one word and the head of the next); jieba segments a window of a few
  characters on each side, never the whole document;
* overlaps: the surviving candidates are resolved leftmost-longest, so findings never
  overlap and a longer rule wins over a shorter one inside it. Resolution happens *after*
  filtering, so a long candidate that proved legitimate cannot hide a real error inside it.

The filter knows no family: compact patterns are decoded and candidates checked by the
family the registry names. Families with a whole-text check (`Family.check_document`)
add their candidates before overlaps are resolved, each only when the text contains one of
its guard characters.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re
from operator import itemgetter

from .compiler import CompiledRules
from .families import ANY_VARIANT, BY_NAME, FAMILIES, Candidate, Target
from .model import Severity
from .rules import CATEGORIES

__all__ = ["Candidate", "Selection", "filter_candidates", "resolve_overlaps"]


class Selection:
    """Which rules a checker reports: categories, minimum severity, a date and the rules
    selected by code (``rules``: an `errcheck.selectors.RuleSelection`, or None for all)."""

    __slots__ = ("categories", "min_severity", "as_of", "rules")

    def __init__(self, categories=None, min_severity=None, as_of: _dt.date | None = None, rules=None) -> None:
        if isinstance(categories, str):
            categories = [categories]
        self.categories = frozenset(categories) if categories else None
        if self.categories:
            unknown = self.categories - set(CATEGORIES)
            if unknown:
                raise ValueError(f"unknown categories {sorted(unknown)} (expected: {', '.join(CATEGORIES)})")
        self.min_severity = Severity.parse(min_severity) if min_severity is not None else Severity.WARNING
        self.as_of = as_of
        self.rules = None if rules is None or rules.trivial else rules

    def accepts_rule(self, rule) -> bool:
        if rule.severity < self.min_severity:
            return False
        if self.categories is not None and rule.category not in self.categories:
            return False
        if self.rules is not None and not self.rules.enabled(rule.code, rule.category):
            return False
        return rule.applies_on(self.as_of)


_start = itemgetter(0)
#: ``(family, compiled guard)`` of every family with a document check
DOCUMENT_GUARDS = tuple((f, re.compile("[" + re.escape(f.document_guard) + "]")) for f in FAMILIES if f.document_guard)


def filter_candidates(compiled: CompiledRules, text: str, matches, selection: Selection
                      ) -> tuple[list[Candidate], list[Candidate]]:
    """The candidates of raw ``(start, end, pattern)`` matches that pass selection,
    allow-phrases and their family's check: ``(kept, pending)``, where ``pending`` need
    the context stage (`Target.context`). Overlaps are not resolved yet. For an overlay
    (``compiled.base`` set), ``matches`` holds one list per layer (`CompiledRules.layers`)."""
    if compiled.base is not None:
        return _filter_layers(compiled, text, matches, selection)
    targets = compiled.targets
    rules = compiled.rules
    allow = compiled.allow
    compact_base = compiled.compact_base
    # most matches are allow-phrases only; patterns from compact_base on are the compact
    # blocks of families (generated variants of everyday words)
    hits = [m for m in matches if m[2] >= compact_base or targets[m[2]]]
    candidates: list[Candidate] = []
    for start, end, index in hits:
        if index >= compact_base:
            candidates.extend(compiled.decode(start, end, index, selection))
            continue
        for target in targets[index]:
            rule = rules[target[0]]
            if selection.accepts_rule(rule):
                candidates.append(Candidate(start, end, Target(rule, *target[1:])))
    documents = document_candidates(compiled, text, selection)
    if not candidates:
        return documents, []
    allows = [(s, e, allow[i]) for s, e, i in matches if i < compact_base and allow[i]]
    allows.sort(key=_start)  # the scan reports matches nearly in order: timsort is cheap
    allow_starts = [a[0] for a in allows]
    longest_allow = compiled.longest_allow
    families = BY_NAME
    kept: list[Candidate] = []
    pending: list[Candidate] = []
    for cand in candidates:
        if allows and _allowed(cand, allows, allow_starts, longest_allow):
            continue
        refined = families[cand.target.rule.family].refine(cand, text, compiled)
        if refined is None:
            continue
        if refined is not cand and allows and _allowed(refined, allows, allow_starts, longest_allow):
            continue  # a moved span is checked against the allow-phrases again
        (pending if refined.target.context else kept).append(refined)
    kept.extend(documents)
    return kept, pending


def _filter_layers(top: CompiledRules, text: str, scans, selection: Selection
                   ) -> tuple[list[Candidate], list[Candidate]]:
    """`filter_candidates` of an overlay: the candidates of every layer, the base's
    without the rules the overlay replaces (``top.overrides``) and without the patterns
    it shadows (``top.suppressed``), judged against the allow phrases of both layers."""
    overrides = top.overrides
    suppressed = top.suppressed
    candidates: list[tuple[Candidate, CompiledRules]] = []
    allows = []
    for layer, matches in zip(top.layers, scans):
        below = layer is not top
        targets, rules, allow, compact_base = layer.targets, layer.rules, layer.allow, layer.compact_base
        for start, end, index in matches:
            dropped = suppressed.get(index, ()) if below else ()
            if index >= compact_base:
                for cand in layer.decode(start, end, index, selection):
                    rule = cand.target.rule
                    if not (below and (rule.code in overrides or rule.family in dropped)):
                        candidates.append((cand, layer))
                continue
            for target in targets[index]:
                rule = rules[target[0]]
                if below and (rule.code in overrides or rule.family in dropped):
                    continue
                if selection.accepts_rule(rule):
                    candidates.append((Candidate(start, end, Target(rule, *target[1:])), layer))
            codes = allow[index]
            if codes:
                if below and not codes.isdisjoint(overrides):
                    codes = codes - overrides  # the replaced rule's allow phrases go with it
                if codes:
                    allows.append((start, end, codes))
    documents = document_candidates(top, text, selection)
    if not candidates:
        return documents, []
    allows.sort(key=_start)
    allow_starts = [a[0] for a in allows]
    longest_allow = max(layer.longest_allow for layer in top.layers)
    families = BY_NAME
    kept: list[Candidate] = []
    pending: list[Candidate] = []
    for cand, layer in candidates:
        if allows and _allowed(cand, allows, allow_starts, longest_allow):
            continue
        family = families[cand.target.rule.family]
        refined = family.refine(cand, text, layer)
        if refined is None:
            continue
        if refined is not cand and allows and _allowed(refined, allows, allow_starts, longest_allow):
            continue
        if layer is not top and family.shadowed(refined, text, top):
            continue
        (pending if refined.target.context else kept).append(refined)
    kept.extend(documents)
    return kept, pending


def document_candidates(compiled: CompiledRules, text: str, selection: Selection) -> list[Candidate]:
    """The candidates of the families' whole-text checks (`Family.check_document`), each
    run only when the text contains one of its guard characters (one regex search)."""
    found: list[Candidate] = []
    for family, guard in DOCUMENT_GUARDS:
        if guard.search(text) is not None:
            found.extend(family.check_document(text, compiled, selection))
    return found


def _allowed(cand: Candidate, allows, allow_starts: list[int], longest: int) -> bool:
    """Whether an allow-phrase match covering ``cand`` suppresses it. Only allow matches
    starting in [cand.end - longest, cand.start] can cover it: a bisected slice, so the
    cost does not grow with the number of allow matches in the document."""
    code = cand.target.rule.code
    generated = cand.target.kind != "listed"
    lo = bisect.bisect_left(allow_starts, cand.end - longest)
    hi = bisect.bisect_right(allow_starts, cand.start)
    for a_start, a_end, codes in allows[lo:hi]:
        if a_end >= cand.end and (code in codes or (generated and ANY_VARIANT in codes)):
            return True
    return False


def resolve_overlaps(candidates: list[Candidate], text: str) -> list[Candidate]:
    """Leftmost-longest, in two tiers: curated (listed) candidates first, then generated
    variants of protected terms fill the gaps they leave. So a listed error is reported
    with its own rule even inside a longer generated variant, as long as its correction
    turns the variant into the term (京津翼 in 京津翼协同发展). A listed match whose
    correction would not (人大常委 inside 人大常委委会, a misspelt 人大常委会) is an
    accident of the misspelt term, and the variant, which explains the whole span, wins.
    Within a tier, ties go to the more severe rule, then the lower code, so the choice
    never depends on order. A variant of several terms at once (第个百年奋斗目标 lacks
    the 一 of one term or the 二 of another) is reported once, under the winning rule,
    with the other terms appended to its suggestions."""
    generated = sorted((c for c in candidates if c.target.kind != "listed"), key=_cand_start)
    if generated:
        starts = [g.start for g in generated]
        longest = max(g.end - g.start for g in generated)
        candidates = [c for c in candidates
                      if c.target.kind != "listed" or not _contradicts_variant(c, generated, starts, longest, text)]
    chosen: list[Candidate] = []
    for tier in (True, False):
        ordered = sorted(
            (c for c in candidates if (c.target.kind == "listed") is tier),
            key=lambda c: (c.start, -(c.end - c.start), -c.target.rule.severity, c.target.rule.code),
        )
        taken = sorted((c.start, c.end) for c in chosen)
        last_end = -1
        for cand in ordered:
            if cand.start >= last_end and not _overlaps(taken, cand.start, cand.end):
                chosen.append(cand)
                last_end = cand.end
            elif not tier and _same_span_variant(chosen[-1], cand):
                chosen[-1] = _with_alternatives(chosen[-1], cand)
    chosen.sort(key=lambda c: c.start)
    return chosen


def _same_span_variant(chosen: Candidate, cand: Candidate) -> bool:
    return (chosen.start, chosen.end) == (cand.start, cand.end) and chosen.target.kind != "listed"


def _with_alternatives(chosen: Candidate, other: Candidate) -> Candidate:
    suggestions = chosen.target.suggestions
    extra = tuple(s for s in other.target.suggestions if s not in suggestions)
    if not extra:
        return chosen
    return Candidate(chosen.start, chosen.end, chosen.target._replace(suggestions=suggestions + extra))


def _cand_start(c: Candidate) -> int:
    return c.start


def _contradicts_variant(cand: Candidate, generated: list[Candidate], starts: list[int], longest: int,
                         text: str) -> bool:
    """Whether listed ``cand`` lies inside a longer generated variant and its correction
    does not turn that variant into the variant's term. ``generated`` is sorted by start
    (``starts``) and no variant is longer than ``longest``, so only variants starting in
    ``[cand.end - longest, cand.start]`` can contain ``cand``: a bisected slice, so the
    cost per candidate does not grow with the number of variants in the text."""
    lo = bisect.bisect_left(starts, cand.end - longest)
    hi = bisect.bisect_right(starts, cand.start)
    for g in generated[lo:hi]:
        if g.start <= cand.start and cand.end <= g.end and g.end - g.start > cand.end - cand.start:
            fixed = text[g.start:cand.start] + cand.target.suggestions[0] + text[cand.end:g.end]
            if fixed != g.target.suggestions[0]:
                return True
    return False


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps any of the sorted, disjoint ``spans``."""
    i = bisect.bisect_left(spans, (end, end))
    return i > 0 and spans[i - 1][1] > start
