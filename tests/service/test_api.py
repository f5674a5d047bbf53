"""Every endpoint and every error path of the HTTP API, through TestClient."""

import io
import json

import pytest

from errcheck import SCHEMA_VERSION

from svc_helpers import SEED, SEED_FINDINGS, assert_error


def spans(report):
    return [(f["text"], f["start"], f["end"], f["code"], f["suggestions"][0]) for f in report["findings"]]


# -- POST /v1/check ------------------------------------------------------------------------


def test_check_text_reports_exact_spans(client):
    r = client.post("/v1/check", json={"text": SEED})
    assert r.status_code == 200
    body = r.json()
    assert spans(body) == SEED_FINDINGS
    for f in body["findings"]:
        assert SEED[f["start"] : f["end"]] == f["text"]
        assert f["severity"] == "serious" and f["line"] == 1 and f["column"] == f["start"] + 1
        assert "html_start" not in f and "html_end" not in f
    assert body["input"] == "text"
    assert body["counts"] == {"serious": 4, "error": 0, "warning": 0}
    assert body["verdict"] == "fail" and body["score"] == 0
    assert body["length"] == len(SEED)
    assert body["schema_version"] == SCHEMA_VERSION
    assert len(body["ruleset_version"]) == 12
    assert body["timing"]["check_ms"] >= 0 and body["timing"]["total_ms"] >= body["timing"]["check_ms"]
    assert "text" not in body


def test_check_mode_thorough_and_a_bad_mode(client):
    text = "全县人民正在过上辛福生活。"
    assert client.post("/v1/check", json={"text": text}).json()["findings"] == []
    body = client.post("/v1/check", json={"text": text, "mode": "thorough"}).json()
    assert spans(body) == [("辛", 8, 9, "LM0001", "幸")] and body["findings"][0]["kind"] == "context"
    batch = client.post("/v1/check/batch", json={"mode": "thorough", "documents": [{"id": "a", "text": text}]})
    assert spans(batch.json()["results"][0]) == [("辛", 8, 9, "LM0001", "幸")]
    assert_error(client.post("/v1/check", json={"text": text, "mode": "slow"}), 422, "validation_error")


def test_check_counts_code_points_beyond_the_bmp(client):
    text = "𠀀😀京津翼"  # two astral characters first: offsets are code points, not UTF-16 units
    f = client.post("/v1/check", json={"text": text}).json()["findings"][0]
    assert (f["start"], f["end"], f["text"]) == (2, 5, "京津翼")


def test_check_empty_text_is_a_valid_empty_report(client):
    r = client.post("/v1/check", json={"text": ""})
    assert r.status_code == 200
    body = r.json()
    assert body["findings"] == [] and body["length"] == 0
    assert body["verdict"] == "pass" and body["score"] == 100
    assert body["counts"] == {"serious": 0, "error": 0, "warning": 0}


def test_check_html_offsets_in_text_and_source(client):
    html = (
        "<html><head><style>p{color:red} /* 京津翼 */</style><script>var s='名族';</script></head>"
        "<body><h1>通报</h1><p>深入推进<b>京津&#32764;</b>协同发展，截止目前&nbsp;完成。</p><!-- 名族 --></body></html>"
    )
    r = client.post("/v1/check", json={"html": html})
    assert r.status_code == 200
    body = r.json()
    assert body["input"] == "html"
    text = body["text"]
    assert text == "通报\n深入推进京津翼协同发展，截止目前\xa0完成。\n"
    found = [(f["text"], f["start"], f["end"], f["html_start"], f["html_end"]) for f in body["findings"]]
    jjy = html.index("京津&#32764;")
    jz = html.index("截止目前")
    assert found == [
        ("京津翼", 7, 10, jjy, jjy + len("京津&#32764;")),
        ("截止目前", 15, 19, jz, jz + 4),
    ]
    for f in body["findings"]:
        assert text[f["start"] : f["end"]] == f["text"]
    assert body["length"] == len(text)


