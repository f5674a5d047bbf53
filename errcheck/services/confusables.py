"""Which characters are confused with which: sound (pinyin) and shape tables.

Used only at compile time, to generate the variants of protected terms; nothing here runs
on the hot path. Sources:

* readings: ``pypinyin.pinyin_dict`` (every reading of every heteronym, tones dropped);
* word and character frequencies: jieba's bundled ``dict.txt`` (word counts);
* look-alike characters: ``dictionaries/confusables/shape.tsv``, built reproducibly by
  ``tools/build_shape_table.py`` (see ``dictionaries/confusables/README.md``).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

#: initials and finals confused in many regional accents (configurable per checker)
NEAR_HOMOPHONE_PAIRS: tuple[tuple[str, str], ...] = (
    ("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("f", "h"), ("r", "l"),
    ("ang", "an"), ("eng", "en"), ("ing", "in"), ("iang", "ian"), ("uang", "uan"),
)
_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z", "c", "s", "y", "w")


def toneless(reading: str) -> str:
    """``lǜ`` → ``lv``, ``zhōng`` → ``zhong``."""
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def split_syllable(syllable: str) -> tuple[str, str]:
    for initial in _INITIALS:
        if syllable.startswith(initial) and len(syllable) > len(initial):
            return initial, syllable[len(initial) :]
    return "", syllable


def near_syllables(syllable: str, pairs=NEAR_HOMOPHONE_PAIRS) -> set[str]:
    """Syllables one confusable initial or final away from ``syllable``."""
    initial, final = split_syllable(syllable)
    out = set()
    for a, b in pairs:
        for x, y in ((a, b), (b, a)):
            if initial == x:
                out.add(y + final)
            if final == x:
                out.add(initial + y)
    out.discard(syllable)
    return out


# --------------------------------------------------------------------------- table snapshot
#
# Reading jieba's dictionary, summing character counts and indexing pypinyin's readings
# takes seconds, and an overlay of a user's protected terms needs them. A build saves
# them to one pickle (`save_tables`: in the cache directory, and next to a prebuilt rule
# set in a wheel), keyed by the versions of jieba and pypinyin and this module's source;
# the functions below read it on first use instead of recomputing.

_PREBUILT = Path(__file__).resolve().parents[1] / "data" / "prebuilt"
_snapshot: dict | None = None


def _tables_name() -> str:
    import hashlib
    import sys
    from importlib.metadata import PackageNotFoundError, version

    try:
        versions = (version("jieba"), version("pypinyin"))
    except PackageNotFoundError:
        versions = ("?", "?")
    key = repr((versions, sys.version_info[:2], Path(__file__).read_bytes()))
    return f"tables-{hashlib.sha256(key.encode()).hexdigest()[:24]}.pickle"


def _tables() -> dict:
    """The saved tables (empty when there are none), read once."""
    global _snapshot
    if _snapshot is None:
        from .cache import default_cache_dir, read_pickle

        name = _tables_name()
        _snapshot = {}
        for folder in (_PREBUILT, default_cache_dir()):
            data = read_pickle(folder / name) if (folder / name).is_file() else None
            if isinstance(data, dict):
                _snapshot = data
                break
    return _snapshot


def save_tables(folder: Path | None = None) -> None:
    """Save the tables (computing any not computed yet) into ``folder`` (default: the
    cache directory), unless they are there already."""
    from .cache import default_cache_dir, write_pickle

    folder = default_cache_dir() if folder is None else Path(folder)
    path = folder / _tables_name()
    if not path.is_file():
        write_pickle(path, {"jieba": jieba_frequencies(), "characters": character_frequencies(),
                            "readings": _readings(False), "toned": _readings(True)}, "table snapshot")


def forget_tables() -> None:
    global _snapshot
    _snapshot = None


@cache
def jieba_frequencies() -> dict[str, int]:
    """Word → count from jieba's bundled dictionary (read directly; no tokenizer)."""
    saved = _tables().get("jieba")
    if saved is not None:
        return saved
    import jieba

    freq: dict[str, int] = {}
    path = Path(jieba.__file__).parent / "dict.txt"
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ")
            if len(parts) >= 2:
                freq[parts[0]] = int(parts[1])
    return freq


@cache
def character_frequencies() -> dict[str, int]:
    """Character → summed count of the jieba words it occurs in."""
    saved = _tables().get("characters")
    if saved is not None:
        return saved
    counts: dict[str, int] = defaultdict(int)
    for word, n in jieba_frequencies().items():
        for ch in word:
            if "\u4e00" <= ch <= "\u9fff":
                counts[ch] += n
    return dict(counts)


