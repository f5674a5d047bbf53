"""Memory of a service worker across rule-set reloads (issue 15).

    python benchmarks/reload_memory.py [--reloads 3] [--json out.json]

One fresh worker process (the FastAPI app under the test client, no network) starts from
a warm on-disk cache and then goes through ``POST /v1/admin/reload``:

  * cached reloads (dictionaries unchanged: the compiled rule set comes from the cache);
  * a reload after a dictionary changed (a cold build of the rule set; the word-list
    variants stay cached, as after any real dictionary edit);
  * cached reloads again.

After each step it reports the worker's RSS (VmRSS) and its peak so far (VmHWM), and the
number of compiled rule-set files left in the cache directory. Budget: 300 MB per worker.
The cache directory is a temporary one, filled once by a child process before the
measured worker starts (that cold build is not measured).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RULE = """\
entries:
  - code: TY9{n:03d}
    wrong: [瑕疵字{n}]
    right: [瑕疵词]
    category: typo
    severity: error
    message: "「{{match}}」应为「{{suggestion}}」"
    source: "benchmark"
    boundary: false
    examples:
      bad: ["这里有[[瑕疵字{n}]]。"]
"""

WORKER = r"""
import json, os, re, sys, time
from pathlib import Path
from fastapi.testclient import TestClient
from service.config import Settings
from service.main import create_app

extra, cache, reloads = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
def mem():
    status = open('/proc/self/status').read()
    get = lambda key: int(re.search(key + r':\s+(\d+)', status).group(1)) / 1024
    return round(get('VmRSS'), 1), round(get('VmHWM'), 1)
def files():
    return len(list(Path(cache).glob('rules-*.pickle')))
def step(name, began):
    rss, hwm = mem()
    print(json.dumps({"step": name, "rss_mb": rss, "peak_mb": hwm, "seconds": round(time.perf_counter() - began, 2),
                      "rule_caches": files()}), flush=True)
settings = Settings(_env_file=None, admin_token="t", dictionaries=[extra], cache_dir=cache)
began = time.perf_counter()
with TestClient(create_app(settings)) as c:
    c.post('/v1/check', json={"text": "京津翼" * 100})
    step("start (cached)", began)
    auth = {"Authorization": "Bearer t"}
    for i in range(reloads):
        began = time.perf_counter()
        assert c.post('/v1/admin/reload', headers=auth).status_code == 200
        c.post('/v1/check', json={"text": "京津翼" * 100})
        step(f"cached reload {i + 1}", began)
    for n in range(1, 3):
        (extra / 'extra.yaml').write_text(sys.stdin.readline().replace('\\n', '\n'), encoding='utf-8')
        began = time.perf_counter()
        r = c.post('/v1/admin/reload', headers=auth)
        assert r.status_code == 200 and r.json()["changed"], r.text
        c.post('/v1/check', json={"text": "京津翼" * 100})
        step(f"reload after a dictionary change {n} (cold build)", began)
        for i in range(reloads):
            began = time.perf_counter()
            assert c.post('/v1/admin/reload', headers=auth).status_code == 200
            step(f"  then cached reload {i + 1}", began)
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reloads", type=int, default=2, help="cached reloads per phase (default 2)")
    parser.add_argument("--json", type=Path, help="also write the steps to this file")
    args = parser.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with tempfile.TemporaryDirectory() as tmp:
        extra, cache = Path(tmp) / "dicts", Path(tmp) / "cache"
        extra.mkdir()
        (extra / "extra.yaml").write_text(RULE.format(n=0), encoding="utf-8")
        env["ERRCHECK_CACHE_DIR"] = str(cache)  # the word-list cache too
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sys, errcheck; errcheck.Checker(sys.argv[1:], cache_dir="
                        f"{str(cache)!r}).load()", str(extra)], env=env, check=True)
        print(f"(cache filled in {time.perf_counter() - began:.1f} s)", file=sys.stderr)
        changes = "".join(RULE.format(n=n).replace("\n", "\\n") + "\n" for n in (1, 2))
        out = subprocess.run([sys.executable, "-c", WORKER, str(extra), str(cache), str(args.reloads)], env=env,
                             input=changes, capture_output=True, text=True, cwd=ROOT)
        if out.returncode:
            print(out.stderr, file=sys.stderr)
            return 1
    steps = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    print("| step | RSS MB | peak MB | seconds | rule-set files in the cache |\n|---|---|---|---|---|")
    for s in steps:
        print(f"| {s['step']} | {s['rss_mb']} | {s['peak_mb']} | {s['seconds']} | {s['rule_caches']} |")
    if args.json:
        args.json.write_text(json.dumps(steps, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
