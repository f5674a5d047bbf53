"""The visible article text of an HTML page, with a map back to the HTML source.

Standard library only (`html.parser`), so any front-end can use it (batch scanning, the
web service)::

    >>> text, to_source = extract("<nav>首页</nav><p>推进京津&#32764;协同</p>")
    >>> text
    '推进京津翼协同\\n'
    >>> to_source(2), to_source(5, end=True)     # 京津翼 → its span in the source
    (18, 28)

What is text: character data outside ``script style noscript template head nav header
footer`` and outside elements marked ``hidden``, ``aria-hidden="true"`` or
``role="navigation"`` (menus, site banners and footers are not the article). Comments,
doctypes and attribute values are ignored. Character references are decoded; each decoded
character maps to the whole reference. Block elements (``p div br li h1``...) start a new
line and table cells are separated by a tab, so words of neighbouring blocks never run
together; those inserted characters map to the tag that caused them. Source line breaks
*between two Chinese characters* are dropped, as a browser renders them (CSS Text
segment-break rule), so a sentence wrapped in the source is still matched as one; other
whitespace is kept verbatim.

Offsets are code points, half-open, like `errcheck.Finding`: for a finding
``[start, end)`` in the text, the source span is ``[to_source(start), to_source(end,
end=True))``.
"""

from __future__ import annotations

import bisect
import re
from html import unescape
from html.parser import HTMLParser
from typing import Callable

__all__ = ["extract", "SKIPPED", "BLOCKS"]

#: elements whose content is never article text
SKIPPED = frozenset("script style noscript template head nav header footer iframe object svg select".split())
#: elements that start and end a line of visible text
BLOCKS = frozenset(
    """address article aside blockquote body br caption center dd details dialog div dl dt
    fieldset figcaption figure form h1 h2 h3 h4 h5 h6 hgroup hr html li main menu ol option p
    pre section summary table tbody tfoot thead title tr ul""".split()
)
CELLS = frozenset({"td", "th"})
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_CHARREF = re.compile(r"&(#[xX][0-9a-fA-F]+;?|#[0-9]+;?|[a-zA-Z][a-zA-Z0-9]*;?)")
_WRAP = re.compile(r"[ \t\r\f]*\n\s*")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]")


def _hidden(tag: str, attrs) -> bool:
    if tag in SKIPPED:
        return True
    for name, value in attrs:
        if name == "hidden":
            return True
        if value and name == "aria-hidden" and value.strip().lower() == "true":
            return True
        if value and name == "role" and value.strip().lower() in ("navigation", "banner", "contentinfo"):
            return True
    return False


class _Extractor(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.parts: list[str] = []
        #: (text_start, text_end, src_start, src_end): verbatim when both lengths are
        #: equal, otherwise atomic (every text offset inside maps to the whole source span)
        self.segments: list[tuple[int, int, int, int]] = []
        self.length = 0
        self.last = "\n"
        self.skip_tag: str | None = None  # the element being skipped, and its nesting depth
        self.skip_depth = 0

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _emit(self, text: str, s_start: int, s_end: int) -> None:
        if text:
            self.parts.append(text)
            self.segments.append((self.length, self.length + len(text), s_start, s_end))
            self.length += len(text)
            self.last = text[-1]

    def _break(self, char: str = "\n") -> None:
        if not self.length or self.last == "\n" or (char == "\t" and self.last == "\t"):
            return
        pos = self._pos()
        self._emit(char, pos, pos)

    # --- events ----------------------------------------------------------------------
    def handle_starttag(self, tag, attrs) -> None:
        if self.skip_tag:
            if tag == self.skip_tag and tag not in VOID:
                self.skip_depth += 1
            return
        if tag not in VOID and _hidden(tag, attrs):
            self.skip_tag, self.skip_depth = tag, 1
            return
        if tag in BLOCKS:
            self._break()
        elif tag in CELLS:
            self._break("\t")

    def handle_startendtag(self, tag, attrs) -> None:
        if not self.skip_tag and tag in BLOCKS:
            self._break()

    def handle_endtag(self, tag) -> None:
        if self.skip_tag:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip_tag = None
            return
        if tag in BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if self.skip_tag or not data:
            return
        start = self._pos()
        if not self.source.startswith(data, start):  # not expected from html.parser
            self._emit(data, start, start)
            return
        if self.last == "\n" and data.isspace():
            return  # indentation between blocks
        pos = 0
        for m in _WRAP.finditer(data):
            before = data[m.start() - 1] if m.start() else self.last
            after = data[m.end()] if m.end() < len(data) else ""
            if _CJK.match(before) and after and _CJK.match(after):
                self._emit(data[pos : m.start()], start + pos, start + m.start())
                pos = m.end()
        self._emit(data[pos:], start + pos, start + len(data))

    def _reference(self, decoded: str) -> None:
        if self.skip_tag:
            return
        start = self._pos()
        m = _CHARREF.match(self.source, start)
        end = m.end() if m else start
        for ch in decoded:
            self._emit(ch, start, end)

    def handle_entityref(self, name) -> None:
        if self.skip_tag:
            return
        m = _CHARREF.match(self.source, self._pos())
        raw = m.group(0) if m else f"&{name};"
        self._reference(unescape(raw if raw.endswith(";") else raw + ";"))

    def handle_charref(self, name) -> None:
        self._reference(unescape(f"&#{name};"))

    def unknown_decl(self, data) -> None:  # <![CDATA[...]]>
        pass


def extract(html: str) -> tuple[str, Callable[..., int]]:
    """Return ``(text, to_source)`` for an HTML page or fragment.

    ``to_source(offset)`` is the source position where text character ``offset`` starts
    (``len(html)`` past the end); ``to_source(offset, end=True)`` is the source position
    just after character ``offset - 1``, i.e. the end of a half-open span.
    """
    if not isinstance(html, str):
        raise TypeError(f"html must be str, not {type(html).__name__}")
    parser = _Extractor(html)
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    segments = parser.segments
    starts = [seg[0] for seg in segments]
    size = len(html)

    def to_source(offset: int, *, end: bool = False) -> int:
        if end:
            if offset <= 0 or not segments:
                return to_source(0) if segments else 0
            t0, t1, s0, s1 = segments[bisect.bisect_right(starts, offset - 1) - 1]
            return s0 + (offset - t0) if t1 - t0 == s1 - s0 else s1
        if offset >= len(text) or not segments:
            return size
        t0, t1, s0, s1 = segments[bisect.bisect_right(starts, max(offset, 0)) - 1]
        return s0 + (offset - t0) if t1 - t0 == s1 - s0 else s0

    return text, to_source
