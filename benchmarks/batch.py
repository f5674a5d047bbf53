"""Batch scanning throughput: ``errcheck scan`` with 1 and 2 workers, and the plain API.

    python benchmarks/batch.py [--docs 20000] [--workers 1 2] [--undated] [--json benchmarks/results/batch.json]

Generates an archive of ``--docs`` articles (JSONL; 4–16 sentences of real published prose
from ../shared/corpus each, a seed error in one article out of ten) in a temporary
directory, then measures, in the same run:

* ``errcheck scan`` end to end (discovery, workers, SQLite commits, all output files) for
  each worker count: documents/s, characters/s, and the scaling efficiency
  ``rate(n) / (n × rate(1))``;
* the single-process API rate: ``Checker.check`` over the same texts in a loop.

``--undated`` leaves the date out of the records (and ``--date-field`` off the scan), so
every document's date is inferred from its text (`errcheck.dates`), and the API loop
passes no date. Prints a short table and writes JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
ERRORS = ["京津翼", "截止目前", "名族团结", "党的二十精神", "历行节约", "共度难关"]


def sentences() -> list[str]:
    lines: list[str] = []
    for f in sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []:
        if f.name.lower() != "readme.md":
            lines += [s.strip() for s in f.read_text(encoding="utf-8").splitlines() if s.strip()]
    if not lines:  # no corpus next to the checkout: synthetic prose
        lines = ["各部门认真落实工作责任，持续改进作风。", "本单位将继续做好政务公开工作。", "深入推进京津冀协同发展。"]
    return lines


def make_archive(path: Path, n: int, seed: int = 2024) -> int:
    rng = random.Random(seed)
    pool = sentences()
    chars = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = "".join(rng.choice(pool) for _ in range(rng.randint(4, 16)))
            if i % 10 == 0:
                cut = rng.randrange(len(text) + 1)
                text = text[:cut] + rng.choice(ERRORS) + text[cut:]
            chars += len(text)
            rec = {"id": f"article-{i:06d}", "text": text, "site": f"site-{i % 25:02d}",
                   "date": f"20{18 + i % 7}-0{1 + i % 9}-1{i % 10}"}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return chars


def scan(archive: Path, out: Path, workers: int, dated: bool = True) -> dict:
    from errcheck.cli import main

    argv = ["scan", str(archive), "--out", str(out), "--workers", str(workers), "--group-field", "site",
            *(["--date-field", "date"] if dated else []), "--quiet"]
    began = time.perf_counter()
    code = main(argv, io.StringIO(), sys.stderr)
    wall = time.perf_counter() - began
    if code not in (0, 1):
        raise SystemExit(f"scan failed with status {code}")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {"wall_seconds": wall, "check_seconds": summary["run"]["seconds"], "summary": summary}


def api_rate(archive: Path, dated: bool = True) -> dict:
    import errcheck

    texts, dates = [], []
    with archive.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            texts.append(rec["text"])
            dates.append(rec["date"] if dated else None)
    checker = errcheck.Checker()
    checker.load()
    checker.check(texts[0])  # warm up lazy parts (word segmenter)
    began = time.perf_counter()
    findings = sum(len(checker.check(t, as_of=d).findings) for t, d in zip(texts, dates))
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "documents": len(texts), "characters": sum(map(len, texts)), "findings": findings}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--undated", action="store_true", help="records without dates: each one is inferred")
    ap.add_argument("--json", default=str(ROOT / "benchmarks" / "results" / "batch.json"))
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="errcheck-bench-") as tmp:
        tmp = Path(tmp)
        archive = tmp / "archive.jsonl"
        chars = make_archive(archive, args.docs)
        runs = []
        for n in args.workers:
            r = scan(archive, tmp / f"out-{n}", n, dated=not args.undated)
            s = r.pop("summary")
            runs.append({"workers": n, **r, "documents": s["totals"]["documents"], "characters": s["totals"]["characters"],
                         "findings": s["totals"]["findings"],
                         "docs_per_s": s["totals"]["documents"] / r["wall_seconds"],
                         "chars_per_s": s["totals"]["characters"] / r["wall_seconds"]})
        same = len({(r["documents"], r["findings"]) for r in runs}) == 1
        base = next((r for r in runs if r["workers"] == 1), None)
        for r in runs:
            r["scaling_efficiency"] = r["docs_per_s"] / (r["workers"] * base["docs_per_s"]) if base else None
        api = api_rate(archive, dated=not args.undated)
        api["docs_per_s"] = api["documents"] / api["seconds"]
        api["chars_per_s"] = api["characters"] / api["seconds"]

    result = {
        "benchmark": "batch",
        "documents": args.docs,
        "dated": not args.undated,
        "characters": chars,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "scan": runs,
        "identical_results_across_worker_counts": same,
        "api_single_process": api,
    }
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    print(f"archive: {args.docs:,} articles, {chars:,} characters; {result['cores']} cores")
    print(f"{'run':<22}{'seconds':>9}{'docs/s':>10}{'chars/s':>13}{'efficiency':>12}")
    for r in runs:
        print(f"{'scan --workers ' + str(r['workers']):<22}{r['wall_seconds']:>9.2f}{r['docs_per_s']:>10,.0f}"
              f"{r['chars_per_s']:>13,.0f}{r['scaling_efficiency']:>12.0%}")
    print(f"{'API, one process':<22}{api['seconds']:>9.2f}{api['docs_per_s']:>10,.0f}{api['chars_per_s']:>13,.0f}")
    print(f"identical findings across worker counts: {same}; JSON: {args.json}")


if __name__ == "__main__":
    main()
