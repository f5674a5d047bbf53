"""Write the result files from the store, in a deterministic order.

``findings.jsonl``  one line per finding, sorted by document id then position;
``findings.csv``    the same findings for a spreadsheet, with the sentence each is in;
``documents.csv``   one row per checked document (title, date and its source, verdict and
                    counts), sorted by id;
``errors.csv``      files and records that could not be read or parsed, with the reason in
                    English and Chinese;
``summary.json``    totals and breakdowns (everything except ``run`` is deterministic);
``report.html``     the human report (see `report_html`).

The CSV files are written for Excel as used in China: UTF-8 with a byte-order mark (without
one, Excel reads them as GBK and garbles every Chinese character), CRLF line ends, and
no cell that Excel would run as a formula: a text cell that begins with ``= + - @``, a
tab or a carriage return gets a leading ``'`` (CSV injection; the ``'`` shows in the cell
and is part of the value for other readers).

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
from .excerpt import sentence
from .store import Store

DOCUMENT_COLUMNS = ("document_id", "title", "group", "date", "date_source", "kind", "source_path", "length",
                    "verdict", "score", "serious", "error", "warning", "findings")
ERROR_COLUMNS = ("location", "document_id", "source_path", "reason", "reason_zh")
FINDING_CSV_COLUMNS = ("document_id", "title", "group", "date", "date_source", "source_path", "line", "column",
                       "paragraph", "text", "suggestions", "code", "category", "severity", "message", "sentence")
TOP_ERRORS = 20
OUTPUT_FILES = ("findings.jsonl", "findings.csv", "documents.csv", "errors.csv", "summary.json", "report.html")
#: the first characters that make Excel (and LibreOffice) treat a cell as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@contextmanager
def _atomic(path: Path, newline=None, encoding="utf-8"):
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding=encoding, newline=newline) as fh:
        yield fh
    os.replace(tmp, path)


def csv_cell(value):
    """A value as a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@contextmanager
def _csv(path: Path, header):
    """An Excel-ready CSV writer (BOM, CRLF, formula guard) on an atomically written file."""
    with _atomic(path, newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(header)
        yield lambda row: w.writerow([csv_cell(v) for v in row])


def _with_sentences(store: Store):
    """Joined finding rows, each with the `Excerpt` of its sentence (None without text)."""
    current, text = None, None
    for row in store.iter_findings():
        if row["id"] != current:
            current, text = row["id"], store.text_of(row["id"])
        yield row, (sentence(text, row["start"], row["end"]) if text is not None else None)


def finding_record(row: dict, excerpt=None) -> dict:
    """A findings.jsonl line from a joined store row (and the sentence it is in)."""
    rec = {
        "document_id": row["id"],
        "title": row["title"],
        "group": row["grp"],
        "date": row["date"],
        "date_source": row["date_source"],
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
    if excerpt is not None:
        rec["sentence"] = excerpt.plain()
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
    by_date_source = dict(q("SELECT COALESCE(date_source, ''), COUNT(*) FROM documents GROUP BY 1 ORDER BY 1").fetchall())
    run = dict(store.get_meta("last_run", {}))
    first = store.get_meta("first_started")
    if first:
        run["first_started"] = first
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
        "by_date_source": by_date_source,
        "as_of": config.get("as_of"),
        "top_errors": top,
        "run": run,
    }


def write_outputs(store: Store, out_dir: str | Path, *, max_rows: int | None = None,
                  max_articles: int | None = None) -> dict:
    """Write every output file; return the summary."""
    from . import report_html

    out = Path(out_dir)
    with _atomic(out / "findings.jsonl") as fh, _csv(out / "findings.csv", FINDING_CSV_COLUMNS) as row_out:
        for row, excerpt in _with_sentences(store):
            rec = finding_record(row, excerpt)
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            row_out([rec["document_id"], rec["title"], rec["group"], rec["date"], rec["date_source"],
                     rec["source_path"], rec["line"], rec["column"],
                     rec["paragraph"] + 1 if "paragraph" in rec else None, rec["text"], "、".join(rec["suggestions"]),
                     rec["code"], rec["category"], rec["severity"], rec["message"], rec.get("sentence")])
    with _csv(out / "documents.csv", DOCUMENT_COLUMNS) as row_out:
        for d in store.iter_documents():
            row_out([d["id"], d["title"], d["grp"], d["date"], d["date_source"], d["kind"], d["source_path"],
                     d["length"], d["verdict"], d["score"], d["serious"], d["error"], d["warning"], d["findings"]])
    with _csv(out / "errors.csv", ERROR_COLUMNS) as row_out:
        for e in store.iter_errors():
            row_out([e["location"], e["id"], e["source_path"], e["reason"], e["reason_zh"]])
    summary = summarize(store)
    with _atomic(out / "summary.json") as fh:
        json.dump(summary, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    kwargs = {k: v for k, v in (("max_rows", max_rows), ("max_articles", max_articles)) if v is not None}
    with _atomic(out / "report.html") as fh:
        report_html.render(store, summary, fh, **kwargs)
    return summary
