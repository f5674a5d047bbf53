"""Typed dependencies: settings, the checker in force, API-key and admin-token guards."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from errcheck import Checker

from .config import Settings
from .errors import ApiError


async def settings_from_app(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(settings_from_app)]


async def current_checker(request: Request) -> Checker:
    """The checker in force. Read once per request: a reload swaps ``app.state.checker``
    in one assignment, and a request keeps the checker it started with."""
    checker = getattr(request.app.state, "checker", None)
    if checker is None:
        raise ApiError(503, "not_ready", "the rule set is still loading; retry shortly", headers={"Retry-After": "1"})
    return checker


CheckerDep = Annotated[Checker, Depends(current_checker)]

_api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="Required when ERRCHECK_API_KEY is set."
)
_bearer = HTTPBearer(auto_error=False, description="ERRCHECK_ADMIN_TOKEN")


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


async def require_api_key(settings: SettingsDep, key: Annotated[str | None, Security(_api_key_header)] = None) -> None:
    expected = settings.api_key
    if expected is None:
        return
    if not key:
        raise ApiError(401, "unauthorized", "missing API key: send header X-API-Key",
                       headers={"WWW-Authenticate": 'APIKey realm="errcheck", header="X-API-Key"'})
    if not _same(key, expected.get_secret_value()):
        raise ApiError(403, "forbidden", "invalid API key")


async def require_admin(
    settings: SettingsDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None
) -> None:
    expected = settings.admin_token
    if expected is None:
        raise ApiError(404, "admin_disabled", "admin endpoints are disabled: set ERRCHECK_ADMIN_TOKEN to enable them")
    if credentials is None or not credentials.credentials:
        raise ApiError(401, "unauthorized", "missing bearer token: send header Authorization: Bearer <token>",
                       headers={"WWW-Authenticate": 'Bearer realm="errcheck-admin"'})
    if credentials.scheme.lower() != "bearer" or not _same(credentials.credentials, expected.get_secret_value()):
        raise ApiError(403, "forbidden", "invalid admin token")
