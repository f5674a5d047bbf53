"""What every rule is, whatever its family: the `Rule` record, its examples, and the
validation every dictionary entry shares (code, category, severity, message, source,
examples, dates).

A rule family (``errcheck/families/``) reads its own keys and builds `Rule` objects with
these helpers; the loader (``errcheck/loader.py``) reads the files and asks the family
registry which family a file's top-level key belongs to. Loading is strict: any problem
raises `RuleError` naming the file, the line and the reason, before anything is compiled,
so a bad dictionary never half-loads and never fails in the middle of a scan.
"""

from __future__ import annotations

import datetime as _dt
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import Severity

CODE_RE = re.compile(r"^[A-Z]{2}\d{4}$")
CATEGORIES = ("typo", "fixed-phrase", "sensitive", "outdated", "punctuation", "normative")
MESSAGE_FIELDS = {"match", "suggestion", "kind"}
#: keys every family accepts (each family adds its own)
COMMON_KEYS = frozenset({"code", "category", "severity", "message", "source", "rationale", "examples", "note"})
#: keys of a dated rule
DATE_KEYS = frozenset({"valid_from", "valid_to"})
AUTO_BOUNDARY_MAX = 3
MARKER_RE = re.compile(r"\[\[(.+?)\]\]")


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
    """One rule. ``wrong`` forms and ``allow`` phrases are matched as listed by the
    compiler for every family; what else a rule means is its ``family``'s business,
    with the family's own settings in ``params`` (e.g. a protected term and its parts,
    a word list and its generation limits)."""

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
    #: the name of the family that built the rule (see `errcheck.families`)
    family: str = "pairs"
    #: the family's own settings for this rule (a frozen dataclass of the family), or None
    params: Any = None

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


# --------------------------------------------------------------------------- helpers for families


def string_list(value, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{what} must be a string or a list of strings")
    cleaned = tuple(v.strip() for v in value)
    if any(not v for v in cleaned):
        raise ValueError(f"{what} contains an empty string")
    return cleaned


def parse_date(value, what: str) -> _dt.date | None:
    if value is None:
        return None
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{what} must be a date YYYY-MM-DD, got {value!r}") from None


def check_message(message: str) -> None:
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(message) if f is not None}
    except ValueError as exc:
        raise ValueError(f"message is not a valid template: {exc}") from None
    unknown = fields - MESSAGE_FIELDS
    if unknown:
        raise ValueError(f"message uses unknown placeholder(s) {sorted(unknown)}; allowed: {sorted(MESSAGE_FIELDS)}")


def open_entry(raw: dict, defaults: dict, path: Path, keys: frozenset[str] | set[str], required: tuple[str, ...],
               noun: str):
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


def common_fields(entry: dict, default_message: str | None = None) -> dict:
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
    check_message(message)
    examples = entry.get("examples") or {}
    if not isinstance(examples, dict) or set(examples) - {"bad", "good", "__line__"}:
        raise ValueError("examples must be a mapping with 'bad' and/or 'good' lists")
    valid_from = parse_date(entry.get("valid_from"), "valid_from")
    valid_to = parse_date(entry.get("valid_to"), "valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise ValueError("valid_to is before valid_from")
    return dict(
        code=code,
        category=category,
        severity=Severity.parse(entry["severity"]),
        message=message,
        source=str(entry.get("source") or entry.get("rationale")),
        bad_examples=tuple(Example.parse_bad(t) for t in string_list(examples.get("bad") or [], "examples.bad")),
        good_examples=tuple(Example(t) for t in string_list(examples.get("good") or [], "examples.good")),
        valid_from=valid_from,
        valid_to=valid_to,
    )


def table_lines(path: Path, what: str) -> list[tuple[int, list[str]]]:
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
