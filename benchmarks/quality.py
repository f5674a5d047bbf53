"""Quality benchmark: precision and recall on labelled sentences, false alarms on clean prose.

    python benchmarks/quality.py [--json benchmarks/results/quality.json] [--markdown PATH]
                                 [--check benchmarks/quality-thresholds.json] [--quick]

Inputs (all optional; a missing directory is skipped and said so):

* labelled sentences, ``benchmarks/data/labelled/*.jsonl``, one JSON object a line:
  ``{"id", "text", "errors": [{"start", "end", "wrong", "right": [...], "category", "kind"}],
  "origin": "real"|"injected", "source", "as_of": "YYYY-MM-DD"|null}`` (``errors`` may be
  empty: a negative). Each sentence is checked as of its ``as_of`` (null: today);
* clean prose, one sentence a line: the project's ``benchmarks/data/clean/*.txt`` and the
  shared ``../shared/corpus/*.txt``, reported separately. Each file is judged as of the
  day it was written when that is known (`clean_as_of`: ``rmrb1998_sentences.txt`` is
  January 1998 prose, where 1998 agency names are correct; a year in a file name means
  1 January of that year), otherwise as of today.

Scoring on the labelled set (micro-averaged, separately for origin ``real``, ``injected``
and both together):

* a finding is a true positive when its span overlaps a labelled error span (an empty
  labelled span, an insertion point, counts when the finding touches it), otherwise a
  false positive; precision = TP findings / findings;
* a labelled error is detected when any finding overlaps it; recall = detected / errors;
* suggestion accuracy: of the detected errors, how many have an overlapping finding whose
  suggestion is a labelled right form, or gives the same corrected text as one;
* per category and per kind: recall by the labelled error's category/kind; precision
  counts a true positive under the category/kind of the error it matched and a false
  positive under the finding's own (``listed`` findings of ``outdated`` rules count as
  kind ``outdated``, the labels' name for them).

On clean prose every finding is a false alarm: counted per 10,000 characters for severity
``serious`` and for all severities, per file and per group, and each one is listed.

``--check FILE`` compares the run with recorded thresholds (``min_recall``,
``min_precision``, ``min_f1`` on the whole labelled set; ``max_serious_fa_per_10k``,
``max_all_fa_per_10k`` on all clean prose together) and exits 1 naming every violation.
``--quick`` keeps every 4th labelled sentence and every 4th clean line (for CI).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parents[1]
LABELLED_DIR = ROOT / "benchmarks" / "data" / "labelled"
CLEAN_DIR = ROOT / "benchmarks" / "data" / "clean"
CORPUS_DIR = ROOT.parent / "shared" / "corpus"
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "quality.json"
DEFAULT_THRESHOLDS = ROOT / "benchmarks" / "quality-thresholds.json"
QUICK_EVERY = 4

#: the day a clean file was written, where it is not today (see `clean_as_of`)
KNOWN_AS_OF = {
    "rmrb1998_sentences.txt": _dt.date(1998, 1, 31),  # 人民日报, January 1998
}
#: threshold key -> (where in the results, comparison)
THRESHOLD_KEYS = {
    "min_recall": ("recall", "min"),
    #: recall on one origin of labelled sentences only (real-world cases vs injected errors)
    "min_recall_real": ("recall", "min"),
    "min_recall_injected": ("recall", "min"),
    "min_precision": ("precision", "min"),
    "min_f1": ("f1", "min"),
    "max_serious_fa_per_10k": ("serious_per_10k", "max"),
    "max_all_fa_per_10k": ("all_per_10k", "max"),
}

CheckFn = Callable[[str, "_dt.date"], list]
#: checking modes other than the default (fast) that are measured separately: their
#: results are under ``results["modes"][mode]`` and their thresholds under that key
MODE_KEYS = ("thorough",)


def display_path(path: Path) -> str:
    """``path`` relative to the project root (``../shared/corpus/...`` outside it)."""
    return os.path.relpath(Path(path).resolve(), ROOT)


_YEAR_IN_NAME = re.compile(r"(?<!\d)(19[4-9]\d|20\d\d)(?!\d)")


def clean_as_of(path: Path) -> _dt.date | None:
    """The day clean prose in ``path`` is judged as of, so that older prose is not blamed
    for names that were correct when it was written: a known date (`KNOWN_AS_OF`), else
    1 January of a year named in the file name (``gwr2015.txt``: the earliest day it can
    have been written, so a name that became wrong later that year is not held against
    it), else None (today)."""
    name = Path(path).name
    if name in KNOWN_AS_OF:
        return KNOWN_AS_OF[name]
    years = _YEAR_IN_NAME.findall(Path(path).stem)
    if years:
        year = int(years[-1])
        if year <= _dt.date.today().year:
            return _dt.date(year, 1, 1)
    return None


# --------------------------------------------------------------------------- scoring


def overlaps(f_start: int, f_end: int, e_start: int, e_end: int) -> bool:
    """Whether a finding [f_start, f_end) overlaps a labelled error [e_start, e_end).
    An empty labelled span (a missing character at e_start) counts when touched."""
    if e_start == e_end:
        return f_start <= e_start <= f_end
    return f_start < e_end and e_start < f_end


def suggestion_fits(text: str, finding, error: dict) -> bool:
    """Whether applying one of the finding's suggestions gives a labelled correction: the
    suggestion is a right form, or the corrected text around both spans is the same."""
    rights = error.get("right") or []
    if not rights:
        return False
    lo = min(finding.start, error["start"])
    hi = max(finding.end, error["end"])
    fixed_by_label = {text[lo : error["start"]] + r + text[error["end"] : hi] for r in rights}
    for s in finding.suggestions:
        if s in rights or text[lo : finding.start] + s + text[finding.end : hi] in fixed_by_label:
            return True
    return False


def finding_kind(finding) -> str:
    """A finding's kind in the labels' vocabulary (outdated names are kind ``outdated``)."""
    if finding.kind == "listed" and finding.category == "outdated":
        return "outdated"
    return finding.kind


@dataclass
class Tally:
    tp: int = 0  # findings that overlap a labelled error
    fp: int = 0  # findings that do not
    errors: int = 0  # labelled errors
    detected: int = 0  # labelled errors overlapped by a finding
    suggested: int = 0  # detected errors with a fitting suggestion

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.detected / self.errors if self.errors else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def suggestion_accuracy(self) -> float | None:
        return self.suggested / self.detected if self.detected else None

    def as_dict(self) -> dict:
        out = {"findings": self.tp + self.fp, "tp": self.tp, "fp": self.fp, "errors": self.errors,
               "detected": self.detected, "suggested": self.suggested}
        for name in ("precision", "recall", "f1", "suggestion_accuracy"):
            value = getattr(self, name)
            out[name] = round(value, 4) if value is not None else None
        return out


@dataclass
class LabelledScore:
    """Tallies of one group of labelled sentences (one origin, or all)."""

    sentences: int = 0
    overall: Tally = field(default_factory=Tally)
    by_category: dict = field(default_factory=lambda: defaultdict(Tally))
    by_kind: dict = field(default_factory=lambda: defaultdict(Tally))
    missed: list = field(default_factory=list)
    false_positives: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "sentences": self.sentences,
            "overall": self.overall.as_dict(),
            "by_category": {k: v.as_dict() for k, v in sorted(self.by_category.items())},
            "by_kind": {k: v.as_dict() for k, v in sorted(self.by_kind.items())},
            "missed": self.missed,
            "false_positives": self.false_positives,
        }


def score_sentence(record: dict, findings: Iterable, score: LabelledScore) -> None:
    """Add one labelled sentence and errcheck's findings on it to ``score``."""
    text = record["text"]
    errors = record.get("errors") or []
    findings = list(findings)
    score.sentences += 1
    for f in findings:
        matched = [e for e in errors if overlaps(f.start, f.end, e["start"], e["end"])]
        if matched:
            # attribute the true positive to the error it overlaps most
            e = max(matched, key=lambda e: min(f.end, e["end"]) - max(f.start, e["start"]))
            for tally in (score.overall, score.by_category[e["category"]], score.by_kind[e["kind"]]):
                tally.tp += 1
        else:
            for tally in (score.overall, score.by_category[f.category], score.by_kind[finding_kind(f)]):
                tally.fp += 1
            score.false_positives.append(_finding_row(record, f))
    for e in errors:
        hits = [f for f in findings if overlaps(f.start, f.end, e["start"], e["end"])]
        fits = any(suggestion_fits(text, f, e) for f in hits)
        for tally in (score.overall, score.by_category[e["category"]], score.by_kind[e["kind"]]):
            tally.errors += 1
            tally.detected += bool(hits)
            tally.suggested += bool(hits) and fits
        if not hits:
            score.missed.append({"id": record.get("id"), "wrong": e["wrong"], "right": e.get("right"),
                                 "category": e["category"], "kind": e["kind"], "text": text,
                                 "source": record.get("source")})


