"""A one-line progress bar on standard error: documents, characters/s, findings, ETA.

Drawn only when the stream is a terminal (and not ``--quiet``); redrawn at most
``interval`` seconds apart, so it costs nothing measurable.
"""

from __future__ import annotations

import time


def _fmt_duration(seconds: float) -> str:
    seconds = int(max(0, seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


def _fmt_rate(value: float) -> str:
    for unit, div in (("M", 1e6), ("k", 1e3)):
        if value >= div:
            return f"{value / div:.1f}{unit}"
    return f"{value:.0f}"


class Progress:
    def __init__(self, stream, *, total: int | None = None, enabled: bool = True, done: int = 0,
                 findings: int = 0, interval: float = 0.2, width: int = 24) -> None:
        self.stream = stream
        self.total = total
        self.enabled = enabled
        self.docs = done  # already in the store (resume)
        self._start_docs = done
        self.chars = 0
        self.findings = findings
        self.interval = interval
        self.width = width
        self.began = time.monotonic()
        self._last = 0.0

    def advance(self, docs: int = 0, chars: int = 0, findings: int = 0) -> None:
        self.docs += docs
        self.chars += chars
        self.findings += findings
        if self.enabled:
            now = time.monotonic()
            if now - self._last >= self.interval:
                self._last = now
                self._draw(now)

    def line(self, now: float | None = None) -> str:
        elapsed = max(1e-9, (now or time.monotonic()) - self.began)
        rate_docs = (self.docs - self._start_docs) / elapsed
        parts = []
        if self.total:
            frac = min(1.0, self.docs / self.total)
            filled = int(frac * self.width)
            parts.append(f"[{'#' * filled}{'.' * (self.width - filled)}] {frac:4.0%}")
            parts.append(f"{self.docs:,}/{self.total:,} docs")
        else:
            parts.append(f"{self.docs:,} docs")
        parts.append(f"{_fmt_rate(self.chars / elapsed)} chars/s")
        parts.append(f"{self.findings:,} findings")
        if self.total and rate_docs > 0:
            parts.append(f"ETA {_fmt_duration((self.total - self.docs) / rate_docs)}")
        return "  ".join(parts)

    def _draw(self, now: float) -> None:
        self.stream.write("\r" + self.line(now) + "\033[K")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
