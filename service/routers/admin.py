"""POST /v1/admin/reload: re-read the dictionaries and swap the rule set atomically."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from errcheck import RuleError

from ..checking import build_checker
from ..reloading import prune_cache_after, release_memory, swap
from ..deps import SettingsDep, require_admin
from ..errors import ApiError
from ..responses import FastJSONResponse
from ..schemas import ReloadOut, error_responses

log = logging.getLogger("errcheck.service")
router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.post(
    "/reload",
    response_model=ReloadOut,
    summary="Reload the dictionaries",
    responses=error_responses(401, 403, 404, 422),
)
def reload(request: Request, settings: SettingsDep, _: Annotated[None, Depends(require_admin)]) -> Response:
    """Build a new rule set from the dictionaries on disk (shipped + ERRCHECK_DICTIONARIES)
    and, if it is valid, put it in force with one assignment: requests in flight finish
    on the old one, later ones use the new one. With several worker processes, every
    worker reloads before it answers its next request. An invalid dictionary is refused (422)
    with its `path:line: reason` and the old rule set keeps serving. Needs
    `Authorization: Bearer $ERRCHECK_ADMIN_TOKEN`; 404 when no token is configured."""
    state = request.app.state
    with state.reload_lock:  # one reload at a time; checks go on meanwhile
        try:
            new = build_checker(settings)
        except RuleError as exc:
            log.warning("reload refused: %s", exc)
            raise ApiError(
                422,
                "invalid_dictionary",
                f"dictionary rejected, the rule set in force is unchanged: {exc}",
                [{"field": f"{exc.path}:{exc.line}" if exc.line else exc.path, "message": exc.reason,
                  "type": "dictionary"}],
            ) from None
        old = swap(state, new)  # the atomic swap
        state.reload_signal.publish(new.version)  # every other worker reloads before its next request
        previous = old.version if old is not None else ""
        del old  # requests still running on it keep it until they finish
        release_memory(settings)
    prune_cache_after(new, settings)
    log.info("rule set reloaded: %s -> %s", previous, new.version)
    return FastJSONResponse(
        {
            "status": "reloaded",
            "ruleset_version": new.version,
            "previous_version": previous,
            "changed": new.version != previous,
            "rules": len(new.rules),
            "load_info": {k: v for k, v in new.load_info.items() if isinstance(v, (str, int, float, bool))},
        }
    )
