"""GET /v1/rules: the rules in force, filterable, with counts."""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from errcheck.filter import Selection
from errcheck.rules import CATEGORIES

from ..deps import CheckerDep
from ..responses import FastJSONResponse
from ..schemas import Category, RulesOut, SeverityLabel, error_responses, rule_payload

router = APIRouter(prefix="/v1", tags=["rules"])


@router.get("/rules", response_model=RulesOut, summary="List the rules in force",
            responses=error_responses(422, 503))
async def list_rules(
    checker: CheckerDep,
    category: Annotated[list[Category] | None, Query(description="only these categories; repeatable")] = None,
    min_severity: Annotated[SeverityLabel | None, Query(description="only rules at or above this severity")] = None,
    as_of: Annotated[_dt.date | None, Query(description="only rules in force on this day (YYYY-MM-DD)")] = None,
    q: Annotated[str | None, Query(max_length=100, description="substring of the code, a wrong or a right form")] = None,
) -> Response:
    """Codes, categories, severities, wrong/right forms, messages and sources, with counts
    of the listed rules by category and by severity."""
    selection = Selection(category, min_severity, as_of)
    needle = q.strip().lower() if q else ""
    rules = [
        r for r in checker.rules
        if selection.accepts_rule(r)
        and (not needle or needle in r.code.lower() or any(needle in f.lower() for f in r.wrong + r.right))
    ]
    by_category = Counter(r.category for r in rules)
    by_severity = Counter(r.severity.label for r in rules)
    return FastJSONResponse(
        {
            "ruleset_version": checker.version,
            "counts": {
                "total": len(rules),
                "by_category": {c: by_category.get(c, 0) for c in CATEGORIES},
                "by_severity": {s: by_severity.get(s, 0) for s in ("serious", "error", "warning")},
            },
            "rules": [rule_payload(r) for r in rules],
        }
    )
