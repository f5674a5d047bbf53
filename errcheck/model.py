"""The data errcheck hands back: severities, findings and the article report.

These are plain frozen dataclasses with no dependency beyond the standard library, so a
pipeline can keep them, pickle them or turn them into JSON (`Report.to_dict`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

#: Version of the JSON shape produced by `Report.to_dict`. Bump the major number on any
#: incompatible change (a field removed or its meaning changed); additions bump the minor.
SCHEMA_VERSION = "1.2"


class Severity(enum.IntEnum):
    """Ordered severities: a `min_severity` filter is one comparison."""

    WARNING = 1  #: style or advice
    ERROR = 2  #: an ordinary typo (错别字)
    SERIOUS = 3  #: a serious expression error (严重表述错误): one fails the article

    @classmethod
    def parse(cls, value: "str | Severity") -> "Severity":
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of: {names})") from None

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {s: s.name.lower() for s in Severity}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in the checked text.

    ``start``/``end`` are half-open offsets in Unicode code points into the *original*
    input, so ``text == original[start:end]`` always holds. ``line`` and ``column`` are
    1-based (column in code points).
    """

    start: int
    end: int
    line: int
    column: int
    text: str
    suggestions: tuple[str, ...]
    code: str
    category: str
    severity: Severity
    message: str
    source: str
    context: str
    #: how the error was recognised: ``listed`` for a dictionary pair; later rule
    #: families name the kind of alteration (``homophone``, ``shape``, ``missing`` ...).
    kind: str = "listed"
    #: whether the fix may be applied unattended: ``safe`` (a curated correction with one
    #: suggestion), ``unsafe`` (a guess, several suggestions, a finding that needed
    #: context: a human chooses) or ``none`` (nothing to apply). See `Report.fix`.
    applicability: str = "unsafe"

    @property
    def safe(self) -> bool:
        return self.applicability == "safe"

    def to_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "text": self.text,
            "suggestions": list(self.suggestions),
            "code": self.code,
            "category": self.category,
            "severity": self.severity.label,
            "message": self.message,
            "source": self.source,
            "context": self.context,
            "kind": self.kind,
            "applicability": self.applicability,
        }


#: Points deducted from 100 per finding of each severity (see `Report.score`).
SCORE_PENALTY = {Severity.SERIOUS: 40, Severity.ERROR: 10, Severity.WARNING: 2}
#: A report with any serious finding never scores above this (it is a fail).
FAIL_SCORE_CAP = 59


@dataclass(frozen=True, slots=True)
class Report:
    """All findings of one text, with counts, a verdict and a score.

    * ``verdict`` is ``fail`` when there is any ``serious`` finding (one 严重表述错误
      fails an article, as in the quarterly inspections), else ``warn`` when there is
      any ``error``, else ``pass`` (warnings alone do not change the verdict).
    * ``score`` is 100 minus 40 per serious, 10 per error and 2 per warning finding,
      floored at 0, and capped at 59 when the verdict is ``fail``.
    """

    findings: tuple[Finding, ...]
    length: int = 0
    ruleset_version: str = ""
    #: when the text held more candidate matches than a checker judges per text
    #: (``Checker(max_candidates=...)``), the offset from which nothing was checked
    truncated_at: int | None = None
    counts: dict = field(init=False)

    def __post_init__(self) -> None:
        counts = {s.label: 0 for s in sorted(Severity, reverse=True)}
        for f in self.findings:
            counts[f.severity.label] += 1
        object.__setattr__(self, "counts", counts)

    @property
    def verdict(self) -> str:
        if self.counts["serious"]:
            return "fail"
        if self.counts["error"]:
            return "warn"
        return "pass"

    @property
    def score(self) -> int:
        penalty = sum(SCORE_PENALTY[f.severity] for f in self.findings)
        score = max(0, 100 - penalty)
        return min(score, FAIL_SCORE_CAP) if self.counts["serious"] else score

    def apply(self, original: str, choose: int = 0, *, safe_only: bool = False) -> str:
        """Return ``original`` with each finding replaced by its suggestion (the one at
        index ``choose``); with ``safe_only``, only findings whose fix is ``safe``.

        Findings are non-overlapping, so replacements are applied right to left by span;
        a replacement may change the length (党的二十精神 → 党的二十大精神). Findings
        without a suggestion (flag-only rules) are left as they are.
        """
        out = original
        for f in sorted(self.findings, key=lambda f: f.start, reverse=True):
            if safe_only and not f.safe:
                continue
            if len(f.suggestions) > choose:
                out = out[: f.start] + f.suggestions[choose] + out[f.end :]
        return out

    def fix(self, original: str) -> str:
        """``original`` with the safe fixes applied and nothing else: what 全部采纳 and
        ``--fix`` do. Guesses and choices are left for a human."""
        return self.apply(original, safe_only=True)

    @property
    def fixable(self) -> int:
        """How many findings have a safe fix."""
        return sum(1 for f in self.findings if f.safe)

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "ruleset_version": self.ruleset_version,
            "length": self.length,
            "verdict": self.verdict,
            "score": self.score,
            "counts": dict(self.counts),
            "fixable": self.fixable,
            "findings": [f.to_dict() for f in self.findings],
            "truncated_at": self.truncated_at,
        }

    def to_json(self, **kwargs) -> str:
        import json

        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)
