"""The context rule (``context:``): how the context stage reports the typos it finds with
the language model, and how sure it must be.

There is one rule of this family in the shipped dictionaries (LM0001): its code,
category, severity, message and source are what a finding of the context stage carries,
and its ``margins`` (log10 gain of the corrected text over the written one, per kind)
tune the judge; ``confirm_margin`` (and ``confirm_margins``, per kind of candidate) is the
gain that confirms a candidate another family marks as needing context. It adds no pattern to the automaton: the context stage
(``errcheck/context.py``) finds its candidates in thorough mode, and confirms the
candidates other families mark as needing context (`Target.context`) in every mode.
Its examples run in thorough mode (`Family.example_mode`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..rules import COMMON_KEYS, DATE_KEYS, Rule, RuleError, common_fields, open_entry
from .base import Family, common_properties, common_schema

KEYS = COMMON_KEYS | DATE_KEYS | {"margins", "confirm_margin", "confirm_margins"}
REQUIRED = ("code", "category", "severity", "message", "examples")
#: what a margin may be set for: a kind of substitution, a missing or an extra character, or a
#: form of proposal
MARGIN_KEYS = ("homophone", "near-homophone", "shape", "pair", "word", "missing", "extra", "doubled")


@dataclass(frozen=True, slots=True)
class ContextParams:
    #: ``(key, margin)`` pairs overriding the judge's defaults
    margins: tuple[tuple[str, float], ...] = ()
    #: the gain a candidate marked as needing context must reach to be confirmed
    confirm_margin: float = 2.0
    #: ``(kind, margin)`` pairs: the confirmation margin for candidates of that kind
    #: (`Target.kind`: ``homophone``, ``missing`` …) instead of ``confirm_margin``
    confirm_margins: tuple[tuple[str, float], ...] = ()

    def confirm_margin_for(self, kind: str) -> float:
        for k, margin in self.confirm_margins:
            if k == kind:
                return margin
        return self.confirm_margin


class ContextRules(Family):
    name = "context"
    file_key = "context"
    shape = "mapping"
    keys = KEYS
    kind_labels = {"context": "语境判断"}
    example_mode = "thorough"
    summary = "typos found in context by the language model (thorough mode)"
    schema = common_schema(
        {
            **common_properties(),
            "margins": {"type": "object", "description": "log10 gain a correction must reach, per kind",
                        "additionalProperties": False,
                        "properties": {k: {"type": "number", "minimum": 0} for k in MARGIN_KEYS}},
            "confirm_margin": {"type": "number", "minimum": 0,
                               "description": "log10 gain that confirms a candidate another family marks as "
                                              "needing context"},
            "confirm_margins": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0},
                                "description": "confirm_margin per kind of candidate (homophone, missing ...)"},
        },
        REQUIRED,
        shape="mapping",
        description="the context rule: what the language-model stage reports, and its margins",
    )

    def load(self, value, defaults: dict, path: Path) -> list[Rule]:
        if not isinstance(value, dict):
            raise RuleError(path, None, "'context' must be a mapping")
        line, entry = open_entry(value, defaults, path, KEYS, REQUIRED, "context rule")
        try:
            common = common_fields(entry)
            margins = entry.get("margins") or {}
            margins = {k: v for k, v in margins.items() if k != "__line__"} if isinstance(margins, dict) else margins
            if not isinstance(margins, dict):
                raise ValueError("margins must be a mapping of kind to number")
            unknown = set(margins) - set(MARGIN_KEYS)
            if unknown:
                raise ValueError(f"unknown margin key(s) {sorted(unknown)} (expected: {', '.join(MARGIN_KEYS)})")
            if not all(isinstance(v, (int, float)) and v >= 0 for v in margins.values()):
                raise ValueError("a margin must be a non-negative number")
            confirm = entry.get("confirm_margin", 2.0)
            if not isinstance(confirm, (int, float)) or confirm < 0:
                raise ValueError("confirm_margin must be a non-negative number")
            by_kind = entry.get("confirm_margins") or {}
            if not isinstance(by_kind, dict):
                raise ValueError("confirm_margins must be a mapping of kind to number")
            by_kind = {k: v for k, v in by_kind.items() if k != "__line__"}
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in by_kind.values()):
                raise ValueError("a confirm margin must be a non-negative number")
            for ex in common["bad_examples"]:
                if not ex.suggestion:
                    raise ValueError(f"a context bad example names its suggestion: [[wrong|right]] in {ex.text!r}")
        except ValueError as exc:
            raise RuleError(path, line, f"context rule {entry['code']}: {exc}") from None
        params = ContextParams(tuple(sorted((k, float(v)) for k, v in margins.items())), float(confirm),
                               tuple(sorted((str(k), float(v)) for k, v in by_kind.items())))
        return [Rule(wrong=(), right=(), boundary=False, path=str(path), line=line, family=self.name, params=params,
                     **common)]


FAMILY = ContextRules()
