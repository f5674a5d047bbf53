"""The registry of rule families: the one place that lists them.

The loader, the compiler, the filter and the report ask this registry instead of naming
families; adding a family is one module under ``errcheck/families/`` with a `Family`
object (see `errcheck.families.base`) and one line in `FAMILIES`.

===========  ===============  =============================================================
family       file key         what it checks
===========  ===============  =============================================================
pairs        ``entries``      curated wrong → right pairs with allow-phrases
terms        ``terms``        protected terms and their generated misspellings
words        ``wordlist``     everyday words and their generated one-character misspellings
divisions    ``divisions``    places named under the wrong province (GB/T 2260)
patterns     ``patterns``     context-dependent wording, punctuation and format norms
approx       ``approx``       protected phrases matched approximately (any slip, k by length)
context      ``context``      typos found in context by the language model (thorough mode)
===========  ===============  =============================================================
"""

from __future__ import annotations

from . import approx, context, divisions, pairs, patterns, terms, words
from .base import ANY_VARIANT, Block, BuildContext, Candidate, Family, PatternTable, Target

#: every family, in compile order: families with compact blocks come last in the
#: automaton in this order
FAMILIES: tuple[Family, ...] = (pairs.FAMILY, terms.FAMILY, words.FAMILY, divisions.FAMILY, approx.FAMILY,
                                patterns.FAMILY, context.FAMILY)
BY_NAME: dict[str, Family] = {f.name: f for f in FAMILIES}
BY_FILE_KEY: dict[str, Family] = {f.file_key: f for f in FAMILIES}
#: the family of a file that names none (its missing ``entries`` is then reported)
DEFAULT_FAMILY = pairs.FAMILY
#: keys a file's ``defaults`` may set: those of any family
DEFAULT_KEYS = frozenset().union(*(f.default_keys for f in FAMILIES))
#: how each kind of finding is named in messages (同音字, 形近字 ...)
KIND_LABELS: dict[str, str] = {k: v for f in FAMILIES for k, v in f.kind_labels.items()}

assert len(BY_NAME) == len(FAMILIES) and len(BY_FILE_KEY) == len(FAMILIES), "family names and keys are unique"


def family(name: str) -> Family:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown rule family {name!r} (expected one of: {', '.join(BY_NAME)})") from None


def schema() -> dict:
    """The JSON schema of a dictionary file (``dictionaries/schema.json``), assembled
    from each family's part."""
    from .base import common_properties

    shared = common_properties()
    defaults = {k: shared[k] for k in ("category", "severity", "message", "source", "rationale", "valid_from",
                                       "valid_to", "note")}
    for f in FAMILIES:
        defaults.update(f.default_schema)
    assert set(defaults) == DEFAULT_KEYS, sorted(set(defaults) ^ DEFAULT_KEYS)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "errcheck dictionary file",
        "description": "See dictionaries/README.md. Generated from errcheck/families/ by tools/build_schema.py; "
                       "the loader is authoritative.",
        "type": "object",
        "additionalProperties": False,
        "required": [],
        "properties": {"defaults": {"type": "object", "additionalProperties": False, "properties": defaults},
                       **{f.file_key: f.schema for f in FAMILIES}},
        "anyOf": [{"required": [f.file_key]} for f in FAMILIES],
    }


__all__ = ["ANY_VARIANT", "BY_FILE_KEY", "BY_NAME", "Block", "BuildContext", "Candidate", "DEFAULT_FAMILY",
           "DEFAULT_KEYS", "FAMILIES", "Family", "KIND_LABELS", "PatternTable", "Target", "family", "schema"]
