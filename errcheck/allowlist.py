"""A user's allow-list: words and names whose occurrences are never flagged.

Local names (浙里办, 渝悦), people's names, brands: a finding whose span lies inside an
occurrence of an allowed phrase is dropped. This is a post-filter on a report, run after
the pipeline: it costs nothing on a report without findings, and for each finding one
regular-expression scan of a window as wide as the longest phrase around it, so a long
allow-list does not slow a clean text down. (The shipped dictionaries have their own
allow-phrases per rule, compiled into the automaton; this list is the user's, set per
project in the configuration or per call.)
"""

from __future__ import annotations

import re
from typing import Iterable

from .model import Report


class AllowList:
    """Phrases whose occurrences hide the findings inside them."""

    __slots__ = ("phrases", "_regex", "_reach")

    def __init__(self, phrases: Iterable[str] = ()) -> None:
        if isinstance(phrases, str):
            phrases = [phrases]
        cleaned = []
        for p in phrases:
            if not isinstance(p, str) or not p.strip():
                raise ValueError(f"an allowed phrase must be a non-empty string, got {p!r}")
            cleaned.append(p.strip())
        self.phrases = tuple(dict.fromkeys(cleaned))
        # longest first: at each position the lookahead yields the longest phrase there,
        # which covers whatever a shorter phrase at the same position covers
        ordered = sorted(self.phrases, key=len, reverse=True)
        self._regex = re.compile("(?=(" + "|".join(map(re.escape, ordered)) + "))") if ordered else None
        self._reach = max((len(p) for p in ordered), default=0)

    def __bool__(self) -> bool:
        return bool(self.phrases)

    def __repr__(self) -> str:
        return f"AllowList({list(self.phrases)!r})"

    def covers(self, text: str, start: int, end: int) -> bool:
        """Whether an occurrence of an allowed phrase in ``text`` contains ``[start, end)``."""
        if self._regex is None or end - start > self._reach:
            return False
        lo = max(0, end - self._reach)
        for m in self._regex.finditer(text, lo):
            if m.start() > start:
                break
            if m.start() + len(m.group(1)) >= end:
                return True
        return False

    def filter(self, text: str, report: Report) -> Report:
        """``report`` without the findings an allowed phrase of ``text`` covers (``text`` is
        the string the report's offsets point into)."""
        if self._regex is None or not report.findings:
            return report
        kept = tuple(f for f in report.findings if not self.covers(text, f.start, f.end))
        if len(kept) == len(report.findings):
            return report
        return Report(kept, length=report.length, ruleset_version=report.ruleset_version,
                      truncated_at=report.truncated_at)


def as_allow_list(value) -> AllowList | None:
    if value is None or isinstance(value, AllowList):
        return value or None
    return AllowList(value) or None
