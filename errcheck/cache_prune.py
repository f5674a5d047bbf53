"""Keep the on-disk cache of compiled rule sets from growing forever.

The cache directory (``$ERRCHECK_CACHE_DIR``, default ``~/.cache/errcheck``; see
`errcheck.services.cache.default_cache_dir`) gets one ``rules-<version>-...pickle`` (~50 MB) per
distinct dictionary set, compiler version and backend, and one ``wordlist-<key>.pickle``
per word list. Every dictionary edit followed by a reload adds one; nothing removed them.

`prune_cache` keeps the ``keep`` most recently used files of each kind (by the later of
access and modification time; ``$ERRCHECK_CACHE_KEEP``, default 3) plus any file named in
``protect`` (the rule set in use), and deletes the others. Half-written temporary files
(``.rules-*.tmp``) older than an hour are removed too. A file that vanishes or cannot be
deleted meanwhile is skipped: pruning never fails the caller. A process that still wanted
a pruned file simply rebuilds it.

Callers: the web service after a reload, ``errcheck check`` and ``errcheck scan`` after
loading their rule set.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Iterable

log = logging.getLogger("errcheck")

DEFAULT_KEEP = 3
KINDS = ("rules-*.pickle", "wordlist-*.pickle")
STALE_TEMP_SECONDS = 3600


def default_keep() -> int:
    try:
        return max(1, int(os.environ.get("ERRCHECK_CACHE_KEEP", DEFAULT_KEEP)))
    except ValueError:
        return DEFAULT_KEEP


def _last_use(path: Path) -> float | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return max(st.st_atime, st.st_mtime)


def prune_cache(cache_dir: str | os.PathLike | None = None, keep: int | None = None,
                protect: Iterable[str] = ()) -> list[Path]:
    """Delete all but the ``keep`` most recently used cache files of each kind in
    ``cache_dir`` (default: the library's cache directory); never a file whose name
    starts with one of ``protect``. Returns the deleted paths."""
    if cache_dir is None:
        from .services.cache import default_cache_dir

        cache_dir = default_cache_dir()
    folder = Path(cache_dir)
    keep = default_keep() if keep is None else max(1, keep)
    protect = tuple(protect)
    deleted: list[Path] = []
    if not folder.is_dir():
        return deleted
    for pattern in KINDS:
        used = [(t, p) for p in folder.glob(pattern) if (t := _last_use(p)) is not None]
        used.sort(key=lambda tp: (tp[0], tp[1].name), reverse=True)
        for _, path in used[keep:]:
            if protect and path.name.startswith(protect):
                continue
            if _unlink(path):
                deleted.append(path)
    now = time.time()
    for tmp in folder.glob(".*.tmp"):
        t = _last_use(tmp)
        if t is not None and now - t > STALE_TEMP_SECONDS and _unlink(tmp):
            deleted.append(tmp)
    if deleted:
        log.info("pruned %d old file(s) from the rule cache %s", len(deleted), folder)
    return deleted


def prune_after_build(checker, cache_dir: str | os.PathLike | None = None) -> list[Path]:
    """Prune when ``checker`` (loaded) has just compiled its rule set and so added a file
    to the cache; the file it uses is kept. Never raises."""
    try:
        info = checker.load_info
        if info.get("base", info.get("source")) != "built":  # an overlay is never cached
            return []
        return prune_cache(cache_dir, protect=[f"rules-{v[:24]}-" for v in checker.cache_versions])
    except Exception as exc:  # housekeeping must not fail a check
        log.warning("cache pruning failed: %s", exc)
        return []


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError as exc:
        log.warning("cannot prune %s: %s", path, exc)
        return False
