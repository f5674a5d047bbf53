"""A user's allow-list: words and names whose occurrences are never flagged.

Local names (浙里办, 渝悦), people's names, brands: a finding whose span lies inside an
occurrence of an allowed phrase is dropped. This is a post-filter on a report, run after
the pipeline: it costs nothing on a report without findings, and for each finding a few
set look-ups of the substrings around it (however long the list: a list of 20,000 names
costs what a list of 20 does). (The shipped dictionaries have their own
allow-phrases per rule, compiled into the automaton; this list is the user's, set per
project in the configuration or per call.)
"""

from __future__ import annotations

from typing import Iterable

from .model import Report


class AllowList:
    """Phrases whose occurrences hide the findings inside them."""

    __slots__ = ("phrases", "_set", "_lengths", "_reach")

    def __init__(self, phrases: Iterable[str] = ()) -> None:
        if isinstance(phrases, str):
            phrases = [phrases]
        cleaned = []
        for p in phrases:
            if not isinstance(p, str) or not p.strip():
                raise ValueError(f"an allowed phrase must be a non-empty string, got {p!r}")
            cleaned.append(p.strip())
        self.phrases = tuple(dict.fromkeys(cleaned))
        self._set = frozenset(self.phrases)
        self._lengths = tuple(sorted({len(p) for p in self.phrases}))
        self._reach = self._lengths[-1] if self._lengths else 0

    def __bool__(self) -> bool:
        return bool(self.phrases)

    def __repr__(self) -> str:
        return f"AllowList({list(self.phrases)!r})"

    def covers(self, text: str, start: int, end: int) -> bool:
        """Whether an occurrence of an allowed phrase in ``text`` contains ``[start, end)``.

        Looks up every substring of ``text`` that starts at or before ``start``, ends at or
        after ``end`` and has the length of some phrase: at most (longest phrase) x
        (distinct lengths) set look-ups, however many phrases there are."""
        if not self._reach or end - start > self._reach:
            return False
        phrases = self._set
        n = len(text)
        for i in range(max(0, end - self._reach), start + 1):
            for length in self._lengths:
                j = i + length
                if j > n:
                    break
                if j >= end and text[i:j] in phrases:
                    return True
        return False

    def filter(self, text: str, report: Report) -> Report:
        """``report`` without the findings an allowed phrase of ``text`` covers (``text`` is
        the string the report's offsets point into)."""
        if not self._reach or not report.findings:
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
