"""One fast JSON response class for every route and every error."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse

try:  # orjson is several times faster on reports with many findings
    import orjson

    def dumps(content: Any) -> bytes:
        return orjson.dumps(content)

except ImportError:  # pragma: no cover - orjson is a dependency of the service extra

    def dumps(content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class FastJSONResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)
