"""Rule-set reloads: across all workers, and without leaving memory behind.

**Every worker reloads.** ``POST /v1/admin/reload`` reaches one worker process. That
worker reloads, then publishes a *reload signal*: a small file ``reload`` in the run
directory (``ERRCHECK_RUN_DIR``; ``errcheck serve`` creates a private one for its workers
and removes it on exit) holding a fresh random token. Before each request every worker
``stat()``s that file (about a microsecond); when it changed and holds a token the worker
has not applied, the worker reloads (from the on-disk cache the first worker just filled)
*before* answering. So once the admin call has returned, every later request, on any
worker, is answered with the new rule set. A worker whose own reload fails keeps its rule
set and logs the reason. Without a run directory (one process, e.g. plain
``uvicorn --factory service.main:create_app``) there is nothing to coordinate.

**No memory left behind.** After a swap the old checker is dropped, ``gc.collect()``
runs, and glibc is asked to return free memory to the system (``malloc_trim(0)``). A
*cold* build (the dictionaries changed, no cached compiled rule set) runs in a child
process that only fills the on-disk cache; the worker then loads the result from the
cache, so the build's peak (~1 GB) and its tables never stay in the worker
(``ERRCHECK_BUILD_IN_CHILD=false`` builds in the worker instead: faster repeated
rebuilds, but 450–600 MB stay resident). Old compiled rule sets in the cache are
pruned (`errcheck.cache_prune`).

Measured by ``benchmarks/reload_memory.py`` (RSS of one worker; budget 300 MB): before,
264 MB at start, 414 MB after one cached reload (the first rule set stayed referenced by
the lifespan), 862–993 MB after cold builds; after, 262 → 278 MB after cached reloads,
287–303 MB after two cold builds and six reloads.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

from errcheck import Checker

log = logging.getLogger("errcheck.service")

SIGNAL_NAME = "reload"
#: longest a child process may take for a cold build, seconds
CHILD_BUILD_TIMEOUT = 900


# --- building a checker ----------------------------------------------------------------

class _ColdBuild(Exception):
    """Raised instead of compiling: the compiled rule set is not in the cache."""


def _refuse_cold_build(*args, **kwargs):
    raise _ColdBuild


def new_checker(settings) -> Checker:
    return Checker(
        settings.dictionaries,
        builtin=settings.builtin_dictionaries,
        backend=settings.backend,
        cache_dir=settings.cache_dir,
    )


_CHILD = """\
import json, sys
from errcheck import Checker
a = json.loads(sys.argv[1])
Checker(a["dictionaries"], builtin=a["builtin"], backend=a["backend"], cache_dir=a["cache_dir"]).load()
"""


def build_in_child(settings) -> bool:
    """Compile the rule set of ``settings`` in a child process, which writes it to the
    on-disk cache and exits (so its peak memory goes with it). True when it succeeded."""
    import errcheck

    args = json.dumps({
        "dictionaries": [str(p) for p in settings.dictionaries],
        "builtin": settings.builtin_dictionaries,
        "backend": settings.backend,
        "cache_dir": str(settings.cache_dir) if settings.cache_dir else None,
    })
    root = str(Path(errcheck.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, args], env=env, capture_output=True, text=True,
                              timeout=CHILD_BUILD_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("cold build in a child process failed (%s); building in the worker", exc)
        return False
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        log.info("cold build in a child process failed (%s); building in the worker", last)
        return False
    return True


def load_checker(settings, isolate_cold_build: bool = True) -> Checker:
    """A loaded checker for ``settings``; raises `errcheck.RuleError`.

    With ``isolate_cold_build``, a rule set that is not in the on-disk cache is compiled
    in a child process first (`build_in_child`) and then loaded from the cache; should
    the child fail (an invalid dictionary, an unwritable cache), the worker builds it
    itself, which raises the dictionary's error with its reason."""
    checker = new_checker(settings)
    if not isolate_cold_build or not hasattr(checker, "_compile"):
        checker.load()
        return checker
    checker._compile = _refuse_cold_build  # the cache lookup runs; compiling does not
    try:
        checker.load()
        del checker._compile
        return checker
    except _ColdBuild:
        pass
    build_in_child(settings)
    checker = new_checker(settings)
    checker.load()  # from the cache the child wrote, or built here
    return checker


# --- giving memory back -----------------------------------------------------------------

def _compile_time_caches():
    """Module-level tables that only a build uses (filled by an in-worker cold build)."""
    from errcheck import compiler

    yield compiler.clear_build_caches


