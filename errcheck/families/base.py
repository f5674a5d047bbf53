"""The interface every rule family implements, and what the pipeline passes between steps.

A family is one module under ``errcheck/families/`` with one `Family` object. It owns:

* its **schema**: the top-level key of a dictionary file it reads (``file_key``), the keys
  its entries accept (``keys``; ``default_keys`` those a file's ``defaults`` may set), its
  part of ``schema.json`` (``schema``) and the kinds of finding it reports
  (``kind_labels``);
* its **compile step**: how its entries become `Rule` objects (`Family.load`) and which
  patterns it adds to the one automaton, and what each pattern means: listed ``wrong``
  forms and ``allow`` phrases of every rule are added by the compiler itself; a family
  adds generated patterns with targets (`Family.compile`) and, for hundreds of thousands
  of them, a compact block of patterns it decodes itself (`Family.compile_block`,
  `Family.decode`);
* its **per-candidate check** (`Family.refine`, by default `Family.keep`), run by the
  filter on each candidate that survived selection and allow-phrases, looking only at a
  small window of the text; `refine` may also move the candidate's span and set its
  suggestions (a pattern's anchor moved to the wrong part of its match, an approximate
  match's anchor grown into the whole match), and a moved span meets the allow-phrases
  again;
* optionally a **document check** (`Family.check_document`) for rules that need the
  whole text (unbalanced quotes in a paragraph), called only on texts that contain one
  of the family's ``document_guard`` characters.

Families import shared services (``errcheck.services``) and never the pipeline modules
(compiler, filter, report, checker), which ask the registry (``errcheck.families``)
instead of naming families.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Sequence

from ..normalize import pattern_variants
from ..rules import CATEGORIES, CODE_RE, Rule, RuleError
from ..services.segment import crosses_word_boundary

#: in an allow set, this code suppresses every generated (non-listed) candidate
ANY_VARIANT = "*"


class Target(NamedTuple):
    """What a matched pattern means for one rule. (A named tuple, not a dataclass: there
    is one per generated variant, and tuples unpickle ~10x faster from the cache.)"""

    rule: Rule
    suggestions: tuple[str, ...]
    kind: str = "listed"
    #: whether the word-boundary check looks at this match (see `Rule.checks_boundary`)
    boundary: bool = True
    #: the candidate needs context: the context stage confirms it (with the language
    #: model) or it is dropped (a variant that is also a real word: 国家权利机关)
    context: bool = False


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible finding: a span of the normalized text and what it would mean."""

    start: int
    end: int
    target: Target


