"""Step 5: turn resolved candidates into findings that point into the original text."""

from __future__ import annotations

from .families import BY_NAME, KIND_LABELS, Candidate
from .model import Finding, Report
from .normalize import Normalized

#: characters of the original text shown on each side of a finding in ``context``
CONTEXT = 12


class LineCounter:
    """1-based line and column (in code points) of increasing offsets.

    Counts newlines between consecutive offsets with ``str.count`` (C speed), so the cost
    is one pass over the text up to the last finding, and nothing without findings."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0
        self._line = 1
        self._line_start = 0

    def position(self, offset: int) -> tuple[int, int]:
        text = self._text
        if offset < self._offset:  # not increasing: start again
            self._offset, self._line, self._line_start = 0, 1, 0
        newlines = text.count("\n", self._offset, offset)
        if newlines:
            self._line += newlines
            self._line_start = text.rfind("\n", self._offset, offset) + 1
        self._offset = offset
        return self._line, offset - self._line_start + 1


def build_report(normalized: Normalized, candidates: list[Candidate], version: str,
                 truncated_at: int | None = None) -> Report:
    original = normalized.original
    findings = []
    if candidates:
        lines = LineCounter(original)
        for cand in candidates:
            start, end = normalized.to_original(cand.start, cand.end)
            rule = cand.target.rule
            matched = original[start:end]
            line, column = lines.position(start)
            context = original[max(0, start - CONTEXT) : end + CONTEXT]
            findings.append(
                Finding(
                    start=start,
                    end=end,
                    line=line,
                    column=column,
                    text=matched,
                    suggestions=cand.target.suggestions,
                    code=rule.code,
                    category=rule.category,
                    severity=rule.severity,
                    message=rule.format_message(matched, KIND_LABELS.get(cand.target.kind, cand.target.kind),
                                                cand.target.suggestions),
                    source=rule.source,
                    context=context,
                    kind=cand.target.kind,
                    applicability=BY_NAME[rule.family].applicability(cand.target),
                )
            )
    if truncated_at is not None:
        truncated_at = normalized.to_original(truncated_at, truncated_at)[0]
    return Report(tuple(findings), length=len(original), ruleset_version=version, truncated_at=truncated_at)
