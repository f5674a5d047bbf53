"""errcheck scan on a generated mixed-format archive: exact outputs, exit codes, report."""

import csv
import io
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from errcheck.cli import main

from batch_archive import A3_HTML, B1_HTML, SEED

DATED = str(Path(__file__).resolve().parent / "data" / "dated.yaml")
SCAN = ["scan", "archive", "records.jsonl", "--group-by-dir", "--text-field", "body", "--group-field", "site",
        "--date-field", "published", "-d", DATED, "--quiet"]
OUTPUTS = ("findings.jsonl", "documents.csv", "errors.csv", "summary.json", "report.html")

# (document, start, end, text, code, severity, source_start, source_end, paragraph, paragraph_offset)
EXPECTED_FINDINGS = [
    ("<script>alert(1)</script>", 3, 5, "名族", "TY0001", "serious", None, None, None, None),
    ("r-2017", 16, 18, "其它", "NM9001", "warning", None, None, None, None),  # 2017: the dated rule is not in force
    ("r-2020", 1, 11, "国家工商行政管理总局", "OD0001", "error", None, None, None, None),
    ("r-2020", 16, 18, "其它", "NM9001", "warning", None, None, None, None),
    ("site-a/a1.txt", 10, 13, "京津翼", "FP0001", "serious", None, None, None, None),
    ("site-a/a1.txt", 14, 18, "截止目前", "TY0002", "serious", None, None, None, None),
    ("site-a/a1.txt", 22, 24, "名族", "TY0001", "serious", None, None, None, None),
    ("site-a/a1.txt", 27, 33, "党的二十精神", "FP0002", "serious", None, None, None, None),
    ("site-a/a4.docx", 13, 17, "截止目前", "TY0002", "serious", None, None, 1, 4),
    ("site-a/a4.docx", 29, 31, "名族", "TY0001", "serious", None, None, 3, 3),  # the table cell
    ("site-a/news/a3.html", 4, 7, "京津翼", "FP0001", "serious", 256, 259, None, None),
    ("site-a/news/a3.html", 25, 31, "党的二十精神", "FP0002", "serious", 287, 293, None, None),
    ("site-a/news/a3.html", 35, 37, "名族", "TY0001", "serious", 297, 299, None, None),
    ("site-b/b1.htm", 4, 7, "京津翼", "FP0001", "serious", 37, 47, None, None),
    ("site-b/b1.htm", 13, 17, "截止目前", "TY0002", "serious", 56, 60, None, None),
    ("site-b/b1.htm", 28, 30, "名族", "TY0001", "serious", 75, 78, None, None),
]

EXPECTED_DOCUMENTS = """\
document_id,group,date,kind,source_path,length,verdict,score,serious,error,warning,findings
<script>alert(1)</script>,<i>账号</i>,2023-03-04,record,records.jsonl,11,fail,59,1,0,0,1
r-2017,县政府网站,2017-05-01,record,records.jsonl,21,pass,98,0,0,1,1
r-2020,县政府网站,2020-05-01,record,records.jsonl,21,warn,88,0,1,1,2
r-clean,县医保局公众号,2023-01-02,record,records.jsonl,12,pass,100,0,0,0,0
site-a/a1.txt,site-a,,text,archive/site-a/a1.txt,34,fail,0,4,0,0,4
site-a/a2.md,site-a,,markdown,archive/site-a/a2.md,19,pass,100,0,0,0,0
site-a/a4.docx,site-a,,docx,archive/site-a/a4.docx,33,fail,20,2,0,0,2
site-a/news/a3.html,site-a,,html,archive/site-a/news/a3.html,41,fail,0,3,0,0,3
site-b/b1.htm,site-b,,html,archive/site-b/b1.htm,34,fail,0,3,0,0,3
"""

EXPECTED_ERRORS = """\
location,document_id,source_path,reason
archive/site-b/b2.txt,site-b/b2.txt,archive/site-b/b2.txt,"binary data (NUL bytes), not text"
archive/site-b/b3.docx,site-b/b3.docx,archive/site-b/b3.docx,not a readable .docx file: BadZipFile: File is not a zip file
archive/site-b/b4.txt,site-b/b4.txt,archive/site-b/b4.txt,not UTF-8 text (invalid byte at offset 0)
records.jsonl:4,records.jsonl:4,records.jsonl,line 4: invalid JSON: Expecting value: line 1 column 1 (char 0)
records.jsonl:5,r-notext,records.jsonl,text field 'body' missing
records.jsonl:6,r-baddate,records.jsonl,date field 'published': not a date: 'yesterday'
records.jsonl:7,r-2017,records.jsonl,duplicate document id (first at records.jsonl:1)
"""


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def read_outputs(out_dir) -> dict:
    files = {name: (Path(out_dir) / name).read_text(encoding="utf-8") for name in OUTPUTS}
    summary = json.loads(files["summary.json"])
    summary.pop("run")  # timing of the last run: the one non-deterministic part
    # the rule-set id is metadata, compared separately: the core's version hash is not yet
    # stable across processes, results must be identical regardless
    version = summary.pop("ruleset_version")
    files["summary.json"] = summary
    files["report.html"] = files["report.html"].replace(f"规则集 {version} ", "规则集 ")
    return files


