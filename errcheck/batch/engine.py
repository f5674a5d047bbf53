"""Run a scan: stream tasks → batches → workers → one store transaction per batch.

The coordinating process discovers documents lazily, skips what the store already holds
(resume), groups the rest into small batches and keeps only a bounded number of batches
in flight, so memory stays flat however large the archive. Results are committed as
batches complete, in any order; outputs are sorted afterwards, so the order in which
workers finish never shows.

Engines share this loop and differ only in how a batch is checked:

* `InlineEngine`: in this process (``--workers 1``);
* `LocalEngine`: a `ProcessPoolExecutor` whose initializer builds the `Checker` once per
  worker (the compiled automaton comes from the on-disk cache, so this is quick);
* `errcheck.batch.dask_engine.DaskEngine`: a dask.distributed cluster.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import sys
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from .sources import SourceError, Task
from .store import Store
from .work import check_batch

#: a batch is closed at this many documents or characters, whichever comes first
BATCH_DOCS = 64
BATCH_CHARS = 400_000


@dataclass(frozen=True)
class CheckerConfig:
    """Everything needed to rebuild the same `Checker` in another process."""

    dictionaries: tuple[str, ...] = ()
    backend: str = "daachorse"
    categories: tuple[str, ...] | None = None
    min_severity: str | None = None
    mode: str = "fast"

    def build(self):
        from ..checker import Checker

        return Checker(list(self.dictionaries), backend=self.backend, categories=self.categories,
                       min_severity=self.min_severity, mode=self.mode)


# --- local engines ---------------------------------------------------------------------

_worker: dict = {}


def _init_worker(config: CheckerConfig, encoding: str, default_as_of) -> None:
    from .lock import release_inherited

    release_inherited()  # the coordinator holds the --out lock, not its workers
    _exit_with_parent()
    checker = _worker.get("inherited")  # forked from the coordinator: already loaded
    if checker is None:
        checker = config.build()
        checker.settle()  # from the on-disk cache the coordinator filled
    _worker.update(checker=checker, encoding=encoding, as_of=default_as_of)


def _exit_with_parent(interval: float = 0.5) -> None:
    """Exit when the coordinating process dies (e.g. ``kill -9``) instead of lingering."""
    import os
    import threading

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="errcheck-parent-watch", daemon=True).start()


def _run_batch(tasks: list[Task]) -> list[dict]:
    return check_batch(_worker["checker"], tasks, _worker["encoding"], _worker["as_of"])


class InlineEngine:
    name = "inline"

    def __init__(self, checker, encoding: str, default_as_of=None) -> None:
        self.checker, self.encoding, self.as_of = checker, encoding, default_as_of
        self.workers = 1
        self.ship_data = False

    def map_unordered(self, batches: Iterable[list[Task]]) -> Iterator[list[dict]]:
        for batch in batches:
            yield check_batch(self.checker, batch, self.encoding, self.as_of)

    def close(self) -> None:
        pass


class LocalEngine:
    name = "local"

    def __init__(self, config: CheckerConfig, workers: int, encoding: str, default_as_of=None,
                 checker=None) -> None:
        self.workers = workers
        self.ship_data = False
        # Linux: fork, so every worker inherits the coordinator's loaded rule set for free
        # (copy-on-write; the coordinator runs no threads and workers never touch its
        # SQLite handle). Elsewhere: spawn, and each worker loads the cached automaton once.
        method = "fork" if sys.platform == "linux" else "spawn"
        _worker["inherited"] = checker if method == "fork" else None
        self.pool = cf.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(method),
            initializer=_init_worker,
            initargs=(config, encoding, default_as_of),
        )

    def map_unordered(self, batches: Iterable[list[Task]]) -> Iterator[list[dict]]:
        limit = self.workers * 3
        pending: set[cf.Future] = set()
        it = iter(batches)
        exhausted = False
        while True:
            while not exhausted and len(pending) < limit:
                batch = next(it, None)
                if batch is None:
                    exhausted = True
                else:
                    pending.add(self.pool.submit(_run_batch, batch))
            if not pending:
                return
            done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                yield fut.result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


# --- the loop ----------------------------------------------------------------------------


@dataclass
class ScanStats:
    submitted: int = 0
    skipped: int = 0
    duplicates: int = 0
    source_errors: int = 0
    seconds: float = 0.0


def _batches(items: Iterable[Task | SourceError], store: Store, stats: ScanStats, ship_data: bool,
             on_skip: Callable[[], None], batch_docs: int = BATCH_DOCS) -> Iterator[list[Task]]:
    batch: list[Task] = []
    chars = 0
    for item in items:
        if isinstance(item, SourceError):
            if store.add_error(item.location, item.id, item.source_path, item.reason):
                stats.source_errors += 1
                on_skip()
            continue
        status = store.classify(item.id, item.location)
        if status == "done":
            stats.skipped += 1
            continue
        if status == "duplicate":
            first = store.first_location(item.id)
            if store.add_error(item.location, item.id, item.source_path, f"duplicate document id (first at {first})"):
                stats.duplicates += 1
                on_skip()
            continue
        if ship_data and item.text is None:
            item = _with_data(item)
        batch.append(item)
        chars += item.size
        stats.submitted += 1
        if len(batch) >= batch_docs or chars >= BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _with_data(task: Task) -> Task:
    """The task with its file's bytes, for workers that cannot see this file system."""
    from dataclasses import replace

    try:
        with open(task.source_path, "rb") as fh:
            return replace(task, data=fh.read())
    except OSError:
        return task  # the worker reports the read error


def run(engine, items: Iterable[Task | SourceError], store: Store, progress=None,
        batch_docs: int = BATCH_DOCS) -> ScanStats:
    """Check every item not yet in ``store``; commit each completed batch atomically."""
    stats = ScanStats()
    began = time.perf_counter()

    def on_skip() -> None:
        if progress:
            progress.advance(docs=1)

    for results in engine.map_unordered(_batches(items, store, stats, engine.ship_data, on_skip, batch_docs)):
        store.add_results(results)
        if progress:
            progress.advance(
                docs=len(results),
                chars=sum(r.get("length", 0) for r in results),
                findings=sum(len(r.get("findings", ())) for r in results),
            )
    store.commit()
    stats.seconds = time.perf_counter() - began
    return stats
