"""What `errcheck check` reads: directories, globs, .gitignore, encodings, Markdown, HTML
and .docx, with line and column in the file as written."""

import codecs
import io
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from errcheck import inputs
from errcheck.batch.sources import decode as batch_decode, DocumentError
from errcheck.inputs import Decoded, InputError, decode, markdown_text

from test_cli import run


def check_json(*argv):
    code, out, err = run("check", "--format", "json", *argv)
    return code, json.loads(out) if out else None, err


# --- decoding -------------------------------------------------------------------------------

@pytest.mark.parametrize("data, encoding, text, codec, bom", [
    ("京津翼".encode(), "utf-8", "京津翼", "utf-8", b""),
    (codecs.BOM_UTF8 + "京津翼".encode(), "utf-8", "京津翼", "utf-8", codecs.BOM_UTF8),
    (codecs.BOM_UTF8 + "京津翼".encode(), "auto", "京津翼", "utf-8", codecs.BOM_UTF8),
    ("京津翼".encode("gbk"), "auto", "京津翼", "gb18030", b""),
    ("京津翼".encode("gbk"), "gbk", "京津翼", "gbk", b""),
    ("京津翼".encode("gbk"), "GB18030", "京津翼", "gb18030", b""),
    (codecs.BOM_UTF16_LE + "京津翼\r\n".encode("utf-16-le"), "auto", "京津翼\r\n", "utf-16-le", codecs.BOM_UTF16_LE),
    (codecs.BOM_UTF16_BE + "京津翼".encode("utf-16-be"), "auto", "京津翼", "utf-16-be", codecs.BOM_UTF16_BE),
    (codecs.BOM_UTF16_BE + "京津翼".encode("utf-16-be"), "utf-16", "京津翼", "utf-16-be", codecs.BOM_UTF16_BE),
    (codecs.BOM_UTF32_LE + "京".encode("utf-32-le"), "auto", "京", "utf-32-le", codecs.BOM_UTF32_LE),
])
def test_decode_keeps_what_is_needed_to_write_the_bytes_back(data, encoding, text, codec, bom):
    decoded = decode(data, encoding)
    assert (decoded.text, decoded.encoding, decoded.bom) == (text, codec, bom)
    assert decoded.encode(decoded.text) == data


@pytest.mark.parametrize("data, encoding, reason", [
    ("ab京".encode("gbk"), "utf-8", "not UTF-8 text (invalid byte at offset 2)"),
    (b"a\x00b", "auto", "binary data (NUL bytes), not text"),
    (b"abc", "no-such-codec", "unknown encoding 'no-such-codec'"),
    (b"abc", "base64", "unknown encoding 'base64'"),
    (codecs.BOM_UTF8 + b"\xff", "auto", "not UTF-8 text (invalid byte at offset 3)"),
])
def test_decode_errors_say_why(data, encoding, reason):
    with pytest.raises(InputError) as exc:
        decode(data, encoding)
    assert exc.value.reason == reason


def test_batch_scan_decodes_with_the_same_function():
    data = codecs.BOM_UTF16_LE + "京津翼".encode("utf-16-le")
    assert batch_decode(data, "auto") == decode(data, "auto").text == "京津翼"
    with pytest.raises(DocumentError, match=r"^not UTF-8 text \(invalid byte at offset 0\)$"):
        batch_decode("京".encode("gbk"), "utf-8")


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00")),
       st.sampled_from([("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
                        ("utf-16-be", codecs.BOM_UTF16_BE), ("gb18030", b"")]))
def test_decoding_round_trips(text, form):
    codec, bom = form
    data = bom + text.encode(codec)
    decoded = decode(data, "auto" if bom or codec == "utf-8" else codec)
    assert decoded.text == text and decoded.encode(decoded.text) == data


# --- BOM, CRLF, GBK through the CLI ---------------------------------------------------------

