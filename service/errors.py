"""Every error leaves the service in one JSON shape::

    {"error": {"code": "payload_too_large", "message": "...", "details": [...]}}

``details`` items are ``{"field": "body.text", "message": "...", "type": "..."}``.
This module turns FastAPI/Starlette errors (validation, 404, 405...) and our own
`ApiError` into that shape; it is also used by the ASGI middleware that rejects
oversized or non-UTF-8 bodies before FastAPI sees them.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .responses import FastJSONResponse, dumps

log = logging.getLogger("errcheck.service")

#: default ``code`` of an HTTP status when nothing more specific is known
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    408: "request_timeout",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "not_ready",
}


class ApiError(Exception):
    """Raise from a route or dependency to answer with the common error shape."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Iterable[dict[str, Any]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = list(details)
        self.headers = headers


def docx_rejected(name: str, exc) -> ApiError:
    """The answer to an uploaded .docx that `errcheck.docx_safety` refused (``exc``, a
    ``DocxRejected``): 413 when it inflates past a limit or holds too much text, else 400."""
    if exc.too_large:
        return ApiError(413, "document_too_large", f"{name}: {exc}",
                        [{"field": "body.file", "message": str(exc), "type": "too_large"}])
    return ApiError(400, "invalid_document", f"{name} is not a readable .docx file ({exc})",
                    [{"field": "body.file", "message": str(exc), "type": "invalid_document"}])


def error_body(code: str, message: str, details: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": list(details)}}


def error_response(status: int, code: str, message: str, details=(), headers=None) -> FastJSONResponse:
    return FastJSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def error_bytes(code: str, message: str, details=()) -> bytes:
    return dumps(error_body(code, message, details))


def _field(loc: Iterable[Any]) -> str:
    return ".".join(str(part) for part in loc)


def validation_details(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    details = []
    for err in errors:
        message = str(err.get("msg", "invalid value"))
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        details.append({"field": _field(err.get("loc", ())), "message": message, "type": err.get("type")})
    return details


async def _api_error(request: Request, exc: ApiError) -> FastJSONResponse:
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


async def _validation_error(request: Request, exc: RequestValidationError) -> FastJSONResponse:
    details = validation_details(exc.errors())
    if any(d["type"] == "json_invalid" for d in details):
        code, message = "invalid_json", "the request body is not valid JSON"
    else:
        fields = ", ".join(dict.fromkeys(d["field"] for d in details))
        code, message = "validation_error", f"invalid request: {fields}"
    return error_response(422, code, message, details)


async def _http_error(request: Request, exc: StarletteHTTPException) -> FastJSONResponse:
    code = STATUS_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 404 and message == "Not Found":
        message = f"no such endpoint: {request.method} {request.url.path}"
    elif exc.status_code == 405:
        message = f"method {request.method} not allowed on {request.url.path}"
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


async def _unexpected(request: Request, exc: Exception) -> FastJSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "internal error; the request was not processed")


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
