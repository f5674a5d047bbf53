"""What inspectors look at: dates inferred and applied, titles, sentences, charts, Chinese
reasons, Excel-ready CSV files, and stores of the previous schema still readable."""

import csv
import json
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from errcheck.batch.excerpt import ENDS, sentence
from errcheck.batch.outputs import csv_cell
from errcheck.batch.reasons import FALLBACK, zh
from batch_archive import make_docx
from test_scan import DATED, SCAN, read_outputs, run

DATA = Path(__file__).resolve().parent / "data"
OUTDATED = "由国家工商行政管理总局负责。"  # OD0001 of dated.yaml: in force from 2018-03-21


def csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def dated_archive(tmp_path, monkeypatch):
    """Undated documents whose dates are in their path, meta tags or text."""
    pytest.importorskip("docx")
    monkeypatch.chdir(tmp_path)
    x, y = tmp_path / "dated" / "site-x", tmp_path / "dated" / "site-y"
    (x / "201705").mkdir(parents=True)
    y.mkdir(parents=True)
    (x / "201705" / "t20170506_1.html").write_text(f"<html><body><p>{OUTDATED}</p></body></html>", encoding="utf-8")
    (x / "meta.html").write_text(
        '<html><head><meta name="PubDate" content="2019-01-02 09:00"><meta name="ArticleTitle" content="市场监管动态">'
        f"<title>动态_某县人民政府</title></head><body><h1>站点标志</h1><p>{OUTDATED}</p></body></html>", encoding="utf-8")
    (y / "notice.txt").write_text(f"关于明确职责的通知\n县政发〔2016〕3号\n{OUTDATED}\n县人民政府\n二〇一七年三月一日\n",
                                  encoding="utf-8")
    (y / "cited.txt").write_text(f"情况说明\n根据县委办〔2019〕3号文件精神，{OUTDATED}\n", encoding="utf-8")
    (y / "plain.md").write_text(f"# 工作简报\n\n{OUTDATED}\n", encoding="utf-8")
    make_docx(y / "report.docx", ["第一段。", OUTDATED])
    import docx

    d = docx.Document(str(y / "report.docx"))
    d.core_properties.title = "年度报告"
    d.save(str(y / "report.docx"))
    (y / "gbk.txt").write_bytes("名族团结".encode("gbk"))
    with open("inject.jsonl", "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": '=HYPERLINK("http://example.invalid","点此")', "title": "+cmd|' /C calc'!A0",
                             "site": "@SUM(1)", "text": "-名族团结", "date": "2023-01-01"}, ensure_ascii=False) + "\n")
    return tmp_path


def scan_dated(*extra):
    code, out, err = run("scan", "dated", "inject.jsonl", "--group-by-dir", "--group-field", "site", "--date-field",
                         "date", "--title-field", "title", "-d", DATED, "-q", "-j", "1", *extra)
    assert code == 1 and err == ""


