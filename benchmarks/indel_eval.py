"""Missing and extra characters: recall of the thorough judge on sentences with one made.

    python benchmarks/indel_eval.py [--corpus PATH] [--split dev|test|both] [--tune] [--list N]

ECSpell, the context stage's other benchmark (``context_eval.py``), has substitutions
only. This one makes its own cases from real sentences: each sentence of the corpus
(default ``../shared/corpus/xxqg_sentences.txt``) gets one error in a word of two to four
Chinese characters (the model's segmentation; a seeded random choice): one of its
characters deleted (财政拨款 → 财拨款, a *missing* character) or doubled (新时代 →
新新时代, an *extra* one). Lines 1–2500 are the development split (margins were chosen
on it: ``--tune``), lines 2501–5000 the held-out test split, reported separately.

For each split: the share of sentences whose error the judge (`ContextJudge.scan`) finds
(a proposal of kind ``missing`` or ``extra`` that touches it: for a deleted character, the
characters either side of the gap), the share it also corrects (applying the suggestion
gives the original sentence), and the false proposals of those kinds on the same
sentences left clean, per 10,000 characters. ``--tune`` lists the same for a range of
margins. The clean lines are also part of the clean prose of ``quality.py``, which
measures every kind of finding in the whole pipeline.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "xxqg_sentences.txt"
SPLITS = {"dev": (0, 2500), "test": (2500, 5000)}
KINDS = ("missing", "extra", "doubled")
_HAN = re.compile(r"[\u4e00-\u9fff]+")


def make_case(sentence: str, segment, rng: random.Random):
    """(corrupted text, (start, end) of the error in it, kind) or None: one character of
    a two-to-four-character word deleted or doubled."""
    words = []
    for m in _HAN.finditer(sentence):
        pos = m.start()
        for tok in segment(m.group()):
            if 2 <= len(tok) <= 4:
                words.append((pos, tok))
            pos += len(tok)
    if not words:
        return None
    pos, word = rng.choice(words)
    q = pos + rng.randrange(len(word))
    if rng.random() < 0.5:
        text = sentence[:q] + sentence[q + 1:]
        return text, (max(0, q - 1), min(len(text), q + 1)), "missing"
    text = sentence[:q] + sentence[q] + sentence[q:]
    return text, (q, q + 2), "extra"


def evaluate(judge, cases, clean, margins):
    from errcheck.services.judge import repeated, select

    all_margins = dict(judge.margins, **margins)
    found = fixed = 0
    per_kind = {k: [0, 0] for k in KINDS}
    for (text, original, (s, e), kind), cands in cases:
        per_kind[kind][1] += 1
        got = [p for p in select(cands, all_margins) if not repeated(text, p)]
        hits = [p for p in got if p.kind in KINDS and p.start < e and s < p.end]
        if hits:
            found += 1
            per_kind[kind][0] += 1
            fixed += any(text[:p.start] + p.suggestion + text[p.end:] == original for p in hits)
    false = []
    chars = 0
    for text, cands in clean:
        chars += len(text)
        false += [(text, p) for p in select(cands, all_margins) if p.kind in KINDS and not repeated(text, p)]
    return found, fixed, per_kind, false, chars


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--split", choices=("dev", "test", "both"), default="both")
    ap.add_argument("--tune", action="store_true", help="recall and false proposals for a range of margins")
    ap.add_argument("--list", type=int, default=10, help="false proposals (and misses with --misses) to list")
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--no-missing", action="store_true",
                    help="the judge's default: no missing-character proposals (ContextJudge(missing=False))")
    args = ap.parse_args(argv)

    from errcheck.services.judge import ContextJudge

    judge = ContextJudge(missing=not args.no_missing).load()
    floor = min(judge.margins.values()) - 3.0
    lines = args.corpus.read_text(encoding="utf-8").splitlines()
    splits = ("dev", "test") if args.split == "both" else (args.split,)
    for name in splits:
        lo, hi = SPLITS[name]
        rng = random.Random(f"{args.seed}:{name}")
        sentences = [line.strip() for line in lines[lo:hi] if line.strip()]
        cases, clean = [], []
        for sentence in sentences:
            case = make_case(sentence, judge._segment, rng)
            clean.append((sentence, judge.candidates(sentence, floor=floor)))
            if case:
                text, span, kind = case
                cases.append(((text, sentence, span, kind), judge.candidates(text, floor=floor)))
        print(f"## {name}: lines {lo + 1}-{hi}, {len(cases)} cases, {sum(len(t) for t, _ in clean):,} clean characters")
        grid = [(6.5, 7.0, m) for m in (4.0, 4.5, 5.0, 5.5)] + [(m, 7.0, 5.0) for m in (5.0, 5.5, 6.0)] if args.tune else []
        grid.append(tuple(judge.margins[k] for k in KINDS))
        print("| margins (missing, extra, doubled) | found | corrected | made by deletion | made by doubling "
              "| false per 10k (missing, extra, doubled) |")
        print("|---|---|---|---|---|---|")
        for ms in grid:
            found, fixed, per_kind, false, chars = evaluate(judge, cases, clean, dict(zip(KINDS, ms)))
            n = len(cases)
            by = {k: sum(p.kind == k for _, p in false) for k in KINDS}
            print(f"| {ms} | {found / n:.3f} | {fixed / n:.3f} | "
                  + " | ".join(f"{per_kind[k][0] / max(1, per_kind[k][1]):.3f}" for k in ("missing", "extra"))
                  + f" | {len(false) / chars * 1e4:.2f} ({', '.join(str(by[k]) for k in KINDS)}) |")
        for text, p in false[: args.list]:
            print(f"  false: {text[max(0, p.start - 8):p.end + 8]}  {p.original} → {p.suggestion} ({p.kind} {p.gain})")
        if args.misses:
            shown = 0
            from errcheck.services.judge import select

            for (text, original, (s, e), kind), cands in cases:
                got = select(cands, judge.margins)
                if not any(p.kind in KINDS and p.start < e and s < p.end for p in got) and shown < args.list:
                    shown += 1
                    near = [(p.original, p.suggestion, p.kind, p.gain) for p in cands if p.start < e and s < p.end]
                    print(f"  missed ({kind}): {text[max(0, s - 8):e + 8]}  {near}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
