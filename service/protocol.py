"""uvicorn HTTP protocols with a request-header timeout (slow-client / slowloris guard).

uvicorn closes an idle keep-alive connection after ``timeout_keep_alive``, but has no
timeout on *receiving* a request: a client that sends its headers one byte a second keeps
its connection (and a file descriptor) forever. These protocols (the httptools one that
``auto`` picks when httptools is installed, and the h11 one) arm a timer whenever they
wait for the headers of a request — on connect, and after each response on a keep-alive
connection — and cancel it when the headers are complete. When it fires, a client that
sent part of a request gets ``408`` (common error shape) and the connection is closed; an
idle one is just closed.

The request *body* is bounded separately, by `service.middleware.BodyGuard`
(``ERRCHECK_BODY_TIMEOUT``). Not covered here: the TLS handshake (terminate TLS in a
proxy) and a client that reads the response slowly (bounded by the kernel's socket
buffers and uvicorn's flow control, and by ``ERRCHECK_LIMIT_CONCURRENCY``).

``errcheck serve`` selects ``service.protocol:HeaderTimeoutProtocol``; the timeout comes
from ``ERRCHECK_HEADER_TIMEOUT`` (seconds, default 10; 0 disables it).
"""

from __future__ import annotations

import asyncio

from .errors import error_bytes

try:  # what uvicorn's "auto" would pick
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Auto
except ImportError:  # pragma: no cover - httptools not installed
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Auto
from uvicorn.protocols.http.h11_impl import H11Protocol


def _408() -> bytes:
    body = error_bytes("request_timeout", "the request headers were not received in time")
    return (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


class _HeaderTimeout:
    """Mixin over a uvicorn HTTP protocol class (which sets ``self.loop``,
    ``self.transport`` and ``self.cycle``)."""

    #: seconds; None = read ERRCHECK_HEADER_TIMEOUT from the settings on first use
    header_timeout: float | None = None

    def _header_seconds(self) -> float:
        if self.header_timeout is None:
            from .config import get_settings

            type(self).header_timeout = float(get_settings().header_timeout)
        return self.header_timeout

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        self._waiting_cycle = self.cycle  # a new cycle object = the headers are in
        self._partial = False
        seconds = self._header_seconds()
        if seconds > 0:
            self._header_timer = self.loop.call_later(seconds, self._header_timed_out)

    def _cancel_header_timer(self) -> None:
        timer = getattr(self, "_header_timer", None)
        if timer is not None:
            timer.cancel()
        self._header_timer = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer = None
        self._arm_header_timer()

    def data_received(self, data: bytes) -> None:
        if self._header_timer is not None:
            self._partial = True
        super().data_received(data)
        if self._header_timer is not None and self.cycle is not self._waiting_cycle:
            self._cancel_header_timer()  # the headers are complete: the body has its own timeout

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_header_timer()  # the next request on this keep-alive connection

    def connection_lost(self, exc) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def _header_timed_out(self) -> None:
        self._header_timer = None
        cycle = self.cycle
        if self.transport.is_closing() or cycle is not self._waiting_cycle:
            return  # the headers of a new request came in
        if cycle is not None and not cycle.response_complete:
            return  # a (pipelined) request is being answered; the timer is re-armed after it
        if self._partial:
            self.transport.write(_408())
        self.transport.close()


class HeaderTimeoutProtocol(_HeaderTimeout, _Auto):
    """The protocol uvicorn's ``auto`` picks, with the header timeout."""


class HeaderTimeoutH11Protocol(_HeaderTimeout, H11Protocol):
    """The h11 protocol with the header timeout."""
