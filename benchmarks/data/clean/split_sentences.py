#!/usr/bin/env python3
"""Turn a raw text file of an official document into one sentence per line.

Usage: split_sentences.py RAW.txt [RAW2.txt ...] > OUT.txt
       split_sentences.py -d OUTDIR RAW.txt [RAW2.txt ...]
           (one output file per input: OUTDIR/<input file name>)

How benchmarks/data/clean/*.txt were made (raw copies kept outside the repository):
       python split_sentences.py -d benchmarks/data/clean RAWDIR/gov_work_report_*.txt \
           RAWDIR/law_*.txt RAWDIR/sc_reg_*.txt

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

import os
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


def main(paths: list[str], outdir: str | None = None) -> int:
    seen: set[str] = set()
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        kept = []
        for piece in sentences(text):
            if keep(piece) and piece not in seen:
                seen.add(piece)
                kept.append(piece)
        if outdir is None:
            sys.stdout.write("".join(p + "\n" for p in kept))
            continue
        target = os.path.join(outdir, os.path.basename(path))
        tmp = target + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write("".join(p + "\n" for p in kept))
        os.replace(tmp, target)
        print(f"{target}\t{len(kept)} lines\t{sum(len(p) for p in kept)} chars",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    outdir = None
    if args[:1] == ["-d"] and len(args) >= 2:
        outdir, args = args[1], args[2:]
    if not args:
        sys.exit(__doc__)
    sys.exit(main(args, outdir))
