"""Step 1 of 4: normalize the input, keeping a map back to the original offsets.

What is folded (the same function is applied to dictionary patterns, so a rule written
with full-width letters matches half-width input and vice versa):

* full-width ASCII letters and digits (ＡＢＣ１２３) → their ASCII forms;
* compatibility forms that look like ordinary characters but are different code points,
  typical of text copied out of PDFs: Kangxi radicals (⼈ U+2F08 → 人), CJK radicals
  supplement, CJK compatibility ideographs, vertical and small punctuation forms — each to
  its NFKC form when that is a single character;
* zero-width and other invisible format characters (ZWSP, ZWJ/ZWNJ, BOM, soft hyphen,
  bidi marks and isolates, word joiner) are dropped.

Everything else is left alone: Chinese full stops, quotes and ellipses keep their meaning.

Full-width punctuation (，：；！？（）… U+FF01–FF5E that are not letters or digits) and the
ideographic space are *not* rewritten in the text: they are the ordinary punctuation of
Chinese prose (a comma every fifteen characters), and translating them would cost more
than the whole automaton scan. Instead `pattern_variants` expands a dictionary pattern that
contains such punctuation into its full-width and half-width spellings, so a rule written
with “，” still matches text typed with “,” — the same effect, paid once at compile time.

Folding is 1:1 except for dropped characters, so the offset map is stored sparsely as the
positions where a drop happened; text without any character to fold is returned as is
(one regex search decides that, at memory speed).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F) if chr(cp - 0xFEE0).isalnum()}
    ranges = [
        (0x2E80, 0x2EFF),  # CJK radicals supplement
        (0x2F00, 0x2FDF),  # Kangxi radicals
        (0xF900, 0xFAFF),  # CJK compatibility ideographs
        (0xFE10, 0xFE1F),  # vertical forms
        (0xFE30, 0xFE4F),  # CJK compatibility forms
        (0xFE50, 0xFE6F),  # small form variants
    ]
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            folded = unicodedata.normalize("NFKC", ch)
            if folded != ch and len(folded) == 1:
                table[cp] = folded
    for ch in INVISIBLE:
        table[ord(ch)] = ""
    return table


FOLD_TABLE = _build_fold_table()
#: punctuation matched in either width through `pattern_variants` (full-width → ASCII)
WIDTH_PAIRS = {chr(cp): chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F) if not chr(cp - 0xFEE0).isalnum()}
WIDTH_PAIRS["\u3000"] = " "
_TO_FULL = {half: full for full, half in WIDTH_PAIRS.items() if half != " "}
_OTHER_WIDTH = {**WIDTH_PAIRS, **_TO_FULL}
#: a pattern with more punctuation than this is expanded only to all-full / all-half width
MAX_EXPANDED = 4
_NEEDS_FOLDING = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(FOLD_TABLE)) + "]")
_DROPPED = re.compile("[" + re.escape(INVISIBLE) + "]")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalized text and the way back to the original offsets."""

    text: str
    original: str
    #: sorted positions in ``text`` at which characters of the original were dropped
    _drop_at: tuple[int, ...] = ()
    #: cumulative number of dropped characters at each of those positions
    _dropped: tuple[int, ...] = ()

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` to the span of ``original`` it came from.

        The span covers exactly the original characters that produced ``text[start:end]``:
        invisible characters dropped just before ``start`` or just after ``end`` are not
        included (they may be inside it).
        """
        if not self._drop_at:
            return start, end
        if end <= start:
            return self._shift(start), self._shift(start)
        return self._shift(start), self._shift(end - 1) + 1

    def _shift(self, pos: int) -> int:
        # number of drops that happened at normalized positions <= pos
        i = bisect.bisect_right(self._drop_at, pos)
        return pos + (self._dropped[i - 1] if i else 0)


_SURROGATES = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD: the same length, so offsets
    still hold. Lone surrogates (JSON may escape one) cannot be encoded, so the automaton,
    the segmenter and the language model cannot read them."""
    return _SURROGATES.sub("\ufffd", text) if _SURROGATES.search(text) else text


def normalize(text: str) -> Normalized:
    """Normalize ``text``; see the module docstring for what is folded."""
    if _NEEDS_FOLDING.search(text) is None:
        return Normalized(text, text)
    folded = text.translate(FOLD_TABLE)
    if len(folded) == len(text):
        return Normalized(folded, text)
    drop_at: list[int] = []
    dropped: list[int] = []
    removed = 0
    for m in _DROPPED.finditer(text):
        removed += 1
        pos = m.start() - (removed - 1)  # where the next kept char lands in `folded`
        if drop_at and drop_at[-1] == pos:
            dropped[-1] = removed
        else:
            drop_at.append(pos)
            dropped.append(removed)
    return Normalized(folded, text, tuple(drop_at), tuple(dropped))


def fold(pattern: str) -> str:
    """Normalize a dictionary pattern the same way as input text."""
    return pattern.translate(FOLD_TABLE)


#: curly quotes also matched as the straight ASCII quotes web pages and plain-text
#: drafts often use instead (最后"一公里" is the same misplaced quote as 最后“一公里”)
ASCII_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def pattern_variants(pattern: str) -> list[str]:
    """The folded ``pattern`` in every width spelling of its punctuation (itself first),
    plus, when it has curly quotes, the spelling with straight ASCII quotes."""
    folded = fold(pattern)
    straight = folded.translate(ASCII_QUOTES)
    if straight != folded:
        return list(dict.fromkeys(_width_variants(folded) + [straight]))
    return _width_variants(folded)


def _width_variants(folded: str) -> list[str]:
    spots = [i for i, ch in enumerate(folded) if ch in _OTHER_WIDTH]
    if not spots:
        return [folded]
    if len(spots) > MAX_EXPANDED:
        full = "".join(_TO_FULL.get(c, c) for c in folded)
        half = "".join(WIDTH_PAIRS.get(c, c) for c in folded)
        return list(dict.fromkeys([folded, full, half]))
    variants = [folded]
    for i in spots:
        variants += [v[:i] + _OTHER_WIDTH[v[i]] + v[i + 1 :] for v in variants]
    return list(dict.fromkeys(variants))
