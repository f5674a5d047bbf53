"""Reloads reach every worker and leave no memory behind (issue 15).

The rule sets here are small (a test dictionary without the shipped ones), so a cold
build takes a second, not twenty."""

import gc
import os
import signal
import subprocess
import sys
import time
import weakref
from pathlib import Path

import httpx
import pytest

from svc_helpers import EXTRA_RULE, free_port

TOKEN = {"Authorization": "Bearer s3cret"}
ROOT = Path(__file__).resolve().parents[2]


def rule(n: int) -> str:
    return EXTRA_RULE.replace("瑕疵词", f"瑕疵词{n}")


@pytest.fixture
def small_dicts(tmp_path):
    d = tmp_path / "dicts"
    d.mkdir()
    (d / "extra.yaml").write_text(rule(0), encoding="utf-8")
    return d


@pytest.fixture
def two_workers(small_dicts, tmp_path):
    """``errcheck serve --workers 2`` on 127.0.0.1, as a real process group, once *both*
    workers have started: a worker still starting reads the dictionaries when it gets
    there, so a test that edits them before would test that worker's start-up instead."""
    port = free_port()
    env = {**os.environ, "ERRCHECK_ADMIN_TOKEN": "s3cret", "ERRCHECK_BUILTIN_DICTIONARIES": "false",
           "ERRCHECK_DICTIONARIES": str(small_dicts), "ERRCHECK_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    log_path = tmp_path / "server.log"
    log = log_path.open("w", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "errcheck", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", "2", "--log-level", "info"], env=env, cwd=tmp_path,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while log_path.read_text(encoding="utf-8").count("Application startup complete") < 2:
            assert proc.poll() is None, log_path.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "the workers did not start:\n" + log_path.read_text(encoding="utf-8")
            time.sleep(0.1)
        assert httpx.get(f"{url}/readyz", timeout=10).status_code == 200
        yield url, small_dicts
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def versions(url: str, n: int) -> list[str]:
    """The rule-set version of ``n`` checks, each on a new connection (so the kernel hands
    them to both worker processes)."""
    found = []
    for _ in range(n):
        with httpx.Client(base_url=url, timeout=30) as http:
            r = http.post("/v1/check", json={"text": "这里有瑕疵字"})
            assert r.status_code == 200, r.text
            found.append(r.json()["ruleset_version"])
    return found


def test_a_reload_reaches_every_worker(two_workers):
    url, dicts = two_workers
    before = set(versions(url, 10))
    assert len(before) == 1
    for n in (1, 2):
        (dicts / "extra.yaml").write_text(rule(n), encoding="utf-8")
        r = httpx.post(f"{url}/v1/admin/reload", headers=TOKEN, timeout=120)
        assert r.status_code == 200, r.text
        new = r.json()["ruleset_version"]
        assert new not in before
        # every later request, whichever worker takes it, is answered with the new rules
        assert set(versions(url, 30)) == {new}
        with httpx.Client(base_url=url, timeout=30) as http:
            r = http.post("/v1/check", json={"text": "这里有瑕疵字"})
            assert r.json()["findings"][0]["suggestions"] == [f"瑕疵词{n}"]
        before.add(new)


def test_a_refused_reload_signals_nothing(two_workers):
    url, dicts = two_workers
    before = set(versions(url, 6))
    (dicts / "extra.yaml").write_text(rule(3).replace("severity: error", "severity: awful"), encoding="utf-8")
    assert httpx.post(f"{url}/v1/admin/reload", headers=TOKEN, timeout=120).status_code == 422
    assert set(versions(url, 10)) == before


# --- memory -------------------------------------------------------------------------------

def test_the_previous_rule_set_is_freed_after_a_reload(make_client):
    c = make_client(admin_token="s3cret")
    app = c.app
    first = weakref.ref(app.state.checker)
    assert c.post("/v1/admin/reload", headers=TOKEN).status_code == 200
    second = weakref.ref(app.state.checker)
    assert c.post("/v1/admin/reload", headers=TOKEN).status_code == 200
    c.post("/v1/check", json={"text": "京津翼"})
    gc.collect()
    assert first() is None, "the rule set loaded at start-up is still referenced"
    assert second() is None


def test_a_cold_build_happens_in_a_child_process(make_client, small_dicts, tmp_path, monkeypatch):
    """After a dictionary change the worker loads the rule set from the cache that a
    child process compiled; it never compiles one itself. Old rule sets are pruned."""
    from errcheck import compiler as compiler_module

    compiled_here = []
    compile_rules = compiler_module.compile_rules
    monkeypatch.setattr(compiler_module, "compile_rules",
                        lambda *a, **kw: compiled_here.append(1) or compile_rules(*a, **kw))
    monkeypatch.setenv("ERRCHECK_CACHE_KEEP", "2")
    cache = tmp_path / "cold-cache"
    c = make_client(admin_token="s3cret", builtin_dictionaries=False, dictionaries=[small_dicts], cache_dir=cache,
                    build_in_child=True)
    assert c.app.state.checker.load_info["source"] == "cache"  # built by a child at start-up too
    for n in (1, 2, 3):
        (small_dicts / "extra.yaml").write_text(rule(n), encoding="utf-8")
        r = c.post("/v1/admin/reload", headers=TOKEN)
        assert r.status_code == 200 and r.json()["changed"], r.text
        assert r.json()["load_info"]["source"] == "cache"
        assert c.post("/v1/check", json={"text": "这里有瑕疵字"}).json()["findings"][0]["suggestions"] == [f"瑕疵词{n}"]
    assert compiled_here == []
    assert len(list(cache.glob("rules-*.pickle"))) == 2  # ERRCHECK_CACHE_KEEP
    # an invalid dictionary is still refused with its reason (the child fails, the worker says why)
    (small_dicts / "extra.yaml").write_text(rule(4).replace("category: typo", "category: nonsense"), encoding="utf-8")
    r = c.post("/v1/admin/reload", headers=TOKEN)
    assert r.status_code == 422 and "unknown category 'nonsense'" in r.json()["error"]["message"]