@pytest.mark.parametrize(
    "options, present, absent",
    [
        ({"categories": ["typo"]}, {"TY0002", "TY0001"}, {"FP0001", "FP0002"}),
        ({"categories": ["fixed-phrase"]}, {"FP0001", "FP0002"}, {"TY0002", "TY0001"}),
        ({"categories": ["typo", "fixed-phrase"]}, {"FP0001", "TY0002", "TY0001", "FP0002"}, set()),
        ({"min_severity": "serious"}, {"FP0001", "TY0002", "TY0001", "FP0002"}, set()),
        ({"as_of": "2024-01-01"}, {"FP0001", "TY0002", "TY0001", "FP0002"}, set()),
    ],
)
def test_check_options_filter(client, options, present, absent):
    r = client.post("/v1/check", json={"text": SEED, **options})
    assert r.status_code == 200, r.text
    findings = r.json()["findings"]
    codes = {f["code"] for f in findings}
    assert present <= codes and not absent & codes
    if "categories" in options:
        assert {f["category"] for f in findings} <= set(options["categories"])
    if "min_severity" in options:
        assert {f["severity"] for f in findings} == {"serious"}


def test_check_min_severity_hides_lower_findings(make_client, tmp_path):
    (tmp_path / "extra.yaml").write_text(
        "entries:\n  - code: TY9002\n    wrong: [测试错]\n    right: [测试对]\n    category: typo\n"
        "    severity: warning\n    message: m\n    source: s\n    boundary: false\n"
        "    examples:\n      bad: ['有[[测试错]]']\n",
        encoding="utf-8",
    )
    c = make_client(dictionaries=[tmp_path])
    text = "有测试错，京津翼"
    everything = c.post("/v1/check", json={"text": text}).json()
    assert [(f["code"], f["severity"]) for f in everything["findings"]] == [("TY9002", "warning"), ("FP0001", "serious")]
    assert everything["counts"] == {"serious": 1, "error": 0, "warning": 1}
    serious = c.post("/v1/check", json={"text": text, "min_severity": "error"}).json()
    assert [f["code"] for f in serious["findings"]] == ["FP0001"]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"text": 12}, "body.text"),
        ({"text": ["a"]}, "body.text"),
        ({"html": None, "text": None}, "body"),
        ({}, "body"),
        ({"text": "a", "html": "<p>a</p>"}, "body"),
        ({"text": "a", "categories": ["nope"]}, "body.categories.0"),
        ({"text": "a", "categories": "typo"}, "body.categories"),
        ({"text": "a", "min_severity": "fatal"}, "body.min_severity"),
        ({"text": "a", "as_of": "2024-13-45"}, "body.as_of"),
        ({"text": "a", "unexpected": 1}, "body.unexpected"),
        ([1, 2], "body"),
    ],
)
def test_check_wrong_types_are_422_with_the_field(client, payload, field):
    err = assert_error(client.post("/v1/check", json=payload), 422, "validation_error")
    assert field in [d["field"] for d in err["details"]]
    assert all(d["message"] for d in err["details"])


def test_check_allow_silences_names_and_slogans(client):
    text = "请登录浙里办，李名族同志说各名族团结"
    plain = client.post("/v1/check", json={"text": text}).json()
    assert [f["text"] for f in plain["findings"]] == ["浙里", "名族", "名族"]
    allowed = client.post("/v1/check", json={"text": text, "allow": ["浙里办", "李名族"]}).json()
    assert [(f["text"], f["start"]) for f in allowed["findings"]] == [("名族", text.rindex("名族"))]
    batch = client.post("/v1/check/batch", json={"documents": [{"id": 1, "text": text}], "allow": ["浙里办"]}).json()
    assert [f["text"] for f in batch["results"][0]["findings"]] == ["名族", "名族"]


@pytest.mark.parametrize("allow, reason", [(["京"], "shorter than 2"), (["长" * 101], "longer than 100"),
                                           (["浙里办"] * 101, "at most 100"), ("浙里办", "list"), ([3], "string")])
def test_check_allow_is_bounded(client, allow, reason):
    err = assert_error(client.post("/v1/check", json={"text": "浙里办", "allow": allow}), 422, "validation_error")
    assert [d["field"] for d in err["details"]][0].startswith("body.allow")
    assert reason in " ".join(d["message"] for d in err["details"])


