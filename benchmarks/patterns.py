"""Cost and precision of the pattern family (``dictionaries/patterns/``), with and without it.

    python benchmarks/patterns.py [--size-mb 2] [--repeat 3] [--json out.json]

Runs benchmarks/speed.py's measurement twice in this one process: on the shipped
dictionaries, and on a copy without ``patterns/`` (the family's code stays registered, so
"without" still pays its guard search for whole-text checks: what is measured is the cost
of its rules). For each: patterns, cold build, cached load, raw scan and check throughput
and their ratio, findings. Then false alarms per 10,000 characters per category on all the
clean prose of benchmarks/quality.py (benchmarks/data/clean and ../shared/corpus, each
file judged as of its own date), and those of the family's rules (codes CX SP PN DF NU RW).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import quality  # noqa: E402
import speed  # noqa: E402

from errcheck import Checker  # noqa: E402
from errcheck.resources import builtin_dictionaries  # noqa: E402

FAMILY_DIR = "patterns"
FAMILY_CODES = ("CX", "SP", "PN", "DF", "NU", "RW")


def clean_prose() -> list[Path]:
    dirs = [quality.CLEAN_DIR, quality.CORPUS_DIR]
    return [p for d in dirs if d and d.is_dir() for p in sorted(d.glob("*.txt"))]


def false_alarms(checker: Checker, paths: list[Path]) -> dict:
    today = dt.date.today()
    files = [quality.false_alarms(path, lambda text, as_of: checker.check(text, as_of=as_of).findings, today)
             for path in paths]
    summary = quality.summarize_files(files)
    family = [(f.path, a) for f in files for a in f.alarms if a["code"].startswith(FAMILY_CODES)]
    chars = max(summary["chars"], 1)
    return {
        **summary,
        "family": len(family),
        "family_per_10k": round(len(family) / chars * 10_000, 4),
        "family_hits": [f"{Path(path).name}:{a['line']}: {a['code']} {a['text']} in {a['sentence'][:60]}"
                        for path, a in family],
    }


def interleaved(size_mb: float, rounds: int, checkers: dict) -> dict:
    """``Checker.check`` chars/s of each checker on the same articles, timed in
    interleaved rounds (A, B, A, B ...) so both see the same machine; best round each."""
    import time

    articles = speed.make_articles(int(size_mb * 1_000_000))
    chars = sum(map(len, articles))
    best = {label: float("inf") for label in checkers}
    for checker in checkers.values():
        checker.check(articles[0])
    for _ in range(rounds):
        for label, checker in checkers.items():
            began = time.perf_counter()
            for a in articles:
                checker.check(a)
            best[label] = min(best[label], time.perf_counter() - began)
    return {label: round(chars / t) for label, t in best.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    prose = clean_prose()
    results: dict = {}
    checkers: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        without = Path(tmp) / "dictionaries"
        shutil.copytree(builtin_dictionaries(), without, ignore=shutil.ignore_patterns(FAMILY_DIR))
        for label, dictionaries in (("with", None), ("without", str(without))):
            result = speed.run(args.size_mb, "daachorse", args.repeat, dictionaries)
            checker = Checker(dictionaries, builtin=dictionaries is None)
            result["false_alarms"] = false_alarms(checker, prose)
            results[label] = result
            checkers[label] = checker
        results["interleaved_check_chars_per_s"] = interleaved(args.size_mb, max(args.repeat, 5), checkers)
    keys = ["rules", "patterns", "findings", "build_cold_s", "load_cached_s", "serving_rss_mb",
            "raw_scan_chars_per_s", "check_chars_per_s", "ratio_check_to_raw"]
    print("| measure | with the pattern family | without |\n|---|---|---|")
    for key in keys:
        print(f"| {key} | {results['with'][key]:,} | {results['without'][key]:,} |")
    inter = results["interleaved_check_chars_per_s"]
    print(f"| check chars/s, interleaved rounds | {inter['with']:,} | {inter['without']:,} |")
    for key in ("serious_per_10k", "all_per_10k", "family_per_10k"):
        print(f"| false alarms {key} (clean prose) | {results['with']['false_alarms'][key]} | "
              f"{results['without']['false_alarms'][key]} |")
    print("\n| category | with: all / 10k (serious / 10k) | without |\n|---|---|---|")
    cats = sorted(set(results["with"]["false_alarms"]["by_category"]) | set(results["without"]["false_alarms"]["by_category"]))
    for c in cats:
        w = results["with"]["false_alarms"]["by_category"].get(c, {"all_per_10k": 0, "serious_per_10k": 0})
        o = results["without"]["false_alarms"]["by_category"].get(c, {"all_per_10k": 0, "serious_per_10k": 0})
        print(f"| {c} | {w['all_per_10k']} ({w['serious_per_10k']}) | {o['all_per_10k']} ({o['serious_per_10k']}) |")
    for hit in results["with"]["false_alarms"]["family_hits"]:
        print("  family false alarm:", hit)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
