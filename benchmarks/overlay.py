"""House dictionaries as an overlay: how long a user's dictionary takes to compile on
top of the cached shipped rule set, against loading that rule set (the reference,
measured in the same run), and the memory of the process.

    python benchmarks/overlay.py [--repeat 3] [--full]

Each measurement runs in a fresh process (so no table is warm from an earlier one), with
the shipped rule set already in the cache (the first run fills it). Dictionaries: one
curated pair, 100 curated pairs, one protected term (its variants need the character and
word-frequency tables: the expensive part), and the example house dictionary
(``examples/house-dictionary``: pairs, terms, an approximate-match table, a word list).
``--full`` also times a full build with the 100-pair dictionary (the old way: ~20 s).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """\
import json, resource, sys, time
began = time.perf_counter()
import errcheck
imported = time.perf_counter()
c = errcheck.Checker(sys.argv[1] or None, overlay=sys.argv[2] == "overlay")
c.load()
loaded = time.perf_counter()
c.check("县医保局将京津冀写成京津翼")
print(json.dumps({"import": imported - began, "load": loaded - imported, "first_check": time.perf_counter() - loaded,
                  "overlay": c.load_info.get("overlay_seconds"), "source": c.load_info.get("source"),
                  "base": c.load_info.get("base"), "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def pair(code: str, wrong: str, right: str) -> str:
    return textwrap.dedent(f"""\
          - code: {code}
            wrong: [{wrong}]
            right: [{right}]
            category: outdated
            severity: error
            message: "「{{match}}」应为「{{suggestion}}」"
            source: house style
            examples: {{bad: ["[[{wrong}]]"]}}
        """)


def dictionaries(folder: Path) -> dict[str, str]:
    one = folder / "one-pair"
    one.mkdir()
    (one / "h.yaml").write_text("entries:\n" + pair("HS0001", "市场监督局", "市场监督管理局"), encoding="utf-8")
    hundred = folder / "hundred-pairs"
    hundred.mkdir()
    body = "".join(pair(f"HS{i:04d}", f"第{i}号旧机构名", f"第{i}号新机构名") for i in range(100))
    (hundred / "h.yaml").write_text("entries:\n" + body, encoding="utf-8")
    term = folder / "one-term"
    term.mkdir()
    # a term no earlier run has seen: its anchor costs are not in the cache yet
    places = random.Random(time.time_ns()).sample("杭甬温嘉湖绍金衢舟台丽", 2)
    (term / "h.yaml").write_text(textwrap.dedent(f"""\
        terms:
          - code: HS0100
            term: {"".join(places)}城市智脑平台
            category: fixed-phrase
            severity: error
            source: house style
        """), encoding="utf-8")
    return {"one pair": str(one), "100 pairs": str(hundred), "one protected term": str(term),
            "examples/house-dictionary": str(ROOT / "examples" / "house-dictionary")}


def run(path: str, how: str = "overlay") -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", CHILD, path, how], env=env, capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="also time a full build with the 100-pair dictionary")
    args = parser.parse_args()
    run("")  # fill the cache with the shipped rule set if needed
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for n in range(args.repeat):  # interleaved rounds: the machine's load hits all alike
            (Path(tmp) / str(n)).mkdir()
            dicts = dictionaries(Path(tmp) / str(n))
            reference = run("")
            for name, path in dicts.items():
                r = run(path)
                rows.append((name, r, reference))
        print(f"reference: loading the cached shipped rule set, median "
              f"{statistics.median(r[2]['load'] for r in rows):.3f} s")
        print("| house dictionary | overlay compile (s) | ratio to the cached load | load + overlay (s) | "
              "RSS (MB) | RSS without |")
        print("|---|---|---|---|---|---|")
        for name in dicts:
            mine = [(r, ref) for n, r, ref in rows if n == name]
            overlay = statistics.median(r["overlay"] for r, _ in mine)
            ratio = statistics.median(r["overlay"] / ref["load"] for r, ref in mine)
            total = statistics.median(r["load"] for r, _ in mine)
            rss = statistics.median(r["rss_mb"] for r, _ in mine)
            rss_ref = statistics.median(ref["rss_mb"] for _, ref in mine)
            print(f"| {name} | {overlay:.3f} | {ratio:.2f} | {total:.2f} | {rss:.0f} | {rss_ref:.0f} |")
        if args.full:
            r = run(dicts["100 pairs"], "full")
            print(f"full build with the 100-pair dictionary (the old way): {r['load']:.1f} s, "
                  f"{r['rss_mb']:.0f} MB ({r['source']})")


if __name__ == "__main__":
    main()
