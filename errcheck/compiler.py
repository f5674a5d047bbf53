"""Compile the loaded rules into ONE automaton, and cache the result on disk.

Every rule family contributes patterns to the same table (`PatternTable`):

1. the characters that normalization changes, so that the scan itself tells whether a
   text needs normalizing;
2. every rule's listed ``wrong`` forms and ``allow`` phrases, whatever its family;
3. each family's generated patterns with their targets (`Family.compile`), in registry
   order;
4. each family's compact block (`Family.compile_block`), appended in registry order;
   the family alone knows what its block patterns mean (`Family.decode`).

One pattern may carry several meanings (the wrong form of one rule can be an allow phrase
of another), so each table index maps to a tuple of targets and to the set of codes it
suppresses.

The compiled rule set is cached under the user's cache directory keyed by a hash of the
dictionary bytes, the generation options and the source of every module that shapes the
result (`source_hash`), so a second start loads it instead of rebuilding (pickle for the
tables, the backend's own bytes for the automaton).
"""

from __future__ import annotations

import ast
import bisect
import functools
import hashlib
import logging
import pickle
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Sequence

from ._version import __version__
from .families import BY_NAME, FAMILIES, BuildContext, Candidate, PatternTable
from .loader import load_rules
from .matcher import Matcher, build_matcher, load_matcher
from .normalize import FOLD_TABLE
from .rules import Rule
from .services.confusables import Confusables, load_shape_table
from .services.cache import write_pickle
from .services.segment import rare_words

log = logging.getLogger(__name__)

#: Bump when the pickled layout below changes, so old caches are ignored.
CACHE_FORMAT = 12


@dataclass(slots=True)
class CompiledRules:
    rules: tuple[Rule, ...]
    patterns: tuple[str, ...]
    #: per table pattern index: what it triggers, as plain ``(rule index, suggestions,
    #: kind, boundary)`` tuples (they unpickle at C speed; `Target` is made per match)
    targets: tuple[tuple[tuple, ...], ...]
    #: per table pattern index: codes whose findings this pattern suppresses when it covers them
    allow: tuple[frozenset[str], ...]
    matcher: Matcher
    version: str
    #: patterns ``0 .. fold_marks-1`` are the characters that `normalize` changes
    fold_marks: int = 0
    #: length of the longest allow pattern (bounds the allow look-up in `filter`)
    longest_allow: int = 0
    #: dictionary words too rare to count in the word-boundary check
    rare_words: frozenset[str] = frozenset()
    stats: dict = field(default_factory=dict)
    #: compact blocks after the table patterns: ``(base, family name, payload)``, in
    #: pattern order; block pattern ``base + k`` is decoded by the family
    blocks: tuple[tuple[int, str, object], ...] = ()

    @property
    def backend(self) -> str:
        return self.matcher.backend

    @property
    def compact_base(self) -> int:
        """Pattern indexes from here on belong to compact blocks."""
        return len(self.targets)

    def decode(self, start: int, end: int, index: int, selection) -> list[Candidate]:
        """The candidates of compact pattern ``index`` matched at ``[start, end)``."""
        blocks = self.blocks
        i = bisect.bisect_right(blocks, index, key=_block_base) - 1
        base, name, payload = blocks[i]
        return BY_NAME[name].decode(payload, index - base, start, end, self.rules, selection)


def _block_base(block: tuple) -> int:
    return block[0]


def build(paths: Sequence[Path], backend: str, version: str, options) -> CompiledRules:
    """Load the dictionaries under ``paths`` and compile them: the whole build of a rule
    set. Look-alike tables are every ``confusables/shape*.tsv`` under each path, shipped
    and user-supplied; ``options`` are the `VariantOptions` of generated variants."""
    rules = load_rules(paths)
    shape_tables = [f for p in paths for f in sorted((Path(p) / "confusables").glob("shape*.tsv"))]
    confusables = Confusables(common_limit=options.common_characters, shape=load_shape_table(*shape_tables))
    return compile_rules(rules, backend, version, confusables, options)


def compile_rules(
    rules: Sequence[Rule],
    backend: str,
    version: str,
    confusables=None,
    options=None,
) -> CompiledRules:
    """Compile ``rules`` (sorted by code, as `load_rules` returns them). ``confusables``
    and ``options`` (`VariantOptions`) are handed to the families that generate variants."""
    began = time.perf_counter()
    table = PatternTable(rules)
    context = BuildContext(confusables=confusables, variant_options=options)

    # Characters that normalization would change come first, as one-character patterns:
    # the scan itself then tells whether the text needs normalizing (rarely), so clean
    # text is read once, by the automaton, and never by a separate regex.
    for ch in sorted(FOLD_TABLE):
        table.add(chr(ch))
    fold_marks = len(table.patterns)

    for rule in rules:
        for wrong in rule.wrong:
            table.add_target(wrong, (table.rule_index(rule), rule.right, "listed", rule.checks_boundary(wrong)))
        for phrase in rule.allow:
            table.add_allow(phrase, rule.code)

    stats: dict = {}
    for family in FAMILIES:
        result = family.compile(rules, table, context)
        if result is not None and family.stats_key:
            stats[family.stats_key] = result
    blocks = []
    block_patterns: list[str] = []
    for family in FAMILIES:
        block = family.compile_block(rules, table, context)
        if block is None:
            continue
        if family.stats_key:
            stats[family.stats_key] = block.stats
        blocks.append((len(table.patterns) + len(block_patterns), family.name, block.payload))
        block_patterns.extend(block.patterns)
    patterns = table.patterns
    matcher = build_matcher(patterns + block_patterns, backend)
    return CompiledRules(
        rules=tuple(rules),
        patterns=tuple(patterns),
        targets=_shared_tuples(table.targets),
        allow=tuple(frozenset(a) for a in table.allow),
        matcher=matcher,
        version=version,
        fold_marks=fold_marks,
        longest_allow=max((len(p) for p, a in zip(patterns, table.allow) if a), default=0),
        rare_words=rare_words(),
        stats={
            "rules": len(rules),
            "patterns": len(patterns) - fold_marks,
            "build_seconds": round(time.perf_counter() - began, 3),
            **stats,
        },
        blocks=tuple(blocks),
    )


