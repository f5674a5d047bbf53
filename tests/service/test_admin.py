"""POST /v1/admin/reload: auth, atomic swap, a bad dictionary is refused, no request fails."""

import threading

import httpx
import pytest

from svc_helpers import EXTRA_RULE, LiveServer, assert_error

TOKEN = {"Authorization": "Bearer s3cret"}


@pytest.fixture
def extra_dir(tmp_path):
    d = tmp_path / "dicts"
    d.mkdir()
    return d


def test_reload_disabled_without_a_token(make_client):
    c = make_client()
    err = assert_error(c.post("/v1/admin/reload", headers=TOKEN), 404, "admin_disabled")
    assert "ERRCHECK_ADMIN_TOKEN" in err["message"]


def test_reload_needs_the_bearer_token(make_client):
    c = make_client(admin_token="s3cret")
    r = c.post("/v1/admin/reload")
    assert_error(r, 401, "unauthorized")
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert_error(c.post("/v1/admin/reload", headers={"Authorization": "Bearer nope"}), 403, "forbidden")
    assert_error(c.post("/v1/admin/reload", headers={"Authorization": "Basic czNjcmV0"}), 401, "unauthorized")
    assert "/v1/admin/reload" in c.get("/openapi.json").json()["paths"]


def test_reload_picks_up_a_new_dictionary(make_client, extra_dir):
    c = make_client(admin_token="s3cret", dictionaries=[extra_dir])
    before = c.post("/v1/check", json={"text": "这里有瑕疵字"}).json()
    assert before["findings"] == []
    (extra_dir / "extra.yaml").write_text(EXTRA_RULE, encoding="utf-8")
    r = c.post("/v1/admin/reload", headers=TOKEN)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "reloaded" and body["changed"] is True
    assert body["previous_version"] == before["ruleset_version"] != body["ruleset_version"]
    after = c.post("/v1/check", json={"text": "这里有瑕疵字"}).json()
    assert [(f["code"], f["start"], f["end"], f["suggestions"]) for f in after["findings"]] == [
        ("TY9001", 3, 6, ["瑕疵词"])
    ]
    assert after["ruleset_version"] == body["ruleset_version"]
    assert c.get("/readyz").json()["ruleset_version"] == body["ruleset_version"]
    again = c.post("/v1/admin/reload", headers=TOKEN).json()
    assert again["changed"] is False and again["ruleset_version"] == body["ruleset_version"]


def test_invalid_dictionary_is_refused_and_the_old_rules_keep_serving(make_client, extra_dir):
    (extra_dir / "extra.yaml").write_text(EXTRA_RULE, encoding="utf-8")
    c = make_client(admin_token="s3cret", dictionaries=[extra_dir])
    version = c.get("/readyz").json()["ruleset_version"]
    (extra_dir / "extra.yaml").write_text(EXTRA_RULE.replace("category: typo", "category: nonsense"), encoding="utf-8")
    err = assert_error(c.post("/v1/admin/reload", headers=TOKEN), 422, "invalid_dictionary")
    assert "unknown category 'nonsense'" in err["message"]
    assert err["details"][0]["field"].endswith("extra.yaml:2")
    assert "nonsense" in err["details"][0]["message"]
    r = c.post("/v1/check", json={"text": "这里有瑕疵字"}).json()
    assert r["ruleset_version"] == version and [f["code"] for f in r["findings"]] == ["TY9001"]
    (extra_dir / "broken.yaml").write_text("entries: [", encoding="utf-8")
    (extra_dir / "extra.yaml").write_text(EXTRA_RULE, encoding="utf-8")
    err = assert_error(c.post("/v1/admin/reload", headers=TOKEN), 422, "invalid_dictionary")
    assert "invalid YAML" in err["message"]
    assert c.get("/readyz").json()["ruleset_version"] == version


def test_no_request_fails_during_reloads(make_settings, extra_dir):
    """Checks run from 4 threads against a live server while it reloads repeatedly,
    alternating valid and invalid dictionaries: every check answers 200 with a finding."""
    from service.main import create_app

    (extra_dir / "extra.yaml").write_text(EXTRA_RULE, encoding="utf-8")
    app = create_app(make_settings(admin_token="s3cret", dictionaries=[extra_dir]))
    failures, done, counts = [], threading.Event(), []

    with LiveServer(app) as server:
        def hammer():
            n = 0
            with httpx.Client(base_url=server.url, timeout=60) as http:
                while not done.is_set():
                    r = http.post("/v1/check", json={"text": "京津翼，这里有瑕疵字"})
                    codes = [f["code"] for f in r.json().get("findings", [])] if r.status_code == 200 else []
                    if r.status_code != 200 or "FP0001" not in codes:
                        failures.append((r.status_code, r.text[:200]))
                    n += 1
            counts.append(n)

        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for t in threads:
            t.start()
        statuses = []
        with httpx.Client(base_url=server.url, timeout=120, headers=TOKEN) as admin:
            for i in range(4):
                bad = i % 2 == 1
                rule = EXTRA_RULE.replace("severity: error", "severity: awful") if bad else EXTRA_RULE.replace(
                    "瑕疵词", f"瑕疵词{i}")
                (extra_dir / "extra.yaml").write_text(rule, encoding="utf-8")
                statuses.append(admin.post("/v1/admin/reload").status_code)
        done.set()
        for t in threads:
            t.join()
    assert statuses == [200, 422] * 2
    assert failures == []
    assert sum(counts) > 20
