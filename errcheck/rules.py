"""Rules are data: load and validate the YAML dictionaries under ``dictionaries/``.

The file format is documented in ``dictionaries/README.md``. Loading is strict: any
problem raises `RuleError` naming the file, the line and the reason, before anything is
compiled, so a bad dictionary never half-loads and never fails in the middle of a scan.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import string
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

import yaml

from .model import Severity

CODE_RE = re.compile(r"^[A-Z]{2}\d{4}$")
CATEGORIES = ("typo", "fixed-phrase", "sensitive", "outdated", "punctuation", "normative")
MESSAGE_FIELDS = {"match", "suggestion", "kind"}
TERM_TYPES = ("political-formulation", "policy-slogan", "meeting", "institution", "region", "collocation", "idiom", "leader-name")
#: the message of a protected-term finding unless the file or entry sets its own
TERM_MESSAGE = "「{match}」疑为「{suggestion}」之误（{kind}）"
MIN_TERM_LENGTH = 3
AUTO_BOUNDARY_MAX = 3
MARKER_RE = re.compile(r"\[\[(.+?)\]\]")

ENTRY_KEYS = {
    "code", "wrong", "right", "category", "severity", "message", "source", "rationale",
    "allow", "boundary", "examples", "valid_from", "valid_to", "note",
}
TERM_KEYS = {
    "code", "term", "segments", "quoted", "term_type", "category", "severity", "message", "source",
    "rationale", "examples", "valid_from", "valid_to", "note",
}
WORDLIST_KEYS = {
    "code", "words", "kinds", "max_ratio", "max_count", "max_seam", "category", "severity", "message", "source",
    "rationale", "allow", "examples", "valid_from", "valid_to", "note",
}
WORDLIST_REQUIRED = ("code", "words", "category", "severity", "examples")
#: the kinds of one-character substitution a word list generates
WORDLIST_KINDS = ("homophone", "shape")
DIVISIONS_KEYS = {
    "code", "table", "no_short", "category", "severity", "message", "source", "rationale", "examples", "note",
}
DIVISIONS_REQUIRED = ("code", "table", "category", "severity", "message", "examples")
FILE_KEYS = {"defaults", "entries", "terms", "wordlist", "divisions"}
DEFAULT_KEYS = (ENTRY_KEYS | TERM_KEYS) - {"code", "wrong", "right", "examples", "allow", "term", "segments"}
REQUIRED = ("code", "wrong", "category", "severity", "message", "examples")
TERM_REQUIRED = ("code", "term", "category", "severity")


class RuleError(ValueError):
    """A dictionary file is invalid. ``str()`` reads ``path:line: reason``."""

    def __init__(self, path: str | Path, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True, slots=True)
class Example:
    """A rule example. For a ``bad`` one, ``span`` is where the finding must be."""

    text: str
    span: tuple[int, int] | None = None
    #: the expected suggestion, when the rule has no fixed one: ``[[花蓝|花篮]]``
    suggestion: str | None = None

    @classmethod
    def parse_bad(cls, marked: str) -> "Example":
        markers = list(MARKER_RE.finditer(marked))
        if len(markers) != 1:
            raise ValueError(f"a bad example needs exactly one [[...]] marker, found {len(markers)}: {marked!r}")
        m = markers[0]
        found, bar, suggestion = m.group(1).partition("|")
        if bar and not (found and suggestion):
            raise ValueError(f"a [[wrong|suggestion]] marker needs both parts: {marked!r}")
        text = marked[: m.start()] + found + marked[m.end() :]
        return cls(text, (m.start(), m.start() + len(found)), suggestion or None)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    wrong: tuple[str, ...]
    right: tuple[str, ...]
    category: str
    severity: Severity
    message: str
    source: str
    allow: tuple[str, ...] = ()
    #: word-boundary check: True/False, or None for automatic (wrong forms of at most
    #: `AUTO_BOUNDARY_MAX` characters are checked; longer ones are specific enough)
    boundary: bool | None = None
    bad_examples: tuple[Example, ...] = ()
    good_examples: tuple[Example, ...] = ()
    valid_from: _dt.date | None = None
    valid_to: _dt.date | None = None
    path: str = ""
    line: int = 0
    #: protected terms only: the term (also ``right[0]``), its parts for order checks,
    #: whether it is normally quoted, and its type
    term: str | None = None
    segments: tuple[str, ...] = ()
    quoted: bool = False
    term_type: str = ""
    #: word lists only: ``(word, frequency count)`` pairs whose one-character homophone
    #: and look-alike misspellings are flagged, and the limits of that generation
    words: tuple[tuple[str, int], ...] = ()
    kinds: tuple[str, ...] = ()
    max_ratio: float = 0.0
    max_count: int = 0
    #: ``(length, ratio)`` pairs: see `compiler._word_variants`
    max_seam: tuple[tuple[int, float], ...] = ()

    def checks_boundary(self, wrong: str) -> bool:
        return self.boundary if self.boundary is not None else len(wrong) <= AUTO_BOUNDARY_MAX

    def applies_on(self, day: _dt.date | None) -> bool:
        """Whether the rule is in force on ``day`` (None: always)."""
        if day is None:
            return True
        if self.valid_from and day < self.valid_from:
            return False
        if self.valid_to and day > self.valid_to:
            return False
        return True

    def format_message(self, match: str, kind: str = "", suggestions: tuple[str, ...] | None = None) -> str:
        suggestions = self.right if suggestions is None else suggestions
        return self.message.format(match=match, suggestion="、".join(suggestions), kind=kind)


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe loader (libyaml's when available: ~10x faster) that records the line of
    every mapping under ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings until `_date` parses them, so a bad date is reported with its line
# instead of escaping from PyYAML's timestamp constructor as a bare ValueError.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _string_list(value, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{what} must be a string or a list of strings")
    cleaned = tuple(v.strip() for v in value)
    if any(not v for v in cleaned):
        raise ValueError(f"{what} contains an empty string")
    return cleaned


def _date(value, what: str) -> _dt.date | None:
    if value is None:
        return None
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{what} must be a date YYYY-MM-DD, got {value!r}") from None


def _check_message(message: str) -> None:
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(message) if f is not None}
    except ValueError as exc:
        raise ValueError(f"message is not a valid template: {exc}") from None
    unknown = fields - MESSAGE_FIELDS
    if unknown:
        raise ValueError(f"message uses unknown placeholder(s) {sorted(unknown)}; allowed: {sorted(MESSAGE_FIELDS)}")


def _open_entry(raw: dict, defaults: dict, path: Path, keys: set[str], required: tuple[str, ...], noun: str):
    """Merge an entry with the file's defaults; reject unknown or missing keys."""
    line = raw.get("__line__", 0)
    unknown = set(raw) - keys - {"__line__"}
    if unknown:
        raise RuleError(path, line, f"unknown key(s) {sorted(unknown)}")
    entry = {**{k: v for k, v in defaults.items() if k in keys}, **{k: v for k, v in raw.items() if k != "__line__"}}
    for key in required:
        if entry.get(key) in (None, "", []):
            raise RuleError(path, line, f"{noun} {entry.get('code', '?')}: missing required key '{key}'")
    return line, entry


