"""Speed of the context stage's thorough mode (ContextJudge.scan), one core.

Real published prose from ../shared/corpus/ is cut into ~3,000-character documents and
scanned after a warm-up pass (the judge's indexes are built or loaded from the disk cache
first; that time is reported separately). A reference is measured in the same run on the
same documents, so that a busy machine shows in both: ``str.translate`` with a
full-width → ASCII table (a floor every stage pays), and with ``--checker`` the whole
dictionary pipeline ``errcheck.Checker().check`` in fast mode and in thorough mode (the
scan plus the context stage's other work: confirming candidates, and the four-character
phrases of the ``masked`` approximate entries). Rounds are interleaved and the median
is reported; rates are per CPU second of the process (see `rate`).

    python benchmarks/context_speed.py                  # ~1 M characters, 3 rounds
    python benchmarks/context_speed.py --chars 300000 --rounds 5 --checker
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from errcheck.services.judge import ContextJudge  # noqa: E402

CORPUS_DIR = ROOT.parent / "shared" / "corpus"
FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}


def documents(chars: int, size: int = 3000) -> list[str]:
    lines = [line for f in sorted(CORPUS_DIR.glob("*.txt")) for line in f.read_text(encoding="utf-8").splitlines()]
    docs, cur, total = [], [], 0
    i = 0
    while total < chars and lines:
        line = lines[i % len(lines)]
        i += 1
        cur.append(line)
        if sum(map(len, cur)) >= size:
            doc = "\n".join(cur)
            docs.append(doc)
            total += len(doc)
            cur = []
    return docs


def rate(fn, docs) -> tuple[float, list[float]]:
    """Characters per CPU second of this process (``time.process_time``: on a machine
    shared with other work, wall-clock time also counts the time other processes ran),
    and each document's CPU seconds."""
    per_doc = []
    clock = time.process_time
    t0 = clock()
    for d in docs:
        t = clock()
        fn(d)
        per_doc.append(clock() - t)
    return sum(map(len, docs)) / (clock() - t0), per_doc


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chars", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--checker", action="store_true", help="also measure errcheck.Checker().check")
    ap.add_argument("--settle", action="store_true",
                    help="with --checker: call Checker.settle() (gc.freeze after loading, as the CLI and batch "
                         "workers do) before timing")
    args = ap.parse_args(argv)
    docs = documents(args.chars)
    n = sum(map(len, docs))
    t = time.perf_counter()
    judge = ContextJudge().load()
    load = time.perf_counter() - t
    refs = {"str.translate": lambda d: d.translate(FULLWIDTH)}
    if args.checker:
        import errcheck

        checker = errcheck.Checker()
        t = time.perf_counter()
        checker.load()
        print(f"Checker load {time.perf_counter() - t:.2f} s")
        refs["Checker.check"] = checker.check
        refs["Checker.check thorough"] = lambda d: checker.check(d, mode="thorough")
    fresh = ContextJudge().load()
    cold = rate(fresh.scan, docs[:50])[0]
    if args.checker and args.settle:
        checker.settle("thorough")
        print("settled: the loaded objects are in the collector's permanent generation (gc.freeze)")
    judge.scan(docs[0])
    results: dict[str, list[float]] = {"scan": []}
    for name in refs:
        results[name] = []
    latencies: list[float] = []
    for _ in range(args.rounds):
        r, per_doc = rate(judge.scan, docs)
        results["scan"].append(r)
        latencies.extend(per_doc)
        for name, fn in refs.items():
            results[name].append(rate(fn, docs)[0])
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"{len(docs)} documents, {n:,} characters of ../shared/corpus, {args.rounds} interleaved rounds, one core")
    print(f"judge load (model + indexes, disk cache warm) {load:.2f} s")
    print(f"thorough scan (first pass, empty per-word memos) {cold:,.0f} chars/s")
    print(f"thorough scan                     {med['scan']:,.0f} chars/s  "
          f"(3,000-char document: median {statistics.median(latencies) * 1000:.1f} ms, "
          f"p95 {sorted(latencies)[int(len(latencies) * 0.95)] * 1000:.1f} ms)")
    for name in refs:
        print(f"{name:<33} {med[name]:,.0f} chars/s  ratio scan/{name} = {med['scan'] / med[name]:.4f}")
    print(f"target ≥ 300,000 chars/s: {'met' if med['scan'] >= 300_000 else 'NOT met'}")
    if "Checker.check thorough" in med:
        whole = med["Checker.check thorough"]
        print(f"thorough Checker.check: {whole:,.0f} chars/s, target ≥ 300,000: {'met' if whole >= 300_000 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
