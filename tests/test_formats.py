"""`errcheck check --format text|json|jsonl|sarif|github|junit`: the SARIF log validates
against the OASIS schema, annotations are escaped, the JUnit XML parses, and every
position points at the finding in the file."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from errcheck.formats import escape_data, escape_property

from test_cli import run

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
#: an astral character first: columns count code points, not UTF-16 units
TEXT = "𠀀😀京津翼，党的二十精神\r\n第二行：截止目前，第个百年奋斗目标，齐心协立\n"


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a,b:c%.txt").write_text(TEXT, encoding="utf-8", newline="")
    (tmp_path / "clean.txt").write_text("截至目前，京津冀协同发展。", encoding="utf-8")
    (tmp_path / "page.html").write_text("<title>京津翼</title><p>京津&#32764;与京津翼</p>", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes("京".encode("gbk"))
    return tmp_path


def validate(log):
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_the_schema_is_the_oasis_one():
    assert SCHEMA["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    # the validator does reject what is not SARIF
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    assert list(validator.iter_errors({"version": "2.1.0", "runs": [{"tool": {}}]}))
    assert list(validator.iter_errors({"version": "2.1.0", "runs": [], "columnKind": "bytes"}))


def test_sarif_validates_and_points_at_the_findings(files):
    code, out, err = run("check", "--format", "sarif", "docs", "clean.txt", "page.html", "bad.txt")
    assert code == 2 and "bad.txt: not UTF-8 text" in err
    log = json.loads(out)
    validate(log)
    (run_,) = log["runs"]
    assert run_["columnKind"] == "unicodeCodePoints"
    driver = run_["tool"]["driver"]
    assert driver["name"] == "errcheck" and "informationUri" not in driver
    rules = {r["id"]: r for r in driver["rules"]}
    results = run_["results"]
    assert sorted(rules) == sorted({r["ruleId"] for r in results})  # described once each, no others
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
    assert rules["FP0001"]["defaultConfiguration"]["level"] == "error"  # serious
    assert rules["CW0001"]["defaultConfiguration"]["level"] == "warning"  # error
    assert rules["FP0001"]["shortDescription"]["text"].endswith("→ 京津冀")
    assert "冀是河北省的简称" in rules["FP0001"]["fullDescription"]["text"]
    by_file = {}
    for r in results:
        loc = r["locations"][0]["physicalLocation"]
        by_file.setdefault(loc["artifactLocation"]["uri"], []).append((r, loc["region"]))
    assert sorted(by_file) == ["docs/a%2Cb%3Ac%25.txt", "page.html"]
    lines = TEXT.split("\n")
    for r, region in by_file["docs/a%2Cb%3Ac%25.txt"]:
        assert region["startLine"] == region["endLine"]
        line = lines[region["startLine"] - 1]
        assert line[region["startColumn"] - 1:region["endColumn"] - 1] == region["snippet"]["text"]
    first = by_file["docs/a%2Cb%3Ac%25.txt"][0][1]
    assert (first["startLine"], first["startColumn"], first["endColumn"]) == (1, 3, 6)
    html = (files / "page.html").read_text(encoding="utf-8")
    snippets = [region["snippet"]["text"] for _, region in by_file["page.html"]]
    assert snippets == ["京津&#32764;", "京津翼"] and all(s in html for s in snippets)
    # the unreadable file is a notification; the run did not fully succeed
    (inv,) = run_["invocations"]
    assert inv["executionSuccessful"] is False
    (note,) = inv["toolExecutionNotifications"]
    assert note["message"]["text"].startswith("not UTF-8 text")


def test_sarif_fixes_only_for_safe_findings(files):
    _, out, _ = run("check", "--format", "sarif", "docs/a,b:c%.txt", "page.html")
    log = json.loads(out)
    validate(log)
    results = log["runs"][0]["results"]
    fixed = {r["properties"]["suggestions"][0]: r for r in results if "fixes" in r}
    unsafe = [r for r in results if r["properties"]["applicability"] != "safe"]
    assert {r["ruleId"] for r in unsafe} >= {"PT0020", "CW0001"} and not any("fixes" in r for r in unsafe)
    assert set(fixed) == {"京津冀", "党的二十大精神", "截至目前"}
    # the character-reference occurrence in the HTML has no fix: its source is not 京津翼
    html = [r for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "page.html"]
    assert ["fixes" in r for r in html] == [False, True]
    lines = TEXT.split("\n")
    for r in fixed.values():
        (change,) = r["fixes"][0]["artifactChanges"]
        (rep,) = change["replacements"]
        d = rep["deletedRegion"]
        if change["artifactLocation"]["uri"].startswith("docs/"):
            line = lines[d["startLine"] - 1]
            assert line[d["startColumn"] - 1:d["endColumn"] - 1] == r["locations"][0]["physicalLocation"]["region"][
                "snippet"]["text"]
        assert rep["insertedContent"]["text"] == r["properties"]["suggestions"][0]


def test_sarif_with_no_findings_is_valid(files):
    code, out, _ = run("check", "--format", "sarif", "clean.txt")
    log = json.loads(out)
    validate(log)
    assert code == 0 and log["runs"][0]["results"] == [] and log["runs"][0]["invocations"][0]["executionSuccessful"]


ANNOTATION = re.compile(r"^::(error|warning|notice) ((?:[a-zA-Z]+=[^,:]*)(?:,[a-zA-Z]+=[^,:]*)*)::(.*)$")


def unescape(s):
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def test_github_annotations(files):
    code, out, err = run("check", "--format", "github", "docs", "bad.txt")
    assert code == 2
    lines = out.splitlines()
    lines_of_text = TEXT.split("\n")
    seen = []
    for line in lines:
        m = ANNOTATION.match(line)
        assert m, line
        props = dict(p.split("=", 1) for p in m.group(2).split(","))
        if props["file"] == "bad.txt":
            assert m.group(1) == "error" and unescape(m.group(3)).startswith("not UTF-8 text")
            continue
        assert unescape(props["file"]) == "docs/a,b:c%.txt"
        text = lines_of_text[int(props["line"]) - 1][int(props["col"]) - 1:int(props["endColumn"]) - 1]
        message = unescape(m.group(3))
        assert message.split("「", 1)[1].startswith(text + "」")
        seen.append((m.group(1), props["title"], int(props["line"]), int(props["col"])))
    second = lines_of_text[1]
    assert seen == [("error", "FP0001", 1, 3), ("error", "FP0002", 1, 7),
                    ("error", "TY0002", 2, second.index("截止目前") + 1),
                    ("error", "PT0020", 2, second.index("第个百年") + 1),
                    ("error", "CW0001", 2, second.index("齐心协立") + 1)]


def test_github_escaping():
    assert escape_data("100% a\r\nb") == "100%25 a%0D%0Ab"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_junit_xml(files):
    (files / "ctl.txt").write_text("京津翼\x01\x0b", encoding="utf-8")  # characters XML cannot hold
    code, out, _ = run("check", "--format", "junit", "docs", "clean.txt", "ctl.txt", "bad.txt")
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "2", "1")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert sorted(suites) == ["bad.txt", "clean.txt", "ctl.txt", "docs/a,b:c%.txt"]
    for suite in suites.values():
        assert len(suite.findall("testcase")) == 1
    failure = suites["docs/a,b:c%.txt"].find("testcase/failure")
    assert failure.get("message") == "5 findings (4 serious, 1 error, 0 warning)"
    assert failure.text.splitlines()[0] == "1:3: FP0001 [serious] 「京津翼」 → 京津冀  「京津翼」应为「京津冀」：冀是河北省的简称"
    assert suites["clean.txt"].find("testcase/failure") is None
    assert suites["bad.txt"].find("testcase/error").get("message").startswith("not UTF-8 text")
    assert suites["ctl.txt"].find("testcase/failure") is not None


def test_jsonl_one_object_per_finding(files):
    code, out, _ = run("check", "--format", "jsonl", "docs", "clean.txt", "page.html")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["path"], r["code"]) for r in rows] == [
        ("docs/a,b:c%.txt", "FP0001"), ("docs/a,b:c%.txt", "FP0002"), ("docs/a,b:c%.txt", "TY0002"),
        ("docs/a,b:c%.txt", "PT0020"), ("docs/a,b:c%.txt", "CW0001"), ("page.html", "FP0001"),
        ("page.html", "FP0001")]
    html = (files / "page.html").read_text(encoding="utf-8")
    assert [html[r["source_start"]:r["source_end"]] for r in rows[-2:]] == ["京津&#32764;", "京津翼"]
    text = (files / "docs" / "a,b:c%.txt").read_bytes().decode("utf-8")
    for r in rows[:5]:
        assert text[r["start"]:r["end"]] == r["text"] and "\r" not in r["context"]


def test_json_several_files_lists_unreadable_ones(files):
    code, out, _ = run("check", "--format", "json", "clean.txt", "bad.txt")
    doc = json.loads(out)
    assert code == 2
    assert [f["path"] for f in doc["files"]] == ["clean.txt"]
    assert doc["errors"] == [{"path": "bad.txt", "reason": "not UTF-8 text (invalid byte at offset 0)"}]
    # a directory gives the list even when it holds one file: the shape follows the arguments
    doc = json.loads(run("check", "--format", "json", "docs")[1])
    assert [f["path"] for f in doc["files"]] == ["docs/a,b:c%.txt"]
    assert json.loads(run("check", "--format", "json", "clean.txt")[1])["path"] == "clean.txt"