def _common_fields(entry: dict, default_message: str | None = None) -> dict:
    """Validate the keys every rule shares; raises ValueError with the reason."""
    code = entry["code"]
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise ValueError(f"code {code!r} does not match {CODE_RE.pattern}")
    if not (entry.get("source") or entry.get("rationale")):
        raise ValueError("needs a 'source' (or 'rationale'): where the fact comes from")
    category = entry["category"]
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r} (expected one of: {', '.join(CATEGORIES)})")
    message = str(entry.get("message") or default_message)
    _check_message(message)
    examples = entry.get("examples") or {}
    if not isinstance(examples, dict) or set(examples) - {"bad", "good", "__line__"}:
        raise ValueError("examples must be a mapping with 'bad' and/or 'good' lists")
    valid_from = _date(entry.get("valid_from"), "valid_from")
    valid_to = _date(entry.get("valid_to"), "valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise ValueError("valid_to is before valid_from")
    return dict(
        code=code,
        category=category,
        severity=Severity.parse(entry["severity"]),
        message=message,
        source=str(entry.get("source") or entry.get("rationale")),
        bad_examples=tuple(Example.parse_bad(t) for t in _string_list(examples.get("bad") or [], "examples.bad")),
        good_examples=tuple(Example(t) for t in _string_list(examples.get("good") or [], "examples.good")),
        valid_from=valid_from,
        valid_to=valid_to,
    )


def _build_rule(raw: dict, defaults: dict, path: Path) -> Rule:
    line, entry = _open_entry(raw, defaults, path, ENTRY_KEYS, REQUIRED, "entry")
    try:
        common = _common_fields(entry)
        wrong = _string_list(entry["wrong"], "wrong")
        right = _string_list(entry.get("right") or [], "right")
        if set(wrong) & set(right):
            raise ValueError(f"a form is both wrong and right: {sorted(set(wrong) & set(right))}")
        allow = _string_list(entry.get("allow") or [], "allow")
        for phrase in allow:
            if not any(w in phrase for w in wrong):
                raise ValueError(f"allow phrase {phrase!r} contains none of the wrong forms")
        boundary = entry.get("boundary")
        if boundary is not None and not isinstance(boundary, bool):
            raise ValueError("boundary must be true or false (leave it out for automatic)")
        if not common["bad_examples"]:
            raise ValueError("needs at least one bad example (a sentence that must be flagged)")
        for ex in common["bad_examples"]:
            marked = ex.text[ex.span[0] : ex.span[1]]
            if marked not in wrong:
                raise ValueError(f"bad example marks {marked!r}, which is not one of the wrong forms {list(wrong)}")
    except ValueError as exc:
        raise RuleError(path, line, f"entry {entry['code']}: {exc}") from None
    return Rule(wrong=wrong, right=right, allow=allow, boundary=boundary, path=str(path), line=line, **common)


def _build_term(raw: dict, defaults: dict, path: Path) -> Rule:
    line, entry = _open_entry(raw, defaults, path, TERM_KEYS, TERM_REQUIRED, "term")
    try:
        common = _common_fields(entry, TERM_MESSAGE)
        term = entry["term"]
        if not isinstance(term, str) or len(term.strip()) < MIN_TERM_LENGTH:
            raise ValueError(f"term must be a string of at least {MIN_TERM_LENGTH} characters")
        term = term.strip()
        segments = _string_list(entry.get("segments") or [], "segments")
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
    return Rule(wrong=(), right=(term,), path=str(path), line=line, term=term, segments=segments, quoted=quoted,
                term_type=term_type, **common)


def _table_lines(path: Path, what: str) -> list[tuple[int, list[str]]]:
    """The tab-separated fields of each line of a data table next to a dictionary file,
    with its line number; ``#`` starts a comment, blank lines are skipped."""
    if not path.is_file():
        raise ValueError(f"{what} {path.name!r} not found next to the file")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if line:
            rows.append((number, line.split("\t")))
    if not rows:
        raise ValueError(f"{what} {path.name!r} is empty")
    return rows


def _read_word_table(path: Path) -> tuple[tuple[str, int], ...]:
    """``word<TAB>count[<TAB>anything]`` lines."""
    words = []
    for number, parts in _table_lines(path, "word table"):
        if len(parts) < 2 or not parts[0] or not parts[1].isdigit():
            raise RuleError(path, number, "expected word<TAB>count")
        words.append((parts[0], int(parts[1])))
    return tuple(words)


def _build_wordlist(raw, defaults: dict, path: Path) -> Rule:
    if not isinstance(raw, dict):
        raise RuleError(path, None, "'wordlist' must be a mapping")
    line, entry = _open_entry(raw, defaults, path, WORDLIST_KEYS, WORDLIST_REQUIRED, "word list")
    try:
        common = _common_fields(entry, TERM_MESSAGE)
        words = tuple(dict(pair for name in _string_list(entry["words"], "words")
                           for pair in _read_word_table(path.parent / name)).items())
        kinds = _string_list(entry.get("kinds") or list(WORDLIST_KINDS), "kinds")
        unknown = set(kinds) - set(WORDLIST_KINDS)
        if unknown:
            raise ValueError(f"unknown kinds {sorted(unknown)} (expected: {', '.join(WORDLIST_KINDS)})")
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
        allow = _string_list(entry.get("allow") or [], "allow")
        if not common["bad_examples"]:
            raise ValueError("needs at least one bad example (a sentence that must be flagged)")
        for ex in common["bad_examples"]:
            if not ex.suggestion:
                raise ValueError(f"a word-list bad example names its suggestion: [[wrong|right]] in {ex.text!r}")
    except ValueError as exc:
        raise RuleError(path, line, f"word list {entry['code']}: {exc}") from None
    return Rule(wrong=(), right=(), allow=allow, boundary=True, path=str(path), line=line, words=words,
                kinds=kinds, max_ratio=float(max_ratio), max_count=max_count,
                max_seam=tuple(sorted((k, float(v)) for k, v in max_seam.items())), **common)


@dataclass(frozen=True, slots=True)
class _Division:
    code: str  # GB/T 2260, six digits
    name: str
    short: str  # provinces only
    valid_from: _dt.date | None
    line: int


def _read_division_table(path: Path) -> list[_Division]:
    """``code<TAB>name[<TAB>short[<TAB>valid_from]]`` lines."""
    rows: list[_Division] = []
    seen: dict[str, int] = {}
    for number, parts in _table_lines(path, "division table"):
        if len(parts) < 2 or len(parts) > 4 or not re.fullmatch(r"\d{6}", parts[0]) or not parts[1]:
            raise RuleError(path, number, "expected code<TAB>name[<TAB>short[<TAB>valid_from]] with a six-digit code")
        code = parts[0]
        if code in seen:
            raise RuleError(path, number, f"duplicate code {code} (first on line {seen[code]})")
        seen[code] = number
        is_province = code.endswith("0000")
        short = parts[2] if len(parts) > 2 else ""
        if is_province and not short:
            raise RuleError(path, number, f"province {parts[1]} needs its short name in the third column")
        if not is_province and short:
            raise RuleError(path, number, "only province rows (code ending in 0000) have a short name")
        try:
            valid_from = _date(parts[3], "valid_from") if len(parts) > 3 else None
        except ValueError as exc:
            raise RuleError(path, number, str(exc)) from None
        if not is_province and code[:2] + "0000" not in seen:
            raise RuleError(path, number, f"{parts[1]} comes before its province row {code[:2]}0000")
        rows.append(_Division(code, parts[1], short, valid_from, number))
    return rows


def _mentions(text: str, name: str) -> bool:
    """Whether ``text`` names the division ``name``, in full or without its 市."""
    return name in text or (name.endswith("市") and len(name) >= 3 and name[:-1] in text)


def _build_divisions(raw, defaults: dict, path: Path) -> list[Rule]:
    """One rule per division: its name after the name of a province it does not belong
    to (湖北省张家界市, 四川省重庆市) is wrong, and the suggestion puts it under its own
    province. The rule's code is the family's two letters and the first four digits of
    the division's GB/T 2260 code (AD4308 for 张家界市, 430800)."""
    if not isinstance(raw, dict):
        raise RuleError(path, None, "'divisions' must be a mapping")
    line, entry = _open_entry(raw, defaults, path, DIVISIONS_KEYS, DIVISIONS_REQUIRED, "division list")
    try:
        prefix = entry["code"]
        if not isinstance(prefix, str) or not re.fullmatch(r"[A-Z]{2}", prefix):
            raise ValueError("code must be the family's two capital letters (each rule adds four digits)")
        common = _common_fields({**entry, "code": prefix + "0000"})
        rows = _read_division_table(path.parent / str(entry["table"]))
        no_short = set(_string_list(entry.get("no_short") or [], "no_short"))
    except ValueError as exc:
        raise RuleError(path, line, f"division list {entry['code']}: {exc}") from None
    provinces = {r.code[:2]: r for r in rows if r.code.endswith("0000")}
    shorts = {p.short for p in provinces.values()}

    def is_municipality(p: _Division) -> bool:
        return p.name.endswith("市")

    rules = []
    for row in rows:
        own = provinces[row.code[:2]]
        if row.code.endswith("0000") and not is_municipality(own):
            continue  # a province is not "in" another province
        municipality = row is own
        names = [row.name]
        short = row.name[:-1] if row.name.endswith("市") and len(row.name) >= 3 else ""
        if short and not municipality and short not in shorts and short not in no_short:
            names.append(short)
        wrong = []
        for other in provinces.values():
            if other is own or (municipality and is_municipality(other)):
                continue
            # a municipality's districts share names with cities elsewhere (北京朝阳), and
            # 四川重庆 lists two places: only the full, unambiguous forms
            heads = (other.name,) if municipality or is_municipality(other) else (other.name, other.short)
            for head in heads:
                for name in (names if not is_municipality(other) else names[:1]):
                    wrong.append(head + name)
        right = row.name if municipality else own.name + row.name
        code = f"{prefix}{row.code[:4]}"
        bad = Example.parse_bad(f"据通报，[[{wrong[0]}]]近日召开专题会议。")
        good = Example(f"据通报，{right}近日召开专题会议。")
        fields = {**common, "code": code, "bad_examples": (bad, *[ex for ex in common["bad_examples"]
                                                                if ex.text[ex.span[0]:ex.span[1]] in wrong]),
                  "good_examples": (good, *[ex for ex in common["good_examples"] if _mentions(ex.text, row.name)]),
                  "valid_from": own.valid_from}
        rules.append(Rule(wrong=tuple(wrong), right=(right,), path=str(path.parent / str(entry["table"])),
                          line=row.line, **fields))
    # a family example joins the rules of the divisions it names; one that names none is
    # kept with the first rule, so every example is still a test
    unattached = [ex for ex in common["good_examples"] if not any(_mentions(ex.text, r.name) for r in rows)]
    if unattached and rules:
        rules[0] = replace(rules[0], good_examples=rules[0].good_examples + tuple(unattached))
    claimed = {w for r in rules for w in r.wrong}
    for ex in common["bad_examples"]:
        if ex.text[ex.span[0]:ex.span[1]] not in claimed:
            raise RuleError(path, line, f"division list {prefix}: bad example marks "
                                        f"{ex.text[ex.span[0]:ex.span[1]]!r}, which no division generates")
    return rules


def load_file(path: str | Path) -> list[Rule]:
    """Load and validate one dictionary file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RuleError(path, None, f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise RuleError(path, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleError(path, mark.line + 1 if mark else None, f"invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise RuleError(path, 1, "a dictionary file must be a mapping with an 'entries' list")
    unknown = set(data) - FILE_KEYS - {"__line__"}
    if unknown:
        raise RuleError(path, data.get("__line__"), f"unknown top-level key(s) {sorted(unknown)}")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise RuleError(path, None, "'defaults' must be a mapping")
    bad_defaults = set(defaults) - DEFAULT_KEYS - {"__line__"}
    if bad_defaults:
        raise RuleError(path, defaults.get("__line__"), f"key(s) {sorted(bad_defaults)} cannot be set in 'defaults'")
    defaults = {k: v for k, v in defaults.items() if k != "__line__"}
    rules = []
    if "divisions" in data:
        if set(data) & {"entries", "terms", "wordlist"}:
            raise RuleError(path, data.get("__line__"), "a 'divisions' file has nothing else")
        return _build_divisions(data["divisions"], defaults, path)
    if "wordlist" in data:
        if set(data) & {"entries", "terms"}:
            raise RuleError(path, data.get("__line__"), "a 'wordlist' file has no 'entries' or 'terms'")
        return [_build_wordlist(data["wordlist"], defaults, path)]
    if "terms" in data:
        terms = data["terms"]
        if not isinstance(terms, list) or not terms:
            raise RuleError(path, data.get("__line__"), "'terms' must be a non-empty list")
        for raw in terms:
            if not isinstance(raw, dict):
                raise RuleError(path, None, f"each term must be a mapping, got {type(raw).__name__}")
            rules.append(_build_term(raw, defaults, path))
    if "entries" in data or "terms" not in data:
        entries = data.get("entries")
        if not isinstance(entries, list) or not entries:
            raise RuleError(path, data.get("__line__"), "'entries' must be a non-empty list")
        for raw in entries:
            if not isinstance(raw, dict):
                raise RuleError(path, None, f"each entry must be a mapping, got {type(raw).__name__}")
            rules.append(_build_rule(raw, defaults, path))
    return rules


def dictionary_files(paths: Iterable[str | Path]) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files under each path (a file or a directory), sorted."""
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise RuleError(p, None, "no such dictionary file or directory")
    return files


def load_rules(paths: Iterable[str | Path]) -> list[Rule]:
    """Load every dictionary under ``paths``, in order.

    Codes must be unique within one directory tree; a later path overrides an earlier
    one rule by rule (a user's directory given after the shipped one replaces a shipped
    rule with the same code and adds new ones).
    """
    by_code: dict[str, Rule] = {}
    for root in paths:
        seen: dict[str, Rule] = {}
        for f in dictionary_files([root]):
            for rule in load_file(f):
                if rule.code in seen:
                    first = seen[rule.code]
                    raise RuleError(f, rule.line, f"duplicate code {rule.code} (first defined at {first.path}:{first.line})")
                seen[rule.code] = rule
        by_code.update(seen)
    return sorted(by_code.values(), key=lambda r: r.code)


def data_files(root: Path) -> list[Path]:
    """Every file a compiled rule set depends on: the YAML plus tables such as shape.tsv."""
    root = Path(root)
    if root.is_file():
        return [root]
    return sorted(f for f in root.rglob("*") if f.is_file() and f.suffix in (".yaml", ".yml", ".tsv", ".txt"))


def fingerprint(paths: Iterable[str | Path], extra: str = "") -> str:
    """A hash of the dictionary files' names and bytes (and ``extra``, e.g. generation
    options): the key of the compiled cache."""
    digest = hashlib.sha256(extra.encode())
    for root in paths:
        for f in data_files(Path(root)):
            digest.update(f.name.encode())
            digest.update(b"\0")
            digest.update(f.read_bytes())
            digest.update(b"\0")
        digest.update(b"\1")
    return digest.hexdigest()
