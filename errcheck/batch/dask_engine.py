"""The dask.distributed engine: the same batches, checked on a cluster.

* The rule set is shipped to the workers ONCE: the dictionary files (shipped ones and
  ``--dictionaries``) are read here, scattered with ``broadcast=True``, and each worker
  process builds its `Checker` from them on first use and keeps it (keyed by the rule-set
  version). Workers therefore need errcheck installed, but not the dictionaries.
* Inputs are partitioned into the same batches as the local engine. Files are read by the
  client and their bytes travel with the batch, so workers need no shared file system.
* At most ``3 × workers`` batches are in flight, so the client's memory stays flat; results
  are committed to the client's store as they complete.

Because the worker runs the same `check_batch` on the same rules, results are identical to
the local engine (a test compares them).
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import Iterable, Iterator

from ..loader import data_files as _data_files, fingerprint
from .engine import CheckerConfig
from .sources import Task
from .work import check_batch

_checkers: dict = {}
_lock = threading.Lock()


def rule_spec(config: CheckerConfig, checker) -> dict:
    """The dictionaries' bytes, laid out so that a worker rebuilds the same rule set."""
    roots = []
    for root in checker.paths:
        root = Path(root)
        if root.is_dir():
            files = [(f.relative_to(root).as_posix(), f.read_bytes()) for f in _data_files(root)]
            roots.append({"dir": True, "files": files})
        else:
            roots.append({"dir": False, "files": [(root.name, root.read_bytes())]})
    return {
        "version": fingerprint(checker.paths),
        "roots": roots,
        "backend": config.backend,
        "categories": config.categories,
        "min_severity": config.min_severity,
    }


def _checker_from_spec(spec: dict):
    with _lock:
        checker = _checkers.get(spec["version"])
        if checker is None:
            from ..checker import Checker

            base = Path(tempfile.mkdtemp(prefix="errcheck-rules-"))
            paths = []
            for i, root in enumerate(spec["roots"]):
                folder = base / f"root{i}"
                for rel, data in root["files"]:
                    target = folder / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                paths.append(folder if root["dir"] else folder / root["files"][0][0])
            checker = Checker(paths, builtin=False, backend=spec["backend"], categories=spec["categories"],
                              min_severity=spec["min_severity"], cache_dir=base / "cache")
            checker.load()
            if fingerprint(checker.paths) != spec["version"]:
                raise RuntimeError("the dictionaries rebuilt on the worker differ from the client's")
            _checkers[spec["version"]] = checker
    return checker


def _dask_batch(tasks: list[Task], spec: dict, encoding: str, default_as_of) -> list[dict]:
    return check_batch(_checker_from_spec(spec), tasks, encoding, default_as_of)


class DaskEngine:
    name = "dask"
    ship_data = True

    def __init__(self, config: CheckerConfig, checker, scheduler: str | None, encoding: str,
                 default_as_of=None, workers: int | None = None) -> None:
        from distributed import Client, LocalCluster

        self._cluster = None
        if scheduler:
            self.client = Client(scheduler, timeout="30s")
        else:  # no address: a throw-away cluster on this machine
            self._cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                         dashboard_address=None, processes=True)
            self.client = Client(self._cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        self.encoding, self.as_of = encoding, default_as_of
        self.spec = self.client.scatter(rule_spec(config, checker), broadcast=True, hash=False)

    def map_unordered(self, batches: Iterable[list[Task]]) -> Iterator[list[dict]]:
        from distributed import as_completed

        limit = self.workers * 3
        it = iter(batches)
        ac = as_completed()

        def submit() -> bool:
            batch = next(it, None)
            if batch is None:
                return False
            ac.add(self.client.submit(_dask_batch, batch, self.spec, self.encoding, self.as_of, pure=False))
            return True

        for _ in range(limit):
            if not submit():
                break
        for fut in ac:
            results = fut.result()
            fut.release()
            submit()
            yield results

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
