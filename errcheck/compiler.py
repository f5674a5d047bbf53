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
import gc
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
from .services.confusables import Confusables, LazyTable, load_shape_table, save_tables
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
    #: an overlay only (never cached): the compiled rule set it sits on, the codes whose
    #: base candidates and allow phrases it replaces, and the base pattern indexes whose
    #: candidates of the named families it drops (see `compile_overlay`)
    base: "CompiledRules | None" = None
    overrides: frozenset[str] = frozenset()
    suppressed: dict = field(default_factory=dict)

    @property
    def backend(self) -> str:
        return self.matcher.backend

    @property
    def layers(self) -> tuple["CompiledRules", ...]:
        """The automata a check scans, the shipped rule set first: ``(self,)``, or
        ``(base, self)`` for an overlay."""
        return (self,) if self.base is None else (self.base, self)

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


def shape_tables(paths: Sequence[Path]) -> list[Path]:
    """The look-alike tables under ``paths``: every ``confusables/shape*.tsv``."""
    return [f for p in paths for f in sorted((Path(p) / "confusables").glob("shape*.tsv"))]


def build(paths: Sequence[Path], backend: str, version: str, options, progress=None) -> CompiledRules:
    """Load the dictionaries under ``paths`` and compile them: the whole build of a rule
    set. Look-alike tables are every ``confusables/shape*.tsv`` under each path, shipped
    and user-supplied; ``options`` are the `VariantOptions` of generated variants;
    ``progress(phase, done, total)`` hears of each phase."""
    rules = load_rules(paths, progress=progress)
    confusables = Confusables(common_limit=options.common_characters, shape=load_shape_table(*shape_tables(paths)))
    compiled = compile_rules(rules, backend, version, confusables, options, progress=progress)
    save_tables()  # for the overlays of users' protected terms
    return compiled


def compile_rules(
    rules: Sequence[Rule],
    backend: str,
    version: str,
    confusables=None,
    options=None,
    *,
    base: CompiledRules | None = None,
    progress=None,
) -> CompiledRules:
    """Compile ``rules`` (sorted by code, as `load_rules` returns them). ``confusables``
    and ``options`` (`VariantOptions`) are handed to the families that generate variants.

    With ``base`` (a compiled rule set), compile an **overlay**: ``rules`` are the user's
    rules only, added to the base's and replacing the base's rules with the same codes
    (see `compile_overlay`)."""
    began = time.perf_counter()
    overrides = frozenset(r.code for r in rules)
    if base is None:
        base_rules: tuple[Rule, ...] = ()
        in_force = tuple(rules)
    else:
        base_rules = tuple(r for r in base.rules if r.code not in overrides)
        in_force = tuple(sorted(base_rules + tuple(rules), key=_code))
    # the table indexes rules in the whole rule set in force, so that every rule's right
    # forms are protected (`PatternTable.protected`) whichever layer it lives in
    table = PatternTable(in_force)
    context = BuildContext(confusables=confusables, variant_options=options, base=base, base_rules=base_rules,
                           rules=tuple(rules), progress=progress)

    # Characters that normalization would change come first, as one-character patterns:
    # the scan itself then tells whether the text needs normalizing (rarely), so clean
    # text is read once, by the automaton, and never by a separate regex. (An overlay
    # leaves that to its base.)
    if base is None:
        for ch in sorted(FOLD_TABLE):
            table.add(chr(ch))
    fold_marks = len(table.patterns)

    context.report("listed forms", 0, len(rules))
    for rule in rules:
        for wrong in rule.wrong:
            table.add_target(wrong, (table.rule_index(rule), rule.right, "listed", rule.checks_boundary(wrong)))
        for phrase in rule.allow:
            table.add_allow(phrase, rule.code)

    stats: dict = {}
    for n, family in enumerate(FAMILIES):
        context.report(f"generating {family.name}", n, len(FAMILIES))
        result = family.compile(rules, table, context)
        if result is not None and family.stats_key:
            stats[family.stats_key] = result
    blocks = []
    block_patterns: list[str] = []
    for n, family in enumerate(FAMILIES):
        context.report(f"generating {family.name} block", n, len(FAMILIES))
        block = family.compile_block(rules, table, context)
        if block is None:
            continue
        if family.stats_key:
            stats[family.stats_key] = block.stats
        blocks.append((len(table.patterns) + len(block_patterns), family.name, block.payload))
        block_patterns.extend(block.patterns)
    if base is not None:
        for family in FAMILIES:
            family.shadow(table, context)
    patterns = table.patterns
    context.report("building the automaton", len(patterns) + len(block_patterns), len(patterns) + len(block_patterns))
    matcher = build_matcher(patterns + block_patterns, backend)
    return CompiledRules(
        rules=in_force,
        patterns=tuple(patterns),
        targets=_shared_tuples(table.targets),
        allow=tuple(frozenset(a) for a in table.allow),
        matcher=matcher,
        version=version,
        fold_marks=fold_marks,
        longest_allow=max((len(p) for p, a in zip(patterns, table.allow) if a), default=0),
        rare_words=rare_words() if base is None else base.rare_words,
        stats={
            "rules": len(rules),
            "patterns": len(patterns) - fold_marks,
            "build_seconds": round(time.perf_counter() - began, 3),
            **stats,
        },
        blocks=tuple(blocks),
        base=base,
        overrides=overrides if base is not None else frozenset(),
        suppressed={i: frozenset(f) for i, f in context.suppressed.items()},
    )