def test_dates_are_inferred_recorded_and_applied(dated_archive):
    scan_dated("--out", "out")
    docs = {r["document_id"]: r for r in csv_rows(Path("out/documents.csv"))}
    got = {k: (r["date"], r["date_source"], r["title"]) for k, r in docs.items()}
    assert got == {
        "'=HYPERLINK(\"http://example.invalid\",\"点此\")": ("2023-01-01", "given", "'+cmd|' /C calc'!A0"),
        "site-x/201705/t20170506_1.html": ("2017-05-06", "path", ""),
        "site-x/meta.html": ("2019-01-02", "html-meta", "市场监管动态"),
        "site-y/cited.txt": ("2019-01-01", "document-number", "情况说明"),
        "site-y/notice.txt": ("2017-03-01", "date-line", "关于明确职责的通知"),
        "site-y/plain.md": ("", "none", "工作简报"),
        "site-y/report.docx": ("", "none", "年度报告"),
    }
    flagged = {r["document_id"] for r in csv_rows(Path("out/findings.csv")) if r["code"] == "OD0001"}
    # judged as of each document's own date: not yet outdated in 2017; no date, no limit
    assert flagged == {"site-x/meta.html", "site-y/cited.txt", "site-y/plain.md", "site-y/report.docx"}
    findings = [json.loads(line) for line in Path("out/findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {(f["document_id"], f["date_source"]) for f in findings if f["code"] == "OD0001"} == {
        ("site-x/meta.html", "html-meta"), ("site-y/cited.txt", "document-number"), ("site-y/plain.md", "none"),
        ("site-y/report.docx", "none")}
    summary = json.loads(Path("out/summary.json").read_text(encoding="utf-8"))
    assert summary["by_date_source"] == {"date-line": 1, "document-number": 1, "given": 1, "html-meta": 1, "none": 2,
                                         "path": 1}

    scan_dated("--out", "out2", "--as-of", "2017-01-01")  # the date for documents with none
    flagged = {r["document_id"] for r in csv_rows(Path("out2/findings.csv")) if r["code"] == "OD0001"}
    assert flagged == {"site-x/meta.html", "site-y/cited.txt"}
    page = Path("out2/report.html").read_text(encoding="utf-8")
    assert "没有日期的文章按 2017-01-01（--as-of）判断" in page


def test_csv_files_open_in_excel_and_run_no_formula(dated_archive):
    scan_dated("--out", "out")
    for name in ("documents.csv", "findings.csv", "errors.csv"):
        raw = Path("out", name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name  # UTF-8 byte-order mark
        assert raw.count(b"\n") == raw.count(b"\r\n") > 1, name  # CRLF line ends only
        raw.decode("utf-8")
    for name in ("documents.csv", "findings.csv", "errors.csv"):
        for row in csv_rows(Path("out", name)):
            for value in row.values():
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (name, value)
    inj = [r for r in csv_rows(Path("out/findings.csv")) if r["group"].startswith("'@")]
    assert [(r["document_id"], r["title"], r["group"], r["text"], r["sentence"]) for r in inj] == [
        ("'=HYPERLINK(\"http://example.invalid\",\"点此\")", "'+cmd|' /C calc'!A0", "'@SUM(1)", "名族", "'-【名族】团结")]
    # findings.jsonl keeps the values as they are
    rec = [json.loads(x) for x in Path("out/findings.jsonl").read_text(encoding="utf-8").splitlines()
           if json.loads(x)["group"] == "@SUM(1)"]
    assert rec[0]["document_id"].startswith("=HYPERLINK")


@pytest.mark.parametrize("value, cell", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\t=1", "'\t=1"), ("\r", "'\r"),
    ("a=1", "a=1"), ("名族", "名族"), ("", ""), (None, ""), (-1, -1), (12, 12),
])
def test_csv_cell(value, cell):
    assert csv_cell(value) == cell


def test_report_shows_dates_titles_sentences_charts_and_reasons(dated_archive):
    scan_dated("--out", "out")
    page = Path("out/report.html").read_text(encoding="utf-8")
    assert re.search(r'<p class="meta" id="scan-time">扫描时间：\d{4}-\d\d-\d\d \d\d:\d\d 至 \d\d:\d\d</p>', page)
    assert "没有日期的文章不限日期，全部规则都适用" in page and "发文字号的年份（按当年 1 月 1 日）" in page
    # the problem list: title, date and its source, position (line 1 is the visible <h1>), the
    # sentence with the error marked
    assert ('<a href="#doc-2">市场监管动态</a><br><span class="sub">site-x/meta.html</span></td>'
            '<td class="nw">2019-01-02<br><span class="sub">网页元数据</span></td><td class="nw">第 2 行</td>'
            '<td><span class="sent">由<mark class="sev-error">国家工商行政管理总局</mark>负责。</span><br>') in page
    assert '<td class="nw">第 2 段</td>' in page  # the .docx: its paragraph
    assert '<td class="nw">第 3 行</td>' in page  # plain.md: the line of the checked text
    assert "<h3>年度报告</h3>" in page  # the article view is headed by the title
    # charts: inline SVG, labelled, with their numbers as text
    assert page.count('<svg class="chart" role="img"') == 2
    assert "<script" not in page and "src=" not in page and 'href="http' not in page and "<link" not in page
    assert ('<title id="chart-group-t">各单位/账号的问题数</title><desc id="chart-group-d">按问题数从多到少：'
            "site-y：3 个；@SUM(1)：1 个；site-x：1 个。</desc>")  # ties by name in page
    assert ('<title id="chart-month-t">每年的问题数（按文章日期）</title><desc id="chart-month-d">'
            "2019：2 个；2023：1 个；无日期：2 个。</desc>") in page
    assert "<tr><td>2020</td><td class=\"n\">0</td></tr>" in page  # the table of the chart, gaps included
    # unreadable files: the reason in Chinese, and in English
    assert ('<td>非 UTF-8 文本（偏移 0 处字节无效）<br><span class="sub" lang="en">'
            "not UTF-8 text (invalid byte at offset 0)</span></td>") in page
    assert csv_rows(Path("out/errors.csv"))[0]["reason_zh"] == "非 UTF-8 文本（偏移 0 处字节无效）"


def test_chart_of_months_over_a_short_span_has_every_month():
    from errcheck.batch.report_html import month_chart

    svg = month_chart({"2023-11": 2, "2024-02": 5, None: 1})
    assert re.findall(r"<title>(\d{4}-\d\d)：(\d+) 个问题</title>", svg) == [
        ("2023-11", "2"), ("2023-12", "0"), ("2024-01", "0"), ("2024-02", "5")]
    assert "另有 1 个问题所在文章无日期，未计入。" in svg
    assert month_chart({}) == "" and "无法按月统计" in month_chart({None: 3})


def test_group_chart_sums_the_tail_into_one_bar():
    from errcheck.batch.report_html import group_chart

    groups = [{"group": f"单位{i:02d}", "findings": i, "serious": i, "error": 0, "warning": 0} for i in range(1, 31)]
    svg = group_chart(groups, limit=25)
    assert svg.count("<g><title>") == 26 and "<title>其他 5 个：15 个问题（严重 15）</title>" in svg
    assert group_chart([{"group": "a", "findings": 0, "serious": 0, "error": 0, "warning": 0}]) == ""


# --- the sentence of a finding ------------------------------------------------------------

def test_sentence_examples():
    text = "第一句。　　第二句有京津翼的问题，还有别的；第三句！"
    ex = sentence(text, text.index("京津翼"), text.index("京津翼") + 3)
    assert (ex.before, ex.match, ex.after, ex.plain()) == ("第二句有", "京津翼", "的问题，还有别的；", "第二句有【京津翼】的问题，还有别的；")
    long = "甲" * 100 + "错字" + "乙" * 100
    ex = sentence(long, 100, 102, limit=10)
    assert ex.plain() == "…" + "甲" * 10 + "【错字】" + "乙" * 10 + "…"


_alphabet = st.sampled_from(list("甲乙丙丁，、 　\t\r") + list(ENDS))


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=_alphabet, max_size=120), data=st.data(), limit=st.integers(1, 30))
def test_a_sentence_is_whole_bounded_and_holds_the_finding(text, data, limit):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 8)))
    ex = sentence(text, start, end, limit=limit)
    assert ex.match == text[start:end]
    assert text[ex.start:ex.end] == ex.before + ex.match + ex.after
    assert len(ex.before) <= limit and len(ex.after) <= limit
    assert not any(c in ENDS for c in ex.before)  # begins after the previous sentence's end
    assert "\n" not in ex.after and not any(c in ENDS for c in ex.after[:-1])  # stops at the first end
    ws = " \t\r\u3000"
    if not ex.cut_before:
        head = text[:ex.start].rstrip(ws)
        assert head == "" or head[-1] in ENDS
    if not ex.cut_after:
        tail = text[ex.end:].lstrip(ws)
        assert tail == "" or tail[0] == "\n" or (ex.after and ex.after[-1] in ENDS) or text[ex.end - 1:ex.end] in ENDS