def test_invalid_json_is_422(client):
    r = client.post("/v1/check", content=b'{"text": "abc"', headers={"content-type": "application/json"})
    err = assert_error(r, 422, "invalid_json")
    assert err["details"][0]["type"] == "json_invalid"


def test_non_utf8_body_is_400(client):
    body = json.dumps({"text": "京津翼"}, ensure_ascii=False).encode("gb18030")
    err = assert_error(client.post("/v1/check", content=body, headers={"content-type": "application/json"}),
                       400, "invalid_encoding")
    assert "UTF-8" in err["message"]


def test_declared_non_utf8_charset_is_400(client):
    r = client.post("/v1/check", content=b'{"text": "a"}', headers={"content-type": "application/json; charset=gbk"})
    assert_error(r, 400, "invalid_encoding")


def test_body_over_the_limit_is_413(make_client):
    c = make_client(max_body_bytes=4096)
    ok = c.post("/v1/check", json={"text": "京" * 1000})  # ~3 kB
    assert ok.status_code == 200
    err = assert_error(c.post("/v1/check", json={"text": "京" * 2000}), 413, "payload_too_large")
    assert "4096" in err["message"]


def test_chunked_body_over_the_limit_is_413(make_client):
    c = make_client(max_body_bytes=4096)

    def chunks():
        yield b'{"text": "'
        for _ in range(10):
            yield b"a" * 1000
        yield b'"}'

    r = c.post("/v1/check", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert_error(r, 413, "payload_too_large")


def test_text_over_the_limit_is_413(make_client):
    c = make_client(max_text_chars=100)
    assert c.post("/v1/check", json={"text": "京" * 100}).status_code == 200
    err = assert_error(c.post("/v1/check", json={"text": "京" * 101}), 413, "text_too_long")
    assert err["details"][0]["field"] == "body.text"
    err = assert_error(c.post("/v1/check", json={"html": "<p>" + "京" * 100 + "</p>"}), 413, "text_too_long")
    assert err["details"][0]["field"] == "body.html"


def test_long_documents_go_through_the_thread_pool(make_client):
    c = make_client(inline_max_chars=10)
    r = c.post("/v1/check", json={"text": "前文" * 20 + SEED})
    assert r.status_code == 200
    assert [f["start"] for f in r.json()["findings"]] == [s + 40 for _, s, _, _, _ in SEED_FINDINGS]


def test_malformed_requests_do_not_break_the_app(client):
    for _ in range(3):
        client.post("/v1/check", content=b"\xff\xfe\x00", headers={"content-type": "application/json"})
        client.post("/v1/check", content=b"[[[[", headers={"content-type": "application/json"})
        client.post("/v1/check", json={"text": "\x00\x01"})
    assert client.post("/v1/check", json={"text": SEED}).status_code == 200


# -- POST /v1/check/batch -----------------------------------------------------------------


def test_batch_returns_results_in_order_with_ids(client):
    docs = [
        {"id": "b", "text": "京津翼"},
        {"id": 7, "text": ""},
        {"id": "a", "html": "<p>名族</p>"},
        {"id": "c", "text": SEED},
    ]
    r = client.post("/v1/check/batch", json={"documents": docs, "categories": ["typo", "fixed-phrase"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 4 and [x["id"] for x in body["results"]] == ["b", 7, "a", "c"]
    b, empty, a, c = body["results"]
    assert [(f["text"], f["start"], f["end"]) for f in b["findings"]] == [("京津翼", 0, 3)]
    assert empty["findings"] == [] and empty["verdict"] == "pass"
    assert a["input"] == "html" and a["findings"][0]["html_start"] == 3 and a["findings"][0]["html_end"] == 5
    assert spans(c) == SEED_FINDINGS
    assert body["ruleset_version"] == c["ruleset_version"]


def test_batch_options_apply_to_every_document(client):
    r = client.post("/v1/check/batch", json={"documents": [{"id": 1, "text": SEED}, {"id": 2, "text": SEED}],
                                             "categories": ["typo"]})
    for result in r.json()["results"]:
        codes = [f["code"] for f in result["findings"]]
        assert {"TY0002", "TY0001"} <= set(codes) and "FP0001" not in codes
        assert {f["category"] for f in result["findings"]} == {"typo"}


def test_batch_limits(make_client):
    c = make_client(max_batch_documents=2, max_text_chars=10)
    err = assert_error(
        c.post("/v1/check/batch", json={"documents": [{"id": i, "text": "a"} for i in range(3)]}),
        413, "too_many_documents",
    )
    assert err["details"][0]["field"] == "body.documents"
    err = assert_error(
        c.post("/v1/check/batch", json={"documents": [{"id": 1, "text": "a"}, {"id": 2, "text": "b" * 11}]}),
        413, "text_too_long",
    )
    assert err["details"][0]["field"] == "body.documents.1.text"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"documents": []}, "body.documents"),
        ({"documents": [{"text": "a"}]}, "body.documents.0.id"),
        ({"documents": [{"id": 1, "text": 5}]}, "body.documents.0.text"),
        ({"documents": [{"id": 1}]}, "body.documents.0"),
        ({"documents": [{"id": 1, "text": "a"}, {"id": 1, "text": "b"}]}, "body"),
        ({"documents": "x"}, "body.documents"),
    ],
)
def test_batch_validation(client, payload, field):
    err = assert_error(client.post("/v1/check/batch", json=payload), 422, "validation_error")
    assert all(d["message"] for d in err["details"])
    assert field in [d["field"] for d in err["details"]]


