"""Places (``divisions:``): a division named under a province it does not belong to
(湖北省张家界市 → 湖南省张家界市, 四川省重庆市 → 重庆市), from a GB/T 2260 table.

One rule per division, coded AD plus the first four digits of its GB/T 2260 code. Its
wrong forms are listed, so the compiler adds them to the automaton like curated pairs,
and the default per-candidate check applies.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..rules import (COMMON_KEYS, Example, Rule, RuleError, common_fields, open_entry, parse_date, string_list,
                     table_lines)
from .base import Family, common_properties, common_schema

KEYS = COMMON_KEYS | {"table", "no_short"}
REQUIRED = ("code", "table", "category", "severity", "message", "examples")


@dataclass(frozen=True, slots=True)
class _Division:
    code: str  # GB/T 2260, six digits
    name: str
    short: str  # provinces only
    valid_from: _dt.date | None
    line: int


def _read_division_table(path: Path) -> list[_Division]:
    """``code<TAB>name[<TAB>short[<TAB>valid_from]]`` lines."""
    rows: list[_Division] = []
    seen: dict[str, int] = {}
    for number, parts in table_lines(path, "division table"):
        if len(parts) < 2 or len(parts) > 4 or not re.fullmatch(r"\d{6}", parts[0]) or not parts[1]:
            raise RuleError(path, number, "expected code<TAB>name[<TAB>short[<TAB>valid_from]] with a six-digit code")
        code = parts[0]
        if code in seen:
            raise RuleError(path, number, f"duplicate code {code} (first on line {seen[code]})")
        seen[code] = number
        is_province = code.endswith("0000")
        short = parts[2] if len(parts) > 2 else ""
        if is_province and not short:
            raise RuleError(path, number, f"province {parts[1]} needs its short name in the third column")
        if not is_province and short:
            raise RuleError(path, number, "only province rows (code ending in 0000) have a short name")
        try:
            valid_from = parse_date(parts[3], "valid_from") if len(parts) > 3 else None
        except ValueError as exc:
            raise RuleError(path, number, str(exc)) from None
        if not is_province and code[:2] + "0000" not in seen:
            raise RuleError(path, number, f"{parts[1]} comes before its province row {code[:2]}0000")
        rows.append(_Division(code, parts[1], short, valid_from, number))
    return rows


def _mentions(text: str, name: str) -> bool:
    """Whether ``text`` names the division ``name``, in full or without its 市."""
    return name in text or (name.endswith("市") and len(name) >= 3 and name[:-1] in text)


def _build_divisions(raw, defaults: dict, path: Path, family: str) -> list[Rule]:
    """One rule per division: its name after the name of a province it does not belong
    to (湖北省张家界市, 四川省重庆市) is wrong, and the suggestion puts it under its own
    province. The rule's code is the family's two letters and the first four digits of
    the division's GB/T 2260 code (AD4308 for 张家界市, 430800)."""
    if not isinstance(raw, dict):
        raise RuleError(path, None, "'divisions' must be a mapping")
    line, entry = open_entry(raw, defaults, path, KEYS, REQUIRED, "division list")
    try:
        prefix = entry["code"]
        if not isinstance(prefix, str) or not re.fullmatch(r"[A-Z]{2}", prefix):
            raise ValueError("code must be the family's two capital letters (each rule adds four digits)")
        common = common_fields({**entry, "code": prefix + "0000"})
        rows = _read_division_table(path.parent / str(entry["table"]))
        no_short = set(string_list(entry.get("no_short") or [], "no_short"))
    except ValueError as exc:
        raise RuleError(path, line, f"division list {entry['code']}: {exc}") from None
    provinces = {r.code[:2]: r for r in rows if r.code.endswith("0000")}
    shorts = {p.short for p in provinces.values()}

    def is_municipality(p: _Division) -> bool:
        return p.name.endswith("市")

    rules = []
    for row in rows:
        own = provinces[row.code[:2]]
        if row.code.endswith("0000") and not is_municipality(own):
            continue  # a province is not "in" another province
        municipality = row is own
        names = [row.name]
        short = row.name[:-1] if row.name.endswith("市") and len(row.name) >= 3 else ""
        if short and not municipality and short not in shorts and short not in no_short:
            names.append(short)
        wrong = []
        for other in provinces.values():
            if other is own or (municipality and is_municipality(other)):
                continue
            # a municipality's districts share names with cities elsewhere (北京朝阳), and
            # 四川重庆 lists two places: only the full, unambiguous forms
            heads = (other.name,) if municipality or is_municipality(other) else (other.name, other.short)
            for head in heads:
                for name in (names if not is_municipality(other) else names[:1]):
                    wrong.append(head + name)
        right = row.name if municipality else own.name + row.name
        code = f"{prefix}{row.code[:4]}"
        bad = Example.parse_bad(f"据通报，[[{wrong[0]}]]近日召开专题会议。")
        good = Example(f"据通报，{right}近日召开专题会议。")
        fields = {**common, "code": code, "bad_examples": (bad, *[ex for ex in common["bad_examples"]
                                                                if ex.text[ex.span[0]:ex.span[1]] in wrong]),
                  "good_examples": (good, *[ex for ex in common["good_examples"] if _mentions(ex.text, row.name)]),
                  "valid_from": own.valid_from}
        rules.append(Rule(wrong=tuple(wrong), right=(right,), path=str(path.parent / str(entry["table"])),
                          line=row.line, family=family, **fields))
    # a family example joins the rules of the divisions it names; one that names none is
    # kept with the first rule, so every example is still a test
    unattached = [ex for ex in common["good_examples"] if not any(_mentions(ex.text, r.name) for r in rows)]
    if unattached and rules:
        rules[0] = replace(rules[0], good_examples=rules[0].good_examples + tuple(unattached))
    claimed = {w for r in rules for w in r.wrong}
    for ex in common["bad_examples"]:
        if ex.text[ex.span[0]:ex.span[1]] not in claimed:
            raise RuleError(path, line, f"division list {prefix}: bad example marks "
                                        f"{ex.text[ex.span[0]:ex.span[1]]!r}, which no division generates")
    return rules


class Divisions(Family):
    name = "divisions"
    file_key = "divisions"
    shape = "mapping"
    keys = KEYS
    kind_labels = {"listed": "词典所列"}
    safe_fix_kinds = frozenset({"listed"})
    summary = "administrative divisions named under the wrong province (GB/T 2260)"
    schema = common_schema(
        {
            **common_properties(
                code={"type": "string", "pattern": "^[A-Z]{2}$",
                      "description": "the family's two letters; each rule adds the first four digits of its "
                                     "division's GB/T 2260 code"},
                dated=False),
            "table": {"type": "string",
                      "description": "the division table next to this file: code<TAB>name[<TAB>short[<TAB>valid_from]] "
                                     "lines; province rows (code ending in 0000) carry their short name"},
            "no_short": {"type": "array", "items": {"type": "string"},
                         "description": "city short names (name without 市) that are also ordinary words or other "
                                        "places: only the full name is checked"},
        },
        REQUIRED,
        shape="mapping",
        description="a division list: one rule per division of the table; its name after a province it does not "
                    "belong to is flagged",
    )

    def load(self, value, defaults: dict, path: Path) -> list[Rule]:
        return _build_divisions(value, defaults, path, self.name)


FAMILY = Divisions()