def _shared_tuples(targets: list[list[tuple]]) -> tuple[tuple, ...]:
    """Each pattern's targets as a tuple, with equal targets and equal tuples shared: the
    hundreds of thousands of generated variants have a few thousand distinct targets (one
    per term and kind), and sharing them saves tens of MB in every serving process (the
    cache pickles each shared object once)."""
    seen: dict[tuple, tuple] = {}

    def share(t: tuple) -> tuple:
        return seen.setdefault(t, t)

    return tuple(share(tuple(map(share, t))) for t in targets)


def clear_build_caches() -> None:
    """Drop the module-level tables that only building a rule set uses (character and
    word frequencies, reading indexes, the families' own): a serving process calls this
    after a cold build or a reload to give the memory back; the next build refills them."""
    from .services import confusables

    for fn in (confusables.jieba_frequencies, confusables.character_frequencies, confusables.common_characters,
               confusables._readings, confusables._by_syllable):
        fn.cache_clear()
    for family in FAMILIES:
        family.clear_caches()


# --------------------------------------------------------------------------- cache key


@functools.cache
def source_hash() -> str:
    """Hash of the source of every errcheck module that shapes a compiled rule set: this
    module and everything it imports from the package, transitively (the families, the
    loader's helpers, the services), found by reading the imports, so that a changed
    module invalidates the on-disk cache without a hand-kept list."""
    return hash_sources(Path(__file__).resolve().parent)


def hash_sources(package: Path) -> str:
    """`source_hash` of the package at ``package``."""
    digest = hashlib.sha256()
    for path in sorted(_package_imports(package / "compiler.py", package)):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _package_imports(start: Path, package: Path) -> set[Path]:
    """``start`` and the package modules it imports, transitively (relative and
    ``errcheck.`` absolute imports, at any depth of the file)."""
    seen: set[Path] = set()
    todo = [start]
    while todo:
        path = todo.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        here = path.parent
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here
                    for _ in range(node.level - 1):
                        base = base.parent
                    parts = node.module.split(".") if node.module else []
                elif node.module and node.module.split(".")[0] == package.name:
                    base, parts = package, node.module.split(".")[1:]
                else:
                    continue
                target = base.joinpath(*parts)
                names = [a.name for a in node.names]
                todo.extend(_module_files(target, names))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] == package.name:
                        todo.extend(_module_files(package.joinpath(*parts[1:]), []))
    return seen


def _module_files(target: Path, names: list[str]) -> list[Path]:
    """The files of module ``target`` (a package's ``__init__``) and of any submodules
    imported from it by name."""
    found = []
    if target.with_suffix(".py").is_file():
        found.append(target.with_suffix(".py"))
    if (target / "__init__.py").is_file():
        found.append(target / "__init__.py")
        found.extend(target / f"{n}.py" for n in names if (target / f"{n}.py").is_file())
    return found


# --------------------------------------------------------------------------- the cache


def _cache_path(cache_dir: Path, version: str, backend: str) -> Path:
    return cache_dir / f"rules-{version[:24]}-{backend}-{__version__}-v{CACHE_FORMAT}.pickle"


def load_or_compile(
    load: "callable",
    version: str,
    backend: str,
    cache_dir: Path | None,
) -> tuple[CompiledRules, str]:
    """Return the compiled rules and how they were obtained (``cache`` or ``built``).

    ``load`` is called to load and compile the rules only when the cache misses. A cache
    that cannot be read or written is ignored (logged), never fatal. Every field of
    `CompiledRules` is cached as it is, except the matcher, which is stored as the
    backend's own bytes.
    """
    path = _cache_path(cache_dir, version, backend) if cache_dir else None
    if path and path.is_file():
        try:
            with path.open("rb") as fh:
                data = pickle.load(fh)
            data["matcher"] = load_matcher(data.pop("automaton"), backend)
            return CompiledRules(**data), "cache"
        except Exception as exc:  # a stale or corrupt cache is rebuilt
            log.warning("ignoring unreadable rule cache %s: %s", path, exc)
    compiled = load()
    if path:
        payload = {f.name: getattr(compiled, f.name) for f in fields(CompiledRules) if f.name != "matcher"}
        payload["automaton"] = compiled.matcher.to_bytes()
        write_pickle(path, payload, "rule cache")
    return compiled, "built"
