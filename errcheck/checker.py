"""The Checker: normalize → match → filter → context → report, over one compiled rule set."""

from __future__ import annotations

import datetime as _dt
import hashlib
from operator import itemgetter
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from .allowlist import AllowList, as_allow_list
from .compiler import CompiledRules, build, compile_overlay, load_or_compile, shape_tables, source_hash
from .families.terms import VariantOptions
from . import context as _context
from .filter import Selection, filter_candidates, resolve_overlaps
from .loader import fingerprint
from .matcher import BACKENDS, DEFAULT_BACKEND
from .model import Report
from .normalize import Normalized, normalize, replace_surrogates
from .report import build_report
from .resources import builtin_dictionaries
from .rules import Rule
from .selectors import Layer, RuleSelection, parse_selectors
from .services.cache import default_cache_dir


def _as_date(value) -> _dt.date | None:
    if value is None or isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value
    if isinstance(value, _dt.datetime):
        return value.date()
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"as_of must be a date YYYY-MM-DD, got {value!r}") from None


_pattern_index = itemgetter(2)
#: candidate matches judged per text (see `bound_matches`): this many, plus one per
#: `CANDIDATE_EVERY` characters of the text
MAX_CANDIDATES = 1_000
CANDIDATE_EVERY = 50


def bound_matches(compiled: CompiledRules, matches: list, limit: int) -> tuple[list, int | None]:
    """Keep the work per text linear with a small constant: when more than ``limit``
    matches would become candidates (a text that is a list of errors, not prose), only
    the matches that start before the ``limit``-th candidate's start are judged, and
    that offset is returned (the report's ``truncated_at``; None when nothing was cut).
    Each candidate costs microseconds (a window segmentation, a finding object), so
    without a bound a 200,000-character text of errors would cost a second. For an
    overlay, ``matches`` holds one list per layer (`CompiledRules.layers`), and so does
    the result."""
    layered = compiled.base is not None
    scans = list(zip(compiled.layers, matches if layered else [matches]))
    starts = sorted(m[0] for layer, found in scans for m in found
                    if m[2] >= layer.compact_base or layer.targets[m[2]])
    if len(starts) <= limit:
        return matches, None
    cut = starts[limit]
    bounded = [[m for m in found if m[0] < cut] for _, found in scans]
    return (bounded if layered else bounded[0]), cut