_libc = None


def _malloc_trim() -> bool:
    global _libc
    if not sys.platform.startswith("linux"):
        return False
    try:
        if _libc is None:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(_libc.malloc_trim(0))
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return False


def release_memory(settings=None) -> None:
    """After a swap: drop the compile-time tables (unless ``ERRCHECK_BUILD_IN_CHILD`` is
    off: then cold builds happen in the worker and keeping them makes the next one
    faster), collect garbage, and return free heap pages to the system."""
    if getattr(settings, "build_in_child", True):
        for clear in _compile_time_caches():
            clear()
    gc.collect()
    _malloc_trim()


def prune_cache_after(checker: Checker, settings) -> None:
    from errcheck.cache_prune import prune_cache
    from errcheck.services.cache import default_cache_dir

    try:
        protect = [f"rules-{v[:24]}-" for v in checker.cache_versions]
        folders = {Path(settings.cache_dir) if settings.cache_dir else default_cache_dir(), default_cache_dir()}
        for folder in folders:
            prune_cache(folder, protect=protect)
    except Exception as exc:  # pruning is housekeeping: never fail a reload for it
        log.warning("cache pruning failed: %s", exc)


# --- the reload signal between workers ----------------------------------------------------

class ReloadSignal:
    """The run directory's ``reload`` file: written by the worker that reloaded, watched
    by all. ``path`` is None when there is no run directory (nothing to coordinate)."""

    def __init__(self, run_dir: Path | None) -> None:
        self.path = Path(run_dir) / SIGNAL_NAME if run_dir else None
        self.applied = self._read()[1] if self.path else None  # the rule set loaded at start is current
        self._seen = self._stat()

    def _stat(self):
        try:
            st = os.stat(self.path)
        except (OSError, TypeError):
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def _read(self) -> tuple[object, str | None]:
        key = self._stat()
        try:
            token = self.path.read_text(encoding="ascii").split()[0]
        except (OSError, IndexError, UnicodeDecodeError):
            token = None
        return key, token

    def pending(self) -> str | None:
        """The token of a reload this worker has not applied yet, else None (one stat)."""
        if self.path is None:
            return None
        key = self._stat()
        if key == self._seen:
            return None
        key, token = self._read()
        self._seen = key
        return token if token and token != self.applied else None

    def publish(self, version: str) -> None:
        """Tell the other workers to reload (atomically: temp file + rename)."""
        if self.path is None:
            return
        token = secrets.token_hex(8)
        tmp = self.path.with_name(f".{SIGNAL_NAME}-{os.getpid()}.tmp")
        try:
            tmp.write_text(f"{token} {version} {os.getpid()}\n", encoding="ascii")
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("cannot signal the reload to the other workers (%s): %s", self.path, exc)
            return
        self.applied = token
        self._seen = self._stat()


def swap(state, new: Checker) -> Checker | None:
    """Put ``new`` in force (one assignment); return the old one."""
    old, state.checker = state.checker, new
    state.ready = True
    return old


def follow_signal(state, settings, token: str) -> None:
    """Reload because another worker did (called in the thread pool before a request)."""
    with state.reload_lock:
        signal: ReloadSignal = state.reload_signal
        if signal.applied == token:
            return  # another request of this worker got there first
        try:
            new = load_checker(settings, isolate_cold_build=False)  # the other worker filled the cache
            from .checking import warm_up

            warm_up(new)
        except Exception as exc:
            signal.applied = token  # do not retry on every request
            log.warning("reload signalled by another worker failed; the rule set in force is unchanged: %s", exc)
            return
        old = swap(state, new)
        signal.applied = token
        previous = old.version if old is not None else ""
        del old
        release_memory(settings)
    log.info("rule set reloaded (signalled by another worker): %s -> %s", previous, new.version)


class ReloadSync:
    """ASGI middleware: before a request, apply a reload another worker signalled."""

    def __init__(self, app, state, settings) -> None:
        self.app, self.state, self.settings = app, state, settings

    async def __call__(self, scope, receive, send) -> None:
        signal = getattr(self.state, "reload_signal", None)
        if scope["type"] == "http" and signal is not None:
            token = signal.pending()
            if token is not None:
                from starlette.concurrency import run_in_threadpool

                signal._seen = None  # until applied, look again on every request
                await run_in_threadpool(follow_signal, self.state, self.settings, token)
        await self.app(scope, receive, send)
