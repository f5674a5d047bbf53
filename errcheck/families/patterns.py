"""Pattern rules (``patterns:``): errors that are not a fixed string but a string in a
context — 截止 right before a time (截止今年6月 → 截至), 带 before 口罩, a document number
in square brackets (国发[2019]5号), a 顿号 between two titles (《A》、《B》).

An entry is a Python regular expression with a named group ``wrong``: the part of the
match that is wrong, and the only part a fix replaces. ``right`` holds suggestion
templates, which may use the match's groups (``\\g<year>``). Look-around gives the
context (``截止(?=今年|去年|目前|\\d{4}年)``).

**Anchors.** Every pattern is anchored by literal strings of which every match contains
at least one (``anchors``, or derived from the regex: its longest required literal, or a
small set of alternatives such as ``[［[]`` → ``[``, ``［``). The anchors go into the one
automaton as targets of the rule, so a text without any anchor costs nothing; the
per-candidate check (`Patterns.refine`) runs the regex only over a window of ``window``
characters (default 16) on each side of the anchor hit, and keeps the first match that
contains the hit: the finding is moved to the match's ``wrong`` group and its
suggestions are expanded from the match. A pattern from which no anchor can be derived is
refused by the loader with its file and line, so the cost stays linear in the text.

**Document checks.** A few norms need the whole text: an entry with ``check:`` instead of
``pattern:`` names one of the built-in whole-text checks below, with its data in the
entry; the filter calls `Patterns.check_document` only on texts that contain one of the
family's guard characters (``document_guard``: one regex search).

* ``unpaired``: paired marks (``pairs``, e.g. ``“”``, ``《》``) left unclosed or closed
  without an opening one within a paragraph. An opening quote left open at the end of a
  paragraph is right when the next paragraph starts with the same mark (a quotation of
  several paragraphs, GB/T 15834-2011 引号).
* ``mixed``: one thing written two ways in one text (a year as 二〇一九年 and as 2019年):
  the ``pattern``'s matches are reported when the text writes it the ``against`` way more
  often; ``requires`` names characters every match contains (the check costs nothing on a
  text without them) and ``translate`` turns the wrong part into the suggestion.
* ``minority``: a ``pattern`` (with ``wrong`` group) whose matches are reported only when
  the text mostly uses the ``right`` form: a stray half-width comma in a text typed with
  full-width ones. A text consistently written one way (a publisher's normalisation, an
  English passage) is left alone.

Every regex is compiled once at load time and pickled with the compiled rules.

A pattern rule lists no ``right`` forms on its `Rule` (its suggestions are templates in
``params``): right forms of other families are protected terms, added to the automaton as
allow-phrases, and a suggestion such as ``，`` or ``得`` would then match everywhere. A bad
example of a rule with one fixed suggestion expects that suggestion; otherwise it names it
(``[[wrong|right]]``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..normalize import fold
from ..rules import COMMON_KEYS, DATE_KEYS, Rule, RuleError, common_fields, open_entry, string_list
from .base import Candidate, Family, Target, common_properties, common_schema

try:  # Python ≥ 3.11
    from re import _constants as _sre_c, _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

KEYS = COMMON_KEYS | DATE_KEYS | {"pattern", "right", "anchors", "window", "check", "pairs", "majority", "minority",
                                  "against", "requires", "translate"}
REQUIRED = ("code", "category", "severity", "message", "examples")
DEFAULT_WINDOW = 16
MAX_WINDOW = 64
#: the whole-text checks an entry may name with ``check:``
CHECKS = ("unpaired", "minority", "mixed")
#: single characters too common to anchor a pattern on (every sentence has them)
_TOO_COMMON = set("，。、的了是在和一") | {chr(c) for c in range(0x21, 0x7F) if chr(c).isalnum()} | set(" \t\n")
#: the characters a whole-text check may be about: a text without any skips them all
GUARD = "“”‘’《》（）〈〉【】〔〕[],;:?!"
#: characters a ``mixed`` check may require (years in Chinese numerals); with `GUARD` the
#: family's document guard: a text with none of them skips every whole-text check
MIXED_GUARD = "〇零"
#: a group reference in a suggestion template
_GROUP_REF = re.compile(r"\\(?:g<[^>]+>|\d)")
#: the largest character class turned into single-character anchors
_MAX_CLASS = 8


@dataclass(frozen=True, slots=True)
class PatternParams:
    regex: re.Pattern
    anchors: tuple[str, ...] = ()
    window: int = DEFAULT_WINDOW
    #: suggestion templates (``Match.expand``)
    templates: tuple[str, ...] = ()
    #: the whole-text check (``CHECKS``), or "" for an anchored pattern
    check: str = ""
    #: ``unpaired``: opening+closing mark pairs
    pairs: tuple[str, ...] = ()
    #: ``minority``: the characters whose count in the text must exceed that of the
    #: wrong forms for the matches to be reported
    majority: str = ""
    #: ``minority``: the characters counted against ``majority`` (default: the anchors)
    minority: str = ""
    #: the suggestions when no template uses a group (else None: expanded per match)
    fixed: tuple[str, ...] | None = ()
    #: ``mixed``: the other way of writing the same thing; the pattern's matches are
    #: reported when the text writes it that way more often
    against: re.Pattern | None = None
    #: ``mixed``: characters of which the text must hold one for the check to run (cheap)
    requires: str = ""
    #: ``mixed``: ``(from, to)`` characters: the suggestion is the wrong part translated
    translate: tuple[str, str] = ("", "")


# --------------------------------------------------------------------------- anchors


def derive_anchors(regex: str, flags: int = 0) -> tuple[str, ...]:
    """Literal strings of which every match of ``regex`` contains at least one (the best
    such set: longest shortest string, then fewest strings), or ``()`` if there is none.
    Look-around is context, not part of the match, and gives no anchor."""
    parsed = _sre_parse.parse(regex, flags)
    found = _required(list(parsed))
    return tuple(sorted(found)) if found else ()


_REPEATS = tuple(op for op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", None))
                 if op is not None)


def _score(s: set[str]) -> tuple:
    return (min(len(a) for a in s), -len(s))


def _required(items: list) -> set[str] | None:
    options: list[set[str]] = []
    run: list[str] = []

    def close() -> None:
        if run:
            options.append({"".join(run)})
            run.clear()

    for op, av in items:
        if op is _sre_c.LITERAL:
            run.append(chr(av))
            continue
        if op is _sre_c.SUBPATTERN:
            body = list(av[-1])
            if body and all(o is _sre_c.LITERAL for o, _ in body):
                run.extend(chr(a) for _, a in body)
                continue
            close()
            inner = _required(body)
            if inner:
                options.append(inner)
            continue
        if op in _REPEATS and av[0] >= 1 and len(av[2]) == 1 and av[2][0][0] is _sre_c.LITERAL:
            # x{3,} requires xxx, joined to the literal before it (第0+ → 第0)
            lo, hi, body = av
            run.extend(chr(body[0][1]) * min(lo, 8))
            if hi != lo or lo > 8:
                close()
            continue
        close()
        if op is _sre_c.BRANCH:
            alts = [_required(list(alt)) for alt in av[1]]
            if all(alts):
                options.append(set().union(*alts))
        elif op is _sre_c.IN:
            if len(av) <= _MAX_CLASS and all(o is _sre_c.LITERAL for o, _ in av):
                options.append({chr(a) for _, a in av})
        elif op in _REPEATS:
            lo, _hi, body = av
            if lo >= 1:
                inner = _required(list(body))
                if inner:
                    options.append(inner)
        # look-around, anchors (^ $ \b), ANY, classes with ranges: no literal
    close()
    return max(options, key=_score) if options else None


# --------------------------------------------------------------------------- the family


class Patterns(Family):
    name = "patterns"
    file_key = "patterns"
    keys = KEYS
    default_keys = frozenset({"window"})
    kind_labels: dict[str, str] = {}
    entry_noun = "pattern"
    summary = "context-dependent wording, punctuation and format norms as anchored regular expressions"
    schema = common_schema(
        {
            **common_properties(bad_required=True),
            "pattern": {"type": "string", "description": "Python regular expression with a named group 'wrong' "
                                                         "(the part a fix replaces); look-around for context"},
            "right": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string", "minLength": 1}}],
                      "description": "suggestion templates for the 'wrong' group; may use groups: \\g<name>"},
            "anchors": {"type": "array", "items": {"type": "string", "minLength": 1},
                        "description": "literal strings every match contains (default: derived from the pattern)"},
            "window": {"type": "integer", "minimum": 1, "maximum": MAX_WINDOW,
                       "description": "characters on each side of an anchor the pattern may look at (default 16)"},
            "check": {"enum": list(CHECKS), "description": "a whole-text check instead of an anchored pattern"},
            "pairs": {"type": "array", "items": {"type": "string", "minLength": 2, "maxLength": 2},
                      "description": "check 'unpaired': opening and closing marks"},
            "majority": {"type": "string", "description": "check 'minority': the right forms the text must mostly use"},
            "minority": {"type": "string", "description": "check 'minority': the wrong forms counted against "
                                                          "'majority' (default: the pattern's anchors)"},
            "against": {"type": "string", "description": "check 'mixed': the other way of writing it (a regular "
                                                         "expression); the pattern's matches are reported when the "
                                                         "text uses this way more often"},
            "requires": {"type": "string", "description": "check 'mixed': characters every match of the pattern "
                                                          "contains (texts without them are skipped)"},
            "translate": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2,
                          "description": "check 'mixed': [from, to] characters turning the wrong part into the "
                                         "suggestion"},
        },
        ("code", "examples"),
        description="pattern rules: a regular expression with context, anchored by literals",
    )
    default_schema = {"window": {"type": "integer", "minimum": 1, "maximum": MAX_WINDOW}}
    #: a whole-text check runs only on texts with one of these (its marks must be among them)
    document_guard = GUARD + MIXED_GUARD

    def __init__(self) -> None:
        #: id(compiled.rules) -> (that tuple, its document rules)
        self._documents: dict[int, tuple] = {}

    # ----------------------------------------------------------------- schema → rules

    def build_entry(self, raw: dict, defaults: dict, path: Path) -> Rule:
        line, entry = open_entry(raw, defaults, path, KEYS, REQUIRED, "pattern")
        try:
            common = common_fields(entry)
            templates = string_list(entry.get("right") or [], "right")
            check = entry.get("check") or ""
            if check and check not in CHECKS:
                raise ValueError(f"unknown check {check!r} (expected one of: {', '.join(CHECKS)})")
            source = entry.get("pattern")
            if not check and not source:
                raise ValueError("needs a 'pattern' (or a whole-text 'check')")
            regex = _compile(source) if source else re.compile("(?P<wrong>(?!))")
            window = entry.get("window", DEFAULT_WINDOW)
            if not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= MAX_WINDOW:
                raise ValueError(f"window must be an integer from 1 to {MAX_WINDOW}")
            anchors: tuple[str, ...] = ()
            pairs = string_list(entry.get("pairs") or [], "pairs")
            majority = str(entry.get("majority") or "")
            minority = str(entry.get("minority") or "")
            if check == "unpaired":
                if not pairs or any(len(p) != 2 for p in pairs):
                    raise ValueError("check 'unpaired' needs 'pairs': two-character strings (opening, closing)")
                if source:
                    raise ValueError("check 'unpaired' takes no 'pattern'")
                if set("".join(pairs)) - set(GUARD):
                    raise ValueError(f"check 'unpaired' supports the marks {GUARD!r} only")
            elif check == "mixed":
                against = entry.get("against")
                requires = str(entry.get("requires") or "")
                if not source or not against:
                    raise ValueError("check 'mixed' needs a 'pattern' (the minority way) and 'against' (the other way)")
                if not requires or set(requires) - set(MIXED_GUARD):
                    raise ValueError(f"check 'mixed' needs 'requires': characters every match of 'pattern' "
                                     f"contains, among {MIXED_GUARD!r} (so that texts without them cost nothing)")
                translate = entry.get("translate") or ["", ""]
                if (not isinstance(translate, list) or len(translate) != 2
                        or len(str(translate[0])) != len(str(translate[1]))):
                    raise ValueError("translate must be [from, to]: two strings of the same length")
            elif check == "minority":
                if not majority:
                    raise ValueError("check 'minority' needs 'majority': the characters the text mostly uses")
                keys = derive_anchors(source)
                if not keys or any(len(k) != 1 or k not in GUARD for k in keys):
                    raise ValueError(f"check 'minority': every match must contain one of the marks {GUARD!r}")
                minority = minority or "".join(keys)
            else:
                if "anchors" in entry:
                    anchors = tuple(fold(a) for a in string_list(entry["anchors"], "anchors"))
                else:
                    anchors = derive_anchors(source)
                    if not anchors:
                        raise ValueError(f"pattern {source!r} cannot be anchored: no literal that every match "
                                         "contains; add one (or give 'anchors')")
                common_anchor = [a for a in anchors if len(a) == 1 and a in _TOO_COMMON]
                if common_anchor:
                    raise ValueError(f"anchor {common_anchor[0]!r} is too common to anchor a pattern on; make the "
                                     "pattern's literal longer")
            fixed = templates if not any(_GROUP_REF.search(t) for t in templates) else None
            extra = {}
            if check == "mixed":
                try:
                    against_regex = re.compile(str(entry["against"]))
                except re.error as exc:
                    raise ValueError(f"against {entry['against']!r} is not a valid regular expression: {exc}") from None
                extra = dict(against=against_regex, requires=requires,
                             translate=(str(translate[0]), str(translate[1])))
            params = PatternParams(regex=regex, anchors=anchors, window=window, templates=templates, check=check,
                                   pairs=pairs, majority=majority, minority=minority, fixed=fixed, **extra)
            if not common["bad_examples"]:
                raise ValueError("needs at least one bad example (a sentence that must be flagged)")
            if fixed is not None and len(fixed) == 1:
                # the one fixed suggestion is what every bad example expects (the rule
                # lists no `right` forms: see the module docstring)
                common["bad_examples"] = tuple(ex if ex.suggestion else replace(ex, suggestion=fixed[0])
                                               for ex in common["bad_examples"])
            for ex in common["bad_examples"]:
                if check == "unpaired":
                    marked = ex.text[ex.span[0]:ex.span[1]]
                    if len(marked) != 1 or not any(marked in p for p in pairs):
                        raise ValueError(f"bad example marks {marked!r}, which is not one of the marks {list(pairs)}")
                    continue
                _check_example(params, ex)
                if not ex.suggestion and templates:
                    raise ValueError(f"a pattern with several suggestions or suggestions from groups names the "
                                     f"expected suggestion in its bad examples: [[wrong|right]] in {ex.text!r}")
        except ValueError as exc:
            raise RuleError(path, line, f"pattern {entry['code']}: {exc}") from None
        return Rule(wrong=(), right=(), path=str(path), line=line, boundary=False, family=self.name,
                    params=params, **common)

    # ----------------------------------------------------------------- compile

    def compile(self, rules, table, context) -> dict | None:
        mine = self.rules_of(rules)
        for rule in mine:
            # kind "listed": a pattern rule is curated like a pair (allow-phrases of
            # other rules do not silence it; overlaps resolve in the curated tier)
            target = (table.rule_index(rule), rule.right, "listed", False)
            for anchor in rule.params.anchors:
                # exactly as written: a half-width anchor must not also match every
                # full-width comma of the text (`PatternTable.slots` would add both)
                table.targets[table.add(anchor)].append(target)
        return None

    # ----------------------------------------------------------------- per candidate

    def refine(self, cand: Candidate, text: str, compiled) -> Candidate | None:
        rule = cand.target.rule
        p = rule.params
        lo = cand.start - p.window
        hi = cand.end + p.window
        for m in p.regex.finditer(text, lo if lo > 0 else 0, hi):
            if m.start() > cand.start:
                break
            if m.end() >= cand.end and m.group("wrong"):  # an optional 'wrong' group may be empty
                return _candidate(rule, m)
        return None

    def keep(self, cand: Candidate, text: str, compiled) -> bool:
        return self.refine(cand, text, compiled) is not None

    # ----------------------------------------------------------------- whole text

    def check_document(self, text: str, compiled, selection) -> list[Candidate]:
        found: list[Candidate] = []
        counts: dict[str, int] = {}  # the minority rules share their character sets
        for rule in self._document_rules(compiled):
            if not selection.accepts_rule(rule):
                continue
            p = rule.params
            if p.check == "unpaired":
                found.extend(Candidate(i, i + 1, Target(rule, (), "listed", False)) for i in unpaired(text, p.pairs))
            elif p.check == "mixed":
                if not any(c in text for c in p.requires):
                    continue
                wrong = [m for m in p.regex.finditer(text) if m.group("wrong")]
                if wrong and len(wrong) < sum(1 for _ in p.against.finditer(text)):
                    table = str.maketrans(*p.translate)
                    for m in wrong:
                        start, end = m.span("wrong")
                        found.append(Candidate(start, end, Target(rule, (m.group("wrong").translate(table),)
                                                                  if p.translate[0] else (), "listed", False)))
            elif p.check == "minority":
                # counts first (C speed): most texts have no stray mark, or are written
                # consistently in half-width marks
                wrong = counts.get(p.minority)
                if wrong is None:
                    present = _any_of(p.minority).search(text) is not None
                    wrong = counts[p.minority] = sum(text.count(c) for c in p.minority) if present else 0
                if not wrong:
                    continue
                right = counts.get(p.majority)
                if right is None:
                    right = counts[p.majority] = sum(text.count(c) for c in p.majority)
                if 2 * wrong <= right:
                    found.extend(_candidate(rule, m) for m in p.regex.finditer(text) if m.group("wrong"))
        return found

    def _document_rules(self, compiled) -> tuple[Rule, ...]:
        rules = compiled.rules
        hit = self._documents.get(id(rules))
        if hit is None or hit[0] is not rules:
            if len(self._documents) > 8:
                self._documents.clear()
            hit = (rules, tuple(r for r in rules if r.family == self.name and r.params.check))
            self._documents[id(rules)] = hit
        return hit[1]


def _candidate(rule: Rule, m: re.Match) -> Candidate | None:
    start, end = m.span("wrong")
    p = rule.params
    suggestions = p.fixed if p.fixed is not None else tuple(dict.fromkeys(m.expand(t) for t in p.templates))
    return Candidate(start, end, Target(rule, suggestions, "listed", False))


def _compile(source) -> re.Pattern:
    if not isinstance(source, str):
        raise ValueError("pattern must be a string")
    try:
        regex = re.compile(source)
    except re.error as exc:
        raise ValueError(f"pattern {source!r} is not a valid regular expression: {exc}") from None
    if "wrong" not in regex.groupindex:
        raise ValueError(f"pattern {source!r} has no named group 'wrong' (?P<wrong>...): the part a fix replaces")
    return regex


def _check_example(p: PatternParams, ex) -> None:
    """A bad example's marker must be exactly a ``wrong`` group of a match."""
    spans = {}
    for m in p.regex.finditer(ex.text):
        if m.group("wrong"):
            spans[m.span("wrong")] = m
    if ex.span not in spans:
        marked = ex.text[ex.span[0]:ex.span[1]]
        where = [ex.text[s:e] for s, e in spans] or "nothing"
        raise ValueError(f"bad example marks {marked!r}, but the pattern's 'wrong' group matches {where} in "
                         f"{ex.text!r}")
    m = spans[ex.span]
    if p.anchors and not any(a in m.group(0) for a in p.anchors):
        raise ValueError(f"the match {m.group(0)!r} of bad example {ex.text!r} contains none of the anchors "
                         f"{list(p.anchors)}")
    for t in p.templates:
        try:
            m.expand(t)
        except (re.error, IndexError) as exc:
            raise ValueError(f"suggestion {t!r}: {exc}") from None


