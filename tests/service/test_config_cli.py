"""Settings from ERRCHECK_* variables and the `errcheck serve` sub-command."""

import io
import os
import sys
from pathlib import Path

import pytest

from errcheck.cli import main
from service.config import Settings, get_settings


def test_settings_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ERRCHECK_PORT", "9123")
    monkeypatch.setenv("ERRCHECK_WORKERS", "3")
    monkeypatch.setenv("ERRCHECK_DICTIONARIES", f"{tmp_path / 'a'}{os.pathsep}{tmp_path / 'b'}")
    monkeypatch.setenv("ERRCHECK_CORS_ORIGINS", "https://a.gov.cn, https://b.gov.cn")
    monkeypatch.setenv("ERRCHECK_MAX_TEXT_CHARS", "5000")
    monkeypatch.setenv("ERRCHECK_API_KEY", "")
    monkeypatch.setenv("ERRCHECK_ADMIN_TOKEN", "zq8-s3cr3t")
    s = Settings(_env_file=None)
    assert (s.port, s.workers, s.max_text_chars) == (9123, 3, 5000)
    assert s.dictionaries == [tmp_path / "a", tmp_path / "b"]
    assert s.cors_origins == ["https://a.gov.cn", "https://b.gov.cn"]
    assert s.api_key is None and s.admin_token.get_secret_value() == "zq8-s3cr3t"
    assert "zq8-s3cr3t" not in repr(s)


def test_settings_accept_json_lists(monkeypatch):
    monkeypatch.setenv("ERRCHECK_CORS_ORIGINS", '["https://a.gov.cn"]')
    monkeypatch.setenv("ERRCHECK_DICTIONARIES", '["/x/y"]')
    s = Settings(_env_file=None)
    assert s.cors_origins == ["https://a.gov.cn"] and s.dictionaries == [Path("/x/y")]


def test_invalid_settings_are_rejected(monkeypatch):
    monkeypatch.setenv("ERRCHECK_WORKERS", "0")
    with pytest.raises(ValueError):
        Settings(_env_file=None)


def test_get_settings_is_cached(monkeypatch):
    get_settings.cache_clear()
    try:
        assert get_settings() is get_settings()
    finally:
        get_settings.cache_clear()


def test_serve_is_registered_and_passes_settings_to_uvicorn(monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.setenv("ERRCHECK_PORT", "8111")
    get_settings.cache_clear()
    try:
        out, err = io.StringIO(), io.StringIO()
        assert main(["serve", "--workers", "2", "--host", "127.0.0.1"], out, err) == 0
    finally:
        get_settings.cache_clear()
    assert calls == [("service.main:create_app", {
        "factory": True, "host": "127.0.0.1", "port": 8111, "workers": 2, "log_level": "info",
        "proxy_headers": False, "server_header": False,
        "http": "service.protocol:HeaderTimeoutProtocol", "limit_concurrency": 1000,
        "timeout_worker_healthcheck": 60,
    })]


def test_worker_healthcheck_timeout_comes_from_the_environment(monkeypatch):
    """uvicorn kills a worker that does not answer its health check in time; a worker that
    compiles or loads a rule set may hold the interpreter for longer than uvicorn's 5 s."""
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    monkeypatch.setenv("ERRCHECK_WORKER_HEALTHCHECK", "90")
    get_settings.cache_clear()
    try:
        assert main(["serve", "--workers", "2"], io.StringIO(), io.StringIO()) == 0
        monkeypatch.setenv("ERRCHECK_WORKER_HEALTHCHECK", "0")
        get_settings.cache_clear()
        err = io.StringIO()
        assert main(["serve"], io.StringIO(), err) == 2 and "ERRCHECK_" in err.getvalue()
    finally:
        get_settings.cache_clear()
    assert calls[0]["timeout_worker_healthcheck"] == 90


def test_serve_rejects_bad_environment(monkeypatch):
    monkeypatch.setenv("ERRCHECK_MAX_BODY_BYTES", "lots")
    get_settings.cache_clear()
    try:
        err = io.StringIO()
        assert main(["serve"], io.StringIO(), err) == 2
        assert "ERRCHECK_" in err.getvalue()
    finally:
        get_settings.cache_clear()


def test_serve_help_lists_the_flags(capsys):
    assert main(["serve", "--help"]) == 0
    help_text = capsys.readouterr().out
    for flag in ("--host", "--port", "--workers"):
        assert flag in help_text


def test_check_command_does_not_import_the_web_stack():
    import subprocess

    code = ("import sys, errcheck.cli as c; c.build_parser(); "
            "print(any(m in sys.modules for m in ('fastapi', 'uvicorn', 'starlette', 'pydantic')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "False"
