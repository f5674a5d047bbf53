"""Where the shipped dictionaries live: the one place that knows."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def builtin_dictionaries() -> Path:
    """``errcheck/dictionaries`` inside an installed wheel, ``dictionaries/`` in a checkout."""
    for candidate in (_PACKAGE / "dictionaries", _PACKAGE.parent / "dictionaries"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("errcheck's dictionaries are missing from this installation")
