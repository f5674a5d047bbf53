"""Pure ASGI middleware that guards request bodies before FastAPI parses them.

* a body larger than ``max_body_bytes`` is refused with 413 — at once when the
  ``Content-Length`` says so, or as soon as a chunked body goes over the limit;
* a body that has not fully arrived ``body_timeout`` seconds after the request's headers
  is refused with 408 and the connection closed (a client trickling its body a byte a
  second would otherwise hold a connection forever; the headers have their own timeout,
  see `service.protocol`);
* a JSON body (``application/json``, ``*+json`` or no content type) that is not valid
  UTF-8, or declares another charset, is refused with 400 (RFC 8259: JSON is UTF-8);
* a JSON body holding a lone UTF-16 surrogate escape (``"\\ud800"``: valid JSON syntax,
  but no Unicode character, so no text to check nor to answer with) is refused with 422
  ``invalid_text``. A surrogate *pair* (``"\\ud83d\\ude00"``, an emoji) is one
  character and is accepted.

The body (at most ``max_body_bytes``) is then replayed to the application.
"""

from __future__ import annotations

import asyncio
import re
import time

from .errors import error_bytes

#: quick test: does the body hold any surrogate escape at all (rare: emoji escaped by
#: clients that write ASCII-only JSON)
_ANY_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
#: every escape sequence, consumed left to right, so ``\\\\ud800`` (an escaped backslash,
#: then the letters ``ud800``) is not mistaken for an escape
_ESCAPE = re.compile(rb"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)


def lone_surrogate(body: bytes) -> tuple[int, str] | None:
    """``(byte offset, escape)`` of the first unpaired surrogate escape in a JSON body,
    else None. A high surrogate (D800–DBFF) must be followed at once by a low one
    (DC00–DFFF), and a low one preceded by a high one."""
    if not _ANY_SURROGATE.search(body):
        return None
    pending = None  # (offset, escape) of a high surrogate waiting for its low half
    pending_end = -1
    for m in _ESCAPE.finditer(body):
        unit = int(m[1], 16) if m[1] else None
        if pending is not None:
            if m.start() == pending_end and unit is not None and 0xDC00 <= unit <= 0xDFFF:
                pending = None
                continue
            return pending
        if unit is None or not 0xD800 <= unit <= 0xDFFF:
            continue
        if unit >= 0xDC00:
            return m.start(), m[0].decode("ascii")
        pending, pending_end = (m.start(), m[0].decode("ascii")), m.end()
    return pending

_BODYLESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "TRACE"})


def _header(scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return None


def _is_json(content_type: bytes | None) -> tuple[bool, str | None]:
    """Whether the body is to be parsed as JSON, and its declared charset (if any)."""
    if not content_type:
        return True, None  # FastAPI parses a body without a content type as JSON
    parts = content_type.decode("latin-1").split(";")
    media = parts[0].strip().lower()
    charset = None
    for param in parts[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media == "application/json" or media.endswith("+json"), charset


class BodyGuard:
    def __init__(self, app, max_body_bytes: int, body_timeout: float = 0) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout = body_timeout  # seconds; 0 = no limit

    async def _refuse(self, send, status: int, code: str, message: str, details=()) -> None:
        body = error_bytes(code, message, details)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] in _BODYLESS:
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                size = int(declared)
                if size < 0:
                    raise ValueError
            except ValueError:
                await self._refuse(send, 400, "bad_request", "invalid Content-Length header")
                return
            if size > limit:
                await self._refuse(
                    send, 413, "payload_too_large", f"request body of {size} bytes exceeds the limit of {limit} bytes"
                )
                return
        chunks = []
        total = 0
        more = True
        deadline = time.monotonic() + self.body_timeout if self.body_timeout > 0 else None
        while more:
            if deadline is None:
                message = await receive()
            else:
                try:
                    message = await asyncio.wait_for(receive(), max(deadline - time.monotonic(), 0.001))
                except asyncio.TimeoutError:
                    await self._refuse(send, 408, "request_timeout",
                                       f"the request body was not received within {self.body_timeout:g} seconds "
                                       f"({total} bytes arrived)")
                    return
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > limit:
                await self._refuse(
                    send, 413, "payload_too_large", f"request body exceeds the limit of {limit} bytes"
                )
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        is_json, charset = _is_json(_header(scope, b"content-type"))
        if is_json and body:
            if charset not in (None, "utf-8", "utf8"):
                await self._refuse(
                    send, 400, "invalid_encoding", f"JSON bodies must be UTF-8; charset={charset} is not supported"
                )
                return
            try:
                body.decode("utf-8")
            except UnicodeDecodeError as exc:
                await self._refuse(
                    send, 400, "invalid_encoding", f"request body is not valid UTF-8 (invalid byte at offset {exc.start})"
                )
                return
            lone = lone_surrogate(body)
            if lone is not None:
                offset, escape = lone
                message = (f"the request body holds a lone surrogate {escape} (byte offset {offset}), which is "
                           "not a Unicode character; send valid text (a character outside the BMP as a "
                           "surrogate pair or as UTF-8)")
                await self._refuse(send, 422, "invalid_text", message,
                                   [{"field": "body", "message": message, "type": "lone_surrogate"}])
                return

        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