def _finding_row(record: dict, f) -> dict:
    return {"id": record.get("id"), "code": f.code, "severity": _severity(f), "text": f.text,
            "suggestions": list(f.suggestions), "kind": f.kind, "sentence": record["text"],
            "source": record.get("source")}


def _severity(f) -> str:
    return getattr(f.severity, "label", str(f.severity))


def record_as_of(record: dict, today: _dt.date) -> _dt.date:
    value = record.get("as_of")
    return _dt.date.fromisoformat(value) if value else today


def evaluate_labelled(records: list[dict], check: CheckFn, today: _dt.date) -> dict[str, LabelledScore]:
    """Scores by origin (``real``, ``injected``, any other origin named) and ``all``."""
    scores: dict[str, LabelledScore] = defaultdict(LabelledScore)
    for record in records:
        findings = check(record["text"], record_as_of(record, today))
        score_sentence(record, findings, scores["all"])
        score_sentence(record, findings, scores[record.get("origin") or "unknown"])
    return dict(scores)


def load_labelled(paths: Iterable[Path]) -> list[dict]:
    """Every record of the given JSONL files; malformed lines raise ValueError with file:line."""
    records = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                validate_record(record)
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{display_path(path)}:{n}: {exc}") from None
            record.setdefault("file", display_path(path))
            records.append(record)
    return records


