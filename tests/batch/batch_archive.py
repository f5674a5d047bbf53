"""Generate the small mixed-format archive the batch tests scan.

Layout (ids are paths relative to ``archive/``)::

    archive/site-a/a1.txt          the seed sentence (4 serious findings)
    archive/site-a/a2.md           clean text
    archive/site-a/news/a3.html    errors in the article; the same errors in nav, header,
                                   footer, script, style and a hidden div (all ignored)
    archive/site-a/a4.docx         errors in paragraph 1 and in a table cell
    archive/site-b/b1.htm          an error behind a character reference, a wrapped line
    archive/site-b/b2.txt          corrupt: binary (NUL bytes)
    archive/site-b/b3.docx         corrupt: not a zip file
    archive/site-b/b4.txt          corrupt: not UTF-8
    archive/site-b/.hidden.txt     skipped (hidden)
    archive/site-b/logo.png        skipped (not a document type)
    records.jsonl                  6 records: dated rules, groups, bad lines, a duplicate id
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

SEED = "县医保局将京津冀写成京津翼，截止目前已整改，名族团结，党的二十精神"

A3_HTML = """<!DOCTYPE html>
<html><head><title>京津翼</title><style>.x{content:"名族"}</style>
<script>var s = "党的二十精神";</script></head>
<body>
<header>京津翼新闻网</header>
<nav><a href="/">首页</a><a>名族</a></nav>
<div role="navigation">截止目前</div>
<div class="article">
  <h1>关于推进京津翼协同发展的通知</h1>
  <p>各单位要认真学习贯彻党的二十精神，促进各名族团结。</p>
  <p hidden>名族</p>
</div>
<footer>版权所有 京津翼</footer>
<script>document.write("名族")</script>
</body></html>
"""

B1_HTML = """<html><body><div id="content"><p>深入推进京津&#32764;协同发展，&lt;截止目前&gt;，
各项工作有序推进。名
族团结。</p></div></body></html>
"""

RECORDS = [
    {"id": "r-2017", "body": "由国家工商行政管理总局负责，以及其它事项。", "site": "县政府网站", "published": "2017-05-01"},
    {"id": "r-2020", "body": "由国家工商行政管理总局负责，以及其它事项。", "site": "县政府网站", "published": "2020年5月1日"},
    {"id": "r-clean", "body": "深入推进京津冀协同发展。", "site": "县医保局公众号", "published": "2023-01-02"},
    "not json at all",
    {"id": "r-notext", "site": "县政府网站", "published": "2023-01-02"},
    {"id": "r-baddate", "body": "名族", "site": "县政府网站", "published": "yesterday"},
    {"id": "r-2017", "body": "重复的编号，名族", "site": "县政府网站", "published": "2017-05-01"},
    {"id": "<script>alert(1)</script>", "body": "<b>名族</b>团结", "site": "<i>账号</i>", "published": "2023-03-04"},
]


def make_docx(path: Path, paragraphs: list[str], cell_text: str | None = None) -> None:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if cell_text is not None:
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "单元格"
        table.cell(0, 1).text = cell_text
    document.save(str(path))


def make_archive(root: Path) -> dict[str, Path]:
    archive = root / "archive"
    (archive / "site-a" / "news").mkdir(parents=True)
    (archive / "site-b").mkdir(parents=True)
    (archive / "site-a" / "a1.txt").write_text(SEED + "\n", encoding="utf-8")
    (archive / "site-a" / "a2.md").write_text("# 标题\n\n深入推进京津冀协同发展。\n", encoding="utf-8")
    (archive / "site-a" / "news" / "a3.html").write_text(A3_HTML, encoding="utf-8")
    make_docx(archive / "site-a" / "a4.docx", ["第一段没有问题。", "第二段：截止目前已完成。"], "促进各名族团结")
    (archive / "site-b" / "b1.htm").write_text(B1_HTML, encoding="utf-8")
    (archive / "site-b" / "b2.txt").write_bytes(b"\x00\x01\x02\x03binary")
    (archive / "site-b" / "b3.docx").write_bytes(b"this is not a zip file")
    (archive / "site-b" / "b4.txt").write_bytes("名族团结".encode("gbk"))
    (archive / "site-b" / ".hidden.txt").write_text(SEED, encoding="utf-8")
    (archive / "site-b" / "logo.png").write_bytes(b"\x89PNG\r\n")
    records = root / "records.jsonl"
    with records.open("w", encoding="utf-8") as fh:
        for rec in RECORDS:
            fh.write((rec if isinstance(rec, str) else json.dumps(rec, ensure_ascii=False)) + "\n")
    return {"archive": archive, "records": records}


def copy_archive(archive_root: Path, target: Path) -> Path:
    for name in ("archive", "records.jsonl"):
        src = archive_root / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, target / name)
    return target
