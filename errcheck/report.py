"""Step 4 of 4: turn resolved candidates into findings that point into the original text."""

from __future__ import annotations

import bisect
import re

from .filter import Candidate
from .model import Finding, Report
from .normalize import Normalized

#: characters of the original text shown on each side of a finding in ``context``
CONTEXT = 12
_NEWLINE = re.compile("\n")


class LineIndex:
    """1-based line and column (in code points) of an offset; built only when needed."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def build_report(normalized: Normalized, candidates: list[Candidate], version: str) -> Report:
    original = normalized.original
    findings = []
    if candidates:
        lines = LineIndex(original)
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
                    message=rule.format_message(matched),
                    source=rule.source,
                    context=context,
                    kind=cand.target.kind,
                )
            )
    return Report(tuple(findings), length=len(original), ruleset_version=version)
