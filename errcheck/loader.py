"""Load and validate the YAML dictionaries under ``dictionaries/`` (and the user's).

The file format is documented in ``dictionaries/README.md``. A file's top-level key names
the family that reads it (``entries``, ``terms``, ``wordlist``, ``divisions``: see
`errcheck.families`); ``defaults`` holds values its entries inherit. Loading is strict:
any problem raises `RuleError` naming the file, the line and the reason.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

import yaml

from .families import BY_FILE_KEY, DEFAULT_FAMILY, DEFAULT_KEYS, FAMILIES
from .rules import Rule, RuleError

FILE_KEYS = frozenset({"defaults"} | set(BY_FILE_KEY))


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe loader (libyaml's when available: ~10x faster) that records the line of
    every mapping under ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings until the families parse them, so a bad date is reported with its
# line instead of escaping from PyYAML's timestamp constructor as a bare ValueError.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_file(path: str | Path) -> list[Rule]:
    """Load and validate one dictionary file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RuleError(path, None, f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise RuleError(path, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleError(path, mark.line + 1 if mark else None, f"invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise RuleError(path, 1, "a dictionary file must be a mapping with an 'entries' list")
    unknown = set(data) - FILE_KEYS - {"__line__"}
    if unknown:
        raise RuleError(path, data.get("__line__"), f"unknown top-level key(s) {sorted(unknown)}")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise RuleError(path, None, "'defaults' must be a mapping")
    bad_defaults = set(defaults) - DEFAULT_KEYS - {"__line__"}
    if bad_defaults:
        raise RuleError(path, defaults.get("__line__"), f"key(s) {sorted(bad_defaults)} cannot be set in 'defaults'")
    defaults = {k: v for k, v in defaults.items() if k != "__line__"}
    present = [f for f in FAMILIES if f.file_key in data]
    for family in present:
        others = [o.file_key for o in present if o is not family and o.file_key not in family.combines_with]
        if others:
            raise RuleError(path, data.get("__line__"),
                            f"a '{family.file_key}' file cannot also have {', '.join(repr(o) for o in others)}")
    rules: list[Rule] = []
    for family in present or [DEFAULT_FAMILY]:
        rules.extend(family.load(data.get(family.file_key), defaults, path))
    return rules


def dictionary_files(paths: Iterable[str | Path]) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files under each path (a file or a directory), sorted."""
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise RuleError(p, None, "no such dictionary file or directory")
    return files


def load_rules(paths: Iterable[str | Path], progress=None) -> list[Rule]:
    """Load every dictionary under ``paths``, in order.

    Codes must be unique within one directory tree; a later path overrides an earlier
    one rule by rule (a user's directory given after the shipped one replaces a shipped
    rule with the same code and adds new ones). ``progress(phase, done, total)`` hears
    of each file.
    """
    by_code: dict[str, Rule] = {}
    trees = [dictionary_files([root]) for root in paths]
    total = sum(map(len, trees))
    done = 0
    for files in trees:
        seen: dict[str, Rule] = {}
        for f in files:
            done += 1
            if progress is not None:
                progress("reading dictionaries", done, total)
            for rule in load_file(f):
                if rule.code in seen:
                    first = seen[rule.code]
                    raise RuleError(f, rule.line, f"duplicate code {rule.code} (first defined at {first.path}:{first.line})")
                seen[rule.code] = rule
        by_code.update(seen)
    return sorted(by_code.values(), key=lambda r: r.code)


def data_files(root: Path) -> list[Path]:
    """Every file a compiled rule set depends on: the YAML plus tables such as shape.tsv."""
    root = Path(root)
    if root.is_file():
        return [root]
    return sorted(f for f in root.rglob("*") if f.is_file() and f.suffix in (".yaml", ".yml", ".tsv", ".txt"))


def fingerprint(paths: Iterable[str | Path], extra: str = "") -> str:
    """A hash of the dictionary files' names and bytes (and ``extra``, e.g. generation
    options): the key of the compiled cache."""
    digest = hashlib.sha256(extra.encode())
    for root in paths:
        for f in data_files(Path(root)):
            digest.update(f.name.encode())
            digest.update(b"\0")
            digest.update(f.read_bytes())
            digest.update(b"\0")
        digest.update(b"\1")
    return digest.hexdigest()
