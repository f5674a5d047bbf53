"""The user's allow-list: phrases never flagged (names, local brand slogans: 浙里办, 渝悦,
a person's name).

A finding whose span overlaps an occurrence of an allowed phrase is dropped, before
overlapping findings are resolved (so a name containing a flagged pair silences it, and a
finding it would have hidden next to the name still stands). Phrases are matched in the
normalized text, in every spelling the rules' own patterns have (full- or half-width
punctuation), by a small automaton of their own: it compiles in microseconds and is
scanned only when a text has candidates.

Allow files hold one phrase per line; ``#`` starts a comment, blank lines are skipped. A
phrase must be at least `MIN_CHARS` characters (a single character would silence every
finding containing it) and at most `MAX_CHARS`, without control characters; anything else
raises `RuleError` naming the file and the line.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Iterable, Sequence

from .matcher import build_matcher
from .normalize import normalize, pattern_variants
from .rules import RuleError

MIN_CHARS = 2
MAX_CHARS = 100


def check_phrase(phrase) -> str:
    """``phrase`` stripped, or ValueError with the reason it cannot be allowed."""
    if not isinstance(phrase, str):
        raise ValueError(f"an allowed phrase must be a string, not {type(phrase).__name__}")
    phrase = phrase.strip()
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or 0xD800 <= ord(c) <= 0xDFFF for c in phrase):
        raise ValueError(f"allowed phrase {phrase!r} contains a control character")
    if len(phrase) < MIN_CHARS:
        raise ValueError(f"allowed phrase {phrase!r} is shorter than {MIN_CHARS} characters "
                         "(it would silence every finding containing it)")
    if len(phrase) > MAX_CHARS:
        raise ValueError(f"allowed phrase is longer than {MAX_CHARS} characters: {phrase[:20]!r}...")
    return phrase


def read_allow_file(path: str | Path) -> list[str]:
    """The phrases of an allow file; raises `RuleError` with the file and line."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RuleError(path, None, f"cannot read allow file: {exc.strerror or exc}") from None
    phrases = []
    for number, raw in enumerate(data.split(b"\n"), 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RuleError(path, number, f"not valid UTF-8 ({exc.reason} at byte {exc.start} of the line)") from None
        line = line.split("#", 1)[0].strip()
        if number == 1:
            line = line.lstrip("\ufeff")
        if not line:
            continue
        try:
            phrases.append(check_phrase(line))
        except ValueError as exc:
            raise RuleError(path, number, str(exc)) from None
    return phrases


class AllowList:
    """Compiled allowed phrases: `drop` removes the candidates that overlap one."""

    __slots__ = ("phrases", "_matcher")

    def __init__(self, phrases: Iterable[str] = (), backend: str = "daachorse") -> None:
        checked = dict.fromkeys(check_phrase(p) for p in phrases)
        self.phrases = tuple(checked)
        keys = sorted({v for p in self.phrases for n in {p, normalize(p).text} for v in pattern_variants(n)})
        self._matcher = build_matcher(keys, backend) if keys else None

    @classmethod
    def load(cls, phrases: Iterable[str] = (), files: Sequence[str | Path] = (), backend: str = "daachorse"
             ) -> "AllowList":
        listed = list(phrases)
        for f in files:
            listed.extend(read_allow_file(f))
        return cls(listed, backend)

    def __bool__(self) -> bool:
        return self._matcher is not None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The occurrences of allowed phrases in ``text``, merged into sorted disjoint spans."""
        if self._matcher is None:
            return []
        merged: list[list[int]] = []
        for start, end, _ in sorted(self._matcher.find_all(text)):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return [(a, b) for a, b in merged]

    def drop(self, candidates: list, text: str) -> list:
        """``candidates`` (with ``start``/``end`` in ``text``) without those overlapping
        an allowed phrase's occurrence."""
        if not candidates or self._matcher is None:
            return candidates
        spans = self.spans(text)
        if not spans:
            return candidates
        starts = [a for a, _ in spans]
        kept = []
        for cand in candidates:
            end = max(cand.end, cand.start + 1)
            i = bisect.bisect_left(starts, end) - 1
            if i >= 0 and spans[i][1] > cand.start:
                continue
            kept.append(cand)
        return kept


def as_allow_list(value, backend: str = "daachorse") -> AllowList | None:
    """``value`` (phrases, an `AllowList` or None) as a non-empty `AllowList`, or None."""
    if value is None:
        return None
    if not isinstance(value, AllowList):
        value = AllowList([value] if isinstance(value, str) else value, backend)
    return value or None
