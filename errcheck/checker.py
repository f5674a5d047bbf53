"""The Checker: normalize → match → filter → context → report, over one compiled rule set."""

from __future__ import annotations

import datetime as _dt
from operator import itemgetter
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from .compiler import CompiledRules, build, load_or_compile, source_hash
from .families.terms import VariantOptions
from . import context as _context
from .allowlist import AllowList, as_allow_list
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
    without a bound a 200,000-character text of errors would cost a second."""
    targets = compiled.targets
    base = compiled.compact_base
    starts = sorted(m[0] for m in matches if m[2] >= base or targets[m[2]])
    if len(starts) <= limit:
        return matches, None
    cut = starts[limit]
    return [m for m in matches if m[0] < cut], cut


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
    rules, minus the ignored ones. ``allow``: the user's allow-list, phrases whose
    occurrences are never flagged (a finding inside one is dropped: 浙里办, names).
    ``cache``: keep the compiled automaton on disk (``cache_dir``, default
    ``$ERRCHECK_CACHE_DIR`` or ``~/.cache/errcheck``), keyed by a hash of the dictionaries.

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
        allow: Iterable[str] | AllowList | None = None,
    ) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r} (expected one of: {', '.join(BACKENDS)})")
        if isinstance(dictionaries, (str, Path)):
            dictionaries = [dictionaries]
        paths = [builtin_dictionaries()] if builtin else []
        paths.extend(Path(p) for p in dictionaries or [])
        self.paths = tuple(paths)
        self.backend = backend
        self.variant_options = variants or VariantOptions()
        if max_candidates < 1:
            raise ValueError("max_candidates must be at least 1")
        self.max_candidates = max_candidates
        self.mode = _context.check_mode(mode)
        self.lm = lm
        self.rule_selection = _rule_selection(select, ignore)
        self.selection = Selection(categories, min_severity, rules=self.rule_selection)
        self.allow = as_allow_list(allow)
        self._cache_dir = (Path(cache_dir) if cache_dir else default_cache_dir()) if cache else None
        self._compiled: CompiledRules | None = None
        self._lock = threading.Lock()
        self.load_info: dict = {}

    def load(self) -> CompiledRules:
        """Load (from the cache) or build the rule set now; raises `RuleError` if invalid."""
        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    began = time.perf_counter()
                    version = fingerprint(self.paths, extra=self.variant_options.cache_key() + source_hash())
                    compiled, how = load_or_compile(lambda: self._compile(version), version, self.backend, self._cache_dir)
                    self.load_info = {"source": how, "seconds": time.perf_counter() - began, **compiled.stats}
                    self._compiled = compiled
        return self._compiled

    def _compile(self, version: str) -> CompiledRules:
        return build(self.paths, self.backend, version, self.variant_options)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.load().rules

    @property
    def version(self) -> str:
        """Short identifier of the rule set (a hash of the dictionary files)."""
        return self.load().version[:12]

    def check(self, text: str, *, as_of=None, categories=None, min_severity=None, mode: str | None = None,
              select=None, ignore=None, allow=None, rule_selection: RuleSelection | None = None) -> Report:
        """Check ``text`` and return its `Report`.

        ``as_of`` (a date or ``YYYY-MM-DD``) judges dated rules as of that day, e.g. the
        publication date of an archived article. ``categories`` and ``min_severity``
        narrow this call's selection further than the checker's own. ``mode`` overrides
        the checker's mode for this call. ``select`` / ``ignore`` add a layer of rule
        selectors on top of the checker's (``rule_selection`` replaces the checker's
        instead: the command line resolves configuration files that way); ``allow`` adds
        phrases to the checker's allow-list for this call.
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
        original = text
        try:
            matches = compiled.matcher.find_all(text)
        except UnicodeEncodeError:
            # a lone surrogate (JSON may escape one) cannot reach the automaton: check a
            # copy with each replaced by U+FFFD, same length, so offsets still point into
            # the input; findings quote the input as it is
            text = replace_surrogates(text)
            matches = compiled.matcher.find_all(text)
        fold_marks = compiled.fold_marks
        if matches and min(matches, key=_pattern_index)[2] < fold_marks:
            normalized = normalize(text)
            matches = compiled.matcher.find_all(normalized.text)
        else:
            normalized = Normalized(text, text)
        if original is not text:
            normalized = replace(normalized, original=original)
        truncated_at = None
        limit = self.max_candidates + len(text) // CANDIDATE_EVERY
        if len(matches) > limit:
            matches, truncated_at = bound_matches(compiled, matches, limit)
        # every text goes through the filter, with or without matches: whole-text checks
        # (unbalanced quotes) need no automaton match
        kept, pending = filter_candidates(compiled, normalized.text, matches, selection)
        if mode == "thorough":
            kept = _context.run(compiled, normalized.text, matches, kept, pending, selection, mode, self.lm)
        candidates = resolve_overlaps(kept, normalized.text) if kept else []
        report = build_report(normalized, candidates, compiled.version[:12], truncated_at)
        if allow is not None:
            allow = as_allow_list(allow)
            if allow and self.allow:
                allow = AllowList(self.allow.phrases + allow.phrases)
        else:
            allow = self.allow
        return allow.filter(original, report) if allow else report


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