def test_bom_is_not_a_column_and_not_in_the_context(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(codecs.BOM_UTF8 + "京津翼协同\r\n第二行京津翼".encode())
    code, doc, _ = check_json(str(p))
    assert code == 1
    first, second = doc["findings"]
    assert (first["line"], first["column"], first["start"]) == (1, 1, 0)
    assert (second["line"], second["column"]) == (2, 4)
    for f in doc["findings"]:
        assert "\ufeff" not in f["context"] and "\r" not in f["context"]
    assert first["context"] == "京津翼协同\n第二行京津翼"


def test_crlf_lines_and_columns(tmp_path):
    p = tmp_path / "crlf.txt"
    p.write_bytes("第一行\r\n\r\n  名族团结，京津翼\r\n".encode())
    _, doc, _ = check_json(str(p))
    assert [(f["text"], f["line"], f["column"]) for f in doc["findings"]] == [("名族", 3, 3), ("京津翼", 3, 8)]


def test_gbk_needs_an_encoding(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes("截至目前，京津翼".encode("gbk"))
    code, _, err = run("check", str(p))
    assert code == 2 and f"{p}: not UTF-8 text (invalid byte at offset 0)" in err
    for encoding in ("auto", "gb18030", "gbk"):
        code, doc, err = check_json("--encoding", encoding, str(p))
        assert code == 1 and err == ""
        assert [(f["text"], f["column"]) for f in doc["findings"]] == [("京津翼", 6)]
    assert run("check", "--encoding", "klingon", str(p))[2].endswith("unknown encoding 'klingon'\n")


# --- Markdown --------------------------------------------------------------------------------

MARKDOWN = """# 京津翼协同

正文里的京津翼，`京津翼` 与 ``a `京津翼` b`` 不查。

```python
print("京津翼")
```

~~~~
京津翼
~~~
仍在代码块里：京津翼
~~~~

末行京津翼
"""


def test_markdown_code_is_blanked_in_place():
    blanked = markdown_text(MARKDOWN)
    assert len(blanked) == len(MARKDOWN)
    for a, b in zip(MARKDOWN, blanked):
        assert b == a or (b == " " and a not in "\r\n")
    lines = blanked.split("\n")
    assert lines[0] == "# 京津翼协同"
    assert lines[2].startswith("正文里的京津翼，") and "`" not in lines[2] and lines[2].count("京津翼") == 1
    assert all(not line.strip() for line in lines[4:13])
    assert lines[14] == "末行京津翼"


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("`~ \n\r京津翼a#")))
def test_markdown_blanking_keeps_offsets(text):
    blanked = markdown_text(text)
    assert len(blanked) == len(text)
    assert all(b == a or (b == " " and a not in "\r\n") for a, b in zip(text, blanked))


def test_markdown_findings_only_outside_code(tmp_path):
    p = tmp_path / "a.md"
    p.write_text(MARKDOWN, encoding="utf-8")
    _, doc, _ = check_json(str(p))
    assert [(f["line"], f["column"]) for f in doc["findings"]] == [(1, 3), (3, 5), (15, 3)]
    lines = MARKDOWN.split("\n")
    for f in doc["findings"]:
        assert lines[f["line"] - 1][f["column"] - 1:].startswith(f["text"])
        assert MARKDOWN[f["start"]:f["end"]] == f["text"]


# --- HTML ------------------------------------------------------------------------------------

HTML = """<!doctype html>
<html><head><title>京津翼协同</title>
<style>.京津翼 { color: red }</style></head>
<body><script>var s = "京津翼";</script>
<p>推进京津翼
协同发展，名族&#22242;结</p>
</body></html>
"""


