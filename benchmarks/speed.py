"""Speed benchmark: whole `Checker.check` against a raw scan of the same automaton.

    python benchmarks/speed.py [--size-mb 10] [--backend daachorse] [--json out.json]

The corpus is generated reproducibly: ~3,000-character articles assembled from the real
sentences in ../shared/corpus (shuffled with a fixed seed, repeated until the size is
reached) with one seed error injected every ~1,500 characters. Without that corpus it
falls back to articles built from jieba's dictionary words.

Reported, all from this one run (the machines are noisy, so the headline is a ratio):
  * raw scan: chars/s of ``matcher.find_all`` over every article — the floor;
  * check: chars/s of ``Checker.check`` (normalize → match → filter → report);
  * ratio check/raw (target >= 0.5): the median over interleaved rounds;
  * cold build time (no cache), cached load time;
  * RSS of a fresh process serving from the cache (what each service/batch worker holds)
    and the benchmark's own peak (which includes two cold builds).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import errcheck

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SEED_ERRORS = ["京津翼", "截止目前", "名族", "党的二十精神", "全面落实从严治党", "自热资源", "历行节约", "攻克时艰", "共度难关", "最后“一公里”"]
ARTICLE_CHARS = 3000


def sentences() -> list[str]:
    files = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
    lines = [line.strip() for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    if lines:
        return lines
    import jieba

    jieba.initialize()
    words = [w for w, n in jieba.dt.FREQ.items() if n > 50]
    rnd = random.Random(7)
    return ["".join(rnd.choices(words, k=12)) + "。" for _ in range(20000)]


def make_articles(size_chars: int, seed: int = 1) -> list[str]:
    rnd = random.Random(seed)
    pool = sentences()
    articles, total = [], 0
    while total < size_chars:
        parts, n, next_error = [], 0, rnd.randint(500, 2500)
        while n < ARTICLE_CHARS:
            s = rnd.choice(pool)
            if n >= next_error:
                cut = rnd.randint(0, len(s))
                s = s[:cut] + rnd.choice(SEED_ERRORS) + s[cut:]
                next_error += rnd.randint(1000, 2000)
            parts.append(s)
            n += len(s)
        article = "".join(parts)
        articles.append(article)
        total += len(article)
    return articles


def serving_rss(backend: str, cache_dir: str, article: str, dictionaries: str | None = None) -> float:
    """Peak RSS (MB) of a fresh process that loads the cached rule set and checks one
    article: what a service worker or batch worker holds."""
    code = (
        "import re, sys, errcheck\n"
        f"c = errcheck.Checker({dictionaries!r}, builtin={dictionaries is None}, backend={backend!r}, cache_dir={cache_dir!r})\n"
        "c.check(sys.stdin.read())\n"
        # VmHWM, not ru_maxrss: the latter carries the parent's peak across fork+exec
        "print(int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], input=article, capture_output=True, text=True, check=True)
    return round(float(out.stdout.strip()), 1)


def best_of(repeat: int, fn) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - began)
    return best


def run(size_mb: float, backend: str, repeat: int, dictionaries: str | None = None) -> dict:
    """``dictionaries``: a dictionary directory to use instead of the shipped one."""
    articles = make_articles(int(size_mb * 1_000_000))
    chars = sum(map(len, articles))
    rules = {"dictionaries": dictionaries, "builtin": dictionaries is None}

    began = time.perf_counter()
    cold = errcheck.Checker(**rules, backend=backend, cache=False)
    cold.load()
    build_s = time.perf_counter() - began
    del cold

    with tempfile.TemporaryDirectory() as cache_dir:
        errcheck.Checker(**rules, backend=backend, cache_dir=cache_dir).load()
        began = time.perf_counter()
        checker = errcheck.Checker(**rules, backend=backend, cache_dir=cache_dir)
        checker.load()
        load_s = time.perf_counter() - began
        assert checker.load_info["source"] == "cache"
        serving_rss_mb = serving_rss(backend, cache_dir, articles[0], dictionaries)

    checker.check(articles[0])  # warm the lazy window segmenter
    find_all = checker.load().matcher.find_all
    check = checker.check
    # interleaved rounds: each round times the raw scan and the check back to back, so
    # both see the same machine; the ratio is the median of the rounds' ratios
    raw_times, check_times = [], []
    for _ in range(repeat):
        raw_times.append(best_of(1, lambda: [find_all(a) for a in articles]))
        check_times.append(best_of(1, lambda: [check(a) for a in articles]))
    raw_s, check_s = min(raw_times), min(check_times)
    ratio = statistics.median(r / c for r, c in zip(raw_times, check_times))
    findings = sum(len(check(a).findings) for a in articles)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "backend": backend,
        "python": sys.version.split()[0],
        "articles": len(articles),
        "chars": chars,
        "rules": checker.load_info["rules"],
        "patterns": checker.load_info["patterns"],
        "word_variants": checker.load_info.get("word_variants", {}).get("kept", 0),
        "findings": findings,
        "raw_scan_chars_per_s": round(chars / raw_s),
        "check_chars_per_s": round(chars / check_s),
        "ratio_check_to_raw": round(ratio, 3),
        "build_cold_s": round(build_s, 4),
        "load_cached_s": round(load_s, 4),
        "serving_rss_mb": serving_rss_mb,
        "benchmark_peak_rss_mb": round(rss_mb, 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=10.0, help="corpus size in millions of characters (default 10)")
    parser.add_argument("--backend", default="daachorse", choices=["daachorse", "pyahocorasick"])
    parser.add_argument("--repeat", type=int, default=5, help="best of N timings (default 5)")
    parser.add_argument("--json", type=Path, help="also write the result to this file")
    parser.add_argument("--dictionaries", help="a dictionary directory instead of the shipped one")
    parser.add_argument("--without", metavar="SUBDIR", action="append", default=[],
                        help="also measure, in the same run, the shipped dictionaries without this subdirectory "
                             "(e.g. --without approx: approximate matching off); repeatable")
    args = parser.parse_args(argv)
    if args.without:
        result = compare_without(args.size_mb, args.backend, args.repeat, args.without)
        print("| measure | with | without " + ", ".join(args.without) + " |\n|---|---|---|")
        for key in result["with"]:
            a, b = result["with"][key], result["without"][key]
            fmt = (lambda v: f"{v:,}" if isinstance(v, (int, float)) else str(v))
            print(f"| {key} | {fmt(a)} | {fmt(b)} |")
        print(f"| check speed with / without (median of interleaved rounds, {result['chars']:,} chars) "
              f"| {result['check_speed_ratio']} |  |")
    else:
        result = run(args.size_mb, args.backend, args.repeat, args.dictionaries)
        print("| measure | value |\n|---|---|")
        for key, value in result.items():
            print(f"| {key} | {value:,} |" if isinstance(value, (int, float)) else f"| {key} | {value} |")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def compare_without(size_mb: float, backend: str, repeat: int, subdirs: list[str]) -> dict:
    """The shipped dictionaries with and without ``subdirs``, in this one process: cold
    build, cached load and serving RSS of each, and ``Checker.check`` of both on the same
    articles in interleaved rounds (with, without, with, without ...), so both see the
    same machine, timed in CPU time of the process; ``check_speed_ratio`` is the median
    of the rounds' with/without speed ratios (the machines are noisy and shared)."""
    import shutil

    from errcheck.resources import builtin_dictionaries

    articles = make_articles(int(size_mb * 1_000_000))
    chars = sum(map(len, articles))
    out: dict = {"with": {}, "without": {}}
    with tempfile.TemporaryDirectory() as tmp:
        dirs = {"with": Path(tmp) / "with", "without": Path(tmp) / "without"}
        for d in dirs.values():
            shutil.copytree(builtin_dictionaries(), d)
        for sub in subdirs:
            shutil.rmtree(dirs["without"] / sub)
        checkers = {}
        for side, d in dirs.items():
            began = time.perf_counter()
            cold = errcheck.Checker(str(d), builtin=False, backend=backend, cache=False)
            cold.load()
            out[side]["build_cold_s"] = round(time.perf_counter() - began, 2)
            del cold
            cache_dir = Path(tmp) / f"cache-{side}"
            errcheck.Checker(str(d), builtin=False, backend=backend, cache_dir=cache_dir).load()
            began = time.perf_counter()
            checker = errcheck.Checker(str(d), builtin=False, backend=backend, cache_dir=cache_dir)
            checker.load()
            out[side]["load_cached_s"] = round(time.perf_counter() - began, 3)
            out[side]["serving_rss_mb"] = serving_rss(backend, str(cache_dir), articles[0], str(d))
            out[side]["patterns"] = checker.load_info["patterns"]
            checker.check(articles[0])
            checkers[side] = checker
        times = {"with": [], "without": []}
        for _ in range(repeat):
            for side in ("with", "without"):
                check = checkers[side].check
                # CPU time of this process: the machines are shared, and wall time
                # includes whatever else runs
                began = time.process_time()
                for a in articles:
                    check(a)
                times[side].append(time.process_time() - began)
        for side in ("with", "without"):
            out[side]["check_chars_per_s"] = round(chars / min(times[side]))
            out[side]["findings"] = sum(len(checkers[side].check(a).findings) for a in articles)
    out["check_speed_ratio"] = round(statistics.median(w / x for w, x in zip(times["without"], times["with"])), 3)
    out["chars"] = chars
    return out


if __name__ == "__main__":
    raise SystemExit(main())
