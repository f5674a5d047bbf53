"""Write ``dictionaries/schema.json`` from the rule families' own schema parts.

    python tools/build_schema.py           # rewrite the file
    python tools/build_schema.py --check   # exit 1 if the file is out of date

Each family (``errcheck/families/*.py``) owns its part (`Family.schema`); the registry
assembles them (`errcheck.families.schema`). Editors use the file for completion and
validation (``# yaml-language-server: $schema=../schema.json``); the loader stays
authoritative.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from errcheck.families import schema  # noqa: E402

TARGET = ROOT / "dictionaries" / "schema.json"


def render() -> str:
    return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that the file is up to date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run python tools/build_schema.py", file=sys.stderr)
            return 1
        print(f"{TARGET.relative_to(ROOT)} is up to date")
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