def _code(rule: Rule) -> str:
    return rule.code


def compile_overlay(base: CompiledRules, paths: Sequence[Path], version: str, options, progress=None,
                    shipped: Sequence[Path] = ()) -> CompiledRules:
    """Compile the user's dictionaries under ``paths`` into a small automaton on top of
    ``base``, the compiled shipped rule set, without rebuilding it.

    The result behaves as a full build of the shipped and the user's dictionaries: user
    rules add to the shipped ones and replace a shipped rule with the same code (its
    candidates and allow phrases in the base are dropped at check time); every rule's
    right forms stay protected across both layers; the families that generate variants
    compile only the user's rules, against the base's (``BuildContext.base``), and mark
    the base patterns a full build would not have had (`Family.shadow`). ``shipped``:
    the shipped dictionary directories, for their look-alike tables.

    Where it can differ from a full build (none seen on the test corpus): a shipped rule
    replaced with other right forms still protects its old ones in the base; the shipped
    approximate-match anchors were chosen without the user's phrases; the bound on
    candidates per text counts the matches of both automata; in thorough mode, a shipped
    variant kept for the context stage is not checked against the user's patterns."""
    # the base's millions of objects make every full garbage collection cost a few tenths
    # of a second; compiling a small overlay allocates enough to trigger several
    collecting = gc.isenabled()
    gc.disable()
    try:
        rules = load_rules(paths, progress=progress)
        confusables = Confusables(common_limit=options.common_characters, shape=LazyTable(*shape_tables(shipped)))
        return compile_rules(rules, base.backend, version, confusables, options, base=base, progress=progress)
    finally:
        if collecting:
            gc.enable()


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
    confusables.forget_tables()
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


#: where a wheel ships the compiled shipped rule set (`errcheck.prebuild` writes it when
#: the wheel is built); read-only, used only when its manifest matches this installation
PREBUILT_DIR = Path(__file__).resolve().parent / "data" / "prebuilt"
PREBUILT_MANIFEST = "manifest.json"


def prebuilt_tag(backend: str) -> dict:
    """What a prebuilt rule set must have been made with to be loaded here: the pickle
    and the automaton's bytes depend on the Python minor version, errcheck's version and
    cache format, and the version of the automaton library."""
    import sys

    tag = {"errcheck": __version__, "cache_format": CACHE_FORMAT, "backend": backend,
           "python": f"{sys.version_info[0]}.{sys.version_info[1]}"}
    try:
        from importlib.metadata import version as dist_version

        tag["library"] = dist_version("daachorse" if backend == "daachorse" else "pyahocorasick")
    except Exception:  # not installed as a distribution: no prebuilt set can be trusted
        tag["library"] = None
    return tag


