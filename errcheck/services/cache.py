"""The on-disk cache: where it is, and writing to it safely.

Compiled rule sets and generated word-list variants are kept as pickles under
``$ERRCHECK_CACHE_DIR`` (default ``~/.cache/errcheck``). A cache that cannot be read or
written is logged and ignored, never fatal.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    env = os.environ.get("ERRCHECK_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "errcheck"


def write_pickle(path: Path, payload, what: str) -> None:
    """Write atomically (temp file + rename), so a reader never sees half a cache; a
    cache that cannot be written is logged, never fatal."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot write %s %s: %s", what, path, exc)


def read_pickle(path: Path):
    """The pickled object at ``path``, or None when it is missing or unreadable."""
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.PickleError, EOFError, ValueError, AttributeError, ImportError):
        return None