class PatternTable:
    """The pattern list of the one automaton while it is being built.

    Each pattern index has a list of targets, stored as plain ``(rule index, suggestions,
    kind, boundary[, context])`` tuples (the fields of `Target` after the rule), and a set of rule codes whose candidates it suppresses
    (`ANY_VARIANT` for all generated ones)."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = rules
        self.index: dict[str, int] = {}
        self.patterns: list[str] = []
        self.targets: list[list[tuple]] = []
        self.allow: list[set[str]] = []
        self._rule_index = {id(rule): i for i, rule in enumerate(rules)}

    def rule_index(self, rule: Rule) -> int:
        return self._rule_index[id(rule)]

    def add(self, key: str) -> int:
        """Add ``key`` exactly as written (no spelling variants); its index."""
        if key not in self.index:
            self.index[key] = len(self.patterns)
            self.patterns.append(key)
            self.targets.append([])
            self.allow.append(set())
        return self.index[key]

    def slots(self, pattern: str) -> list[int]:
        """Pattern indexes of every spelling of ``pattern`` (see `pattern_variants`)."""
        return [self.add(key) for key in pattern_variants(pattern)]

    def add_target(self, pattern: str, target: tuple) -> None:
        for i in self.slots(pattern):
            self.targets[i].append(target)

    def add_allow(self, pattern: str, code: str) -> None:
        for i in self.slots(pattern):
            self.allow[i].add(code)

    def protected(self) -> set[str]:
        """Every string some rule gives as right (protected terms included): generated
        variants must never equal, nor occur inside, one of these."""
        return {right for rule in self.rules for right in rule.right}


@dataclass
class BuildContext:
    """What families may use while compiling: character tables and generation options.

    When an overlay is compiled (a user's dictionaries on top of the prebuilt shipped rule
    set, see `errcheck.compiler.compile_overlay`), ``base`` is the compiled shipped rule
    set and ``base_rules`` its rules still in force (those no user rule overrides); the
    families then compile only the user's rules, may ask the base whether a string is one
    of its patterns (`base_patterns`), and record in ``suppressed`` the base patterns whose
    candidates of a family a full build would not have had (`Family.shadow`)."""

    confusables: Any = None
    #: options of the generated variants of protected terms (`families.terms.VariantOptions`)
    variant_options: Any = None
    #: the compiled rule set an overlay sits on (a `CompiledRules`), or None
    base: Any = None
    base_rules: Sequence[Rule] = ()
    #: the rules being compiled (an overlay's: the user's)
    rules: Sequence[Rule] = ()
    #: base pattern index -> names of the families whose candidates there are dropped
    suppressed: dict = field(default_factory=dict)
    #: ``progress(phase, done, total)`` or None (see `errcheck.Checker`)
    progress: Any = None

    def report(self, phase: str, done: int = 0, total: int = 0) -> None:
        if self.progress is not None:
            self.progress(phase, done, total)

    def base_patterns(self, pattern: str) -> list[int]:
        """Indexes of the base automaton's patterns equal to ``pattern`` (table and
        block patterns alike; empty without a base)."""
        if self.base is None:
            return []
        n = len(pattern)
        return [i for s, e, i in self.base.matcher.find_all(pattern) if s == 0 and e == n]

    def base_block(self, index: int) -> str:
        """The family whose compact block holds base pattern ``index`` ('' for a table pattern)."""
        name = ""
        if self.base is not None and index >= self.base.compact_base:
            for start, family, _ in self.base.blocks:
                if index >= start:
                    name = family
        return name

    def base_claims(self, pattern: str) -> bool:
        """Whether ``pattern`` is a table pattern of the base with a target (a rule names it)."""
        base = self.base
        return base is not None and any(i < base.compact_base and base.targets[i] for i in self.base_patterns(pattern))

    def base_has(self, pattern: str) -> bool:
        """Whether ``pattern`` is a table pattern of the base (whatever it means there)."""
        base = self.base
        return base is not None and any(i < base.compact_base for i in self.base_patterns(pattern))

    def own_protected(self) -> set[str]:
        """The right forms of the rules being compiled."""
        return {right for rule in self.rules for right in rule.right}

    def suppress(self, index: int, family: str) -> None:
        self.suppressed.setdefault(index, set()).add(family)


@dataclass
class Block:
    """A family's compact patterns: pattern ``base + k`` of the automaton is
    ``patterns[k]``, and only the family knows what it means (`Family.decode`)."""

    patterns: list[str] = field(default_factory=list)
    payload: Any = None
    stats: dict = field(default_factory=dict)


class Family:
    """Base class: override what the family needs (see the module docstring)."""

    #: stored on each of its rules as ``Rule.family``
    name: str = ""
    #: the top-level key of a dictionary file this family reads
    file_key: str = ""
    #: the file key holds a list of entries (``list``) or one mapping (``mapping``)
    shape: str = "list"
    #: other families' file keys allowed in the same file
    combines_with: frozenset[str] = frozenset()
    #: keys an entry may have, and those a file's ``defaults`` may set for it
    keys: frozenset[str] = frozenset()
    default_keys: frozenset[str] = frozenset()
    #: kinds of finding the family reports, with their label in messages
    kind_labels: dict[str, str] = {}
    #: the key under which the compiler reports the family's generation statistics
    stats_key: str = ""
    #: JSON schema of the value of ``file_key`` (see `common_schema`); ``default_schema``:
    #: the properties it adds to ``defaults``
    schema: dict = {}
    default_schema: dict = {}
    #: a short description for ``dictionaries/README.md``'s table of families
    summary: str = ""
    #: every rule carries its own bad examples (False where they are generated, as for
    #: protected terms, whose variants are tested exhaustively)
    own_bad_examples: bool = True
    #: the checking mode its examples are run in (``thorough`` for rules of the context
    #: stage, which fast mode does not run)
    example_mode: str = "fast"

    #: what one entry of a ``list`` family is called in messages (entry, term, pattern)
    entry_noun: str = "entry"
    #: kinds whose fix may be applied unattended (see `applicability`)
    safe_fix_kinds: frozenset[str] = frozenset()

    def applicability(self, target: "Target") -> str:
        """Whether the fix of a finding may be applied without a human looking at it, as
        ruff's fix applicability: ``safe`` for a curated correction with exactly one
        suggestion (a listed pair, a variant of a protected term); ``unsafe`` for a guess
        (疑为), a choice among several suggestions or a finding that needed context;
        ``none`` when there is nothing to apply (a flag-only rule)."""
        if not target.suggestions:
            return "none"
        if target.context or len(target.suggestions) != 1 or target.kind not in self.safe_fix_kinds:
            return "unsafe"
        return "safe"

    def load(self, value, defaults: dict, path: Path) -> list[Rule]:
        """The rules of one file's ``file_key`` value; raises `RuleError`. For a ``list``
        family: each entry, a mapping, through `build_entry`."""
        if self.shape != "list":
            raise NotImplementedError
        if not isinstance(value, list) or not value:
            raise RuleError(path, None, f"'{self.file_key}' must be a non-empty list")
        rules = []
        for raw in value:
            if not isinstance(raw, dict):
                raise RuleError(path, None, f"each {self.entry_noun} must be a mapping, got {type(raw).__name__}")
            rules.append(self.build_entry(raw, defaults, path))
        return rules

    def build_entry(self, raw: dict, defaults: dict, path: Path) -> Rule:
        """One entry of a ``list`` family (merged with the file's ``defaults``) as a rule."""
        raise NotImplementedError

    def compile(self, rules: Sequence[Rule], table: PatternTable, context: BuildContext) -> dict | None:
        """Add generated patterns with targets to ``table``; statistics or None.
        ``rules`` are all rules (the family picks its own by ``rule.family``)."""
        return None

    def compile_block(self, rules: Sequence[Rule], table: PatternTable, context: BuildContext) -> Block | None:
        """A compact block of patterns appended after every table pattern, or None."""
        return None

    def decode(self, payload, k: int, start: int, end: int, rules: Sequence[Rule], selection) -> list[Candidate]:
        """The candidates of block pattern ``k`` matched at ``[start, end)``."""
        return []

    def keep(self, cand: Candidate, text: str, compiled) -> bool:
        """Whether a candidate stands after looking at its window of ``text``. By
        default: a generated or short listed form is dropped when a common dictionary
        word straddles its start or end (the form is the tail of one word and the head
        of the next)."""
        return not (cand.target.boundary and crosses_word_boundary(text, cand.start, cand.end, compiled.rare_words))

    def clear_caches(self) -> None:
        """Drop module-level tables that only a build uses (a serving process calls
        `errcheck.compiler.clear_build_caches` after a rebuild to give memory back)."""

    def refine(self, cand: Candidate, text: str, compiled) -> Candidate | None:
        """The candidate to report, or None to drop it: the filter calls this (not
        `keep`) on every candidate. A family may return a different candidate for the
        same rule (another span inside the window, other suggestions). By default:
        ``cand`` if `keep` says so."""
        return cand if self.keep(cand, text, compiled) else None

    #: characters of which a text must contain at least one for `check_document` to run
    #: (empty: the family has no document check)
    document_guard: str = ""

    def check_document(self, text: str, compiled, selection) -> list[Candidate]:
        """Candidates found by looking at the whole (normalized) ``text``, with exact
        offsets; they join the automaton's candidates before overlaps are resolved.
        Called only when ``text`` contains a ``document_guard`` character; ``selection``
        (`accepts_rule`) says which rules are reported."""
        return []

    def example_mode_for(self, rule: Rule) -> str:
        """The checking mode ``rule``'s examples are run in (by default the family's)."""
        return self.example_mode

    def context_candidates(self, text: str, compiled, selection, protected=()) -> list[tuple]:
        """Candidates only the context stage looks for (thorough mode), each with the
        log10 gains of the corrected text over the written one that confirm it, ``(when
        the suggestion is a word of the language model, when it is not)``; spans
        overlapping a ``protected`` ``(start, end)`` span are left out. Default: none."""
        return []

    def rules_of(self, rules: Sequence[Rule]) -> list[Rule]:
        return [r for r in rules if r.family == self.name]

    # ----------------------------------------------------------------- overlays

    def shadow(self, table: PatternTable, context: BuildContext) -> None:
        """When an overlay is compiled (``context.base`` set), after every family has
        compiled the user's rules into ``table``: mark with `BuildContext.suppress` the
        base patterns whose candidates of this family a full build with the user's rules
        would not have generated (a variant now inside a user's protected term, a word
        variant a user rule claims). Default: nothing."""

    def shadowed(self, cand: Candidate, text: str, overlay) -> bool:
        """Whether a candidate of the base rule set that its own `refine` kept is dropped
        because of the overlay's rules (``overlay``, the compiled overlay: its guards see
        the user's protected phrases). Default: False."""
        return False


# --------------------------------------------------------------------------- schema helpers

STRING = {"type": "string"}
DATE = {"type": "string", "format": "date"}
EXAMPLE_LISTS = {
    "bad": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": r"\[\[.+?\]\]"}},
    "good": {"type": "array", "items": {"type": "string"}},
}


def common_properties(*, code: dict | None = None, dated: bool = True, bad_required: bool = False) -> dict:
    """The JSON schema properties every family's entries share."""
    examples = {"type": "object", "additionalProperties": False, "properties": EXAMPLE_LISTS}
    if bad_required:
        examples = {"type": "object", "additionalProperties": False, "required": ["bad"], "properties": EXAMPLE_LISTS}
    props = {
        "code": code or {"type": "string", "pattern": CODE_RE.pattern},
        "category": {"enum": list(CATEGORIES)},
        "severity": {"enum": ["serious", "error", "warning"]},
        "message": STRING,
        "source": STRING,
        "rationale": STRING,
        "examples": examples,
        "note": STRING,
    }
    if dated:
        props.update(valid_from=DATE, valid_to=DATE)
    return props


def common_schema(properties: dict, required: Sequence[str], *, shape: str = "list", description: str = "") -> dict:
    """The schema of a file key's value: a list of entry objects or one object."""
    obj = {"type": "object"}
    if description:
        obj["description"] = description
    obj.update(additionalProperties=False, required=list(required), properties=properties)
    if shape == "list":
        return {"type": "array", "minItems": 1, "items": obj}
    return obj
