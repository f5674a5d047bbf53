"""Budget and precision of the everyday-words family (word list CW0001), with and without it.

    python benchmarks/everyday_words.py [--size-mb 3] [--json out.json]

Runs benchmarks/speed.py's measurement twice in this one process: on the shipped
dictionaries, and on a copy without ``common-words/``. For each: generated variants,
patterns, cold build, cached load, serving RSS, raw scan and check throughput and their
ratio. Then false alarms per 10,000 characters on the clean prose of ../shared/corpus
(every finding there is counted as a false alarm; rmrb1998 is judged as of 1998-01-31)
with and without the family, and recall of the family alone on the curated typo pairs
that are one-character substitutions (an independent list of real misspellings).
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
from errcheck.loader import load_rules  # noqa: E402

FAMILY = "common-words"


def clean_prose() -> list[Path]:
    return sorted(speed.CORPUS.glob("*.txt")) if speed.CORPUS.is_dir() else []


def false_alarms(checker: Checker, paths: list[Path]) -> dict:
    """quality.py's false-alarm count on each clean file (judged as of its own date),
    summed, plus the share of this family (codes CW…)."""
    today = dt.date.today()
    files = [quality.false_alarms(path, lambda text, as_of: checker.check(text, as_of=as_of).findings, today)
             for path in paths]
    summary = quality.summarize_files(files)
    family = [(f.path, a) for f in files for a in f.alarms if a["code"].startswith("CW")]
    chars = max(summary["chars"], 1)
    return {
        "chars": summary["chars"],
        "all": summary["all"],
        "all_per_10k": round(summary["all"] / chars * 10_000, 3),
        "family": len(family),
        "family_per_10k": round(len(family) / chars * 10_000, 3),
        "family_hits": [f"{Path(path).name}: {a['text']} in {a['sentence'][:60]}" for path, a in family],
    }


def family_recall(dictionaries: str) -> dict:
    """Recall of the family on real misspellings it was not built from: the bad examples
    of the curated typo pairs that are one-character substitutions, checked with a rule
    set that has the family but not the curated typo lists (which would claim them)."""
    rules = [r for r in load_rules([builtin_dictionaries()]) if r.category == "typo" and r.family != "words"]
    checker = Checker(dictionaries, builtin=False)
    total = found = 0
    for rule in rules:
        for ex in rule.bad_examples:
            wrong = ex.text[ex.span[0]:ex.span[1]]
            right = ex.suggestion or rule.right[0]
            if len(wrong) != len(right) or sum(a != b for a, b in zip(wrong, right)) != 1:
                continue
            total += 1
            found += any(f.code.startswith("CW") and (f.start, f.end) == ex.span and right in f.suggestions
                         for f in checker.check(ex.text).findings)
    return {"examples": total, "found": found, "recall": round(found / max(total, 1), 3)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    prose = clean_prose()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        without = Path(tmp) / "dictionaries"
        shutil.copytree(builtin_dictionaries(), without, ignore=shutil.ignore_patterns(FAMILY))
        for label, dictionaries in (("with", None), ("without", str(without))):
            result = speed.run(args.size_mb, "daachorse", args.repeat, dictionaries)
            checker = Checker(dictionaries, builtin=dictionaries is None)
            result["false_alarms"] = false_alarms(checker, prose)
            results[label] = result
        family_only = Path(tmp) / "family-only"
        shutil.copytree(builtin_dictionaries(), family_only, ignore=shutil.ignore_patterns("typo", "serious"))
        results["family_recall"] = family_recall(str(family_only))
    keys = ["patterns", "word_variants", "build_cold_s", "load_cached_s", "serving_rss_mb",
            "raw_scan_chars_per_s", "check_chars_per_s", "ratio_check_to_raw"]
    print("| measure | with everyday words | without |\n|---|---|---|")
    for key in keys:
        print(f"| {key} | {results['with'][key]:,} | {results['without'][key]:,} |")
    for key in ("all_per_10k", "family_per_10k"):
        print(f"| false alarms {key} (clean prose) | {results['with']['false_alarms'][key]} | "
              f"{results['without']['false_alarms'][key]} |")
    r = results["family_recall"]
    print(f"\nfamily recall on curated one-substitution typo examples: {r['found']}/{r['examples']} = {r['recall']}")
    for hit in results["with"]["false_alarms"]["family_hits"]:
        print("  family false alarm:", hit)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
