#!/usr/bin/env python3
"""Turn a raw text file of an official document into one sentence per line.

Usage: split_sentences.py RAW.txt [RAW2.txt ...] > OUT.txt

Rules (the form of benchmarks/data/clean/*.txt):
- the text is read as UTF-8 and NFC-normalised; nothing else in a sentence is changed;
- it is cut after 。！？； and at every line break; the closing mark stays with its
  sentence, and a closing quotation mark or bracket right after it stays too
  (……。” is one sentence);
- leading/trailing whitespace (ASCII and U+3000) is stripped;
- a piece shorter than 8 characters is dropped (headings, "各位代表！", "第一章　总则");
- a piece made only of digits, punctuation and spaces is dropped (page numbers, table cells);
- a piece that looks like a table row (contains a tab or "|") is dropped;
- duplicate pieces are dropped (first occurrence kept), across all input files given.
"""
from __future__ import annotations

import re
import sys
import unicodedata

MIN_CHARS = 8
_END = "。！？；"
_CLOSERS = "”’」』）)》〉】"
_SPLIT = re.compile(rf"([{_END}][{re.escape(_CLOSERS)}]*)")
_NON_TEXT = re.compile(r"^[\d\s\W_]*$")


def sentences(text: str):
    text = unicodedata.normalize("NFC", text)
    for line in text.splitlines():
        parts = _SPLIT.split(line)
        # re.split with a group keeps the delimiters: re-attach each to its sentence
        for i in range(0, len(parts), 2):
            piece = parts[i] + (parts[i + 1] if i + 1 < len(parts) else "")
            piece = piece.strip(" \t\u3000\u00a0")
            if piece:
                yield piece


def keep(piece: str) -> bool:
    if len(piece) < MIN_CHARS:
        return False
    if "\t" in piece or "|" in piece:
        return False
    if _NON_TEXT.match(piece):
        return False
    return True


def main(paths: list[str]) -> int:
    seen: set[str] = set()
    out = sys.stdout
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        for piece in sentences(text):
            if keep(piece) and piece not in seen:
                seen.add(piece)
                out.write(piece + "\n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
