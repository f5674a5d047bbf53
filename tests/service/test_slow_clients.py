"""Slow clients are cut off (issue 15): request headers and bodies have a time limit, and
connections per worker are capped. Real sockets over loopback, a few connections, a few
seconds."""

import json
import socket
import time

import pytest

from svc_helpers import SEED, LiveServer

from service.protocol import HeaderTimeoutH11Protocol, HeaderTimeoutProtocol

TIMEOUT = 1.0  # seconds, both for headers and for bodies in these tests
SLACK = 1.5


class AutoProtocol(HeaderTimeoutProtocol):
    header_timeout = TIMEOUT


class H11Protocol(HeaderTimeoutH11Protocol):
    header_timeout = TIMEOUT


@pytest.fixture(scope="module", params=[AutoProtocol, H11Protocol], ids=["auto", "h11"])
def server(request, cache_dir):
    from service.config import Settings
    from service.main import create_app

    # every check in the thread pool, so a slow one does not block the event loop
    settings = Settings(_env_file=None, cache_dir=cache_dir, body_timeout=TIMEOUT, inline_max_chars=0)
    app = create_app(settings)
    with LiveServer(app, http=request.param, limit_concurrency=8) as s:
        s.app = app
        yield s


def connect(server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def trickle(sock, data: bytes, interval: float = 0.1, limit: float = 4.0) -> tuple[float, bytes]:
    """Send ``data`` one byte per ``interval`` until the server answers or closes (or
    ``limit`` seconds pass); the seconds that took and what the server sent."""
    began = time.monotonic()
    sock.settimeout(interval)
    received = b""
    for byte in data:
        if time.monotonic() - began > limit:
            return time.monotonic() - began, received  # still open: not cut off
        try:
            sock.sendall(bytes([byte]))
            received = sock.recv(65536)
        except socket.timeout:
            continue
        except (BrokenPipeError, ConnectionResetError):
            pass
        break  # an answer or EOF arrived
    sock.settimeout(5)
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return time.monotonic() - began, received


def request(body: bytes, content_length: int | None = None) -> bytes:
    n = len(body) if content_length is None else content_length
    return (b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(n).encode() + b"\r\n\r\n" + body)


BODY = json.dumps({"text": SEED}).encode()


def test_headers_sent_a_byte_at_a_time_are_cut_off_with_408(server):
    with connect(server) as sock:
        took, answer = trickle(sock, request(BODY) * 4)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:100]
    assert b'"code":"request_timeout"' in answer
    assert TIMEOUT - 0.2 <= took < TIMEOUT + SLACK


def test_a_connection_that_sends_nothing_is_closed(server):
    with connect(server) as sock:
        began = time.monotonic()
        assert sock.recv(100) == b""  # closed by the server, nothing said
        assert time.monotonic() - began < TIMEOUT + SLACK


def test_a_body_sent_a_byte_at_a_time_is_cut_off_with_408(server):
    head, body = request(BODY).split(b"\r\n\r\n", 1)
    with connect(server) as sock:
        sock.sendall(head + b"\r\n\r\n")
        took, answer = trickle(sock, body * 4)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:100]
    assert b'"code":"request_timeout"' in answer and b"request body" in answer
    assert took < TIMEOUT + SLACK


def test_keep_alive_requests_work_and_the_next_slow_headers_are_timed_too(server):
    with connect(server) as sock:
        for _ in range(3):  # pauses shorter than the timeout between requests are fine
            sock.sendall(request(BODY))
            answer = sock.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200 "), answer[:100]
            time.sleep(TIMEOUT / 3)
        took, answer = trickle(sock, request(BODY) * 4)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:100]
    assert took < TIMEOUT + SLACK


def test_a_slow_request_in_progress_is_not_cut_by_the_header_timer(server, monkeypatch):
    """The header timer does not fire while a request that arrived in time is answered
    (a check that takes longer than the timeout)."""
    import httpx

    checker = server.app.state.checker
    real = checker.check

    def slow_check(text, **kw):
        if text == "慢":
            time.sleep(TIMEOUT * 1.5)
        return real(text, **kw)

    monkeypatch.setattr(checker, "check", slow_check)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        for text in ("慢", SEED, "慢"):  # on one keep-alive connection
            r = http.post("/v1/check", json={"text": text})
            assert r.status_code == 200, r.text


def test_connections_beyond_the_limit_get_503(server):
    socks = [connect(server) for _ in range(8)]
    try:
        time.sleep(0.2)
        with connect(server) as extra:
            extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert extra.recv(100).startswith(b"HTTP/1.1 503 ")
    finally:
        for s in socks:
            s.close()
    time.sleep(0.2)
    with connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 200 ")
