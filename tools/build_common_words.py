"""Rebuild ``dictionaries/common-words/words.tsv``: the everyday words whose misspellings
errcheck flags (issue: 花蓝 for 花篮, 年贷 for 年货, 再接再励 for 再接再厉).

    python tools/build_common_words.py            # rewrite the table
    python tools/build_common_words.py --check    # exit 1 if the table is out of date

Source: the word counts of jieba's bundled dictionary (``jieba/dict.txt``, which ships
with the jieba package errcheck depends on). A word is taken when

* it has 2–4 Chinese characters. Rare characters are welcome: a word such as 秸秆,
  以儆效尤 or 不胫而走 is exactly what writers misspell, and its misspellings still draw
  their substitutes from the 3,500 most frequent characters (``--chars N`` restricts the
  words themselves to the N most frequent characters instead);
* its part-of-speech tag is not a proper name, place, organisation, number or foreign
  string (nr, nrt, nrfg, ns, nt, nz, m, x, eng): names are not "misspelt" into other names;
* its count reaches the cut-off for its length, or it is a four-character idiom (tag
  ``i``) whose count reaches the idiom cut-off.

The cut-offs are recorded in the table's header; they were chosen by measured recall per
megabyte of automaton (see README.md, "Everyday words").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "dictionaries" / "common-words" / "words.tsv"
SKIP_TAGS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz", "m", "x", "eng"})


def jieba_entries() -> list[tuple[str, int, str]]:
    path = Path(jieba.__file__).parent / "dict.txt"
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2:
                rows.append((parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""))
    return rows


def select(rows, min_counts: dict[int, int], idiom_min: int, chars: frozenset[str] | None) -> list[tuple[str, int, str]]:
    """The words that pass the cut-offs; ``chars``, when given, limits their characters."""
    from errcheck.families.terms import _is_han  # the generator's own test of a Chinese character

    chosen = []
    for word, count, tag in rows:
        if not 2 <= len(word) <= 4 or tag in SKIP_TAGS or not all(
                (c in chars) if chars is not None else _is_han(c) for c in word):
            continue
        if count >= min_counts[len(word)] or (tag == "i" and len(word) == 4 and count >= idiom_min):
            chosen.append((word, count, tag))
    return sorted(chosen, key=lambda r: (-r[1], r[0]))


def render(rows, args) -> str:
    head = [
        "# Everyday words whose one-character misspellings errcheck flags (word list CW0001).",
        f"# Built by tools/build_common_words.py from jieba {jieba.__version__} dict.txt word counts:",
        f"# 2-char count >= {args.min2}, 3-char >= {args.min3}, 4-char >= {args.min4}, 4-char idioms (tag i) >= {args.idiom_min};",
        (f"# characters among the {args.chars} most frequent; " if args.chars else "# any Chinese characters; ")
        + "proper names, places, organisations,",
        "# numbers and foreign strings excluded. Columns: word, jieba count, jieba tag. Do not edit by",
        "# hand: change the options and rebuild; add hand-picked words to curated.tsv instead.",
    ]
    return "\n".join(head + [f"{w}\t{n}\t{t}" for w, n, t in rows]) + "\n"


def main(argv=None) -> int:
    from errcheck.services.confusables import common_characters

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min2", type=int, default=50, help="cut-off for 2-character words (default %(default)s)")
    parser.add_argument("--min3", type=int, default=1000, help="cut-off for 3-character words (default %(default)s)")
    parser.add_argument("--min4", type=int, default=300, help="cut-off for 4-character words (default %(default)s)")
    parser.add_argument("--idiom-min", type=int, default=10, help="cut-off for 4-character idioms (default %(default)s)")
    parser.add_argument("--chars", type=int, default=0,
                        help="only words made of the N most frequent characters (default: any Chinese character)")
    parser.add_argument("--out", type=Path, default=TABLE)
    parser.add_argument("--check", action="store_true", help="only check that --out is up to date")
    args = parser.parse_args(argv)
    rows = select(jieba_entries(), {2: args.min2, 3: args.min3, 4: args.min4}, args.idiom_min,
                  common_characters(args.chars) if args.chars else None)
    text = render(rows, args)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            print(f"{args.out} is out of date: run python tools/build_common_words.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"{len(rows)} words written to {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
