"""Write the result files from the store, in a deterministic order.

``findings.jsonl``  one line per finding, sorted by document id then position;
``documents.csv``   one row per checked document (verdict and counts), sorted by id;
``errors.csv``      files and records that could not be read or parsed, with the reason;
``summary.json``    totals and breakdowns (everything except ``run`` is deterministic);
``report.html``     the human report (see `report_html`).

Each file is written to a temporary name and renamed, so a reader never sees half a file.
All of them stream from SQLite: memory does not grow with the archive.
"""

from __future__ import annotations

import csv
import json
import os
from contextlib import contextmanager
from pathlib import Path

from .._version import __version__
from .store import Store

DOCUMENT_COLUMNS = ("document_id", "group", "date", "kind", "source_path", "length", "verdict", "score",
                    "serious", "error", "warning", "findings")
ERROR_COLUMNS = ("location", "document_id", "source_path", "reason")
TOP_ERRORS = 20
OUTPUT_FILES = ("findings.jsonl", "documents.csv", "errors.csv", "summary.json", "report.html")


@contextmanager
def _atomic(path: Path, newline=None):
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline=newline) as fh:
        yield fh
    os.replace(tmp, path)


def finding_record(row: dict) -> dict:
    """A findings.jsonl line from a joined store row."""
    rec = {
        "document_id": row["id"],
        "group": row["grp"],
        "date": row["date"],
        "source_path": row["source_path"],
        "start": row["start"],
        "end": row["end"],
        "line": row["line"],
        "column": row["col"],
        "text": row["text"],
        "suggestions": json.loads(row["suggestions"]),
        "code": row["code"],
        "category": row["category"],
        "severity": row["severity"],
        "message": row["message"],
        "context": row["context"],
        "kind": row["kind"],
    }
    for key in ("source_start", "source_end", "paragraph", "paragraph_offset"):
        if row[key] is not None:
            rec[key] = row[key]
    return rec


def summarize(store: Store) -> dict:
    q = store.conn.execute
    t = q("""SELECT COUNT(*), COALESCE(SUM(length),0), COALESCE(SUM(findings),0), COALESCE(SUM(serious),0),
                    COALESCE(SUM(error),0), COALESCE(SUM(warning),0) FROM documents""").fetchone()
    errors = q("SELECT COUNT(*) FROM errors").fetchone()[0]
    verdicts = {v: 0 for v in ("fail", "warn", "pass")}
    verdicts.update(dict(q("SELECT verdict, COUNT(*) FROM documents GROUP BY verdict").fetchall()))
    by_category = dict(q("SELECT category, COUNT(*) FROM findings GROUP BY category ORDER BY category").fetchall())
    by_code = dict(q("SELECT code, COUNT(*) FROM findings GROUP BY code ORDER BY code").fetchall())
    by_group = [
        dict(zip(("group", "documents", "fail", "warn", "pass", "findings", "serious", "error", "warning"), row))
        for row in q("""SELECT grp, COUNT(*), SUM(verdict='fail'), SUM(verdict='warn'), SUM(verdict='pass'),
                               SUM(findings), SUM(serious), SUM(error), SUM(warning)
                        FROM documents GROUP BY grp ORDER BY grp""")
    ]
    top = []
    for text, suggestions, code, category, severity, count, docs in q(
        """SELECT text, suggestions, code, category, severity, COUNT(*) AS n, COUNT(DISTINCT doc_id)
           FROM findings GROUP BY text, suggestions, code ORDER BY n DESC, code, text LIMIT ?""", (TOP_ERRORS,)
    ):
        top.append({"text": text, "suggestions": json.loads(suggestions), "code": code, "category": category,
                    "severity": severity, "count": count, "documents": docs})
    config = store.get_meta("config", {})
    return {
        "errcheck_version": __version__,
        "ruleset_version": config.get("ruleset_version"),
        "complete": bool(store.get_meta("finished", False)),
        "sources": config.get("sources", []),
        "totals": {"documents": t[0], "characters": t[1], "findings": t[2], "unreadable": errors},
        "by_severity": {"serious": t[3], "error": t[4], "warning": t[5]},
        "verdicts": verdicts,
        "by_category": by_category,
        "by_code": by_code,
        "by_group": by_group,
        "top_errors": top,
        "run": store.get_meta("last_run", {}),
    }


def write_outputs(store: Store, out_dir: str | Path, *, max_rows: int | None = None,
                  max_articles: int | None = None) -> dict:
    """Write every output file; return the summary."""
    from . import report_html

    out = Path(out_dir)
    with _atomic(out / "findings.jsonl") as fh:
        for row in store.iter_findings():
            fh.write(json.dumps(finding_record(row), ensure_ascii=False) + "\n")
    with _atomic(out / "documents.csv", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(DOCUMENT_COLUMNS)
        for d in store.iter_documents():
            w.writerow([d["id"], d["grp"], d["date"] or "", d["kind"], d["source_path"], d["length"], d["verdict"],
                        d["score"], d["serious"], d["error"], d["warning"], d["findings"]])
    with _atomic(out / "errors.csv", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(ERROR_COLUMNS)
        for e in store.iter_errors():
            w.writerow([e["location"], e["id"], e["source_path"], e["reason"]])
    summary = summarize(store)
    with _atomic(out / "summary.json") as fh:
        json.dump(summary, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    kwargs = {k: v for k, v in (("max_rows", max_rows), ("max_articles", max_articles)) if v is not None}
    with _atomic(out / "report.html") as fh:
        report_html.render(store, summary, fh, **kwargs)
    return summary