# --------------------------------------------------------------------------- unpaired marks


@functools.lru_cache(maxsize=64)
def _any_of(chars: str) -> re.Pattern:
    return re.compile("[" + re.escape(chars) + "]")


_MARKS: dict[tuple[str, ...], tuple[re.Pattern, re.Pattern]] = {}


def _marks(pairs: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern]:
    """The regexes of the marks of ``pairs`` with and without line breaks (cached)."""
    found = _MARKS.get(pairs)
    if found is None:
        chars = re.escape("".join(pairs))
        found = _MARKS[pairs] = (re.compile(f"[{chars}\n]"), re.compile(f"[{chars}]"))
    return found


def unpaired(text: str, pairs: tuple[str, ...]) -> list[int]:
    """Offsets of the marks of ``pairs`` never closed, or closed without being opened.
    Marks pair within a paragraph (a line) first. A mark left open at the end of a
    paragraph is closed by the next paragraph starting with the same mark (a quotation of
    several paragraphs: each starts with the opening quote, only the last one ends with the
    closing one); otherwise it stays open for a closing mark that a later paragraph has in
    excess (a parenthesis around several lines)."""
    marks, only_marks = _marks(pairs)
    # fast path, at C speed but for a short string: the marks alone, pairs removed until
    # none is left (“《》”) — the walk below would find nothing
    seq = "".join(only_marks.findall(text))
    while seq:
        shorter = seq
        for pair in pairs:
            shorter = shorter.replace(pair, "")
        if shorter == seq:
            break
        seq = shorter
    if not seq:
        return []
    opening = {p[0]: i for i, p in enumerate(pairs)}
    closing = {p[1]: i for i, p in enumerate(pairs)}
    stacks: list[list[int]] = [[] for _ in pairs]
    carried: list[list[int]] = [[] for _ in pairs]
    bad: list[int] = []
    line_start = 0
    for m in marks.finditer(text):
        ch = m.group()
        pos = m.start()
        if ch == "\n":
            nxt = text[pos + 1:pos + 65].lstrip(" \t\u3000\n")[:1]
            for i, stack in enumerate(stacks):
                if stack and nxt != pairs[i][0]:
                    carried[i].extend(stack)
                stack.clear()
            line_start = pos + 1
        elif ch in opening:
            stacks[opening[ch]].append(pos)
        elif ch in closing:
            i = closing[ch]
            if stacks[i]:
                stacks[i].pop()
            elif carried[i]:
                carried[i].pop()
            elif not _enumerator(text, line_start, pos, ch):
                bad.append(pos)
    for i in range(len(pairs)):
        bad.extend(carried[i])
        bad.extend(stacks[i])
    return sorted(bad)


_ENUMERATOR_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ一二三四五六七八九十")
_BEFORE_ENUMERATOR = frozenset("；;。，,：:、 \t\u3000")


def _enumerator(text: str, line_start: int, pos: int, ch: str) -> bool:
    """A list item closed without an opening bracket (1） 一）, at the start of a line or
    after a mark), or an apostrophe (don’t)."""
    if ch == "’":
        return pos > 0 and text[pos - 1].isascii() and text[pos - 1].isalpha()
    k = pos
    while k > line_start and pos - k < 3 and text[k - 1] in _ENUMERATOR_CHARS:
        k -= 1
    return k < pos and (k == line_start or text[k - 1] in _BEFORE_ENUMERATOR)


FAMILY = Patterns()
