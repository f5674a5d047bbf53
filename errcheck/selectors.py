"""Rule selectors: which rules ``select`` / ``ignore`` name, as in a linter.

A selector is one of

* ``ALL``: every rule;
* a category name (``typo``, ``sensitive`` ...): the rules of that category;
* a code or a code prefix (``TY0002``, ``TY``, ``CW00``): the rules whose code starts
  with it.

Selection follows the layered model of ruff: the configuration file is one layer and
the command line another. Within a layer, a rule takes the decision of the *most
specific* selector that names it (a full code beats a prefix, a longer prefix a shorter
one, a prefix a category, a category ``ALL``); at equal specificity ``ignore`` wins. A
layer whose ``select`` is given starts again from nothing; a layer with only
``extend-select`` or ``ignore`` changes the rules it names and keeps the others. So
``select = ["TY"]`` with ``ignore = ["TY0002"]`` enables every ``TY`` rule but TY0002,
and ``select = ["TY0002"]`` with ``ignore = ["TY"]`` keeps TY0002 alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from .rules import CATEGORIES

ALL = "ALL"
#: a code or a code prefix: one or two capital letters, then up to four digits
PREFIX_RE = re.compile(r"^[A-Z]{1,2}\d{0,4}$")


def parse_selector(value: str) -> str:
    """``value`` stripped, or ValueError naming what a selector may be. Codes are upper case,
    as they are written everywhere (``ty0002`` is refused, not guessed)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"a rule selector must be a non-empty string, got {value!r}")
    value = value.strip()
    if value in CATEGORIES:
        return value
    if value == ALL or PREFIX_RE.match(value):
        return value
    raise ValueError(f"{value!r} is not a rule code, code prefix (TY, CW00), category "
                     f"({', '.join(CATEGORIES)}) or ALL")


def parse_selectors(values: Iterable[str] | str | None, what: str = "selector") -> tuple[str, ...]:
    """A list of selectors; a string may hold several separated by commas or spaces."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = [v for v in re.split(r"[,\s]+", values) if v]
    out = []
    for v in values:
        try:
            out.append(parse_selector(v))
        except ValueError as exc:
            raise ValueError(f"{what}: {exc}") from None
    return tuple(out)


def specificity(selector: str) -> int:
    if selector == ALL:
        return 0
    if selector in CATEGORIES:
        return 1
    return 1 + len(selector)


def matches(selector: str, code: str, category: str) -> bool:
    if selector == ALL:
        return True
    if selector in CATEGORIES:
        return category == selector
    return code.startswith(selector)


@dataclass(frozen=True)
class Layer:
    """One layer of selection: a configuration file or the command line."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def decide(self, code: str, category: str, current: bool) -> bool:
        """Whether the rule is enabled after this layer, given ``current`` before it."""
        if self.select is not None:
            current = False
        best = -1
        decision = current
        for selectors, enable in ((self.select or ()) + self.extend_select, True), (self.ignore, False):
            for s in selectors:
                if matches(s, code, category):
                    rank = specificity(s)
                    # a later (ignore) selector of equal rank wins the tie
                    if rank > best or (rank == best and not enable):
                        best, decision = rank, enable
        return decision


class RuleSelection:
    """Resolves layers of selectors against rules: `enabled(code, category)` is cached per
    code, so a check pays one dictionary look-up per finding."""

    def __init__(self, layers: Sequence[Layer] = ()) -> None:
        self.layers = tuple(layers)
        self._cache: dict[str, bool] = {}

    @property
    def trivial(self) -> bool:
        """Everything is enabled whatever the rule (no layer says anything)."""
        return all(layer.select in (None, (ALL,)) and not layer.ignore for layer in self.layers)

    def enabled(self, code: str, category: str) -> bool:
        hit = self._cache.get(code)
        if hit is None:
            hit = True
            for layer in self.layers:
                hit = layer.decide(code, category, hit)
            self._cache[code] = hit
        return hit

    def unmatched(self, rules) -> list[str]:
        """Selectors of any layer that name no rule among ``rules`` (a typo in a config)."""
        seen = [(r.code, r.category) for r in rules]
        out = []
        for layer in self.layers:
            for s in (layer.select or ()) + layer.extend_select + layer.ignore:
                if s != ALL and s not in out and not any(matches(s, c, cat) for c, cat in seen):
                    out.append(s)
        return out
