"""GET /healthz (the process answers) and GET /readyz (the rule set is loaded)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from errcheck import __version__

from ..errors import ApiError
from ..responses import FastJSONResponse
from ..schemas import HealthOut, ReadyOut, error_responses

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut, summary="Liveness")
async def healthz() -> Response:
    return FastJSONResponse({"status": "ok", "version": __version__})


@router.get("/readyz", response_model=ReadyOut, summary="Readiness", responses=error_responses(503))
async def readyz(request: Request) -> Response:
    """200 once the rule set (the automaton) is loaded and warmed up, 503 before."""
    checker = getattr(request.app.state, "checker", None)
    if checker is None or not getattr(request.app.state, "ready", False):
        raise ApiError(503, "not_ready", "the rule set is still loading", headers={"Retry-After": "1"})
    return FastJSONResponse({"status": "ready", "ruleset_version": checker.version, "rules": len(checker.rules)})