class Checker:
    """Checks Chinese text against a compiled rule set.

    ``dictionaries``: extra dictionary files or directories; they add to the shipped
    dictionaries (``builtin=True``) and override shipped rules with the same code.
    ``backend``: ``daachorse`` (default, fastest) or ``pyahocorasick``.
    ``categories`` / ``min_severity``: report only these categories / at least this severity.
    ``variants``: `VariantOptions` for the generated variants of protected terms.
    ``max_candidates``: candidate matches judged per text, plus one per 50 characters; a
    text with more (a list of errors, not prose) is checked up to the offset where the bound is reached, and its
    report says so (``truncated_at``), so one request can never tie up a worker.
    ``mode``: ``fast`` (default: no language model; candidates that need context are
    dropped) or ``thorough`` (the language model confirms those and looks for typos no
    rule names: see `errcheck.context`). ``lm``: a KenLM model file instead of ``$ERRCHECK_LM`` or the
    shipped one.
    ``select`` / ``ignore``: rule selectors (codes, code prefixes such as ``TY`` or
    ``CW00``, category names, ``ALL``; see `errcheck.selectors`): report only the selected
    rules, minus the ignored ones.
    ``cache``: keep the compiled automaton on disk (``cache_dir``, default
    ``$ERRCHECK_CACHE_DIR`` or ``~/.cache/errcheck``), keyed by a hash of the dictionaries.
    A wheel ships the shipped rule set compiled (``errcheck/data/prebuilt``): it is loaded
    read-only when it was made for this Python, errcheck and automaton library.
    ``overlay``: compile ``dictionaries`` into a small automaton of their own on top of
    the (prebuilt or cached) shipped rule set, in well under a second, instead of
    rebuilding everything (default; findings are those of a full build, see
    `errcheck.compiler.compile_overlay`). Dictionaries that bring their own look-alike
    tables (``confusables/shape*.tsv``) change every generated variant and are always
    built in full, as is everything when ``overlay=False``.
    ``allow`` / ``allow_files``: phrases never flagged (names, local slogans), listed or
    one per line in files (`errcheck.allowlist`): a finding overlapping one is dropped.
    ``progress``: called as ``progress(phase, done, total)`` while a rule set is built
    (the CLI prints it on a terminal).

    The rule set is loaded lazily on first use (or by `load`) under a lock; after that,
    `check` only reads shared immutable data and is safe to call from many threads.
    """

    def __init__(
        self,
        dictionaries: Iterable[str | Path] | str | Path | None = None,
        *,
        builtin: bool = True,
        backend: str = DEFAULT_BACKEND,
        categories: Iterable[str] | None = None,
        min_severity: str | None = None,
        cache: bool = True,
        cache_dir: str | Path | None = None,
        variants: VariantOptions | None = None,
        max_candidates: int = MAX_CANDIDATES,
        mode: str = _context.DEFAULT_MODE,
        lm: str | Path | None = None,
        select: Iterable[str] | str | None = None,
        ignore: Iterable[str] | str | None = None,
        overlay: bool = True,
        allow: Iterable[str] | AllowList | None = None,
        allow_files: Iterable[str | Path] | None = None,
        progress=None,
    ) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r} (expected one of: {', '.join(BACKENDS)})")
        if isinstance(dictionaries, (str, Path)):
            dictionaries = [dictionaries]
        if isinstance(allow, str):
            allow = [allow]
        elif isinstance(allow, AllowList):
            allow = allow.phrases
        if isinstance(allow_files, (str, Path)):
            allow_files = [allow_files]
        self.allow = AllowList.load(allow or (), list(allow_files or ()), backend)
        paths = [builtin_dictionaries()] if builtin else []
        user = [Path(p) for p in dictionaries or []]
        paths.extend(user)
        self.paths = tuple(paths)
        #: the dictionaries compiled into the cached (or prebuilt) automaton, and those
        #: compiled into an overlay on top of it
        self._build_paths = self.paths
        self._overlay_paths: tuple[Path, ...] = ()
        if overlay and builtin and user and not shape_tables(user):
            self._build_paths, self._overlay_paths = tuple(paths[:1]), tuple(user)
        self.progress = progress
        self.backend = backend
        self.variant_options = variants or VariantOptions()
        if max_candidates < 1:
            raise ValueError("max_candidates must be at least 1")
        self.max_candidates = max_candidates
        self.mode = _context.check_mode(mode)
        self.lm = lm
        self.rule_selection = _rule_selection(select, ignore)
        self.selection = Selection(categories, min_severity, rules=self.rule_selection)
        self._cache_dir = (Path(cache_dir) if cache_dir else default_cache_dir()) if cache else None
        self._compiled: CompiledRules | None = None
        self._lock = threading.Lock()
        self.load_info: dict = {}

    def load(self) -> CompiledRules:
        """Load (prebuilt, from the cache) or build the rule set now, and compile the
        overlay of the user's dictionaries; raises `RuleError` if invalid."""
        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    began = time.perf_counter()
                    extra = self.variant_options.cache_key() + source_hash()
                    version = fingerprint(self._build_paths, extra=extra)
                    compiled, how = load_or_compile(lambda: self._compile(version), version, self.backend,
                                                    self._cache_dir, self.progress)
                    info = {"source": how}
                    if self._overlay_paths:
                        loaded = time.perf_counter()
                        version = hashlib.sha256((version + fingerprint(self._overlay_paths)).encode()).hexdigest()
                        compiled = compile_overlay(compiled, self._overlay_paths, version, self.variant_options,
                                                   self.progress, shipped=self._build_paths)
                        info = {"source": "built", "base": how,
                                "overlay_seconds": time.perf_counter() - loaded}
                    self.load_info = {**info, "seconds": time.perf_counter() - began, **compiled.stats}
                    self._compiled = compiled
        return self._compiled

    def _compile(self, version: str) -> CompiledRules:
        """Build the rule set of the cached automaton (the shipped one under an overlay)."""
        return build(self._build_paths, self.backend, version, self.variant_options, self.progress)

    @property
    def cache_versions(self) -> tuple[str, ...]:
        """The versions of the cached rule sets this checker uses (the base of an
        overlay; an overlay itself is never cached)."""
        compiled = self.load()
        return tuple(layer.version for layer in compiled.layers if layer.base is None)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.load().rules

    @property
    def version(self) -> str:
        """Short identifier of the rule set (a hash of the dictionary files)."""
        return self.load().version[:12]

    def settle(self, mode: str | None = None) -> "Checker":
        """Load what checking needs now (the rule set, and in thorough mode the language
        model's judge), then hand every object the process holds to the garbage
        collector's permanent generation (`gc.freeze`). The rule set and the model's
        tables are some 800,000 long-lived objects that every full collection would walk
        again: one such collection took 0.17 s, a fifth of a thorough check of 300,000
        characters (``benchmarks/context_speed.py --settle``). Freezing is process-wide,
        so this is for programs that own their process (the CLI, batch workers); a program
        that shares the interpreter may call it once it has loaded what it keeps."""
        import gc

        compiled = self.load()
        if (mode or self.mode) == "thorough":
            _context.judge_of(compiled, self.lm)
        gc.collect()
        gc.freeze()
        return self

    def check(self, text: str, *, as_of=None, categories=None, min_severity=None, mode: str | None = None,
              select=None, ignore=None, allow: Iterable[str] | AllowList | None = None,
              rule_selection: RuleSelection | None = None) -> Report:
        """Check ``text`` and return its `Report`.

        ``as_of`` (a date or ``YYYY-MM-DD``) judges dated rules as of that day, e.g. the
        publication date of an archived article. ``categories`` and ``min_severity``
        narrow this call's selection further than the checker's own. ``mode`` overrides
        the checker's mode for this call. ``select`` / ``ignore`` add a layer of rule
        selectors on top of the checker's (``rule_selection`` replaces the checker's
        instead: the command line resolves configuration files that way); ``allow``:
        phrases never flagged in this call, besides the checker's own (ValueError for an
        invalid one).
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        mode = self.mode if mode is None else _context.check_mode(mode)
        compiled = self.load()
        selection = self.selection
        rules = self.rule_selection if rule_selection is None else rule_selection
        if select is not None or ignore is not None:
            rules = RuleSelection(rules.layers + (_layer(select, ignore),))
        if as_of is not None or categories is not None or min_severity is not None or rules is not self.rule_selection:
            selection = Selection(
                categories if categories is not None else selection.categories,
                max(selection.min_severity, Selection(min_severity=min_severity).min_severity)
                if min_severity is not None
                else selection.min_severity,
                _as_date(as_of),
                rules,
            )
        allowed = self.allow
        extra = as_allow_list(allow, self.backend)
        if extra:
            allowed = AllowList([*self.allow.phrases, *extra.phrases], self.backend) if self.allow else extra
        original = text
        # the shipped automaton first: it also says whether the text needs normalizing
        first = compiled.layers[0]
        try:
            matches = first.matcher.find_all(text)
        except UnicodeEncodeError:
            # a lone surrogate (JSON may escape one) cannot reach the automaton: check a
            # copy with each replaced by U+FFFD, same length, so offsets still point into
            # the input; findings quote the input as it is
            text = replace_surrogates(text)
            matches = first.matcher.find_all(text)
        fold_marks = first.fold_marks
        if matches and min(matches, key=_pattern_index)[2] < fold_marks:
            normalized = normalize(text)
            matches = first.matcher.find_all(normalized.text)
        else:
            normalized = Normalized(text, text)
        if original is not text:
            normalized = replace(normalized, original=original)
        count = len(matches)
        if compiled.base is not None:  # an overlay: its own automaton on the same text
            matches = [matches, compiled.matcher.find_all(normalized.text)]
            count += len(matches[1])
        truncated_at = None
        limit = self.max_candidates + len(text) // CANDIDATE_EVERY
        if count > limit:
            matches, truncated_at = bound_matches(compiled, matches, limit)
        # every text goes through the filter, with or without matches: whole-text checks
        # (unbalanced quotes) need no automaton match
        kept, pending = filter_candidates(compiled, normalized.text, matches, selection)
        if mode == "thorough":
            kept = _context.run(compiled, normalized.text, matches, kept, pending, selection, mode, self.lm)
        if allowed and kept:
            kept = allowed.drop(kept, normalized.text)
        candidates = resolve_overlaps(kept, normalized.text) if kept else []
        return build_report(normalized, candidates, compiled.version[:12], truncated_at)


def _layer(select, ignore) -> Layer:
    return Layer(select=parse_selectors(select, "select") if select is not None else None,
                 ignore=parse_selectors(ignore, "ignore"))


def _rule_selection(select, ignore) -> RuleSelection:
    if select is None and ignore is None:
        return RuleSelection()
    return RuleSelection([_layer(select, ignore)])


_default: Checker | None = None
_default_lock = threading.Lock()


def default_checker() -> Checker:
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Checker()
    return _default


def check(text: str, **kwargs) -> Report:
    """Check ``text`` with the shipped dictionaries (a default `Checker`, built lazily)."""
    return default_checker().check(text, **kwargs)
