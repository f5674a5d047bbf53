"""Protected terms (``terms:``): official names, 规范表述, fixed collocations and idioms
whose likely misspellings are generated at compile time.

A protected term is usually broken in one of a few ways: one character replaced by a
homophone (截至目前 → 截止目前), a near-homophone (z/zh, n/l, an/ang ...), a look-alike
(京津冀 → 京津翼, 自然资源 → 自热资源), one character missing (党的二十大精神 →
党的二十精神) or doubled/inserted, two words swapped (落实全面从严治党 → 全面落实从严治党),
or the quote marks moved inside the quoted term (“最后一公里” → 最后“一公里”). `generate`
produces those variants; the guards drop the ones that are themselves legitimate, and say
why, so the numbers can be reported (``Checker.load_info['variants']``).

Every kept variant becomes a pattern of the one automaton, pointing back at its term, and
a correctly written term suppresses every generated candidate it covers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..matcher import build_matcher
from ..rules import COMMON_KEYS, DATE_KEYS, Rule, RuleError, common_fields, open_entry, string_list
from ..services.confusables import Confusables, jieba_frequencies
from ..services.segment import word_spans
from .base import ANY_VARIANT, BuildContext, Family, PatternTable, common_properties, common_schema

KINDS = ("homophone", "near-homophone", "shape", "missing", "extra", "order", "quote")
KIND_LABELS = {
    "homophone": "同音字",
    "near-homophone": "近音字",
    "shape": "形近字",
    "missing": "漏字",
    "extra": "多字",
    "order": "语序颠倒",
    "quote": "引号位置",
}
OPEN_QUOTE, CLOSE_QUOTE = "“", "”"


@dataclass(frozen=True)
class VariantOptions:
    """What to generate and how strictly to guard it."""

    kinds: frozenset[str] = frozenset(KINDS)
    #: characters commonly inserted by mistake *inside* a word of a term
    insertions: tuple[str, ...] = ("的",)
    #: variants shorter than this are never generated (two characters match everywhere)
    min_length: int = 3
    #: a variant that is a jieba word at least this frequent, and not rare compared with
    #: the term (``rare_ratio``), is a legitimate word, not an error
    common_word_min: int = 5
    rare_ratio: float = 0.01
    common_characters: int = 3500

    def cache_key(self) -> str:
        """A stable text form (no set ordering) for the compiled-rules cache key."""
        return repr((sorted(self.kinds), self.insertions, self.min_length, self.common_word_min,
                     self.rare_ratio, self.common_characters))


@dataclass
class VariantStats:
    terms: int = 0
    generated: Counter = field(default_factory=Counter)  # by kind
    dropped: Counter = field(default_factory=Counter)  # by reason
    kept: Counter = field(default_factory=Counter)  # by kind
    #: dropped variants that the context stage judges (see `CONTEXT_REASONS`), by kind
    readmitted: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {
            "terms": self.terms,
            "generated": sum(self.generated.values()),
            "generated_by_kind": dict(sorted(self.generated.items())),
            "dropped": sum(self.dropped.values()),
            "dropped_by_reason": dict(sorted(self.dropped.items())),
            "kept": sum(self.kept.values()),
            "kept_by_kind": dict(sorted(self.kept.items())),
            "readmitted_for_context": sum(self.readmitted.values()),
            "readmitted_by_kind": dict(sorted(self.readmitted.items())),
        }


#: reasons to drop a variant that context can overrule: the variant reads as legitimate
#: text on its own, but may still be the term misspelt (国家权利机关 for 国家权力机关)
CONTEXT_REASONS = frozenset({"real-word", "plausible-phrase", "common-word"})


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def generate(term: str, confusables: Confusables, options: VariantOptions,
             segments: tuple[str, ...] = (), quoted: bool = False) -> dict[str, tuple[str, str | None]]:
    """Variant → (kind, reason to drop it or None) for one term.

    The first kind that produces a variant names it. Guards that need to know *where* the
    term was altered are applied here (see `drop_reason` for the others):

    * ``real-word``: a substitution that turns a word of the term into another common
      word (政治生态 → 整治生态) reads as legitimate prose; such real-word errors are the
      business of curated pairs (截止目前, 共度难关), not of generated variants;
    * ``plausible-phrase``: a deletion that removes a whole word, or leaves a word that is
      still a common word (中国式现代化 → 中国现代化) or creates one at the seam
      (以人民为中心 → 以人为中心), yields ordinary prose;
    * duplicates of the first or last character are not generated: the neighbouring word
      often ends or starts with the same character (健全全面从严治党, 统战部部长).
    """
    out: dict[str, tuple[str, str | None]] = {}
    kinds = options.kinds
    words = word_spans(term)
    word_at = {p: (a, b) for a, b in words for p in range(a, b)}

    def add(variant: str, kind: str, reason: str | None = None) -> None:
        if variant != term and variant not in out:
            out[variant] = (kind, reason)

    for i, ch in enumerate(term):
        if not _is_han(ch):
            continue
        head, tail = term[:i], term[i + 1 :]
        a, b = word_at[i]
        word = term[a:b]

        def substitute(c: str, kind: str) -> None:
            replaced = word[: i - a] + c + word[i - a + 1 :]
            add(head + c + tail, kind, "real-word" if len(word) > 1 and is_common_word(replaced, options, word) else None)

        if "homophone" in kinds:
            for c in sorted(confusables.homophones(ch)):
                substitute(c, "homophone")
        if "shape" in kinds:
            for c in sorted(confusables.look_alikes(ch)):
                substitute(c, "shape")
        if "near-homophone" in kinds:
            for c in sorted(confusables.near_homophones(ch)):
                substitute(c, "near-homophone")
    if "missing" in kinds:
        for i in range(1, len(term) - 1):  # first/last removed = a substring of the term
            a, b = word_at[i]
            rest = term[a:i] + term[i + 1 : b]
            seam = term[i - 1] + term[i + 1]
            plausible = b - a == 1 or is_common_word(rest, options) or is_common_word(seam, options)
            add(term[:i] + term[i + 1 :], "missing", "plausible-phrase" if plausible else None)
    if "extra" in kinds:
        for i in range(1, len(term) - 1):
            add(term[: i + 1] + term[i] + term[i + 1 :], "extra")
        inside_word = {p for a, b in words for p in range(a + 1, b)}
        for p in sorted(inside_word):
            for ins in options.insertions:
                add(term[:p] + ins + term[p:], "extra")
    if "order" in kinds and len(segments) > 1:
        for i in range(len(segments) - 1):
            swapped = segments[:i] + (segments[i + 1], segments[i]) + segments[i + 2 :]
            add("".join(swapped), "order")
    if quoted and "quote" in kinds:
        for i in range(1, len(term)):
            add(term[:i] + OPEN_QUOTE + term[i:] + CLOSE_QUOTE, "quote")
            add(OPEN_QUOTE + term[:i] + CLOSE_QUOTE + term[i:], "quote")
    return out


def is_common_word(word: str, options: VariantOptions, compared_with: str = "") -> bool:
    """A jieba word at least ``common_word_min`` frequent and not rare compared with
    ``compared_with`` (jieba also lists misspellings, at low counts: 布署 2, 部署 3333)."""
    freq = jieba_frequencies()
    n = freq.get(word, 0)
    return n >= options.common_word_min and n >= options.rare_ratio * freq.get(compared_with, 0)


def drop_reason(variant: str, term: str, kind: str, options: VariantOptions, protected: set[str]) -> str | None:
    """Why ``variant`` must not be flagged, or None to keep it (guards on the string)."""
    core = variant.replace(OPEN_QUOTE, "").replace(CLOSE_QUOTE, "") if kind == "quote" else variant
    if len(core) < options.min_length:
        return "too-short"
    if variant in protected:
        return "is-a-protected-term"
    if is_common_word(variant, options, term):
        return "common-word"
    return None


# --------------------------------------------------------------------------- the family

TERM_TYPES = ("political-formulation", "policy-slogan", "meeting", "institution", "region", "collocation", "idiom",
              "leader-name")
#: the message of a protected-term finding unless the file or entry sets its own
TERM_MESSAGE = "「{match}」疑为「{suggestion}」之误（{kind}）"
MIN_TERM_LENGTH = 3
KEYS = COMMON_KEYS | DATE_KEYS | {"term", "segments", "quoted", "term_type"}
REQUIRED = ("code", "term", "category", "severity")


@dataclass(frozen=True, slots=True)
class TermParams:
    """A protected term's own settings: the term, its parts for order checks, whether
    it is normally quoted, and its type."""

    term: str
    segments: tuple[str, ...] = ()
    quoted: bool = False
    term_type: str = ""


class Terms(Family):
    name = "terms"
    file_key = "terms"
    combines_with = frozenset({"entries"})
    keys = KEYS
    default_keys = KEYS - {"code", "term", "segments", "examples"}
    kind_labels = dict(KIND_LABELS)
    safe_fix_kinds = frozenset({"listed", *KIND_LABELS})
    stats_key = "variants"
    entry_noun = "term"
    summary = "protected terms and their generated misspellings"
    own_bad_examples = False
    schema = common_schema(
        {
            **common_properties(),
            "term": {"type": "string", "minLength": MIN_TERM_LENGTH},
            "segments": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 2},
            "quoted": {"type": "boolean"},
            "term_type": {"enum": list(TERM_TYPES)},
        },
        ("code", "term"),
    )
    default_schema = {"quoted": {"type": "boolean"}, "term_type": {"enum": list(TERM_TYPES)}}

    def build_entry(self, raw: dict, defaults: dict, path: Path) -> Rule:
        line, entry = open_entry(raw, defaults, path, KEYS, REQUIRED, "term")
        try:
            common = common_fields(entry, TERM_MESSAGE)
            term = entry["term"]
            if not isinstance(term, str) or len(term.strip()) < MIN_TERM_LENGTH:
                raise ValueError(f"term must be a string of at least {MIN_TERM_LENGTH} characters")
            term = term.strip()
            segments = string_list(entry.get("segments") or [], "segments")
            if segments and "".join(segments) != term:
                raise ValueError(f"segments {list(segments)} do not join to the term {term!r}")
            quoted = entry.get("quoted", False)
            if not isinstance(quoted, bool):
                raise ValueError("quoted must be true or false")
            term_type = entry.get("term_type", "")
            if term_type and term_type not in TERM_TYPES:
                raise ValueError(f"unknown term_type {term_type!r} (expected one of: {', '.join(TERM_TYPES)})")
            for ex in common["bad_examples"]:
                if ex.text[ex.span[0] : ex.span[1]] == term:
                    raise ValueError("a bad example marks the term itself")
        except ValueError as exc:
            raise RuleError(path, line, f"term {entry['code']}: {exc}") from None
        return Rule(wrong=(), right=(term,), path=str(path), line=line, family=self.name,
                    params=TermParams(term, segments, quoted, term_type), **common)

    def compile(self, rules, table: PatternTable, context: BuildContext) -> dict:
        """Generate, guard and register the variants of every protected term."""
        stats = VariantStats()
        terms = self.rules_of(rules)
        # every right form is an allow phrase of all generated candidates; an overlay adds
        # its own rules' (the base has the others'), as a full build would whenever
        # there are protected terms in either layer
        overlay = context.base is not None
        if not terms:
            if overlay and self.rules_of(context.base_rules):
                for term in sorted(context.own_protected()):
                    table.add_allow(term, ANY_VARIANT)
            return stats.as_dict()
        options = context.variant_options or VariantOptions()
        confusables = context.confusables or Confusables()
        protected = table.protected()
        candidates: list[tuple[str, str, Rule]] = []
        #: variants that guards drop because they read as legitimate text: they become
        #: candidates that only the context stage may confirm (国家权利机关)
        contextual: list[tuple[str, str, Rule]] = []
        for n, rule in enumerate(terms):
            if n % 250 == 0:
                context.report("generating variants of protected terms", n, len(terms))
            p = rule.params
            stats.terms += 1
            for variant, (kind, reason) in generate(p.term, confusables, options, p.segments, p.quoted).items():
                stats.generated[kind] += 1
                reason = reason or drop_reason(variant, p.term, kind, options, protected)
                if reason:
                    stats.dropped[reason] += 1
                    if reason in CONTEXT_REASONS:
                        contextual.append((variant, kind, rule))
                else:
                    candidates.append((variant, kind, rule))
        # a variant that occurs inside a correctly written protected term would fire on it
        unique = sorted({v for v, _, _ in candidates + contextual})
        probe = build_matcher(unique, "daachorse")
        inside = {unique[i] for term in protected for _, _, i in probe.find_all(term) if unique[i] != term}
        for variant, kind, rule in candidates:
            if variant in inside:
                stats.dropped["inside-a-protected-term"] += 1
                continue
            stats.kept[kind] += 1
            term = rule.params.term
            suggestion = OPEN_QUOTE + term + CLOSE_QUOTE if kind == "quote" else term
            # a generated variant is a guess: always make sure no dictionary word of the
            # surrounding text straddles its edges (人民币经济 is not 民营经济 misspelt)
            table.add_target(variant, (table.rule_index(rule), (suggestion,), kind, True))
        for variant, kind, rule in contextual:
            if variant in inside or variant in table.index and table.targets[table.index[variant]] \
                    or context.base_claims(variant):
                continue  # inside a term, or claimed by a rule that needs no context
            stats.readmitted[kind] += 1
            term = rule.params.term
            suggestion = OPEN_QUOTE + term + CLOSE_QUOTE if kind == "quote" else term
            table.add_target(variant, (table.rule_index(rule), (suggestion,), kind, True, True))        # a correctly written term suppresses variant candidates it covers (党的二十届 ... )
        for term in sorted(context.own_protected() if overlay else protected):
            table.add_allow(term, ANY_VARIANT)
        return stats.as_dict()

    def shadow(self, table: PatternTable, context: BuildContext) -> None:
        """A base variant equal to, or inside, a right form of a user's rule is one a full
        build would have dropped (`drop_reason`, ``inside-a-protected-term``)."""
        base = context.base
        for right in context.own_protected():
            for _, _, i in base.matcher.find_all(right):
                if i < base.compact_base and any(base.rules[t[0]].family == self.name and t[2] != "listed"
                                                 for t in base.targets[i]):
                    context.suppress(i, self.name)


FAMILY = Terms()
