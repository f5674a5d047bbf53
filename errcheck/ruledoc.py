"""Rules as people read them: ``errcheck rules`` and ``errcheck explain CODE``.

Rules of the generating families have no listed wrong forms (`Rule.wrong` is empty: the
misspellings of an everyday word or a protected term are generated at compile time, a
pattern is a regular expression, the language model finds its own), so `forms` says what
the rule matches instead of printing an empty arrow.
"""

from __future__ import annotations

import functools
from pathlib import Path

from .families import BY_NAME
from .rules import Rule

#: wrong forms shown per rule in the text listing (JSON lists them all)
LISTED_FORMS = 4
#: characters of a regular expression shown before it is cut
PATTERN_WIDTH = 60


def _cut(items, limit: int) -> str:
    shown = "/".join(items[:limit])
    return shown + (f"/… (+{len(items) - limit})" if len(items) > limit else "")


def wrong_forms(rule: Rule, limit: int = LISTED_FORMS) -> str:
    """The wrong forms, or what the rule matches when it lists none."""
    if rule.wrong:
        return _cut(rule.wrong, limit)
    p = rule.params
    if rule.family == "words" and p is not None:
        return f"(generated: misspellings of {len(p.words):,} everyday words)"
    if rule.family == "terms" and p is not None:
        return "(generated: misspellings of the protected term)"
    if rule.family == "patterns" and p is not None:
        if p.check:
            return f"(whole-text check: {p.check})"
        regex = p.regex.pattern
        return "(pattern: " + (regex if len(regex) <= PATTERN_WIDTH else regex[:PATTERN_WIDTH] + "…") + ")"
    if rule.family == "approx" and p is not None:
        what = "protected terms" if p.from_terms else f"{len(p.phrases):,} phrases"
        return f"(approximate matches of {what})"
    if rule.family == "context":
        return "(found in context by the language model, thorough mode)"
    return "(no listed forms)"


def right_forms(rule: Rule, limit: int = LISTED_FORMS) -> str:
    if rule.right:
        return _cut(rule.right, limit)
    if rule.family in ("words", "approx", "context"):
        return "(the word or phrase it resembles)"
    if rule.family == "patterns" and rule.params is not None and rule.params.templates:
        return _cut(rule.params.templates, limit)
    return "(flag only: no suggestion)"


def sample_message(rule: Rule) -> str:
    """The message with the first listed forms filled in; the template itself for a rule
    that lists no wrong form."""
    if not rule.wrong:
        return rule.message
    right = rule.right or (rule.params.templates if rule.family == "patterns" and rule.params is not None else ())
    try:
        return rule.message.format(match=rule.wrong[0], suggestion="、".join(right) if right else "…", kind="…")
    except (KeyError, IndexError, ValueError):
        return rule.message


def haystack(rule: Rule) -> str:
    """What ``errcheck rules --search`` looks in: code, forms, message and source."""
    parts = [rule.code, rule.category, *rule.wrong, *rule.right, rule.message, rule.source]
    p = rule.params
    if rule.family == "terms" and p is not None:
        parts.append(p.term)
    elif rule.family == "patterns" and p is not None:
        parts.extend(p.anchors)
    elif rule.family == "approx" and p is not None:
        parts.extend(phrase for phrase, _ in p.phrases)
    return "\n".join(parts).casefold()


def search(rules, text: str) -> list[Rule]:
    needle = text.casefold()
    return [r for r in rules if needle in haystack(r)]


@functools.lru_cache(maxsize=32)
def _raw_file(path: str):
    import yaml

    from .loader import _LineLoader

    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LineLoader)


def raw_entry(rule: Rule) -> dict:
    """The rule's entry as written in its dictionary file (for keys `Rule` does not keep:
    ``rationale``, ``note``), or {} when it cannot be found."""
    if not rule.path or not Path(rule.path).is_file():
        return {}
    try:
        data = _raw_file(rule.path)
    except Exception:  # the file changed since it was loaded: explain what we have
        return {}
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("code") == rule.code:
                return node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return {}


def explain(rule: Rule, width: int = 12) -> list[str]:
    """The lines of ``errcheck explain CODE``."""
    raw = raw_entry(rule)
    family = BY_NAME.get(rule.family)
    lines = [f"{rule.code}: {sample_message(rule)}", ""]

    def row(label: str, value) -> None:
        if value not in (None, "", ()):
            lines.append(f"{label + ':':<{width}}{value}")

    row("category", rule.category)
    row("severity", rule.severity.label)
    row("family", f"{rule.family}" + (f" ({family.summary})" if family and getattr(family, "summary", "") else ""))
    row("message", rule.message)
    row("wrong", wrong_forms(rule, 12))
    row("right", right_forms(rule, 12))
    if rule.family == "terms" and rule.params is not None:
        row("term", rule.params.term)
    if rule.valid_from or rule.valid_to:
        row("valid", f"{rule.valid_from or '…'} to {rule.valid_to or '…'}")
    row("source", rule.source)
    for key in ("rationale", "note"):
        value = raw.get(key)
        if isinstance(value, str) and value.strip() and value.strip() != rule.source:
            row(key, " ".join(value.split()))
    if rule.path:
        row("defined in", f"{rule.path}:{rule.line}" if rule.line else rule.path)
    if rule.bad_examples or rule.good_examples:
        lines.append("")
        lines.append("examples:")
        for ex in rule.bad_examples:
            a, b = ex.span
            marked = ex.text[:a] + "[[" + ex.text[a:b] + "]]" + ex.text[b:]
            fix = ex.suggestion or (rule.right[0] if rule.right else "")
            lines.append(f"  bad:  {_one_line(marked)}" + (f"  → {fix}" if fix else ""))
        for ex in rule.good_examples:
            lines.append(f"  good: {_one_line(ex.text)}")
    return lines


def _one_line(text: str) -> str:
    return text.replace("\n", "⏎")


def to_dict(rule: Rule) -> dict:
    """``errcheck explain CODE --format json``."""
    raw = raw_entry(rule)
    return {
        "code": rule.code,
        "category": rule.category,
        "severity": rule.severity.label,
        "family": rule.family,
        "message": rule.message,
        "wrong": list(rule.wrong),
        "right": list(rule.right),
        "forms": None if rule.wrong else wrong_forms(rule),
        "source": rule.source,
        "rationale": raw.get("rationale"),
        "note": raw.get("note"),
        "valid_from": rule.valid_from.isoformat() if rule.valid_from else None,
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "path": rule.path,
        "line": rule.line,
        "examples": {
            "bad": [{"text": e.text, "span": list(e.span), "suggestion": e.suggestion} for e in rule.bad_examples],
            "good": [e.text for e in rule.good_examples],
        },
    }
