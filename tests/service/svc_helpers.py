"""Shared constants and helpers of the service tests (imported as a plain module)."""

import socket
import threading
import time

SEED = "县医保局将京津冀写成京津翼，截止目前已整改，名族团结，党的二十精神"
# (text, start, end, code, suggestion) of the four seed errors in SEED
SEED_FINDINGS = [
    ("京津翼", 10, 13, "FP0001", "京津冀"),
    ("截止目前", 14, 18, "TY0002", "截至目前"),
    ("名族", 22, 24, "TY0001", "民族"),
    ("党的二十精神", 27, 33, "FP0002", "党的二十大精神"),
]

EXTRA_RULE = """\
entries:
  - code: TY9001
    wrong: [瑕疵字]
    right: [瑕疵词]
    category: typo
    severity: error
    message: "「{match}」应为「{suggestion}」"
    source: "test dictionary"
    boundary: false
    examples:
      bad: ["这里有[[瑕疵字]]。"]
"""


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], list)
    return body["error"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving an app on 127.0.0.1 in a background thread."""

    def __init__(self, app, **config) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    **config))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        # start-up builds the rule set (about 20 s cold, longer on a busy machine)
        deadline = time.monotonic() + 180
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)