# -- GET /v1/rules, /healthz, /readyz -------------------------------------------------------


def test_rules_lists_codes_categories_severities_and_counts(client):
    body = client.get("/v1/rules").json()
    codes = [r["code"] for r in body["rules"]]
    assert {"TY0001", "TY0002", "FP0001", "FP0002"} <= set(codes)
    assert codes == sorted(codes)
    assert body["counts"]["total"] == len(codes)
    assert sum(body["counts"]["by_category"].values()) == len(codes)
    assert sum(body["counts"]["by_severity"].values()) == len(codes)
    fp1 = next(r for r in body["rules"] if r["code"] == "FP0001")
    assert fp1["wrong"] == ["京津翼"] and fp1["right"] == ["京津冀"]
    assert fp1["category"] == "fixed-phrase" and fp1["severity"] == "serious"


def test_rules_filters(client):
    typo = client.get("/v1/rules", params={"category": "typo"}).json()
    assert typo["rules"] and all(r["category"] == "typo" for r in typo["rules"])
    assert typo["counts"]["by_category"]["typo"] == typo["counts"]["total"]
    both = client.get("/v1/rules", params=[("category", "typo"), ("category", "fixed-phrase")]).json()
    assert {r["category"] for r in both["rules"]} == {"typo", "fixed-phrase"}
    q = client.get("/v1/rules", params={"q": "京津翼"}).json()
    assert "FP0001" in [r["code"] for r in q["rules"]]
    assert all(any("京津翼" in form for form in r["wrong"] + r["right"]) for r in q["rules"])
    assert client.get("/v1/rules", params={"q": "FP0001"}).json()["counts"]["total"] == 1
    assert client.get("/v1/rules", params={"min_severity": "serious"}).json()["counts"]["by_severity"]["error"] == 0
    assert_error(client.get("/v1/rules", params={"category": "nope"}), 422, "validation_error")
    assert_error(client.get("/v1/rules", params={"as_of": "yesterday"}), 422, "validation_error")


def test_health_and_ready(client):
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready" and ready.json()["rules"] >= 4


def test_not_ready_before_the_rule_set_is_loaded(make_settings):
    from fastapi.testclient import TestClient

    from service.main import create_app

    c = TestClient(create_app(make_settings()), raise_server_exceptions=False)  # no lifespan run
    assert c.get("/healthz").status_code == 200
    err = assert_error(c.get("/readyz"), 503, "not_ready")
    assert "loading" in err["message"]
    assert_error(c.post("/v1/check", json={"text": "a"}), 503, "not_ready")
    with c:  # the lifespan loads the automaton; readiness flips
        assert c.get("/readyz").status_code == 200
        assert c.post("/v1/check", json={"text": "京津翼"}).json()["findings"][0]["code"] == "FP0001"


