"""Hostile input at the service boundary (issue 15): lone surrogates, .docx zip bombs."""

import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from svc_helpers import assert_error

JSON = {"content-type": "application/json"}


def post_raw(client, path, body: bytes):
    return client.post(path, content=body, headers=JSON)


# --- lone surrogates --------------------------------------------------------------------

@pytest.mark.parametrize("path, body", [
    ("/v1/check", rb'{"text":"abc\ud800def"}'),
    ("/v1/check", rb'{"text":"\udc00 low first"}'),
    ("/v1/check", rb'{"text":"high at the end \udbff"}'),
    ("/v1/check", rb'{"html":"<p>abc\ud800def</p>"}'),
    ("/v1/check", rb'{"text":"\ud83d\ud83d\ude00"}'),  # a high one, then a valid pair
    ("/v1/check/batch", rb'{"documents":[{"id":"a","text":"ok"},{"id":"b","text":"x\ud800"}]}'),
    ("/v1/check/batch", rb'{"documents":[{"id":"c","html":"<b>\udfff</b>"}]}'),
    ("/v1/check/batch", rb'{"documents":[{"id":"\ud800","text":"ok"}]}'),
])
def test_lone_surrogates_are_refused_with_422(client, path, body):
    err = assert_error(post_raw(client, path, body), 422, "invalid_text")
    assert "lone surrogate" in err["message"]
    assert err["details"][0]["type"] == "lone_surrogate"


def test_surrogate_pairs_and_escaped_backslashes_are_text(client):
    r = post_raw(client, "/v1/check", rb'{"text":"\ud83d\ude00\u4eac\u6d25\u7ffc \\ud800"}')
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["length"] == 11  # 😀 is one code point; "\\ud800" is 6 plain characters
    assert [f["text"] for f in body["findings"]] == ["京津翼"]
    assert body["findings"][0]["start"] == 1


def test_lone_surrogates_in_html_character_references_are_replaced(client):
    r = client.post("/v1/check", json={"html": "<p>京津翼&#xD800;</p>"})
    assert r.status_code == 200, r.text
    assert r.json()["text"].startswith("京津翼\ufffd")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from("京津翼冀名族 a\\\"") | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
               max_size=12))
def test_any_text_with_or_without_surrogates_never_gives_500(client, text):
    body = json.dumps({"text": text}).encode("ascii")  # surrogates escaped as \udXXX
    r = post_raw(client, "/v1/check", body)
    # a high surrogate right before a low one is a pair: one character (JSON decodes it so)
    combined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    lone = any(0xD800 <= ord(c) <= 0xDFFF for c in combined)
    assert r.status_code == (422 if lone else 200), r.text
    if not lone:
        assert r.json()["length"] == len(combined)


def test_uploaded_text_with_encoded_surrogates_is_refused(client):
    # CESU-style bytes of U+D800: not UTF-8, so the upload is refused as such
    r = client.post("/v1/extract", files={"file": ("a.txt", "abc".encode() + b"\xed\xa0\x80")})
    assert_error(r, 400, "invalid_encoding")


# --- .docx zip bombs -----------------------------------------------------------------------

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared bomb builder
MiB = 1 << 20


def upload(client, name, data):
    return client.post("/v1/extract", files={"file": (name, data)})


def test_a_docx_zip_bomb_is_refused_with_413_before_it_inflates(client):
    pytest.importorskip("docx")
    from docx_bombs import bomb_docx

    data = bomb_docx(160 * MiB)  # under the 2 MiB body limit, 160 MiB of empty paragraphs
    assert len(data) < 2 * MiB
    err = assert_error(upload(client, "bomb.docx", data), 413, "document_too_large")
    assert err["message"].startswith("bomb.docx: ") and "inflates to 160.0 MiB" in err["message"]
    err = assert_error(upload(client, "dense.docx", bomb_docx(4 * MiB, "<w:p><w:r><w:t>京津翼</w:t></w:r></w:p>".encode())),
                       413, "document_too_large")
    assert "a zip bomb?" in err["message"]


def test_a_docx_with_a_lying_header_is_refused(client):
    pytest.importorskip("docx")
    from docx_bombs import bomb_docx

    err = assert_error(upload(client, "liar.docx", bomb_docx(200 * MiB, lie_size=5000)), 400, "invalid_document")
    assert "Bad CRC-32" in err["message"]


def test_a_docx_longer_than_the_text_limit_is_refused(make_client):
    pytest.importorskip("docx")
    from docx_bombs import plain_docx

    c = make_client(max_text_chars=100)
    assert upload(c, "ok.docx", plain_docx("京津翼协同发展")).json()["text"] == "京津翼协同发展"
    err = assert_error(upload(c, "long.docx", plain_docx(*["京津翼协同发展"] * 20)), 413, "document_too_large")
    assert "exceeds 100 characters" in err["message"]
    exact = plain_docx("京" * 50, "津" * 49)  # 100 characters with the newline
    assert len(upload(c, "exact.docx", exact).json()["text"]) == 100


# --- cheap texts inline, costly ones in the thread pool -------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def prose(n: int = 3000) -> str:
    text = (ROOT / "benchmarks" / "data" / "clean" / "gov_work_report_2013.txt").read_text(encoding="utf-8")
    text = "".join(text.split())
    return (text * (n // len(text) + 1))[:n]


def test_the_cost_estimate_separates_prose_from_text_dense_with_wrong_forms(client):
    import random

    from service.checking import estimate_us

    random.seed(20261205)  # the estimate samples at random: the same draws every run
    checker = client.app.state.checker
    assert estimate_us(checker, prose(3000)) < 500
    assert estimate_us(checker, prose(20_000)) < 2000
    assert estimate_us(checker, "京津翼" * 300) > 2000  # 900 characters, 300 findings
    assert estimate_us(checker, "京\u200b津\u200c翼\ufeff" * 200) > 2000  # normalized, then 200 findings
    assert estimate_us(checker, prose(1000) + "京津翼" * 2000 + prose(1000)) > 20_000  # sampled at random
    assert estimate_us(checker, "<p>" + prose(19_000) + "</p>", html=True) > 2000  # extraction costs


def test_short_but_costly_texts_are_checked_in_the_thread_pool(make_client, monkeypatch):
    import service.checking as checking

    pooled = []
    real = checking.run_in_threadpool

    async def spy(fn, *args):
        pooled.append(fn.__name__)
        return await real(fn, *args)

    monkeypatch.setattr(checking, "run_in_threadpool", spy)
    c = make_client()
    assert c.post("/v1/check", json={"text": prose(3000)}).status_code == 200
    assert c.post("/v1/check/batch", json={"documents": [{"id": 1, "text": prose(3000)}]}).status_code == 200
    assert pooled == []  # an ordinary article: inline, no hop to a thread
    r = c.post("/v1/check", json={"text": "京津翼" * 300})
    assert r.status_code == 200 and len(r.json()["findings"]) == 300
    assert pooled == ["check_document"]
    r = c.post("/v1/check/batch", json={"documents": [{"id": i, "text": "京津翼，" * 40} for i in range(5)]})
    assert r.status_code == 200
    assert pooled == ["check_document", "check_batch_documents"]
    assert c.post("/v1/check", json={"text": prose(20_001)}).status_code == 200  # too long: the pool
    assert pooled[-1] == "check_document" and len(pooled) == 3
