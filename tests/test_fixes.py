"""`errcheck check --fix` and `--diff`: safe fixes only, written back byte for byte in
the file's encoding, byte-order mark and newlines."""

import codecs
import os
import stat

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from errcheck import fixes, inputs

from test_cli import run
from test_inputs import make_docx

#: safe fixes (one changing the length, two on a line), an unsafe guess, CRLF newlines
CRLF_TEXT = "党的二十精神和京津翼，截止目前京津翼\r\n齐心协立，湖北省张家界市\r\n"
CRLF_FIXED = "党的二十大精神和京津冀，截至目前京津冀\r\n齐心协立，湖南省张家界市\r\n"


def test_fix_writes_safe_fixes_keeping_bom_and_crlf(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(codecs.BOM_UTF8 + CRLF_TEXT.encode())
    code, out, err = run("check", "--fix", str(p))
    assert p.read_bytes() == codecs.BOM_UTF8 + CRLF_FIXED.encode()
    # what remains is the guess (an `error`, below the default --fail-on serious)
    assert code == 0
    assert out.splitlines()[0].startswith(f"{p}:2:1: CW0001 [error] 「齐心协立」 → 齐心协力")
    assert err == "errcheck: 5 fixed in 1 files, 1 remaining\n"
    assert os.listdir(tmp_path) == ["a.txt"]  # no temporary file left behind


def test_fix_in_gbk_and_without_final_newline(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes("截止目前，京津翼".encode("gbk"))
    code, _, _ = run("check", "--fix", "--encoding", "auto", str(p))
    assert code == 0 and p.read_bytes() == "截至目前，京津冀".encode("gbk")


def test_fix_keeps_permissions_and_symbolic_links(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("京津翼\n", encoding="utf-8")
    os.chmod(target, 0o640)
    link = tmp_path / "link.txt"
    os.symlink(target, link)
    assert run("check", "--fix", str(link))[0] == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "京津冀\n"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_fix_html_only_where_the_source_says_it_as_written(tmp_path):
    p = tmp_path / "p.html"
    html = "<title>京津翼</title>\r\n<p>推进京津&#32764;与京津翼\r\n协同</p>"
    p.write_bytes(html.encode())
    code, out, _ = run("check", "--fix", str(p))
    assert p.read_bytes() == html.replace("与京津翼", "与京津冀").encode()
    assert code == 1 and out.startswith(f"{p}:2:6: FP0001")  # the character reference remains


def test_docx_is_never_changed(tmp_path):
    p = tmp_path / "a.docx"
    data = make_docx(["京津翼"])
    p.write_bytes(data)
    code, out, _ = run("check", "--fix", str(p))
    assert code == 1 and p.read_bytes() == data and f"{p}:1:1: FP0001" in out
    assert run("check", "--diff", str(p))[:2] == (0, "")


def test_diff_prints_and_writes_nothing(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("第一行\r\n京津翼，齐心协立\r\n末行京津翼".encode())
    before = p.read_bytes()
    code, out, err = run("check", "--diff", str(p))
    assert code == 1 and err == "" and p.read_bytes() == before
    assert out == (f"--- {p}\n+++ {p}\n@@ -1,3 +1,3 @@\n 第一行\r\n-京津翼，齐心协立\r\n-末行京津翼\n"
                   "\\ No newline at end of file\n+京津冀，齐心协立\r\n+末行京津冀\n\\ No newline at end of file\n")
    # nothing safe to fix: no diff, exit 0 (the guess 齐心协立 is not applied)
    p.write_text("齐心协立", encoding="utf-8")
    assert run("check", "--diff", str(p)) == (0, "", "")


def test_diff_of_standard_input_and_fix_refuses_it():
    code, out, _ = run("check", "--diff", "-", stdin="京津翼".encode())
    assert code == 1 and "+京津冀" in out
    code, _, err = run("check", "--fix", "-", stdin="京津翼".encode())
    assert code == 2 and "standard input cannot be fixed in place" in err


def test_fix_and_diff_are_exclusive(tmp_path):
    assert run("check", "--fix", "--diff", str(tmp_path))[0] == 2


def test_fix_refuses_a_file_changed_since_it_was_read(tmp_path, checker):
    p = tmp_path / "a.txt"
    p.write_text("京津翼", encoding="utf-8")
    source = inputs.load(str(p))
    result = inputs.locate(source, checker.check(source.checked))
    p.write_text("京津翼，另一版本", encoding="utf-8")
    with pytest.raises(inputs.InputError, match="changed since it was read"):
        fixes.fix_file(result, checker.check)
    assert p.read_text(encoding="utf-8") == "京津翼，另一版本"


def test_apply_edits_refuses_overlaps():
    assert fixes.apply_edits("abcdef", [(4, 5, "XY"), (0, 2, "")]) == "cdXYf"
    with pytest.raises(ValueError):
        fixes.apply_edits("abcdef", [(0, 3, "x"), (2, 4, "y")])


PIECES = ["京津翼", "截止目前", "党的二十精神", "名族", "齐心协立", "第个百年奋斗目标", "湖北省张家界市",
          "京津冀", "截至目前", "协同发展", "，", "。", "\r\n", "\n", " ", "a", "😀"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), max_size=12), st.booleans(), st.sampled_from(["utf-8", "gb18030"]))
def test_fix_equals_report_fix_and_leaves_no_safe_fix_behind(tmp_path, checker, pieces, bom, encoding):
    text = "".join(pieces)
    mark = codecs.BOM_UTF8 if bom and encoding == "utf-8" else b""
    p = tmp_path / "prop.txt"
    p.write_bytes(mark + text.encode(encoding))
    source = inputs.load(str(p), encoding)
    report = checker.check(source.checked)
    after, count = fixes.fix_file(inputs.locate(source, report), checker.check)
    expected = report.fix(text)
    assert p.read_bytes() == mark + expected.encode(encoding)  # only the fixed characters changed
    assert count == report.fixable and after.source.text == expected
    # the fixed spans do not trigger the same rule again (unless the suggestion itself does)
    shift = 0
    for f in report.findings:
        if not f.safe:
            continue
        new = f.suggestions[0]
        start = f.start + shift
        shift += len(new) - (f.end - f.start)
        if any(g.code == f.code for g in checker.check(new).findings):
            continue
        assert not [g for g in after.report.findings
                    if g.code == f.code and g.safe and g.start < start + len(new) and start < g.end]
