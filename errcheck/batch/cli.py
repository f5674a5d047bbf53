"""``errcheck scan SOURCE... --out DIR`` and ``errcheck report OUT_DIR``.

Exit status of ``scan``: 0 the scan completed and no finding is at or above ``--fail-on``
(default ``serious``); 1 it completed and at least one is; 2 usage, dictionary or store
error (nothing scanned), an ``--out`` that is not a writable directory or is in use by
another scan (see `errcheck.batch.lock`); 130 interrupted (resume with ``--resume``).
Files or records that cannot be read are recorded in errors.csv and do not change the
status.

Heavy dependencies (dask, python-docx) are imported only when a scan needs them.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _positive(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def add_commands(subparsers) -> None:
    from ..model import Severity
    from ..rules import CATEGORIES

    scan = subparsers.add_parser(
        "scan", help="scan an archive (directories, JSONL/CSV files, globs) into OUT",
        description="Check every document of an archive in parallel; results go to an SQLite store in --out "
                    "(resumable) and to findings.jsonl, documents.csv, errors.csv, summary.json and report.html.",
    )
    scan.add_argument("sources", nargs="+", metavar="SOURCE",
                      help="a directory (.txt .md .html .htm .docx, recursively), a .jsonl/.csv file, a file, or a glob")
    scan.add_argument("--out", "-o", required=True, metavar="DIR", help="output directory (created if needed)")
    rec = scan.add_argument_group("JSONL/CSV records")
    rec.add_argument("--id-field", default="id", help="field holding the document id (default: id)")
    rec.add_argument("--text-field", default="text", help="field holding the text (default: text)")
    rec.add_argument("--group-field", help="field holding the group: site, unit or account")
    rec.add_argument("--date-field", help="field holding the publication date; dated rules judge each article as of it "
                                          "(without one, the date is inferred from the document)")
    rec.add_argument("--title-field", help="field holding the article's title (for the report)")
    rec.add_argument("--html", action="store_true", help="the text field holds HTML")
    files = scan.add_argument_group("files")
    files.add_argument("--group-by-dir", action="store_true",
                       help="files under a directory: the group is the first sub-directory (e.g. one per site)")
    files.add_argument("--encoding", default="utf-8", help="text/HTML file encoding; 'auto' = a byte-order mark, else UTF-8, else GB18030")
    run = scan.add_argument_group("execution")
    run.add_argument("--workers", "-j", type=_positive, default=_cores(), help="worker processes (default: all cores)")
    run.add_argument("--engine", choices=["local", "dask"], default="local")
    run.add_argument("--scheduler", metavar="ADDRESS", help="dask scheduler, e.g. tcp://10.0.0.5:8786 (--engine dask)")
    run.add_argument("--batch-size", type=_positive, default=64,
                     help="documents per batch sent to a worker and committed in one transaction (default 64)")
    run.add_argument("--resume", action="store_true", help="continue the scan stored in --out")
    run.add_argument("--force", action="store_true", help="discard the scan stored in --out and start over")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary line")
    rules = scan.add_argument_group("rules")
    rules.add_argument("--dictionaries", "-d", action="append", metavar="DIR", help="extra dictionary file or directory")
    rules.add_argument("--min-severity", choices=[s.label for s in Severity], default=None)
    rules.add_argument("--category", action="append", choices=CATEGORIES)
    rules.add_argument("--as-of", metavar="YYYY-MM-DD",
                       help="date for documents with neither a given nor an inferred date (default: every rule applies)")
    rules.add_argument("--backend", choices=["daachorse", "pyahocorasick"], default="daachorse")
    rules.add_argument("--mode", choices=["fast", "thorough"], default="fast",
                       help="thorough: a language model also looks for typos no rule names (slower)")
    rules.add_argument("--fail-on", choices=[s.label for s in Severity], default="serious",
                       help="exit 1 when a finding at or above this severity exists (default: serious)")
    _report_options(scan)
    scan.set_defaults(handler=cmd_scan)

    report = subparsers.add_parser("report", help="regenerate the output files of a scan from its store")
    report.add_argument("out_dir", metavar="OUT_DIR")
    _report_options(report)
    report.set_defaults(handler=cmd_report)


def _report_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("report.html")
    g.add_argument("--max-rows", type=_positive, default=None, help="rows of the 问题清单 (default 20000)")
    g.add_argument("--max-articles", type=_positive, default=None, help="articles shown in full (default 2000)")


def cmd_scan(args: argparse.Namespace, out, err) -> int:
    import datetime as _dt

    from ..loader import fingerprint
    from ..rules import RuleError
    from .engine import CheckerConfig
    from .lock import OutDirError, lock_out_dir, unlock
    from .sources import SourceOptions, UsageError, expand_sources

    if args.scheduler and args.engine != "dask":
        print("errcheck: --scheduler needs --engine dask", file=err)
        return EXIT_ERROR
    try:
        resolved = expand_sources(args.sources)
        as_of = _dt.date.fromisoformat(args.as_of) if args.as_of else None
    except (UsageError, ValueError) as exc:
        print(f"errcheck: {exc}" if isinstance(exc, UsageError) else f"errcheck: --as-of: {exc}", file=err)
        return EXIT_ERROR
    config = CheckerConfig(
        dictionaries=tuple(str(Path(d).resolve()) for d in args.dictionaries or ()),
        backend=args.backend,
        categories=tuple(args.category) if args.category else None,
        min_severity=args.min_severity,
        mode=args.mode,
    )
    checker = config.build()
    try:
        if args.own_process:  # set by errcheck.cli.main
            checker.settle()  # loaded once, kept for the whole scan (and inherited by forked workers)
        else:
            checker.load()
    except RuleError as exc:
        print(f"errcheck: dictionary error: {exc}", file=err)
        return EXIT_ERROR
    from ..cache_prune import prune_after_build

    prune_after_build(checker)  # a new rule set was compiled and cached: drop the oldest
    options = SourceOptions(id_field=args.id_field, text_field=args.text_field, group_field=args.group_field,
                            date_field=args.date_field, title_field=args.title_field, html=args.html,
                            group_by_dir=args.group_by_dir,
                            encoding=args.encoding)
    store_config = {
        "sources": list(args.sources),
        "options": {k: getattr(options, k) for k in options.__slots__},
        "ruleset_version": checker.version,
        # a hash of the dictionary files themselves: what a resume must not change
        "dictionaries": fingerprint(checker.paths)[:16],
        "categories": sorted(config.categories) if config.categories else None,
        "min_severity": config.min_severity,
        "mode": config.mode,
        "as_of": as_of.isoformat() if as_of else None,
    }
    try:
        # before anything in --out is touched: a second scan on it stops here (exit 2)
        lock = lock_out_dir(args.out)
    except OutDirError as exc:
        print(f"errcheck: {exc}", file=err)
        return EXIT_ERROR
    try:
        return _scan(args, out, err, checker, config, resolved, options, store_config, as_of)
    finally:
        unlock(lock)


def _scan(args, out, err, checker, config, resolved, options, store_config, as_of) -> int:
    import sqlite3

    from ..model import Severity
    from .engine import InlineEngine, LocalEngine, run
    from .outputs import write_outputs
    from .progress import Progress
    from .sources import estimate_total, iter_items
    from .store import Store, StoreError

    try:
        store = Store.for_scan(args.out, store_config, resume=args.resume, force=args.force)
    except StoreError as exc:
        print(f"errcheck: {exc}", file=err)
        return EXIT_ERROR
    except (OSError, sqlite3.Error) as exc:
        print(f"errcheck: --out {args.out}: cannot create the scan store: {exc}", file=err)
        return EXIT_ERROR

    show = not args.quiet and hasattr(err, "isatty") and err.isatty()
    before = store.totals()
    progress = Progress(err, total=estimate_total(resolved, exclude=[args.out]) if show else None, enabled=show,
                        done=before["documents"] + before["errors"], findings=before["findings"])
    if args.engine == "dask":
        from .dask_engine import DaskEngine

        engine = DaskEngine(config, checker, args.scheduler, args.encoding, as_of, workers=args.workers)
    elif args.workers == 1:
        engine = InlineEngine(checker, args.encoding, as_of)
    else:
        engine = LocalEngine(config, args.workers, args.encoding, as_of, checker=checker)
    items = iter_items(resolved, options, exclude=[args.out])
    began = time.time()
    if store.get_meta("first_started") is None:  # the scan's first run (a store of an older version: its last)
        store.set_meta("first_started", store.get_meta("last_run", {}).get("started") or _stamp(began))
    try:
        stats = run(engine, items, store, progress, batch_docs=args.batch_size)
    except KeyboardInterrupt:
        store.commit()
        progress.close()
        print(f"errcheck: interrupted; continue with: errcheck scan ... --out {args.out} --resume", file=err)
        return EXIT_INTERRUPTED
    finally:
        engine.close()
    progress.close()
    store.set_meta("finished", True)
    store.set_meta("last_run", {
        "engine": engine.name, "workers": engine.workers, "seconds": round(stats.seconds, 3),
        "documents_checked": stats.submitted, "skipped_already_done": stats.skipped,
        "started": _stamp(began), "ended": _stamp(time.time()),
    })
    try:
        summary = write_outputs(store, args.out, max_rows=args.max_rows, max_articles=args.max_articles)
    except OSError as exc:
        print(f"errcheck: --out {args.out}: cannot write the outputs: {exc.strerror or exc} (the results are "
              f"in the store; regenerate them with: errcheck report {args.out})", file=err)
        return EXIT_ERROR
    finally:
        store.close()
    sev = summary["by_severity"]
    if not args.quiet:
        t = summary["totals"]
        print(f"{t['documents']:,} documents ({t['characters']:,} characters), {t['findings']:,} findings "
              f"({sev['serious']:,} serious, {sev['error']:,} error, {sev['warning']:,} warning), "
              f"{t['unreadable']:,} unreadable; {summary['verdicts']['fail']:,} documents fail → {args.out}/report.html",
              file=out)
    fail_on = Severity.parse(args.fail_on)
    worst = [s for s in Severity if s >= fail_on and sev[s.label]]
    return EXIT_FINDINGS if worst else EXIT_OK


def _stamp(seconds: float) -> str:
    """Local time, as the report shows it."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(seconds))


def cmd_report(args: argparse.Namespace, out, err) -> int:
    from .lock import OutDirError, lock_out_dir, unlock
    from .outputs import write_outputs
    from .store import Store, StoreError

    if not Store.exists(args.out_dir):
        print(f"errcheck: {args.out_dir}: no scan store here", file=err)
        return EXIT_ERROR
    try:
        lock = lock_out_dir(args.out_dir, what="scan or report")
    except OutDirError as exc:
        print(f"errcheck: {exc}", file=err)
        return EXIT_ERROR
    try:
        store = Store.open(args.out_dir)
        try:
            summary = write_outputs(store, args.out_dir, max_rows=args.max_rows, max_articles=args.max_articles)
        finally:
            store.close()
    except StoreError as exc:
        print(f"errcheck: {exc}", file=err)
        return EXIT_ERROR
    except OSError as exc:
        print(f"errcheck: {args.out_dir}: cannot write the outputs: {exc.strerror or exc}", file=err)
        return EXIT_ERROR
    finally:
        unlock(lock)
    note = "" if summary["complete"] else " (the scan is not complete)"
    print(f"wrote {Path(args.out_dir) / 'report.html'}{note}", file=out)
    return EXIT_OK
