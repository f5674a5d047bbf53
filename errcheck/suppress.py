"""Inline suppressions: comments in the checked file that silence findings.

One grammar for every kind of file. A directive is ``errcheck:`` followed by an action
and, optionally, rule selectors (codes, code prefixes, categories; separated by spaces
or commas; none means every rule). Anything after the selectors is a free comment, so a
reason can follow. The directive may stand anywhere in a line, so it works in Markdown
and HTML comments, in plain text and after ``#`` or ``//``::

    <!-- errcheck: ignore TY0002 -->          the next line (blank lines skipped)
    <!-- errcheck: ignore -->                 the next line, every rule
    截止目前 <!-- errcheck: ignore-line TY0002 -->   this line
    <!-- errcheck: disable TY0002 -->         from here ...
    <!-- errcheck: enable TY0002 -->          ... to here (``disable`` alone: every rule)
    # errcheck: ignore FP0001 quoting the original wording

A ``disable`` without a matching ``enable`` lasts to the end of the file; ``enable``
without selectors ends every open ``disable``. "The next line" is the next line with
something besides directives and blanks, so stacked ``ignore`` comments apply to the same
line.

Suppressions are a post-filter on a report: they need only each finding's line and
column, in the file the comments are in, so they work for any input whose findings are
placed in the original file (a Markdown or HTML source as much as plain text).

With ``report_unused``, a directive that silenced nothing becomes a finding itself:
code `UNUSED_CODE` (``EC0001``), category ``suppression``, severity ``warning``, at the
directive, naming the selectors that matched nothing, so stale comments do not pile up
(ruff's RUF100 for ``noqa``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Finding, Report, Severity
from .rules import Rule
from .selectors import matches, parse_selector

#: the code of an unused suppression (``--report-unused-ignores``)
UNUSED_CODE = "EC0001"
UNUSED_CATEGORY = "suppression"
#: the rule behind `UNUSED_CODE`, for ``errcheck explain EC0001``
UNUSED_RULE = Rule(
    code=UNUSED_CODE,
    wrong=(),
    right=(),
    category=UNUSED_CATEGORY,
    severity=Severity.WARNING,
    message="unused suppression: 「{match}」 silenced nothing",
    source="errcheck: inline suppressions (reported with --report-unused-ignores)",
    family="suppression",
)

ACTIONS = ("ignore-line", "ignore", "disable", "enable")
DIRECTIVE_RE = re.compile(r"errcheck:[ \t]*(ignore-line|ignore|disable|enable)(?![\w-])([^\n]*)")
#: where a directive's own text ends: the end of an HTML comment, else the line
_TAIL_RE = re.compile(r"-->|\*/")
_TOKEN_RE = re.compile(r"[^\s,]+")


@dataclass
class Directive:
    action: str
    #: selectors; empty: every rule
    selectors: tuple[str, ...]
    line: int
    #: 1-based columns (code points) of the directive's first character and past its end
    column: int
    end_column: int
    start: int
    end: int
    text: str
    #: selectors that silenced something (``"*"`` for a directive without selectors)
    used: set = field(default_factory=set)

    def covers(self, finding: Finding) -> str | None:
        """The selector of this directive that names ``finding`` (``"*"`` for all), or None."""
        if not self.selectors:
            return "*"
        for s in self.selectors:
            if matches(s, finding.code, finding.category):
                return s
        return None


def _parse_selectors(rest: str) -> tuple[tuple[str, ...], int]:
    """Leading selectors of ``rest`` and how many characters they take; the first word that
    is not a selector starts the free comment."""
    out = []
    used = 0
    for m in _TOKEN_RE.finditer(rest):
        try:
            out.append(parse_selector(m.group()))
        except ValueError:
            break
        used = m.end()
    return tuple(out), used


def parse(text: str) -> list[Directive]:
    """Every directive in ``text``, in order."""
    if "errcheck:" not in text:
        return []
    directives = []
    line = 1
    line_start = 0
    pos = 0
    for m in DIRECTIVE_RE.finditer(text):
        newlines = text.count("\n", pos, m.start())
        if newlines:
            line += newlines
            line_start = text.rfind("\n", pos, m.start()) + 1
        pos = m.start()
        rest = m.group(2)
        tail = _TAIL_RE.search(rest)
        if tail:
            rest = rest[: tail.start()]
        selectors, _ = _parse_selectors(rest)
        # the directive's visible extent: with its comment markers when it has them
        start, end = m.start(), m.start(2) + (tail.end() if tail else len(rest.rstrip()))
        opener = text.rfind("<!--", line_start, start)
        if opener != -1 and not text[opener + 4 : start].strip():
            start = opener
        directives.append(Directive(m.group(1), selectors, line, start - line_start + 1, end - line_start + 1,
                                    start, end, text[start:end]))
    return directives


class Suppressions:
    """The directives of one file, ready to filter its findings."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.directives = parse(text)
        self._next_line: dict[int, list[Directive]] = {}
        self._same_line: dict[int, list[Directive]] = {}
        self._regions: list[tuple[tuple[int, int], tuple[int, int] | None, Directive]] = []
        if self.directives:
            self._index()

    def __bool__(self) -> bool:
        return bool(self.directives)

    def _index(self) -> None:
        lines = self.text.split("\n")
        on_line: dict[int, list[Directive]] = {}
        for d in self.directives:
            on_line.setdefault(d.line, []).append(d)

        def only_directives(number: int) -> bool:
            rest = lines[number - 1]
            for d in reversed(on_line.get(number, [])):
                rest = rest[: d.column - 1] + rest[d.end_column - 1 :]
            return not rest.strip()

        open_regions: list[Directive] = []
        for d in self.directives:
            if d.action == "ignore-line":
                self._same_line.setdefault(d.line, []).append(d)
            elif d.action == "ignore":
                target = d.line + 1
                while target <= len(lines) and only_directives(target):
                    target += 1
                self._next_line.setdefault(target, []).append(d)
            elif d.action == "disable":
                open_regions.append(d)
            else:  # enable: close the regions it names (all of them without selectors)
                closing = [r for r in open_regions
                           if not d.selectors or (r.selectors and set(r.selectors) <= set(d.selectors))]
                for r in closing:
                    open_regions.remove(r)
                    self._regions.append(((r.line, r.end_column), (d.line, d.column), r))
                    d.used.add("*")  # an enable that closes a region is never "unused"
        for r in open_regions:
            self._regions.append(((r.line, r.end_column), None, r))

    def suppressing(self, finding: Finding) -> Directive | None:
        """The directive that silences ``finding``, marking it used; None if none does."""
        candidates = self._same_line.get(finding.line, []) + self._next_line.get(finding.line, [])
        where = (finding.line, finding.column)
        for begin, end, d in self._regions:
            if begin <= where and (end is None or where < end):
                candidates.append(d)
        for d in candidates:
            s = d.covers(finding)
            if s is not None:
                d.used.add(s)
                return d
        return None

    def unused(self) -> list[tuple[Directive, tuple[str, ...]]]:
        """Directives that silenced nothing, each with the selectors that matched nothing
        (empty for a directive without selectors). Call after filtering."""
        out = []
        for d in self.directives:
            if d.action == "enable":
                if not d.used:
                    out.append((d, d.selectors))
                continue
            if not d.selectors:
                if not d.used:
                    out.append((d, ()))
                continue
            idle = tuple(s for s in d.selectors if s not in d.used)
            if idle:
                out.append((d, idle))
        return out

    def unused_findings(self) -> list[Finding]:
        findings = []
        for d, idle in self.unused():
            what = f"{d.action} {' '.join(idle)}".strip() if idle else d.action
            message = f"unused suppression: 「{d.text}」 silenced nothing"
            if idle and len(idle) < len(d.selectors):
                message = f"unused suppression: {', '.join(idle)} in 「{d.text}」 silenced nothing"
            elif d.action == "enable":
                message = f"unused suppression: 「{d.text}」 ends no disable"
            findings.append(Finding(
                start=d.start, end=d.end, line=d.line, column=d.column, text=d.text, suggestions=(),
                code=UNUSED_CODE, category=UNUSED_CATEGORY, severity=Severity.WARNING, message=message,
                source=UNUSED_RULE.source, context=what, kind="unused-suppression", applicability="none"))
        return findings

    def filter(self, report: Report, *, report_unused: bool = False) -> Report:
        """``report`` without the findings these directives silence; with ``report_unused``,
        plus one `UNUSED_CODE` finding per directive (or selector) that silenced nothing."""
        if not self.directives:
            return report
        kept = tuple(f for f in report.findings if self.suppressing(f) is None)
        extra = tuple(self.unused_findings()) if report_unused else ()
        if extra:
            kept = tuple(sorted(kept + extra, key=lambda f: (f.start, f.end)))
        elif len(kept) == len(report.findings):
            return report
        return Report(kept, length=report.length, ruleset_version=report.ruleset_version,
                      truncated_at=report.truncated_at)


def apply(source: str, report: Report, *, report_unused: bool = False) -> Report:
    """Filter ``report`` by the directives written in ``source`` (the file whose lines and
    columns the findings carry). A convenience for `Suppressions(source).filter(...)`."""
    return Suppressions(source).filter(report, report_unused=report_unused)
