"""The sentence a finding is in, for the report and findings.csv.

A sentence runs from just after the previous ``。！？；`` or line break to the next one
(a closing mark included), at most `LIMIT` characters on either side of the finding; a
cut side is shown with ``…``. The finding itself is always whole.
"""

from __future__ import annotations

from dataclasses import dataclass

ENDS = "。！？；\n"
LIMIT = 60
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Excerpt:
    """``text[start:end]`` holds ``before + match + after``; ``cut_before``/``cut_after``
    say where the sentence was longer than the limit."""

    before: str
    match: str
    after: str
    start: int
    end: int
    cut_before: bool
    cut_after: bool

    def plain(self, left: str = "【", right: str = "】") -> str:
        """One line of text with the finding bracketed (for a spreadsheet)."""
        return (ELLIPSIS if self.cut_before else "") + self.before + left + self.match + right + self.after + (
            ELLIPSIS if self.cut_after else "")


def sentence(text: str, start: int, end: int, limit: int = LIMIT) -> Excerpt:
    """The sentence of ``text`` around the finding ``[start, end)``."""
    n = len(text)
    start = min(max(start, 0), n)
    end = min(max(end, start), n)
    floor = max(0, start - limit)
    prev = max(text.rfind(c, floor, start) for c in ENDS)
    if prev >= 0:
        lo, cut_before = prev + 1, False
    else:
        lo, cut_before = floor, floor > 0
    while lo < start and text[lo] in " \t\r\u3000":  # the indentation of a paragraph
        lo += 1
    ceiling = min(n, end + limit)
    nexts = [i for i in (text.find(c, end, ceiling) for c in ENDS) if i >= 0]
    if nexts:
        stop = min(nexts)
        hi, cut_after = (stop if text[stop] == "\n" else stop + 1), False
    else:
        hi, cut_after = ceiling, ceiling < n
    while hi > end and text[hi - 1] in " \t\r\u3000":
        hi -= 1
    return Excerpt(text[lo:start], text[start:end], text[end:hi], lo, hi, cut_before, cut_after)
