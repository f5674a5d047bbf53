"""Curated pairs (``entries:``): a listed wrong form, its right form(s) and the
allow-phrases in which the wrong form is legitimate (著名族群 keeps 名族 quiet).

Code families TY, FP, NE, NV, OD ... (see ``dictionaries/README.md``). The compiler adds
every rule's ``wrong`` forms and ``allow`` phrases to the automaton as listed, so this
family needs no compile step of its own; its per-candidate check is the default
word-boundary test for short forms (`Rule.checks_boundary`).
"""

from __future__ import annotations

from pathlib import Path

from ..rules import COMMON_KEYS, DATE_KEYS, Rule, RuleError, common_fields, open_entry, string_list
from .base import Family, common_properties, common_schema

KEYS = COMMON_KEYS | DATE_KEYS | {"wrong", "right", "allow", "boundary"}
REQUIRED = ("code", "wrong", "category", "severity", "message", "examples")
_WORDS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string", "minLength": 1}}]}


class Pairs(Family):
    name = "pairs"
    file_key = "entries"
    combines_with = frozenset({"terms"})
    keys = KEYS
    default_keys = KEYS - {"code", "wrong", "right", "examples", "allow"}
    kind_labels = {"listed": "词典所列"}
    safe_fix_kinds = frozenset({"listed"})
    summary = "curated wrong → right pairs with allow-phrases"
    schema = common_schema(
        {
            **common_properties(bad_required=True),
            "wrong": {"oneOf": [{"type": "string"},
                                {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}]},
            "right": _WORDS,
            "allow": {"type": "array", "items": {"type": "string"}},
            "boundary": {"type": "boolean"},
        },
        ("code", "wrong", "examples"),
    )
    default_schema = {"boundary": {"type": "boolean"}}

    def build_entry(self, raw: dict, defaults: dict, path: Path) -> Rule:
        line, entry = open_entry(raw, defaults, path, KEYS, REQUIRED, "entry")
        try:
            common = common_fields(entry)
            wrong = string_list(entry["wrong"], "wrong")
            right = string_list(entry.get("right") or [], "right")
            if set(wrong) & set(right):
                raise ValueError(f"a form is both wrong and right: {sorted(set(wrong) & set(right))}")
            allow = string_list(entry.get("allow") or [], "allow")
            for phrase in allow:
                if not any(w in phrase for w in wrong):
                    raise ValueError(f"allow phrase {phrase!r} contains none of the wrong forms")
            boundary = entry.get("boundary")
            if boundary is not None and not isinstance(boundary, bool):
                raise ValueError("boundary must be true or false (leave it out for automatic)")
            if not common["bad_examples"]:
                raise ValueError("needs at least one bad example (a sentence that must be flagged)")
            for ex in common["bad_examples"]:
                marked = ex.text[ex.span[0] : ex.span[1]]
                if marked not in wrong:
                    raise ValueError(f"bad example marks {marked!r}, which is not one of the wrong forms {list(wrong)}")
        except ValueError as exc:
            raise RuleError(path, line, f"entry {entry['code']}: {exc}") from None
        return Rule(wrong=wrong, right=right, allow=allow, boundary=boundary, path=str(path), line=line,
                    family=self.name, **common)


FAMILY = Pairs()