@cache
def common_characters(limit: int) -> frozenset[str]:
    """The ``limit`` most frequent CJK characters (substitutes are drawn from these only:
    an error is made with a character the writer knows, not with a rare one)."""
    ranked = sorted(character_frequencies().items(), key=lambda kv: (-kv[1], kv[0]))
    return frozenset(ch for ch, _ in ranked[:limit])


@cache
def _readings(toned: bool = False) -> dict[str, frozenset[str]]:
    """Each character's pinyin readings, with tone marks or without."""
    saved = _tables().get("toned" if toned else "readings")
    if saved is not None:
        return saved
    from pypinyin.pinyin_dict import pinyin_dict

    spell = (lambda r: r) if toned else toneless
    return {chr(cp): frozenset(spell(r) for r in readings.split(",")) for cp, readings in pinyin_dict.items()}


def readings(ch: str) -> frozenset[str]:
    return _readings().get(ch, frozenset())


@cache
def _by_syllable(limit: int, toned: bool = False) -> dict[str, tuple[str, ...]]:
    """Syllable → the common characters that read so (tone-sensitive when ``toned``)."""
    common = common_characters(limit)
    table = _readings(toned)
    index: dict[str, list[str]] = defaultdict(list)
    for ch in sorted(common):
        for syllable in table.get(ch, ()):
            index[syllable].append(ch)
    return {s: tuple(chars) for s, chars in index.items()}


def load_shape_table(*paths: Path) -> dict[str, tuple[str, ...]]:
    """Merge ``char<TAB>c1,c2,...`` files (``#`` starts a comment); made symmetric."""
    table: dict[str, list[str]] = defaultdict(list)
    lines = [line for path in paths if path.is_file() for line in path.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        ch, _, similar = line.partition("\t")
        for other in similar.split(","):
            other = other.strip()
            if other and other != ch:
                if other not in table[ch]:
                    table[ch].append(other)
                if ch not in table[other]:
                    table[other].append(ch)
    return {ch: tuple(v) for ch, v in table.items()}


def load_directed_table(path: Path) -> dict[str, tuple[str, ...]]:
    """A one-way table (``written<TAB>meant1,meant2,...``; ``#`` starts a comment): the
    characters that may be meant where the left one is written, not the reverse. Raises
    `errcheck.rules.RuleError` (``path:line: reason``) on a malformed line."""
    from ..rules import RuleError

    table: dict[str, list[str]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        written, tab, meant = line.partition("\t")
        written, others = written.strip(), [c.strip() for c in meant.split(",")]
        if not tab or len(written) != 1:
            raise RuleError(path, n, "expected one character, a tab and a comma-separated list of characters")
        bad = [c for c in others if len(c) != 1]
        if bad:
            raise RuleError(path, n, f"not a single character: {bad[0]!r}")
        row = table.setdefault(written, [])
        row.extend(c for c in others if c != written and c not in row)
    return {ch: tuple(v) for ch, v in table.items() if v}


class LazyTable(Mapping):
    """A look-alike table read from its files on first use (a user's dictionary of
    curated pairs never needs it)."""

    def __init__(self, *paths: Path) -> None:
        self.paths = paths
        self._table: dict | None = None

    def _get(self) -> dict:
        if self._table is None:
            self._table = load_shape_table(*self.paths)
        return self._table

    def __getitem__(self, key):
        return self._get()[key]

    def __iter__(self):
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


@dataclass(frozen=True)
class Confusables:
    """Sound and shape neighbours of characters, restricted to common characters."""

    common_limit: int = 3500
    near_pairs: tuple[tuple[str, str], ...] = NEAR_HOMOPHONE_PAIRS
    shape: dict = field(default_factory=dict, compare=False, hash=False)

    def homophones(self, ch: str) -> set[str]:
        return self._sharing_a_reading(ch, toned=False)

    def same_tone_homophones(self, ch: str) -> set[str]:
        """Homophones with the same tone too (厉/励, 篮/蓝): the candidates an input method
        offers first, and about half as many as `homophones`."""
        return self._sharing_a_reading(ch, toned=True)

    def _sharing_a_reading(self, ch: str, toned: bool) -> set[str]:
        index = _by_syllable(self.common_limit, toned)
        out = {c for s in _readings(toned).get(ch, ()) for c in index.get(s, ())}
        out.discard(ch)
        return out

    def near_homophones(self, ch: str) -> set[str]:
        index = _by_syllable(self.common_limit)
        own = readings(ch)
        near = {n for s in own for n in near_syllables(s, self.near_pairs)} - own
        out = {c for s in near for c in index.get(s, ())}
        out.discard(ch)
        return out - self.homophones(ch)

    def look_alikes(self, ch: str) -> set[str]:
        return set(self.shape.get(ch, ()))
