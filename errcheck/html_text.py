"""HTML → visible text, with a map from every text offset back to the HTML source.

Used by the web service (``{"html": ...}`` requests) and reusable by any front-end that
checks HTML pages; standard library only (`html.parser`), no dependency on FastAPI.

    >>> doc = extract_text("<p>深入推进京津&#32764;协同发展</p><script>var a='京津翼'</script>")
    >>> doc.text
    '深入推进京津翼协同发展\\n'
    >>> doc.source_span(4, 7)        # 京津翼 in the text → its characters in the HTML source
    (7, 17)

What counts as text: character data outside ``<script>``, ``<style>``, ``<template>``
and ``<noscript>``; comments, doctypes, processing instructions and attribute values are
ignored. Character references (``&amp;`` ``&#20892;`` ``&nbsp;``) are decoded; each decoded
character maps to the whole reference in the source. Data is kept verbatim otherwise
(whitespace is not collapsed), so a text offset maps to exactly one source offset. A
newline is inserted at block-level boundaries (``<p>``, ``<div>``, ``<br>``, ``<li>``,
headings, table rows ...) and a tab between table cells, so words from neighbouring
blocks never run together into a false match; inserted characters map to the position
of the tag that caused them (a zero-width source span).

All offsets are in Unicode code points, half-open, like `errcheck.Finding`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

__all__ = ["HtmlText", "extract_text"]

#: elements whose content is never visible text
SKIPPED = frozenset({"script", "style", "template", "noscript"})
#: elements that start and end a line of visible text
BLOCKS = frozenset(
    """address article aside blockquote body br caption center dd details dialog dir div dl
    dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html li
    main menu nav ol option p pre section summary table tbody tfoot thead title tr ul""".split()
)
CELLS = frozenset({"td", "th"})
VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
_CHARREF = re.compile(r"&(?:#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z][-.a-zA-Z0-9]*);?")


@dataclass(frozen=True)
class HtmlText:
    """The visible text of an HTML document and the way back to the source.

    ``segments`` is a sorted tuple of ``(text_start, text_end, src_start, src_end)``
    pieces that cover ``text`` without gaps. A piece is either verbatim (equal lengths,
    mapped 1:1) or atomic (a character reference or an inserted line break: every
    offset inside maps to the whole source span).
    """

    text: str
    source: str
    segments: tuple[tuple[int, int, int, int], ...]
    _starts: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", [seg[0] for seg in self.segments])

    def source_offset(self, offset: int, *, end: bool = False) -> int:
        """Source position of a text position: the start of character ``offset`` in the
        source, or with ``end=True`` the end of character ``offset - 1``."""
        if not self.segments:
            return 0
        if end and offset > 0:
            t_start, t_end, s_start, s_end = self._segment(offset - 1)
            if t_end - t_start == s_end - s_start:
                return s_start + (offset - t_start)
            return s_end
        if offset >= len(self.text):
            return self.segments[-1][3]
        t_start, t_end, s_start, s_end = self._segment(max(offset, 0))
        if t_end - t_start == s_end - s_start:
            return s_start + (max(offset, 0) - t_start)
        return s_start

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The half-open source span ``[s, e)`` that renders as ``text[start:end]``."""
        if end <= start:
            pos = self.source_offset(start)
            return pos, pos
        return self.source_offset(start), self.source_offset(end, end=True)

    def _segment(self, offset: int) -> tuple[int, int, int, int]:
        i = bisect.bisect_right(self._starts, offset) - 1
        return self.segments[max(i, 0)]


class _Extractor(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.parts: list[str] = []
        self.segments: list[tuple[int, int, int, int]] = []
        self.length = 0
        self.skip_tag: str | None = None
        self.skip_depth = 0
        self.last_char = "\n"

    # -- helpers -------------------------------------------------------------------
    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _emit(self, text: str, src_start: int, src_end: int) -> None:
        if not text:
            return
        self.parts.append(text)
        end = self.length + len(text)
        self.segments.append((self.length, end, src_start, src_end))
        self.length = end
        self.last_char = text[-1]

    def _break(self, char: str = "\n") -> None:
        if self.length and self.last_char not in ("\n", char):
            pos = self._pos()
            self._emit(char, pos, pos)

    # -- parser events ---------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs) -> None:
        if self.skip_tag:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        if tag in SKIPPED:
            self.skip_tag, self.skip_depth = tag, 1
            return
        if tag in BLOCKS:
            self._break()
        elif tag in CELLS:
            self._break("\t")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if not self.skip_tag and tag in BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if self.skip_tag:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if not self.skip_depth:
                    self.skip_tag = None
            return
        if tag in BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if self.skip_tag or not data:
            return
        start = self._pos()
        if self.source.startswith(data, start):
            self._emit(data, start, start + len(data))
        else:  # not expected from html.parser; keep the text, map it to where we are
            self._emit(data, start, start)

    def _reference(self) -> None:
        if self.skip_tag:
            return
        start = self._pos()
        m = _CHARREF.match(self.source, start)
        if not m:  # not expected: html.parser only reports what the pattern matches
            return
        raw = m.group(0)
        decoded = unescape(raw)
        if decoded == raw:  # an unknown name such as &foo; stays as written
            self._emit(raw, start, m.end())
        else:
            for ch in decoded:  # nearly always one character
                self._emit(ch, start, m.end())

    def handle_entityref(self, name: str) -> None:
        self._reference()

    def handle_charref(self, name: str) -> None:
        self._reference()

    def unknown_decl(self, data: str) -> None:  # <![CDATA[...]]> outside foreign content
        pass


def extract_text(source: str) -> HtmlText:
    """Parse ``source`` (a whole page or a fragment) and return its visible text."""
    if not isinstance(source, str):
        raise TypeError(f"html must be str, not {type(source).__name__}")
    parser = _Extractor(source)
    parser.feed(source)
    parser.close()
    return HtmlText("".join(parser.parts), source, tuple(parser.segments))
