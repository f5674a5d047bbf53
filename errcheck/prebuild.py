"""``python -m errcheck.prebuild OUTDIR``: compile the shipped rule set into ``OUTDIR``
(a pickle and ``manifest.json``), the way a wheel ships it in ``errcheck/data/prebuilt``.

The wheel's build hook (``hatch_build.py``) runs this while the wheel is built, so the
first ``errcheck check`` after ``pip install`` loads the compiled rule set instead of
building it (~20 s, ~800 MB). The manifest records what the rule set was made with (the
Python minor version, errcheck's version and cache format, the automaton library's
version: `errcheck.compiler.prebuilt_tag`); an installation that differs builds the rule
set on first use as before.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .compiler import build, source_hash, write_prebuilt
from .families.terms import VariantOptions
from .loader import fingerprint
from .matcher import DEFAULT_BACKEND
from .resources import builtin_dictionaries
from .services.confusables import save_tables


def prebuild(folder: Path, backend: str = DEFAULT_BACKEND, progress=None) -> Path:
    """Compile the shipped dictionaries into ``folder``; the pickle's path."""
    options = VariantOptions()
    paths = [builtin_dictionaries()]
    version = fingerprint(paths, extra=options.cache_key() + source_hash())
    compiled = build(paths, backend, version, options, progress)
    save_tables(folder)  # the character and word tables, for overlays of users' protected terms
    return write_prebuilt(compiled, folder)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m errcheck.prebuild", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--backend", default=DEFAULT_BACKEND, choices=["daachorse", "pyahocorasick"])
    args = parser.parse_args(argv)
    began = time.perf_counter()
    path = prebuild(args.folder, args.backend)
    print(f"prebuilt {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - began:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