# -- errors shared by every route -------------------------------------------------------------


def test_unknown_path_and_method_use_the_error_shape(client):
    assert_error(client.get("/v1/nothing"), 404, "not_found")
    r = client.get("/v1/check")
    assert_error(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "POST"
    assert_error(client.delete("/v1/rules"), 405, "method_not_allowed")


def test_openapi_documents_the_versioned_endpoints(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert {"/v1/check", "/v1/check/batch", "/v1/rules", "/v1/extract", "/healthz", "/readyz"} <= set(paths)
    assert "/v1/admin/reload" not in paths  # admin disabled without a token
    assert "413" in paths["/v1/check"]["post"]["responses"]
    assert schema["components"]["schemas"]["ErrorResponse"]


# -- API key, CORS ------------------------------------------------------------------------


def test_api_key_guards_check_endpoints(make_client):
    c = make_client(api_key="k3y")
    err = assert_error(c.post("/v1/check", json={"text": "a"}), 401, "unauthorized")
    assert "X-API-Key" in err["message"]
    assert_error(c.post("/v1/check", json={"text": "a"}, headers={"X-API-Key": "wrong"}), 403, "forbidden")
    assert_error(c.post("/v1/check/batch", json={"documents": [{"id": 1, "text": "a"}]}), 401, "unauthorized")
    assert_error(c.post("/v1/extract", files={"file": ("a.txt", b"a")}), 401, "unauthorized")
    ok = c.post("/v1/check", json={"text": "京津翼"}, headers={"X-API-Key": "k3y"})
    assert ok.status_code == 200 and ok.json()["findings"][0]["code"] == "FP0001"
    assert c.get("/v1/rules").status_code == 200 and c.get("/healthz").status_code == 200
    assert "APIKeyHeader" in c.get("/openapi.json").json()["components"]["securitySchemes"]


def test_no_api_key_configured_means_open(client):
    assert client.post("/v1/check", json={"text": "a"}, headers={"X-API-Key": "anything"}).status_code == 200


def test_cors_origins(make_client):
    c = make_client(cors_origins=["https://www.example.gov.cn"])
    pre = c.options("/v1/check", headers={"Origin": "https://www.example.gov.cn",
                                           "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "https://www.example.gov.cn"
    r = c.post("/v1/check", json={"text": "a"}, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    plain = make_client()
    r = plain.post("/v1/check", json={"text": "a"}, headers={"Origin": "https://www.example.gov.cn"})
    assert "access-control-allow-origin" not in r.headers


# -- POST /v1/extract + the page ---------------------------------------------------------------


def test_extract_txt_html_docx(client):
    r = client.post("/v1/extract", files={"file": ("稿件.txt", SEED.encode("utf-8"), "text/plain")})
    assert r.status_code == 200 and r.json() == {"filename": "稿件.txt", "format": "txt", "text": SEED}
    r = client.post("/v1/extract", files={"file": ("p.html", "<p>京津翼</p><script>x</script>".encode())})
    assert r.json()["text"] == "京津翼\n" and r.json()["format"] == "html"

    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("第一段：京津翼协同发展。")
    document.add_paragraph("第二段：名族团结。")
    buf = io.BytesIO()
    document.save(buf)
    r = client.post("/v1/extract", files={"file": ("d.docx", buf.getvalue())})
    assert r.status_code == 200, r.text
    assert r.json()["text"] == "第一段：京津翼协同发展。\n第二段：名族团结。"


def test_extract_errors(client):
    assert_error(client.post("/v1/extract", files={"file": ("a.pdf", b"%PDF")}), 415, "unsupported_media_type")
    assert_error(client.post("/v1/extract", files={"file": ("a.txt", "京".encode("gbk"))}), 400, "invalid_encoding")
    assert_error(client.post("/v1/extract", files={"file": ("a.docx", b"not a zip")}), 400, "invalid_document")
    err = assert_error(client.post("/v1/extract", data={"x": "1"}), 422, "validation_error")
    assert err["details"][0]["field"] == "body.file"


def test_page_is_served(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'id="draft"' in r.text and "检查" in r.text and "/static/app.js" in r.text
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/app.css").status_code == 200
