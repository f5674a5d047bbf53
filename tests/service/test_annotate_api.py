"""POST /v1/annotate: the uploaded .docx back with comments (and tracked changes)."""

import io
import zipfile
from urllib.parse import unquote

import pytest

from svc_helpers import assert_error

docx = pytest.importorskip("docx")
etree = pytest.importorskip("lxml.etree")

from docx_bombs import bomb_docx, plain_docx  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DRAFT = ("他一整天都没精打彩的。", "推进京津翼协同发展。", "今天天气很好。")


def _document_xml(data: bytes):
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))


def test_annotate_returns_the_docx_with_comments(client):
    data = plain_docx(*DRAFT)
    r = client.post("/v1/annotate", files={"file": ("通知稿.docx", data, DOCX_TYPE)})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == DOCX_TYPE
    disposition = r.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="___.checked.docx"; filename*=UTF-8\'\'')
    assert unquote(disposition.split("''", 1)[1]) == "通知稿.checked.docx"
    assert r.headers["x-errcheck-findings"] == "2" and r.headers["x-errcheck-comments"] == "2"
    assert r.headers["x-errcheck-tracked-changes"] == "0" and r.headers["x-errcheck-verdict"] == "fail"
    document = docx.Document(io.BytesIO(r.content))
    assert [p.text for p in document.paragraphs] == list(DRAFT)  # no tracked changes asked for
    comments = sorted(c.text for c in document.comments)
    assert comments[0].startswith("FP0001 [serious] 「京津翼」应为「京津冀」") and "建议：京津冀" in comments[0]
    assert comments[1].startswith("TY1000 [error] ") and "建议：无精打采" in comments[1]
    root = _document_xml(r.content)
    anchored = {}
    for start in root.iter(W + "commentRangeStart"):
        text, el = "", start
        while not (el.tag == W + "commentRangeEnd" and el.get(W + "id") == start.get(W + "id")):
            el = el.getnext()
            text += "".join(t.text for t in el.iter(W + "t"))
        anchored[start.get(W + "id")] = text
    assert sorted(anchored.values()) == ["京津翼", "没精打彩"]


def test_annotate_with_track_changes_and_options(client):
    data = plain_docx(*DRAFT)
    r = client.post("/v1/annotate", files={"file": ("draft.docx", data)}, data={"track_changes": "true"})
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"] == (
        "attachment; filename=\"draft.checked.docx\"; filename*=UTF-8''draft.checked.docx")
    assert r.headers["x-errcheck-tracked-changes"] == "2"
    root = _document_xml(r.content)
    assert ["".join(t.text for t in i.iter(W + "t")) for i in root.iter(W + "ins")] == ["无精打采", "京津冀"]
    assert ["".join(t.text for t in d.iter(W + "delText")) for d in root.iter(W + "del")] == ["没精打彩", "京津翼"]
    assert {el.get(W + "author") for el in root.iter(W + "ins", W + "del")} == {"errcheck"}
    # the same options as /v1/check
    r = client.post("/v1/annotate", files={"file": ("draft.docx", data)},
                    data={"min_severity": "serious", "categories": ["typo", "fixed-phrase"]})
    assert r.status_code == 200, r.text
    assert r.headers["x-errcheck-findings"] == "1"
    r = client.post("/v1/annotate", files={"file": ("draft.docx", data)}, data={"categories": "sensitive"})
    assert r.headers["x-errcheck-findings"] == "0"
    before, after = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(r.content))
    assert [(i, before.read(i)) for i in before.namelist()] == [(i, after.read(i)) for i in after.namelist()]


def test_annotate_errors(client):
    assert_error(client.post("/v1/annotate", files={"file": ("a.txt", "京津翼".encode())}), 415,
                 "unsupported_media_type")
    err = assert_error(client.post("/v1/annotate", files={"file": ("a.docx", b"not a zip")}), 400,
                       "invalid_document")
    assert err["details"][0]["field"] == "body.file"
    assert_error(client.post("/v1/annotate", files={"file": ("a.docx", bomb_docx(300 * 1024 * 1024))}), 413,
                 "document_too_large")
    assert_error(client.post("/v1/annotate", data={"track_changes": "true"}), 422, "validation_error")
    assert_error(client.post("/v1/annotate", files={"file": ("a.docx", plain_docx("京津翼"))},
                             data={"track_changes": "maybe"}), 422, "validation_error")
    assert_error(client.post("/v1/annotate", files={"file": ("a.docx", plain_docx("京津翼"))},
                             data={"mode": "slow"}), 422, "validation_error")


def test_annotate_text_limit(make_client):
    c = make_client(max_text_chars=20)
    r = c.post("/v1/annotate", files={"file": ("a.docx", plain_docx("推进京津翼协同发展。" * 3))})
    assert_error(r, 413, "document_too_large")