# --- reasons in Chinese -------------------------------------------------------------------

@pytest.mark.parametrize("reason, chinese", [
    ("not UTF-8 text (invalid byte at offset 7)", "非 UTF-8 文本（偏移 7 处字节无效）"),
    ("not GB18030 text (invalid byte at offset 0)", "非 GB18030 文本（偏移 0 处字节无效）"),
    ("binary data (NUL bytes), not text", "二进制数据（含 NUL 字节），不是文本"),
    ("cannot read: Permission denied", "无法读取：没有读取权限"),
    ("cannot read: Input/output error; rest of the file skipped", "无法读取：输入/输出错误（磁盘或网络存储故障）；文件其余部分已跳过"),
    ("line 3: not UTF-8 (invalid byte at 12)", "第 3 行不是 UTF-8 编码（偏移 12 处字节无效）"),
    ("not UTF-8 from line 9 (invalid byte); rest of the file skipped", "从第 9 行起不是 UTF-8 编码（有无效字节）；文件其余部分已跳过"),
    ("CSV header lacks column(s) ['text']", "CSV 表头缺少列 ['text']"),
    ("line 4: invalid CSV: field larger than field limit", "第 4 行不是有效的 CSV：field larger than field limit"),
    ("not an object but list", "不是 JSON 对象，而是 list"),
    ("no id field 'id'", "缺少编号字段「id」"),
    ("text field 'body' not a string but int", "正文字段「body」不是字符串，而是 int"),
    ("unknown encoding 'big9'", "未知的编码「big9」"),
    ("internal error: ValueError: boom", "内部错误（请报告）：ValueError: boom"),
    ("the .docx holds 2,000 zip members (at most 1,000)", ".docx 含 2,000 个 zip 成员（最多 1,000 个）"),
    ("zip member 'word/document.xml' is encrypted", "zip 成员「word/document.xml」已加密"),
    ("zip member 'word/document.xml' inflates 337 times (12,435 bytes to 4.0 MiB; at most 100 times): a zip bomb?",
     "zip 成员「word/document.xml」解压后膨胀 337 倍（12,435 字节 → 4.0 MiB，最多 100 倍）：疑似 zip 炸弹"),
    ("the .docx inflates to more than 64.0 MiB", ".docx 解压后超过 64.0 MiB"),
    ("the .docx holds more than 50,000 paragraphs", ".docx 含超过 50,000 个段落"),
    ("the text of the .docx exceeds 5,000,000 characters", ".docx 的文字超过 5,000,000 个字符"),
    ("not a readable .docx file: KeyError: \"There is no item named 'word/document.xml' in the archive\"",
     "不是可读取的 .docx 文件：KeyError: \"There is no item named 'word/document.xml' in the archive\""),
])
def test_reasons_in_chinese(reason, chinese):
    assert zh(reason) == chinese