def test_html_visible_text_with_source_lines(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(HTML, encoding="utf-8")
    _, doc, _ = check_json(str(p))
    got = [(f["text"], f["line"], f["column"]) for f in doc["findings"]]
    assert got == [("京津翼", 5, 6), ("名族", 6, 6)]  # nothing from <title>, <style>, <script>
    for f in doc["findings"]:
        assert HTML[f["source_start"]:f["source_end"]] == f["text"]
        assert HTML.split("\n")[f["line"] - 1][f["column"] - 1:].startswith(f["text"])


def test_html_text_format_points_into_the_source(tmp_path):
    p = tmp_path / "page.htm"
    p.write_text("<title>京津翼</title><p>a</p>\n<div>\n  <p>京津&#32764;</p></div>", encoding="utf-8")
    code, out, _ = run("check", str(p))
    assert out.splitlines()[0].startswith(f"{p}:3:6: FP0001 [serious] 「京津翼」")


# --- .docx -----------------------------------------------------------------------------------

def make_docx(paragraphs, table=()):
    import docx

    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    if table:
        t = d.add_table(rows=1, cols=len(table))
        for cell, text in zip(t.rows[0].cells, table):
            cell.text = text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_positions_are_paragraphs(tmp_path):
    p = tmp_path / "a.docx"
    p.write_bytes(make_docx(["第一段", "", "第三段写京津翼和名族"], table=["单元格", "截止目前"]))
    code, out, _ = run("check", str(p))
    assert code == 1
    assert [line.split(" [")[0] for line in out.splitlines()[:-1]] == [
        f"{p}:3:5: FP0001", f"{p}:3:9: TY0001", f"{p}:5:1: TY0002"]


def test_broken_docx_is_an_input_error(tmp_path):
    p = tmp_path / "broken.docx"
    p.write_bytes(b"PK\x03\x04 not a zip")
    code, _, err = run("check", str(p))
    assert code == 2 and f"{p}: not a readable .docx file" in err


# --- directories ----------------------------------------------------------------------------

@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A small repository: files of every kind, ignored and hidden ones."""
    files = {
        "a.txt": "京津翼", "b.md": "京津翼", "c.markdown": "京津翼", "d.html": "<p>京津翼</p>", "e.htm": "<p>京津翼</p>",
        "notes.rst": "京津翼", "sub/deep/f.txt": "京津翼", "build/g.txt": "京津翼", "sub/h.log.txt": "京津翼",
        "sub/keep.log.txt": "京津翼", ".hidden/i.txt": "京津翼", ".j.txt": "京津翼", "drafts/k.txt": "京津翼",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "l.docx").write_bytes(make_docx(["京津翼"]))
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("build/\n", encoding="utf-8")
    (tmp_path / "sub" / ".gitignore").write_text("*.log.txt\n!keep.log.txt\n", encoding="utf-8")
    (tmp_path / ".git" / "info").mkdir()
    (tmp_path / ".git" / "info" / "exclude").write_text("drafts/\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def checked(*argv):
    code, out, err = run("check", *argv)
    return sorted(line.split(": ", 1)[0] for line in out.splitlines() if line.endswith("warning)")), code, err


def test_directory_walk_with_defaults(tree):
    files, code, err = checked(".")
    assert files == ["a.txt", "b.md", "c.markdown", "d.html", "e.htm", "l.docx", "sub/deep/f.txt",
                     "sub/keep.log.txt"]
    assert code == 1 and err == ""


def test_gitignore_of_the_repository_applies_below_it(tree):
    files, _, _ = checked("sub")  # sub/.gitignore and the top .gitignore (nothing here) apply
    assert files == ["sub/deep/f.txt", "sub/keep.log.txt"]
    files, _, _ = checked("--no-gitignore", ".")
    assert "build/g.txt" in files and "drafts/k.txt" in files and "sub/h.log.txt" in files
    assert ".hidden/i.txt" not in files and ".j.txt" not in files


def test_include_and_exclude(tree):
    files, _, _ = checked("--include", "*.rst", "--include", "*.txt", ".")
    assert files == ["a.txt", "notes.rst", "sub/deep/f.txt", "sub/keep.log.txt"]
    files, _, _ = checked("--exclude", "deep/", "--exclude", "*.md", ".")
    assert files == ["a.txt", "c.markdown", "d.html", "e.htm", "l.docx", "sub/keep.log.txt"]
    # a named file is checked whatever its extension, unless excluded
    files, _, _ = checked("notes.rst", "build/g.txt", "b.md", "--exclude", "b.md")
    assert files == ["build/g.txt", "notes.rst"]


def test_unreadable_entries_are_reported_and_the_walk_goes_on(tree):
    os.symlink(tree / "nowhere.txt", tree / "dangling.txt")
    os.symlink(tree / "sub", tree / "linked-dir")  # not followed
    files, code, err = checked(".")
    assert "a.txt" in files and not any(f.startswith("linked-dir") for f in files)
    assert code == 2 and "errcheck: dangling.txt: cannot read: dangling symbolic link" in err


def test_iter_paths_yields_named_files_and_walks_directories(tree):
    got = list(inputs.iter_paths(["b.md", "sub", "-"]))
    assert got == ["b.md", os.path.join("sub", "deep", "f.txt"), os.path.join("sub", "keep.log.txt"), "-"]


def test_source_with_text_rebuilds_what_is_checked():
    src = inputs.from_text("p.html", "p.html", "html", Decoded("<p>京津翼</p>", "utf-8"))
    assert src.checked == "京津翼\n"
    again = src.with_text("<p>京津冀</p><script>x</script>")
    assert again.checked == "京津冀\n" and again.decoded.encoding == "utf-8"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64), st.sampled_from(["auto", "utf-8", "gb18030", "gbk", "utf-16", "utf-32-le"]))
def test_decode_fails_only_with_a_reason_and_round_trips(data, encoding):
    try:
        decoded = decode(data, encoding)
    except InputError as exc:
        assert exc.reason.startswith(("not ", "binary data"))
    else:
        assert decoded.encode(decoded.text) == data


HTML_PIECES = ["<p>", "</p>", "<div>", "</div>", "<br>", "<title>", "</title>", "<script>", "</script>",
               "京津翼", "京津&#32764;", "&amp;", "截止", "目前", "\n", "\r\n", "  ", "名族", "团结", "a"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(HTML_PIECES), max_size=20))
def test_html_places_point_at_the_source(checker, pieces):
    from html import unescape

    html = "".join(pieces)
    source = inputs.from_text("p.html", "p.html", "html", Decoded(html, "utf-8"))
    result = inputs.locate(source, checker.check(source.checked))
    lines = html.split("\n")
    for f, place in zip(result.report.findings, result.places):
        written = html[place.start:place.end]
        assert "".join(unescape(written).split()) == "".join(f.text.split())
        assert lines[place.line - 1][place.column - 1:].startswith(written.split("\n")[0])
        assert (f.line, f.column) == (place.line, place.column)