def validate_record(record: dict) -> None:
    text = record["text"]
    if not isinstance(text, str):
        raise ValueError("text must be a string")
    for e in record.get("errors") or []:
        start, end = e["start"], e["end"]
        if not (0 <= start <= end <= len(text)):
            raise ValueError(f"error span {start}-{end} outside the text")
        if text[start:end] != e.get("wrong", text[start:end]):
            raise ValueError(f"error span {start}-{end} is {text[start:end]!r}, not {e.get('wrong')!r}")
        e.setdefault("category", "typo")
        e.setdefault("kind", "listed")


# --------------------------------------------------------------------------- clean prose


@dataclass
class FileAlarms:
    path: str
    as_of: str | None
    sentences: int = 0
    chars: int = 0
    alarms: list = field(default_factory=list)

    @property
    def serious(self) -> int:
        return sum(1 for a in self.alarms if a["severity"] == "serious")

    def as_dict(self) -> dict:
        return {"file": self.path, "as_of": self.as_of, "sentences": self.sentences, "chars": self.chars,
                **fa_rates(self.chars, self.serious, len(self.alarms)), "alarms": self.alarms}


def fa_rates(chars: int, serious: int, all_: int) -> dict:
    per = 10_000 / chars if chars else 0.0
    return {"serious": serious, "all": all_,
            "serious_per_10k": round(serious * per, 4) if chars else None,
            "all_per_10k": round(all_ * per, 4) if chars else None}


def false_alarms(path: Path, check: CheckFn, today: _dt.date, every: int = 1) -> FileAlarms:
    """Check every (``every``-th) line of a clean file; every finding is a false alarm."""
    as_of = clean_as_of(path)
    result = FileAlarms(display_path(path), as_of.isoformat() if as_of else None)
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or (every > 1 and n % every):
            continue
        result.sentences += 1
        result.chars += len(line)
        for f in check(line, as_of or today):
            result.alarms.append({"line": n, "code": f.code, "severity": _severity(f), "category": f.category,
                                  "kind": f.kind, "text": f.text, "suggestions": list(f.suggestions),
                                  "sentence": line})
    return result


def summarize_files(files: list[FileAlarms]) -> dict:
    chars = sum(f.chars for f in files)
    by_category: dict[str, list] = defaultdict(list)
    for f in files:
        for a in f.alarms:
            by_category[a["category"]].append(a)
    return {"files": len(files), "sentences": sum(f.sentences for f in files), "chars": chars,
            **fa_rates(chars, sum(f.serious for f in files), sum(len(f.alarms) for f in files)),
            "by_category": {c: fa_rates(chars, sum(a["severity"] == "serious" for a in alarms), len(alarms))
                            for c, alarms in sorted(by_category.items())}}


