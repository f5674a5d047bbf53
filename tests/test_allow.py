"""The user's allow-list: names and local slogans are never flagged."""

import io
import json

import pytest
from hypothesis import given, settings, strategies as st

import errcheck
from errcheck.allowlist import AllowList, read_allow_file
from errcheck.cli import main
from errcheck.normalize import normalize


def codes(report):
    return [(f.text, f.code) for f in report.findings]


def test_allowed_phrases_are_never_flagged(checker):
    text = "请登录浙里办，渝悦生活，李名族同志说各名族团结"
    assert codes(checker.check(text)) == [("浙里", "CW0001"), ("渝悦", "CW0001"), ("名族", "TY0001"),
                                          ("名族", "TY0001")]
    allowed = errcheck.Checker(allow=["浙里办", "渝悦", "李名族"])
    # a finding inside or overlapping an allowed phrase is dropped, the same error
    # elsewhere stands
    assert codes(allowed.check(text)) == [("名族", "TY0001")]
    assert allowed.check(text).findings[0].start == text.rindex("名族")
    # per call, on top of the checker's own
    assert codes(checker.check(text, allow=["浙里办"])) == [("渝悦", "CW0001"), ("名族", "TY0001"),
                                                             ("名族", "TY0001")]
    assert codes(allowed.check(text, allow=["各名族"])) == []


def test_overlap_is_enough(checker):
    # the allowed phrase covers only the head of the flagged span
    text = "深入推进京津翼协同发展"
    assert codes(checker.check(text)) == [("京津翼", "FP0001")]
    assert codes(checker.check(text, allow=["推进京津"])) == []
    assert codes(checker.check(text, allow=["推进京"])) == []
    assert codes(checker.check(text, allow=["深入推进"])) == [("京津翼", "FP0001")]


def test_allow_files(tmp_path, checker):
    f = tmp_path / "allow.txt"
    f.write_text("\ufeff# 本地品牌\n浙里办   # 浙江政务服务\n\n渝悦\n", encoding="utf-8")
    assert read_allow_file(f) == ["浙里办", "渝悦"]
    c = errcheck.Checker(allow_files=[f], allow=["李名族"])
    assert c.allow.phrases == ("李名族", "浙里办", "渝悦")
    assert codes(c.check("浙里办，渝悦，李名族")) == []


@pytest.mark.parametrize("content, line, reason", [
    ("浙里办\n京\n", 2, "shorter than 2"),
    ("浙里办\n渝悦\x07生活\n", 2, "control character"),
    ("浙里办\n" + "长" * 101 + "\n", 2, "longer than 100"),
])
def test_malformed_allow_files_name_file_and_line(tmp_path, content, line, reason):
    f = tmp_path / "allow.txt"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(errcheck.RuleError, match=reason) as err:
        errcheck.Checker(allow_files=[f])
    assert (err.value.path, err.value.line) == (str(f), line)
    f.write_bytes("浙里办\n".encode() + b"\xff\xfe\n")
    with pytest.raises(errcheck.RuleError, match="not valid UTF-8") as err:
        read_allow_file(f)
    assert err.value.line == 2
    with pytest.raises(errcheck.RuleError, match="cannot read"):
        read_allow_file(tmp_path / "missing.txt")


def test_invalid_phrases_in_the_api():
    with pytest.raises(ValueError, match="shorter"):
        errcheck.Checker(allow=["京"])
    with pytest.raises(ValueError, match="must be a string"):
        AllowList([3])


def test_punctuation_width_and_normalization(checker):
    text = "“浙里办”ＡＰＰ上线，浙里办（ＡＰＰ）"
    allowed = AllowList(["浙里办(APP)"])
    spans = allowed.spans(normalize(text).text)
    assert spans == [(text.rindex("浙"), len(text))]


def test_cli_allow_and_allow_file(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("请登录浙里办，李名族同志说", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", str(doc), "--format", "json"], out, err) == 1
    assert [f["text"] for f in json.loads(out.getvalue())["findings"]] == ["浙里", "名族"]
    out = io.StringIO()
    assert main(["check", str(doc), "--format", "json", "--allow", "李名族"], out, err) == 0
    assert [f["text"] for f in json.loads(out.getvalue())["findings"]] == ["浙里"]
    listed = tmp_path / "allow.txt"
    listed.write_text("浙里办\n", encoding="utf-8")
    out = io.StringIO()
    assert main(["check", str(doc), "--format", "json", "--allow", "李名族", "--allow-file", str(listed)],
                out, err) == 0
    assert json.loads(out.getvalue())["findings"] == []
    listed.write_text("浙里办\n办\n", encoding="utf-8")
    err = io.StringIO()
    assert main(["check", str(doc), "--allow-file", str(listed)], io.StringIO(), err) == 2
    assert f"{listed}:2: allowed phrase '办' is shorter" in err.getvalue()


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="京津翼冀名族浙里办渝悦李同志，。推进协同发展 ", max_size=40),
       st.lists(st.text(alphabet="京津翼冀名族浙里办渝悦李", min_size=2, max_size=4), max_size=3))
def test_allowing_only_removes_findings_that_touch_an_allowed_phrase(checker, text, phrases):
    plain = checker.check(text).findings
    allowed = checker.check(text, allow=phrases).findings
    occurrences = [(i, i + len(p)) for p in phrases for i in range(len(text)) if text.startswith(p, i)]
    for f in allowed:
        assert not any(a < max(f.end, f.start + 1) and f.start < b for a, b in occurrences)
    if not occurrences:
        assert allowed == plain
