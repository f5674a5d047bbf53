"""What a worker does with a batch of tasks: load, check, and return plain results.

Results are small dicts (picklable, engine-independent); the coordinating process writes
them to the store. The same function runs in the local process pool, in-process with one
worker, and on dask workers, which is why the engines give identical results.
"""

from __future__ import annotations

import bisect

from .sources import DocumentError, Task, load


def check_task(checker, task: Task, encoding: str = "utf-8", default_as_of=None) -> dict:
    """Load and check one task; a document that cannot be loaded becomes an error result."""
    try:
        doc = load(task, encoding)
        report = checker.check(doc.text, as_of=doc.date or default_as_of)
    except DocumentError as exc:
        return {"type": "error", "location": task.location, "id": task.id,
                "source_path": task.source_path, "reason": str(exc)}
    except Exception as exc:  # a bug or an unforeseen input must not stop a long job
        return {"type": "error", "location": task.location, "id": task.id,
                "source_path": task.source_path, "reason": f"internal error: {type(exc).__name__}: {exc}"}
    to_source = doc.meta.get("to_source")
    starts = doc.meta.get("paragraph_starts")
    findings = []
    for f in report.findings:
        row = f.to_dict()
        del row["source"]  # the rule's reference: in the rule set, not repeated per finding
        if to_source is not None:
            row["source_start"] = to_source(f.start)
            row["source_end"] = to_source(f.end, end=True)
        if starts is not None:
            p = bisect.bisect_right(starts, f.start) - 1
            row["paragraph"] = p
            row["paragraph_offset"] = f.start - starts[p]
        findings.append(row)
    return {
        "type": "document",
        "id": doc.id,
        "group": doc.group,
        "date": doc.date,
        "date_source": doc.date_source,
        "title": doc.title,
        "kind": doc.kind,
        "source_path": doc.source_path,
        "location": task.location,
        "length": report.length,
        "verdict": report.verdict,
        "score": report.score,
        "counts": dict(report.counts),
        "findings": findings,
        # the text is kept only where there is something to show in the report
        "text": doc.text if findings else None,
    }


def check_batch(checker, tasks: list[Task], encoding: str = "utf-8", default_as_of=None) -> list[dict]:
    return [check_task(checker, t, encoding, default_as_of) for t in tasks]