# --------------------------------------------------------------------------- thresholds


#: threshold keys another benchmark checks (the ECSpell floors: benchmarks/context_eval.py --check)
CHECKED_ELSEWHERE = ("ecspell",)


def check_thresholds(results: dict, thresholds: dict) -> list[str]:
    """The violated thresholds, as messages (empty: all met). Recall/precision/F1 are taken
    on the whole labelled set, false-alarm rates on all clean prose together. A mode's key
    (``thorough``) holds thresholds for that mode's results (``results["modes"]``). Keys
    starting with ``_`` are comments, and ``ecspell`` holds the floors that
    benchmarks/context_eval.py checks; any other unknown key is an error (ValueError)."""
    thresholds = {k: v for k, v in thresholds.items() if k not in CHECKED_ELSEWHERE}
    unknown = [k for k in thresholds if not k.startswith("_") and k not in THRESHOLD_KEYS and k not in MODE_KEYS]
    if unknown:
        raise ValueError(f"unknown threshold key(s) {unknown} (expected: {', '.join(THRESHOLD_KEYS)}, "
                         f"or a mode {', '.join(MODE_KEYS)} holding these)")
    problems = []
    for mode in MODE_KEYS:
        if mode in thresholds:
            if not isinstance(thresholds[mode], dict):
                raise ValueError(f"threshold key {mode!r} must hold a mapping of thresholds for that mode")
            measured = results.get("modes", {}).get(mode)
            if measured is None:
                check_thresholds({}, thresholds[mode])  # still reject unknown keys
                if results:
                    problems.append(f"{mode}: thresholds are set but the {mode} mode was not measured")
                continue
            problems += [f"{mode} mode: {p}" for p in check_thresholds(measured, thresholds[mode])]
    thresholds = {k: v for k, v in thresholds.items() if k not in MODE_KEYS}
    clean = results.get("clean_prose", {}).get("combined", {})
    for key, limit in thresholds.items():
        if key.startswith("_"):
            continue
        metric, how = THRESHOLD_KEYS[key]
        origin = key.rsplit("_", 1)[1] if key in ("min_recall_real", "min_recall_injected") else "all"
        if key.startswith("min_"):
            where = results.get("labelled", {}).get(origin, {}).get("overall", {})
            what = "labelled set" if origin == "all" else f"labelled set ({origin} cases)"
        else:
            where, what = clean, "clean prose"
        value = where.get(metric)
        if value is None:
            problems.append(f"{key}: {metric} on the {what} cannot be measured (no data)")
        elif how == "min" and value < limit:
            problems.append(f"{key}: {metric} on the {what} is {value:.4f}, below the threshold {limit}")
        elif how == "max" and value > limit:
            problems.append(f"{key}: {metric} on the {what} is {value:.4f} per 10,000 characters, "
                            f"above the threshold {limit}")
    return problems


# --------------------------------------------------------------------------- report


