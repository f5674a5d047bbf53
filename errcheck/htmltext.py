"""The visible article text of an HTML page, with a map back to the HTML source.

Standard library only (`html.parser`), no dependency on FastAPI, so any front-end can use
it (the web service's ``{"html": ...}`` requests and file upload, batch scanning)::

    >>> doc = extract("<nav>首页</nav><p>推进京津&#32764;协同</p><script>var a='京津翼'</script>")
    >>> doc.text
    '推进京津翼协同\\n'
    >>> doc.source_span(2, 5)        # 京津翼 in the text → its characters in the HTML source
    (18, 28)

What is text: character data outside ``script style noscript template head title nav
header footer iframe object svg select`` (a ``<title>`` is never rendered, in ``<head>``
or not) and outside elements marked ``hidden``,
``aria-hidden="true"`` or ``role="navigation"`` (or ``banner``, ``contentinfo``): menus,
site banners and footers are not the article. ``<head>`` ends at ``</head>`` or, as in a
browser, at the first element that cannot be in it (``<body>``, ``<p>``, ``<div>``...).
Comments, doctypes, processing instructions and attribute values are ignored.

Character references (``&amp;`` ``&#20892;`` ``&nbsp;``) are decoded; each decoded
character maps to the whole reference in the source; an unknown name such as ``&foo;``
stays as written. Block elements (``p div br li h1 tr``...) start a new line and table
cells are separated by a tab, so words of neighbouring blocks never run together into a
false match; those inserted characters map to the position of the tag that caused them (a
zero-width source span). Source line breaks *between two Chinese characters* are dropped,
as a browser renders them (CSS Text segment-break rule), so a sentence wrapped in the
source is still matched as one; whitespace-only data at the start of a line (indentation
between blocks) is dropped; other whitespace is kept verbatim.

All offsets are in Unicode code points, half-open, like `errcheck.Finding`: for a finding
``[start, end)`` in ``doc.text``, ``doc.source_span(start, end)`` is its span in the source.

`meta_tags` and `page_title` read what a page says about itself (the ``<meta>`` tags a
CMS writes, the article's title) with a light scan of the source, for reports.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

__all__ = ["HtmlText", "extract", "meta_tags", "page_title", "SKIPPED", "BLOCKS"]

#: elements whose content is never article text
SKIPPED = frozenset("script style noscript template head title nav header footer iframe object svg select".split())
#: elements that start and end a line of visible text
BLOCKS = frozenset(
    """address article aside blockquote body br caption center dd details dialog dir div dl
    dt fieldset figcaption figure form h1 h2 h3 h4 h5 h6 hgroup hr html li main menu ol
    option p pre section summary table tbody tfoot thead title tr ul""".split()
)
CELLS = frozenset({"td", "th"})
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
#: elements that may appear in ``<head>``; any other start tag implicitly closes it, except
#: inside ``HEAD_RAW`` ones (text, or content that is not rendered there)
HEAD_CONTENT = frozenset("base basefont bgsound link meta noscript script style template title".split())
HEAD_RAW = frozenset({"noscript", "template", "title"})
_CHARREF = re.compile(r"&(?:#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z][-.a-zA-Z0-9]*);?")
_WRAP = re.compile(r"[ \t\r\f]*\n\s*")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]")


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
        """Source position of a text position: where character ``offset`` starts in the
        source, or with ``end=True`` where character ``offset - 1`` ends (the end of a
        half-open span). Offsets are clamped to ``[0, len(text)]``; past the last
        character both give the end of the last rendered piece (0 for an empty text)."""
        if not self.segments:
            return 0
        offset = min(max(offset, 0), len(self.text))
        if end and offset > 0:
            t_start, t_end, s_start, s_end = self._segment(offset - 1)
            if t_end - t_start == s_end - s_start:
                return s_start + (offset - t_start)
            return s_end
        if offset == len(self.text):
            return self.segments[-1][3]
        t_start, t_end, s_start, s_end = self._segment(offset)
        if t_end - t_start == s_end - s_start:
            return s_start + (offset - t_start)
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
        self.head_raw = 0  # depth of HEAD_RAW elements while skipping <head>

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
        if self.skip_tag == "head" and not self.head_raw and tag not in HEAD_CONTENT:
            self.skip_tag = None  # the end tag of <head> is optional: <body>, <p>... close it
        if self.skip_tag:
            if tag == self.skip_tag and tag not in VOID:
                self.skip_depth += 1
            elif tag in HEAD_RAW and self.skip_tag == "head":
                self.head_raw += 1
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
                    self.skip_tag, self.head_raw = None, 0
            elif tag in HEAD_RAW and self.head_raw:
                self.head_raw -= 1
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

    def _reference(self) -> None:
        if self.skip_tag:
            return
        start = self._pos()
        m = _CHARREF.match(self.source, start)
        if not m:  # not expected: html.parser only reports what the pattern matches
            return
        raw = m.group(0)
        decoded = unescape(raw)
        if decoded == raw:  # an unknown name such as &foo; stays as written, mapped 1:1
            self._emit(raw, start, m.end())
        else:
            for ch in decoded:  # nearly always one character
                self._emit(ch, start, m.end())

    def handle_entityref(self, name) -> None:
        self._reference()

    def handle_charref(self, name) -> None:
        self._reference()

    def unknown_decl(self, data) -> None:  # <![CDATA[...]]> outside foreign content
        pass


def extract(html: str) -> HtmlText:
    """Parse ``html`` (a whole page or a fragment) and return its visible article text
    with the map back to the source (`HtmlText.source_span`, `HtmlText.source_offset`)."""
    if not isinstance(html, str):
        raise TypeError(f"html must be str, not {type(html).__name__}")
    parser = _Extractor(html)
    parser.feed(html)
    parser.close()
    return HtmlText("".join(parser.parts), html, tuple(parser.segments))


_META = re.compile(r"<meta\b([^>]*)>", re.I)
_ATTR = re.compile(r"""([^\s"'>/=]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.I | re.S)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
#: the longest title kept, in characters
TITLE_CHARS = 200


def meta_tags(html: str) -> dict[str, str]:
    """``{name: content}`` of the page's ``<meta>`` tags, named by ``name``, ``property``,
    ``itemprop`` or ``http-equiv`` (lower-cased; the first tag of a name wins)."""
    tags: dict[str, str] = {}
    for m in _META.finditer(html):
        attrs = {}
        for a in _ATTR.finditer(m.group(1)):
            value = a.group(2)
            if value[:1] in ("'", '"'):
                value = value[1:-1]
            attrs.setdefault(a.group(1).lower(), unescape(value))
        content = attrs.get("content")
        if content is None:
            continue
        for key in ("name", "property", "itemprop", "http-equiv"):
            name = attrs.get(key)
            if name:
                tags.setdefault(name.strip().lower(), content.strip())
    return tags


def _clean(fragment: str) -> str:
    return " ".join(unescape(_TAG.sub("", fragment)).split())[:TITLE_CHARS]


def page_title(html: str, visible_text: str | None = None, meta: dict[str, str] | None = None) -> str | None:
    """The article's title: the ``ArticleTitle`` meta tag (government website
    guidelines), else the first ``<h1>`` that is part of the visible text (when
    ``visible_text`` is given: not a logo in a hidden header), else ``<title>``."""
    meta = meta_tags(html) if meta is None else meta
    title = _clean(meta.get("articletitle", ""))
    if title:
        return title
    for m in _H1.finditer(html):
        h1 = _clean(m.group(1))
        if h1 and (visible_text is None or h1 in " ".join(visible_text.split())):
            return h1
    m = _TITLE.search(html)
    return (_clean(m.group(1)) or None) if m else None
