"""The date of a document that comes without one, inferred from the document itself.

Dated rules (``valid_from``/``valid_to``) judge an archived article as of the day it was
written or published: a name that became outdated in 2018 is no error in a 2016 notice.
Archives often give no date, so `infer_date` looks for one, in this order of precedence::

    >>> infer_date("关于做好防汛工作的通知\\n京政发〔2021〕8号\\n……\\n二〇二三年五月六日").source
    'date-line'

* ``given``: the caller's date (a manifest or export field) — the publisher's own
  record; `infer_date` never overrides it.
* ``path``: a date in the file's path as content management systems write it
  (``t20230506_123.html``, ``/art/2023/5/6/``, a ``2023-05-06`` folder) — the
  publication day, assigned by the system.
* ``html-meta``: the page's publication meta tag (``PubDate`` as the government website
  guidelines ask for, ``article:published_time``, ``publishdate`` ...) — also the
  publication day, written by the system, not typed.
* ``date-line``: a 成文日期 in the text — a line that is only a date (``2023年5月6日``,
  ``二〇二三年五月六日``, ``（2023年5月6日）``), the last such line winning (the signature
  closes the document), or a labelled line (``成文日期：``, ``发布日期：``...), the first
  winning. Exact to the day, but typed by a person, a few days before publication, and
  an article may quote other dates on lines of their own.
* ``document-number``: the year of a 发文字号 (``国办发〔2023〕12号``, ``[2023]``,
  ``［2023］``, ``（2023）``), as 1 January of that year. Only a year, and a text cites
  other documents' numbers: the number standing alone on a line (the document's own)
  wins; otherwise the latest year cited, since a document cannot cite a later one. 1
  January is the earliest day the document can be from, so a dated rule that flags it
  was certainly in force when it was written: year precision never causes a false alarm.

Every date returned lies in ``[MIN_DATE, today]``: a date before the founding of the
state or in the future is a misreading (a serial number, a typo) and is skipped, and the
next candidate or source is tried. Nothing here raises on any input.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Mapping

__all__ = ["DATE_SOURCES", "MIN_DATE", "InferredDate", "infer_date", "parse_date", "date_from_path",
           "date_from_meta", "date_from_text_lines", "date_from_document_number", "META_DATE_NAMES"]

#: how the date of a document was obtained, in order of precedence
DATE_SOURCES = ("given", "path", "html-meta", "date-line", "document-number", "none")
MIN_DATE = _dt.date(1949, 1, 1)

#: meta names (``name``, ``property``, ``itemprop``, lower-cased) that hold the
#: publication date, in order of preference: the government website guidelines'
#: ``PubDate``, Open Graph, then names common in Chinese CMSs and Dublin Core
META_DATE_NAMES = ("pubdate", "article:published_time", "publishdate", "publish_date", "publishtime",
                   "firstpublishedtime", "datepublished", "og:published_time", "dc.date.issued",
                   "dcterms.issued", "dc.date", "dcterms.created", "dc.date.created")

_ZH_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_YEAR = "[〇○零ＯOo一二三四五六七八九]"
_ZH_SMALL = "[一二三四五六七八九十]"
_SP = r"[ \t\u3000]*"  # blanks inside a line, the full-width space included

# a date as written in Chinese documents and on web pages: 2023年5月6日, 2023-05-06,
# 2023/5/6, 2023.5.6 (an optional time after it), 二〇二三年五月六日
_DATE_BODY = (
    rf"(?P<ay>\d{{4}}){_SP}年{_SP}(?P<am>\d{{1,2}}){_SP}月{_SP}(?P<ad>\d{{1,2}}){_SP}日"
    r"|(?P<ny>\d{4})(?P<sep>[-/.])(?P<nm>\d{1,2})(?P=sep)(?P<nd>\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
    rf"|(?P<zy>{_ZH_YEAR}{{4}}){_SP}年{_SP}(?P<zm>{_ZH_SMALL}{{1,3}}){_SP}月{_SP}(?P<zd>{_ZH_SMALL}{{1,3}}){_SP}日"
)
_DATE = re.compile(_DATE_BODY)
# a line that is only a date, possibly in brackets
# a line that is only a date, possibly in brackets (lines are cut first: see _short_lines)
_DATE_LINE = re.compile(rf"{_SP}[（(]?{_SP}(?:{_DATE_BODY}){_SP}[）)]?{_SP}")
#: the longest line taken for a date line or a document number alone on its line
SHORT_LINE = 48
_LABELS = "成文日期|成文时间|发文日期|印发日期|签发日期|发布日期|发布时间"
# a label anywhere (in HTML text a metadata table's cells share a line, split by tabs)
_LABELLED = re.compile(rf"(?:{_LABELS})[】\]]?{_SP}[:：]?{_SP}(?:{_DATE_BODY})")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:\D|$)")
_ISO = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")

# 发文字号: an issuer's abbreviation, the year in brackets, the serial number and 号
# found by its opening bracket (a fast scan for one of six characters), then required to
# follow a Chinese character (the issuer's abbreviation)
_DOC_NUMBER = re.compile(r"[〔\[［【(（]\s*(?P<y>\d{4})\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号")
_ISSUER = re.compile(rf"{_SP}[\u4e00-\u9fff]{{1,20}}")
_HAN = re.compile(r"[\u4e00-\u9fff]")

# dates in paths, as CMSs lay them out: TRS t20230506_123.html; Hanweb /art/2023/5/6/;
# folders 2023/05/06, 2023-05-06, 20230506
_PATH_PATTERNS = (
    re.compile(r"(?:^|/)t(\d{4})(\d{2})(\d{2})_\d+[^/]*$"),
    re.compile(r"(?:^|/)art/(\d{4})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})/"),
    re.compile(r"(?:^|/)(\d{4})-(\d{2})-(\d{2})(?:/|[_ .][^/]*$)"),
    re.compile(r"(?:^|/)(\d{4})(\d{2})(\d{2})/"),
)


@dataclass(frozen=True, slots=True)
class InferredDate:
    """A document's date (None if none was found), how it was obtained (one of
    `DATE_SOURCES`) and the text it was read from."""

    date: _dt.date | None
    source: str
    evidence: str = ""

    @property
    def iso(self) -> str | None:
        return self.date.isoformat() if self.date else None


def _today(today: _dt.date | None) -> _dt.date:
    return today if today is not None else _dt.date.today()


def _make(year, month, day, today: _dt.date) -> _dt.date | None:
    try:
        d = _dt.date(int(year), int(month), int(day))
    except (TypeError, ValueError, OverflowError):
        return None
    return d if MIN_DATE <= d <= today else None


def _zh_number(s: str) -> int | None:
    """一 … 三十一 (month and day numerals)."""
    if not s:
        return None
    if "十" not in s:
        return _ZH_DIGITS.get(s) if len(s) == 1 else None
    tens, _, units = s.partition("十")
    if "十" in units or len(tens) > 1 or len(units) > 1:
        return None
    t = 1 if not tens else _ZH_DIGITS.get(tens)
    u = 0 if not units else _ZH_DIGITS.get(units)
    if t is None or u is None or not t:
        return None
    return t * 10 + u


def _from_match(m: re.Match, today: _dt.date) -> _dt.date | None:
    if m.group("ay"):
        return _make(m["ay"], m["am"], m["ad"], today)
    if m.group("ny"):
        return _make(m["ny"], m["nm"], m["nd"], today)
    year = "".join(str(_ZH_DIGITS[c]) for c in m["zy"])
    month, day = _zh_number(m["zm"]), _zh_number(m["zd"])
    if month is None or day is None:
        return None
    return _make(year, month, day, today)


def parse_date(value: str, *, today: _dt.date | None = None) -> _dt.date | None:
    """A date written at the start of ``value`` (``2023-05-06``, ``2023/5/6 10:00``,
    ``2023-05-06T10:00:00+08:00``, ``2023年5月6日``, ``二〇二三年五月六日``,
    ``20230506``), or None. The date is read as written: a time zone is not applied."""
    if not isinstance(value, str):
        return None
    today = _today(today)
    s = value.strip()
    m = _DATE.match(s)
    if m:
        return _from_match(m, today)
    m = _ISO.match(s) or _COMPACT.match(s)
    return _make(m[1], m[2], m[3], today) if m else None


def date_from_path(path: str, *, today: _dt.date | None = None) -> tuple[_dt.date, str] | None:
    """A publication date laid out in a file path by a CMS, and the part it was read from."""
    if not isinstance(path, str):
        return None
    today = _today(today)
    p = path.replace("\\", "/")
    for pattern in _PATH_PATTERNS:
        for m in pattern.finditer(p):
            d = _make(m[1], m[2], m[3], today)
            if d:
                return d, m.group(0).strip("/")
    return None


def date_from_meta(meta: Mapping[str, str] | None, *, today: _dt.date | None = None) -> tuple[_dt.date, str] | None:
    """The publication date in a page's meta tags (``{name: content}``, names in any
    case), and the name it was read from."""
    if not meta:
        return None
    today = _today(today)
    lowered = {}
    for k, v in meta.items():
        if isinstance(k, str) and isinstance(v, str):
            lowered.setdefault(k.strip().lower(), v)
    for name in META_DATE_NAMES:
        value = lowered.get(name)
        if value:
            d = parse_date(value, today=today)
            if d:
                return d, f"{name}={value.strip()[:40]}"
    return None


def date_from_text_lines(text: str, *, today: _dt.date | None = None) -> tuple[_dt.date, str] | None:
    """A 成文日期 in ``text``: the first labelled date line, else the last line that is
    only a date; and that line."""
    if not isinstance(text, str):
        return None
    today = _today(today)
    if "日期" in text or "时间" in text:
        for m in _LABELLED.finditer(text):
            d = _from_match(m, today)
            if d:
                return d, m.group(0).strip()
    for line in reversed(_short_lines(text)):
        m = _DATE_LINE.fullmatch(line)
        d = m and _from_match(m, today)
        if d:
            return d, line.strip(" \t\u3000")
    return None


def _short_lines(text: str) -> list[str]:
    """The lines of ``text`` short enough to be a date or a document number alone (a
    regular expression anchored at every line start costs ~10 µs per 500 characters)."""
    if "\n" not in text and "\r" not in text:
        return [text] if len(text) <= SHORT_LINE else []
    return [line for line in text.splitlines() if len(line) <= SHORT_LINE]


def date_from_document_number(text: str, *, today: _dt.date | None = None) -> tuple[_dt.date, str] | None:
    """1 January of the year of the document's 发文字号 (the number alone on a line), or
    of the latest year among the numbers it cites; and that number."""
    if not isinstance(text, str):
        return None
    today = _today(today)
    if "号" not in text:
        return None
    best = None
    for m in _DOC_NUMBER.finditer(text):
        if not (m.start() and _HAN.match(text, m.start() - 1)):
            continue  # no issuer: a bracketed number in a sentence
        d = _make(m["y"], 1, 1, today)
        if not d:
            continue
        line_start = max(text.rfind("\n", 0, m.start()), text.rfind("\r", 0, m.start())) + 1
        line_end = len(text)
        for c in "\r\n":
            i = text.find(c, m.end())
            if i >= 0:
                line_end = min(line_end, i)
        if _ISSUER.fullmatch(text, line_start, m.start()) and not text[m.end():line_end].strip(" \t\u3000"):
            return d, text[line_start:line_end].strip(" \t\u3000")  # the document's own number
        if best is None or d > best[0]:
            best = (d, m.group(0))
    return best


def infer_date(text: str, *, given=None, meta: Mapping[str, str] | None = None, path: str | None = None,
               today: _dt.date | None = None) -> InferredDate:
    """The date to judge a document by, and how it was obtained (see the module's
    docstring for the order). ``given`` (a date or ``YYYY-MM-DD``) is returned as is."""
    if given:
        if isinstance(given, _dt.datetime):
            given = given.date()
        if isinstance(given, _dt.date):
            return InferredDate(given, "given")
        try:
            return InferredDate(_dt.date.fromisoformat(str(given)), "given")
        except ValueError:
            pass  # not a date after all: infer one
    today = _today(today)
    steps = (
        ("path", lambda: date_from_path(path, today=today) if path else None),
        ("html-meta", lambda: date_from_meta(meta, today=today)),
        ("date-line", lambda: date_from_text_lines(text, today=today)),
        ("document-number", lambda: date_from_document_number(text, today=today)),
    )
    for source, step in steps:
        found = step()
        if found:
            return InferredDate(found[0], source, found[1])
    return InferredDate(None, "none")