def prebuilt_path(version: str, backend: str, folder: Path = PREBUILT_DIR) -> Path | None:
    """The prebuilt compiled rule set for ``version`` if one ships with this installation
    and was made for it (`prebuilt_tag`), else None (logged when one ships but does not
    match: the rule set is then built and cached as usual)."""
    manifest = folder / PREBUILT_MANIFEST
    if not manifest.is_file():
        return None
    import json

    try:
        entries = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable prebuilt manifest %s: %s", manifest, exc)
        return None
    tag = None
    for entry in entries if isinstance(entries, list) else []:
        if entry.get("version") != version or entry.get("backend") != backend:
            continue
        tag = tag or prebuilt_tag(backend)
        if all(entry.get(k) == v for k, v in tag.items()) and tag["library"]:
            path = folder / str(entry.get("file", ""))
            return path if path.is_file() else None
        log.info("the prebuilt rule set was made for %s, this is %s: building it instead",
                 {k: entry.get(k) for k in tag}, tag)
    return None


def write_prebuilt(compiled: CompiledRules, folder: Path) -> Path:
    """Write ``compiled`` and its manifest entry into ``folder`` (see `prebuilt_path`)."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    tag = prebuilt_tag(compiled.backend)
    name = _cache_path(folder, compiled.version, compiled.backend).name
    with (folder / name).open("wb") as fh:
        pickle.dump(_payload(compiled), fh, protocol=pickle.HIGHEST_PROTOCOL)
    manifest = folder / PREBUILT_MANIFEST
    entries = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else []
    entries = [e for e in entries if e.get("file") != name] + [{"file": name, "version": compiled.version, **tag}]
    manifest.write_text(json.dumps(entries, indent=1) + "\n", encoding="utf-8")
    return folder / name


#: fields of an overlay only: never cached
_OVERLAY_FIELDS = frozenset({"matcher", "base", "overrides", "suppressed"})


def _payload(compiled: CompiledRules) -> dict:
    payload = {f.name: getattr(compiled, f.name) for f in fields(CompiledRules) if f.name not in _OVERLAY_FIELDS}
    payload["automaton"] = compiled.matcher.to_bytes()
    return payload


def _read(path: Path, backend: str) -> CompiledRules:
    # unpickling millions of objects triggers garbage collections that find nothing to
    # free: without them the read takes half the time
    collecting = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as fh:
            data = pickle.load(fh)
    finally:
        if collecting:
            gc.enable()
    data["matcher"] = load_matcher(data.pop("automaton"), backend)
    return CompiledRules(**data)


def load_or_compile(
    load: "callable",
    version: str,
    backend: str,
    cache_dir: Path | None,
    progress=None,
    prebuilt: Path | bool = True,
) -> tuple[CompiledRules, str]:
    """Return the compiled rules and how they were obtained (``prebuilt``, ``cache`` or
    ``built``).

    A prebuilt rule set shipped in the package (`PREBUILT_DIR`, or the folder
    ``prebuilt``; False: none; see `prebuilt_path`) is loaded first, read-only; then the
    cache. ``load`` is called to load and compile the
    rules only when both miss. A cache that cannot be read or written is ignored
    (logged), never fatal. Every field of `CompiledRules` is cached as it is, except the
    matcher, which is stored as the backend's own bytes.
    """
    if prebuilt is True:
        prebuilt = PREBUILT_DIR
    shipped = prebuilt_path(version, backend, prebuilt) if prebuilt else None
    if shipped is not None:
        try:
            return _read(shipped, backend), "prebuilt"
        except Exception as exc:  # a damaged installation: build as if it had none
            log.warning("ignoring unreadable prebuilt rule set %s: %s", shipped, exc)
    path = _cache_path(cache_dir, version, backend) if cache_dir else None
    if path and path.is_file():
        try:
            return _read(path, backend), "cache"
        except Exception as exc:  # a stale or corrupt cache is rebuilt
            log.warning("ignoring unreadable rule cache %s: %s", path, exc)
    compiled = load()
    if path:
        if progress is not None:
            progress("writing the cache", 0, 0)
        write_pickle(path, _payload(compiled), "rule cache")
    return compiled, "built"