def _fmt(value, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _cell(text: str, limit: int = 70) -> str:
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_markdown(results: dict, list_limit: int = 60, alarm_limit: int = 300) -> str:
    out = [f"# errcheck quality ({results['ruleset_version']}, {results['date']}"
           f"{', quick' if results['quick'] else ''})", ""]
    labelled = results["labelled"]
    if labelled:
        out += ["## Labelled sentences", "",
                "| origin | sentences | errors | detected | findings | TP | FP | precision | recall | F1 | suggestion ok |",
                "|---|---|---|---|---|---|---|---|---|---|---|"]
        for origin, s in labelled.items():
            o = s["overall"]
            out.append(f"| {origin} | {s['sentences']:,} | {o['errors']:,} | {o['detected']:,} | {o['findings']:,} | "
                       f"{o['tp']:,} | {o['fp']:,} | {_fmt(o['precision'])} | {_fmt(o['recall'])} | "
                       f"{_fmt(o['f1'])} | {_fmt(o['suggestion_accuracy'])} |")
        for what in ("by_category", "by_kind"):
            out += ["", f"### {what.replace('_', ' ')}", "",
                    f"| origin | {what[3:]} | errors | detected | recall | findings | FP | precision | F1 | suggestion ok |",
                    "|---|---|---|---|---|---|---|---|---|---|"]
            for origin, s in labelled.items():
                for name, t in s[what].items():
                    out.append(f"| {origin} | {name} | {t['errors']:,} | {t['detected']:,} | {_fmt(t['recall'])} | "
                               f"{t['findings']:,} | {t['fp']:,} | {_fmt(t['precision'])} | {_fmt(t['f1'])} | "
                               f"{_fmt(t['suggestion_accuracy'])} |")
        every = labelled.get("all", {})
        for title, rows, fmt in (
            ("Missed labelled errors", every.get("missed", []),
             lambda r: f"| {r['id']} | {r['kind']} | {r['category']} | {_cell(r['wrong'], 20)} | "
                       f"{_cell('、'.join(r['right'] or []), 20)} | {_cell(r['text'])} |"),
            ("False positives on labelled sentences", every.get("false_positives", []),
             lambda r: f"| {r['id']} | {r['code']} | {r['severity']} | {_cell(r['text'], 20)} | "
                       f"{_cell('、'.join(r['suggestions']), 20)} | {_cell(r['sentence'])} |"),
        ):
            if rows:
                head = ("| id | kind | category | wrong | right | sentence |" if title.startswith("Missed")
                        else "| id | code | severity | text | suggestion | sentence |")
                out += ["", f"### {title} ({len(rows)}{f', first {list_limit}' if len(rows) > list_limit else ''})",
                        "", head, "|---|---|---|---|---|---|"]
                out += [fmt(r) for r in rows[:list_limit]]
    else:
        out += ["No labelled sentences found."]
    clean = results["clean_prose"]
    out += ["", "## False alarms on clean prose", "",
            "| group | file | judged as of | sentences | chars | serious | serious / 10k | all | all / 10k |",
            "|---|---|---|---|---|---|---|---|---|"]
    for group in ("clean", "corpus"):
        for f in clean.get(group, {}).get("files", []):
            out.append(f"| {group} | {f['file']} | {f['as_of'] or 'today'} | {f['sentences']:,} | {f['chars']:,} | "
                       f"{f['serious']} | {_fmt(f['serious_per_10k'], 4)} | {f['all']} | {_fmt(f['all_per_10k'], 4)} |")
    for group in ("clean", "corpus", "combined"):
        t = clean.get(group, {}).get("total") if group != "combined" else clean.get("combined")
        if t:
            out.append(f"| **{group}** | {t['files']} files | | {t['sentences']:,} | {t['chars']:,} | {t['serious']} | "
                       f"{_fmt(t['serious_per_10k'], 4)} | {t['all']} | {_fmt(t['all_per_10k'], 4)} |")
    combined = clean.get("combined") or {}
    if combined.get("by_category"):
        out += ["", "### False alarms per category (all clean prose)", "",
                "| category | serious | serious / 10k | all | all / 10k |", "|---|---|---|---|---|"]
        out += [f"| {c} | {t['serious']} | {_fmt(t['serious_per_10k'], 4)} | {t['all']} | {_fmt(t['all_per_10k'], 4)} |"
                for c, t in combined["by_category"].items()]
    alarms = [(f["file"], a) for group in ("clean", "corpus") for f in clean.get(group, {}).get("files", [])
              for a in f["alarms"]]
    if alarms:
        shown = alarms[:alarm_limit]
        more = f", the first {alarm_limit} here, all in the JSON" if len(alarms) > alarm_limit else ""
        out += ["", f"### Each false alarm ({len(alarms)}{more})", "",
                "| file:line | code | severity | text | suggestion | sentence |", "|---|---|---|---|---|---|"]
        out += [f"| {Path(file).name}:{a['line']} | {a['code']} | {a['severity']} | {_cell(a['text'], 20)} | "
                f"{_cell('、'.join(a['suggestions']), 20)} | {_cell(a['sentence'])} |" for file, a in shown]
    if results.get("skipped"):
        out += ["", "Skipped: " + "; ".join(results["skipped"])]
    out += ["", f"{results['seconds']:.1f} s (rule set loaded from {results['load_source']})."]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- main


def run(labelled_dir: Path = LABELLED_DIR, clean_dir: Path = CLEAN_DIR, corpus_dir: Path | None = CORPUS_DIR,
        quick: bool = False, checker=None, mode: str = "fast") -> dict:
    import errcheck

    began = time.perf_counter()
    checker = checker or errcheck.Checker()
    checker.load()
    today = _dt.date.today()

    def check(text: str, as_of: _dt.date) -> list:
        return list(checker.check(text, as_of=as_of, mode=mode).findings)

    skipped = []
    files = sorted(labelled_dir.glob("*.jsonl")) if labelled_dir.is_dir() else []
    if not files:
        skipped.append(f"no labelled *.jsonl in {display_path(labelled_dir)}")
    records = load_labelled(files)
    if quick:
        records = records[::QUICK_EVERY]
    scores = evaluate_labelled(records, check, today)
    order = [o for o in ("all", "real", "injected") if o in scores] + sorted(set(scores) - {"all", "real", "injected"})

    clean_prose: dict = {}
    every = QUICK_EVERY if quick else 1
    all_files: list[FileAlarms] = []
    for group, directory in (("clean", clean_dir), ("corpus", corpus_dir)):
        paths = sorted(directory.glob("*.txt")) if directory and directory.is_dir() else []
        if not paths:
            skipped.append(f"no clean *.txt in {display_path(directory) if directory else group}")
            continue
        measured = [false_alarms(p, check, today, every) for p in paths]
        all_files += measured
        clean_prose[group] = {"files": [f.as_dict() for f in measured], "total": summarize_files(measured)}
    if all_files:
        clean_prose["combined"] = summarize_files(all_files)
    return {
        "date": today.isoformat(),
        "mode": mode,
        "ruleset_version": checker.version,
        "rules": checker.load_info.get("rules"),
        "load_source": checker.load_info.get("source"),
        "quick": quick,
        "labelled_files": [display_path(p) for p in files],
        "labelled": {o: scores[o].as_dict() for o in order},
        "clean_prose": clean_prose,
        "skipped": skipped,
        "seconds": round(time.perf_counter() - began, 2),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="write the results here (default: %(default)s)")
    parser.add_argument("--markdown", type=Path, help="also write the markdown report here")
    parser.add_argument("--check", type=Path, metavar="THRESHOLDS",
                        help="exit 1 when a threshold recorded in this JSON file is violated")
    parser.add_argument("--quick", action="store_true", help=f"every {QUICK_EVERY}th sentence only (CI)")
    parser.add_argument("--labelled-dir", type=Path, default=LABELLED_DIR)
    parser.add_argument("--clean-dir", type=Path, default=CLEAN_DIR)
    parser.add_argument("--corpus-dir", type=Path, default=CORPUS_DIR)
    parser.add_argument("--no-corpus", action="store_true", help="skip ../shared/corpus")
    parser.add_argument("--modes", default="fast,thorough",
                        help="checking modes to measure, comma-separated (default: %(default)s); the first is the "
                             "headline, the others are under results['modes']")
    args = parser.parse_args(argv)

    thresholds = None
    if args.check:
        try:
            thresholds = json.loads(args.check.read_text(encoding="utf-8"))
            check_thresholds({}, thresholds)  # reject unknown keys before the run
        except (OSError, ValueError) as exc:
            print(f"error: {args.check}: {exc}", file=sys.stderr)
            return 2
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or any(m not in ("fast", *MODE_KEYS) for m in modes):
        print(f"error: --modes takes fast and/or {', '.join(MODE_KEYS)}", file=sys.stderr)
        return 2
    corpus = None if args.no_corpus else args.corpus_dir
    try:
        results = run(args.labelled_dir, args.clean_dir, corpus, args.quick, mode=modes[0])
        results["modes"] = {m: run(args.labelled_dir, args.clean_dir, corpus, args.quick, mode=m)
                            for m in modes[1:]}
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    markdown = to_markdown(results)
    for mode, by_mode in results.get("modes", {}).items():
        markdown += "\n" + to_markdown(by_mode).replace("# errcheck quality (", f"# errcheck quality, {mode} mode (", 1)
    print(markdown)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown, encoding="utf-8")
    if thresholds is not None:
        problems = check_thresholds(results, thresholds)
        if problems:
            print(f"quality check FAILED ({args.check}):", file=sys.stderr)
            for p in problems:
                print(f"  - {p}", file=sys.stderr)
            return 1
        print(f"quality check passed ({args.check})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
