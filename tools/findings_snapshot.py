"""Record every finding errcheck makes on a fixed body of text, or compare with a record.

For refactors that must not change behaviour: record before, change the code, compare
after. The body of text is

* the labelled sentences of ``benchmarks/quality.py`` (each judged as of its own date),
* its clean prose files, line by line (each judged as of the file's date),
* ``examples/*.txt``, each as one document,
* ``../shared/corpus/*.txt``, line by line and each file as one document (so overlap
  resolution and normalisation also run on long texts),

and the record holds each text's findings, verdict, score and counts, plus a digest of
the compiled pattern table and the rule set's statistics.

    python tools/findings_snapshot.py record before.json
    python tools/findings_snapshot.py compare before.json     # exit 1 on any difference
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import quality  # noqa: E402  (benchmarks/quality.py: the sets and their dates)

from errcheck import Checker  # noqa: E402


def _bodies(today: _dt.date):
    """``(name, text, as_of)`` for every text of the snapshot, in a fixed order."""
    labelled = sorted(quality.LABELLED_DIR.glob("*.jsonl"))
    for record in quality.load_labelled(labelled):
        yield f"labelled:{record['file']}:{record.get('id', '')}", record["text"], quality.record_as_of(record, today)
    for path in sorted(quality.CLEAN_DIR.glob("*.txt")):
        as_of = quality.clean_as_of(path) or today
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                yield f"clean:{path.name}:{n}", line, as_of
    for path in sorted((ROOT / "examples").glob("*.txt")):
        yield f"example:{path.name}", path.read_text(encoding="utf-8"), today
    for path in sorted(quality.CORPUS_DIR.glob("*.txt")):
        as_of = quality.clean_as_of(path) or today
        text = path.read_text(encoding="utf-8")
        yield f"corpus:{path.name}", text, as_of
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield f"corpus:{path.name}:{n}", line, as_of


def snapshot(today: _dt.date) -> dict:
    checker = Checker()
    compiled = checker.load()
    patterns = hashlib.sha256("\n".join(compiled.patterns).encode()).hexdigest()
    findings = {}
    for name, text, as_of in _bodies(today):
        report = checker.check(text, as_of=as_of).to_dict()
        if report["findings"]:
            # what a refactor must keep: the findings, verdict and score (not the rule-set
            # version, which hashes the code, nor fields a later schema adds)
            findings[name] = {k: report[k] for k in ("findings", "verdict", "score", "counts")}
    stats = {k: v for k, v in compiled.stats.items() if k != "build_seconds"}
    return {"today": today.isoformat(), "rules": len(compiled.rules), "patterns_sha256": patterns,
            "stats": stats, "findings": findings}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("record", "compare"))
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    if args.action == "record":
        snap = snapshot(_dt.date.today())
        args.file.write_text(json.dumps(snap, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        print(f"recorded {sum(len(r['findings']) for r in snap['findings'].values())} findings "
              f"in {len(snap['findings'])} texts to {args.file}")
        return 0
    before = json.loads(args.file.read_text(encoding="utf-8"))
    after = snapshot(_dt.date.fromisoformat(before["today"]))
    after = json.loads(json.dumps(after, ensure_ascii=False, sort_keys=True))  # same types as the record
    problems = []
    for key in ("rules", "patterns_sha256", "stats"):
        if before[key] != after[key]:
            problems.append(f"{key}: {before[key]!r} != {after[key]!r}")
    names = sorted(set(before["findings"]) | set(after["findings"]))
    for name in names:
        a, b = before["findings"].get(name), after["findings"].get(name)
        if a != b:
            problems.append(f"{name}: findings differ\n  before: {json.dumps(a, ensure_ascii=False)[:600]}"
                            f"\n  after:  {json.dumps(b, ensure_ascii=False)[:600]}")
    total = sum(len(r["findings"]) for r in before["findings"].values())
    if problems:
        print("\n".join(problems[:50]))
        print(f"{len(problems)} difference(s) against {args.file}")
        return 1
    print(f"identical: {total} findings in {len(names)} texts, same rule set and patterns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