def test_an_unknown_reason_keeps_the_english():
    assert zh("the moon is in the way") == f"{FALLBACK}：the moon is in the way"


# --- stores of the previous schema ----------------------------------------------------------

def _v1_store(path: Path, config_from: Path) -> None:
    """The schema-1 fixture store at ``path``, with the dictionaries' fingerprint of this
    checkout (the fixture was made with the dictionaries of its day)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.executescript((DATA / "store-v1.sql").read_text(encoding="utf-8"))
        fresh = json.loads(sqlite3.connect(config_from).execute("SELECT value FROM meta WHERE key='config'").fetchone()[0])
        config = json.loads(conn.execute("SELECT value FROM meta WHERE key='config'").fetchone()[0])
        assert "title_field" not in config["options"]
        config["dictionaries"] = fresh["dictionaries"]
        conn.execute("UPDATE meta SET value=? WHERE key='config'", (json.dumps(config),))
    conn.close()


def test_a_schema_1_store_is_migrated_reported_and_resumed(workdir):
    assert run(*SCAN, "--out", "fresh", "-j", "1")[0] == 1
    fresh = read_outputs(workdir / "fresh")
    _v1_store(workdir / "old" / "scan.sqlite", workdir / "fresh" / "scan.sqlite")

    code, out, err = run("report", "old")  # readable: migrated in place
    assert (code, err) == (0, "")
    old = read_outputs(workdir / "old")
    conn = sqlite3.connect(workdir / "old" / "scan.sqlite")
    assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "2"
    conn.close()
    # version 1 inferred no dates: its documents say so; reasons get their Chinese
    docs = csv_rows(workdir / "old" / "documents.csv")
    assert {(r["date_source"], bool(r["date"])) for r in docs} == {("given", True), ("none", False)}
    assert all(r["title"] == "" for r in docs)
    reasons = [(r["location"], r["reason_zh"]) for r in csv_rows(workdir / "old" / "errors.csv")]
    assert reasons == [(r["location"], r["reason_zh"]) for r in csv_rows(workdir / "fresh" / "errors.csv")]
    assert ("archive/site-b/b4.txt", "非 UTF-8 文本（偏移 0 处字节无效）") in reasons  # "not utf-8 text" in version 1
    assert old["findings.jsonl"].count("\n") == fresh["findings.jsonl"].count("\n")
    assert old["summary.json"]["totals"] == fresh["summary.json"]["totals"]
    assert re.search(r'id="scan-time">扫描时间：\d{4}-', (workdir / "old" / "report.html").read_text(encoding="utf-8"))

    # resumable: drop two documents as if the scan had been killed, migrate, resume
    _v1_store(workdir / "cut" / "scan.sqlite", workdir / "fresh" / "scan.sqlite")
    with sqlite3.connect(workdir / "cut" / "scan.sqlite") as conn:
        for table, key in (("documents", "id"), ("findings", "doc_id"), ("texts", "doc_id")):
            conn.execute(f"DELETE FROM {table} WHERE {key} IN ('site-a/news/a3.html', 'r-2020')")
        conn.execute("UPDATE meta SET value='false' WHERE key='finished'")
    conn.close()
    code, _, err = run(*SCAN, "--out", "cut", "-j", "1", "--resume")
    assert (code, err) == (1, "")
    cut = read_outputs(workdir / "cut")
    assert cut["summary.json"]["totals"] == fresh["summary.json"]["totals"]
    run_info = json.loads((workdir / "cut" / "summary.json").read_text(encoding="utf-8"))["run"]
    assert run_info["documents_checked"] == 2
    assert run_info["first_started"] == "2026-12-05T08:46:52"  # the first run's start, from the old store
    titles = {r["document_id"]: r["title"] for r in csv_rows(workdir / "cut" / "documents.csv")}
    assert titles["site-a/news/a3.html"] == "关于推进京津翼协同发展的通知" and titles["site-a/a1.txt"] == ""


def test_a_store_from_a_newer_version_is_refused(workdir):
    assert run(*SCAN, "--out", "new", "-j", "1")[0] == 1
    with sqlite3.connect(workdir / "new" / "scan.sqlite") as conn:
        conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    conn.close()
    code, _, err = run("report", "new")
    assert code == 2 and "written by a newer errcheck (store schema 99" in err
    code, _, err = run(*SCAN, "--out", "new", "--resume")
    assert code == 2 and "newer errcheck" in err

