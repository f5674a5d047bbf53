"""One scan at a time per output directory: an exclusive lock on ``OUT/.errcheck.lock``.

``errcheck scan`` and ``errcheck report`` take the lock before they touch anything in
``--out`` (the store, its WAL, the outputs) and hold it until they exit, so a second scan
on the same directory (``--resume`` or ``--force`` included) is refused with the pid of
the holder instead of corrupting or deleting the running scan's store.

The lock is ``fcntl.flock`` on an open file: the kernel releases it when the holder's
process dies, even by ``kill -9``, so a stale lock file never blocks a resume. (Worker
processes forked by the local engine inherit the descriptor; they close it at start, see
`release_inherited`, so the lock does not outlive the coordinator.) Where ``fcntl`` is
missing (Windows) no lock is taken.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

LOCK_NAME = ".errcheck.lock"

#: the descriptor held by this process (to be closed in forked children)
_held: list[int] = []


class OutDirError(Exception):
    """``--out`` cannot be used: not a directory, not writable, or in use by another scan."""


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 64).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return text if text.isdigit() else ""


def lock_out_dir(out_dir: str | os.PathLike, what: str = "scan") -> int:
    """Create ``out_dir`` if needed and lock it for this process; return the descriptor
    (keep it open). Raises `OutDirError` with a clear reason."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutDirError(f"--out {out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutDirError(f"--out {out}: cannot create or write there: {exc.strerror or exc}") from None
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _holder(fd)
            os.close(fd)
            who = f"process {pid}" if pid else "another process"
            raise OutDirError(f"--out {out} is in use by another errcheck {what} ({who}); wait for it to finish, "
                              "stop it, or choose another --out") from None
        except OSError:  # a file system without flock support (ENOLCK...): go on unlocked
            pass
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    except OSError as exc:
        os.close(fd)
        raise OutDirError(f"--out {out}: cannot write there: {exc.strerror or exc}") from None
    _held.append(fd)
    return fd


def unlock(fd: int) -> None:
    if fd in _held:
        _held.remove(fd)
    try:
        os.close(fd)  # closing the last descriptor releases the flock
    except OSError:
        pass


def release_inherited() -> None:
    """In a forked worker: close the coordinator's lock descriptors (the coordinator keeps
    the lock; the worker must not keep it alive after the coordinator dies)."""
    while _held:
        try:
            os.close(_held.pop())
        except OSError:
            pass