@pytest.fixture(scope="module")
def scanned_once(archive_root, tmp_path_factory):
    """One scan with two worker processes, shared by the read-only tests."""
    from batch_archive import copy_archive

    root = copy_archive(archive_root, tmp_path_factory.mktemp("scan"))
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        code, out, err = run(*SCAN, "--out", "out", "--workers", "2")
    assert (code, err) == (1, "")
    return root / "out"


@pytest.fixture
def scanned(scanned_once, workdir):
    """A private copy of the shared scan's output directory, inside the test's workdir."""
    shutil.copytree(scanned_once, workdir / "out")
    return workdir / "out"


def test_findings_are_exact_and_point_into_the_sources(scanned):
    lines = (scanned / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    recs = [json.loads(line) for line in lines]
    got = [(r["document_id"], r["start"], r["end"], r["text"], r["code"], r["severity"], r.get("source_start"),
            r.get("source_end"), r.get("paragraph"), r.get("paragraph_offset")) for r in recs]
    assert got == EXPECTED_FINDINGS
    first = recs[4]
    assert first == {
        "document_id": "site-a/a1.txt", "group": "site-a", "date": None, "source_path": "archive/site-a/a1.txt",
        "start": 10, "end": 13, "line": 1, "column": 11, "text": "京津翼", "suggestions": ["京津冀"], "code": "FP0001",
        "category": "fixed-phrase", "severity": "serious", "message": "「京津翼」应为「京津冀」：冀是河北省的简称",
        "context": "县医保局将京津冀写成京津翼，截止目前已整改，名族团", "kind": "listed",
    }
    for r in recs:  # offsets point into the checked text / the HTML source
        if r["document_id"] == "site-a/a1.txt":
            assert SEED[r["start"]:r["end"]] == r["text"]
    a3 = [r for r in recs if r["document_id"] == "site-a/news/a3.html"]
    assert [A3_HTML[r["source_start"]:r["source_end"]] for r in a3] == ["京津翼", "党的二十精神", "名族"]
    b1 = [r for r in recs if r["document_id"] == "site-b/b1.htm"]
    assert [B1_HTML[r["source_start"]:r["source_end"]] for r in b1] == ["京津&#32764;", "截止目前", "名\n族"]
    docx = [r for r in recs if r["document_id"] == "site-a/a4.docx"]
    paragraphs = ["第一段没有问题。", "第二段：截止目前已完成。", "单元格", "促进各名族团结"]
    assert [paragraphs[r["paragraph"]][r["paragraph_offset"]:][: r["end"] - r["start"]] for r in docx] == ["截止目前", "名族"]


def test_documents_and_errors_are_exact(scanned):
    assert (scanned / "documents.csv").read_text(encoding="utf-8") == EXPECTED_DOCUMENTS
    assert (scanned / "errors.csv").read_text(encoding="utf-8") == EXPECTED_ERRORS
    ids = [row["document_id"] for row in csv.DictReader(io.StringIO(EXPECTED_DOCUMENTS))]
    assert len(ids) == len(set(ids))


def test_summary(scanned):
    s = read_outputs(scanned)["summary.json"]
    assert s["complete"] is True
    assert s["sources"] == ["archive", "records.jsonl"]
    assert s["totals"] == {"documents": 9, "characters": 226, "findings": 16, "unreadable": 7}
    assert s["by_severity"] == {"serious": 13, "error": 1, "warning": 2}
    assert s["verdicts"] == {"fail": 5, "warn": 1, "pass": 3}
    assert s["by_category"] == {"fixed-phrase": 5, "normative": 2, "outdated": 1, "typo": 8}
    assert s["by_code"] == {"FP0001": 3, "FP0002": 2, "NM9001": 2, "OD0001": 1, "TY0001": 5, "TY0002": 3}
    assert s["by_group"] == [
        {"group": "<i>账号</i>", "documents": 1, "fail": 1, "warn": 0, "pass": 0, "findings": 1, "serious": 1, "error": 0, "warning": 0},
        {"group": "site-a", "documents": 4, "fail": 3, "warn": 0, "pass": 1, "findings": 9, "serious": 9, "error": 0, "warning": 0},
        {"group": "site-b", "documents": 1, "fail": 1, "warn": 0, "pass": 0, "findings": 3, "serious": 3, "error": 0, "warning": 0},
        {"group": "县医保局公众号", "documents": 1, "fail": 0, "warn": 0, "pass": 1, "findings": 0, "serious": 0, "error": 0, "warning": 0},
        {"group": "县政府网站", "documents": 2, "fail": 0, "warn": 1, "pass": 1, "findings": 3, "serious": 0, "error": 1, "warning": 2},
    ]
    assert [(t["text"], t["count"], t["documents"]) for t in s["top_errors"][:4]] == [
        ("名族", 5, 5), ("京津翼", 3, 3), ("截止目前", 3, 3), ("党的二十精神", 2, 2)]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.marks = [], set(), 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.ids.update(v for k, v in attrs if k == "id")
        self.marks += tag == "mark"


def test_report_is_escaped_self_contained_and_links_every_article(scanned):
    page = (scanned / "report.html").read_text(encoding="utf-8")
    parsed = _Tags()
    parsed.feed(page)
    assert "script" not in parsed.tags and "<i>账号</i>" not in page and "<b>名族</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;i&gt;账号&lt;/i&gt;" in page
    assert "http://" not in page and "https://" not in page and "<link" not in page
    assert "问题清单" in page and "扫描尚未完成" not in page
    # one article view per document with findings, one <mark> per finding
    assert {f"doc-{n}" for n in range(1, 8)} <= parsed.ids and "doc-8" not in parsed.ids
    assert parsed.marks == len(EXPECTED_FINDINGS)
    assert '<mark class="sev-serious" title="FP0001 「京津翼」应为「京津冀」：冀是河北省的简称">京津翼<sup>1</sup></mark>' in page
    # the problem list: one table per group with findings, rows numbered within the group
    for group in ("&lt;i&gt;账号&lt;/i&gt;", "site-a", "site-b", "县政府网站"):
        assert f">{group}</h3>" in page
    assert page.count("<th>序号</th>") == 4


def test_report_command_regenerates_identical_files(scanned):
    before = read_outputs(scanned)
    for name in OUTPUTS:
        (scanned / name).unlink()
    code, out, err = run("report", str(scanned))
    assert (code, err) == (0, "") and out.startswith("wrote ")
    assert read_outputs(scanned) == before


def test_one_worker_gives_the_same_outputs(scanned, workdir):
    code, _, _ = run(*SCAN, "--out", "out1", "--workers", "1", "--batch-size", "3")
    assert code == 1
    assert read_outputs(workdir / "out1") == read_outputs(scanned)


def test_resuming_a_finished_scan_changes_nothing(scanned):
    before = read_outputs(scanned)
    code, _, _ = run(*SCAN, "--out", "out", "--workers", "2", "--resume")
    assert code == 1
    assert read_outputs(scanned) == before
    run_info = json.loads((scanned / "summary.json").read_text(encoding="utf-8"))["run"]
    assert run_info["documents_checked"] == 0 and run_info["skipped_already_done"] == 13  # 9 documents, 3 unreadable files, 1 duplicate


def test_exit_codes_and_usage_errors(workdir):
    assert run("scan", "archive/site-a/a2.md", "--out", "o1", "-q", "-j", "1")[0] == 0
    records = ["scan", "records.jsonl", "--text-field", "body", "--category", "normative", "-d", DATED, "-q", "-j", "1"]
    assert run(*records, "--out", "o2")[0] == 0  # warnings only
    assert run(*records, "--out", "o3", "--fail-on", "warning")[0] == 1
    code, _, err = run("scan", "nope", "--out", "o4")
    assert code == 2 and "nope: no such file or directory" in err
    code, _, err = run("scan", "archive/*.nothing", "--out", "o4")
    assert code == 2 and "matches no file" in err
    code, _, err = run("scan", "archive/site-a/a2.md", "--out", "o1", "-q")
    assert code == 2 and "already holds a scan" in err
    code, _, err = run("scan", "archive/site-a/a1.txt", "--out", "o1", "-q", "--resume")
    assert code == 2 and "different settings (sources)" in err
    assert run("scan", "archive/site-a/a1.txt", "--out", "o1", "-q", "--force", "-j", "1")[0] == 1
    code, _, err = run("scan", "archive", "--out", "o5", "--as-of", "2023-13-01")
    assert code == 2 and "--as-of" in err
    code, _, err = run("report", "missing-dir")
    assert code == 2 and "no scan store" in err


def test_glob_sources_and_summary_line(workdir):
    code, out, err = run("scan", "archive/**/*.htm*", "--out", "og", "--workers", "1")
    assert code == 1 and err == ""  # stderr is not a terminal: no progress bar
    assert out == ("2 documents (75 characters), 6 findings (6 serious, 0 error, 0 warning), 0 unreadable; "
                   "2 documents fail → og/report.html\n")
    docs = (workdir / "og" / "documents.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in docs[1:]] == ["archive/site-a/news/a3.html", "archive/site-b/b1.htm"]


def test_scan_in_thorough_mode_and_resume_keeps_the_mode(workdir):
    Path("draft.txt").write_text("全县人民正在过上辛福生活。\n", encoding="utf-8")
    assert run("scan", "draft.txt", "--out", "fast", "-q", "-j", "1")[0] == 0
    assert (Path("fast") / "findings.jsonl").read_text(encoding="utf-8") == ""
    code, _, _ = run("scan", "draft.txt", "--out", "deep", "-q", "-j", "1", "--mode", "thorough", "--fail-on", "error")
    recs = [json.loads(line) for line in (Path("deep") / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert code == 1 and [(r["text"], r["code"]) for r in recs] == [("辛", "LM0001")]
    code, _, err = run("scan", "draft.txt", "--out", "deep", "-q", "--resume")  # fast mode now: refused
    assert code == 2 and "different settings (mode)" in err
