"""``report.html``: one self-contained page (no script, no external resource).

Totals; counts by severity, category and group; the most frequent errors; a 问题清单 per
group in the layout of the attachments of inspection notices (序号, 单位/账号, 文章, 问题,
修改建议); the unreadable files; and each listed article with its findings highlighted
(shown when its link is followed, with CSS ``:target``). Every value from the archive is
HTML-escaped. Long lists are capped (``max_rows``, ``max_articles``); the complete data
is in findings.jsonl and documents.csv.
"""

from __future__ import annotations

import html
import json
from typing import TextIO

from .store import Store

MAX_ROWS = 20_000
MAX_ARTICLES = 2_000
MAX_ERRORS = 1_000

SEVERITY_ZH = {"serious": "严重", "error": "错误", "warning": "提示"}
CATEGORY_ZH = {"typo": "错别字", "fixed-phrase": "固定表述", "sensitive": "敏感表述", "outdated": "过时表述",
               "punctuation": "标点", "normative": "规范表述"}
VERDICT_ZH = {"fail": "不合格", "warn": "有错误", "pass": "通过"}
NO_GROUP = "（未分组）"

CSS = """
body{font:15px/1.6 "PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #c00;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;width:100%;margin:.6em 0}th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#666}
.sev-serious{color:#b00;font-weight:bold}.sev-error{color:#b60}.sev-warning{color:#07a}
.cards{display:flex;flex-wrap:wrap;gap:1em}.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:8em}
.card b{display:block;font-size:1.5em}.note{background:#fff7e0;border:1px solid #eb0;padding:.4em .8em}
.doc{display:none;border:2px solid #c00;border-radius:6px;padding:.5em 1em;margin:1em 0}.doc:target{display:block}
.doc pre{white-space:pre-wrap;word-break:break-all;font:inherit;background:#fafafa;padding:.6em}
mark{background:#fdd;border-bottom:2px solid #c00}mark.sev-error{background:#fec}mark.sev-warning{background:#def}
mark sup{font-size:.7em;color:#c00}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _group(g: str) -> str:
    return _e(g) if g else NO_GROUP


def _table(fh: TextIO, headers: list[str], rows, numeric: set[int] = frozenset()) -> None:
    fh.write("<table><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in headers) + "</tr></thead><tbody>\n")
    for row in rows:
        fh.write("<tr>" + "".join(
            f'<td class="n">{cell}</td>' if i in numeric else f"<td>{cell}</td>" for i, cell in enumerate(row)
        ) + "</tr>\n")
    fh.write("</tbody></table>\n")


def _highlight(text: str, findings: list[dict]) -> str:
    out, pos = [], 0
    for n, f in enumerate(findings, 1):
        start, end = f["start"], f["end"]
        if start < pos:  # findings never overlap; stay safe anyway
            continue
        out.append(_e(text[pos:start]))
        title = f'{f["code"]} {f["message"]}'
        out.append(f'<mark class="sev-{_e(f["severity"])}" title="{_e(title)}">{_e(text[start:end])}<sup>{n}</sup></mark>')
        pos = end
    out.append(_e(text[pos:]))
    return "".join(out)


def render(store: Store, summary: dict, fh: TextIO, *, max_rows: int = MAX_ROWS,
           max_articles: int = MAX_ARTICLES) -> None:
    q = store.conn.execute
    totals, sev, verdicts = summary["totals"], summary["by_severity"], summary["verdicts"]
    fh.write('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
             '<meta name="viewport" content="width=device-width,initial-scale=1">'
             f"<title>错敏词扫描报告</title><style>{CSS}</style></head><body>\n")
    fh.write("<h1>错敏词扫描报告</h1>\n")
    fh.write(f'<p class="meta">规则集 {_e(summary["ruleset_version"])} · errcheck {_e(summary["errcheck_version"])}'
             f' · 来源：{_e("、".join(summary["sources"]))}</p>\n')
    if not summary["complete"]:
        fh.write('<p class="note">扫描尚未完成：本报告只包含已处理的文章（可用 <code>errcheck scan … --resume</code> 继续）。</p>\n')

    cards = [("文章", totals["documents"]), ("字符", totals["characters"]), ("问题", totals["findings"]),
             ("严重问题", sev["serious"]), ("不合格文章", verdicts["fail"]), ("无法读取", totals["unreadable"])]
    fh.write('<div class="cards">' + "".join(f'<div class="card"><b>{n:,}</b>{_e(k)}</div>' for k, n in cards) + "</div>\n")

    fh.write("<h2>统计</h2>\n<h3>按严重程度</h3>\n")
    _table(fh, ["严重程度", "问题数"],
           [(f'<span class="sev-{k}">{SEVERITY_ZH[k]}</span>', f"{v:,}") for k, v in sev.items()], {1})
    fh.write("<h3>按类别</h3>\n")
    _table(fh, ["类别", "问题数"],
           [(_e(CATEGORY_ZH.get(k, k)), f"{v:,}") for k, v in summary["by_category"].items()], {1})
    fh.write("<h3>按单位/账号</h3>\n")
    _table(fh, ["单位/账号", "文章", "不合格", "有错误", "问题", "严重", "错误", "提示"],
           [(f'<a href="#group-{i}">{_group(g["group"])}</a>' if g["findings"] else _group(g["group"]),
             *(f"{g[k] or 0:,}" for k in ("documents", "fail", "warn", "findings", "serious", "error", "warning")))
            for i, g in enumerate(summary["by_group"])], set(range(1, 8)))
    fh.write("<h3>高频错误</h3>\n")
    _table(fh, ["错误", "修改建议", "规则", "严重程度", "次数", "涉及文章"],
           [(f"「{_e(t['text'])}」", _e("、".join(t["suggestions"]) or "—"), _e(t["code"]),
             f'<span class="sev-{_e(t["severity"])}">{_e(SEVERITY_ZH.get(t["severity"], t["severity"]))}</span>',
             f"{t['count']:,}", f"{t['documents']:,}") for t in summary["top_errors"]], {4, 5})

    # article anchors: the first max_articles documents (by id) that have findings
    anchors = {doc_id: n for n, (doc_id,) in enumerate(
        q("SELECT id FROM documents WHERE findings > 0 ORDER BY id LIMIT ?", (max_articles,)), 1)}
    group_index = {g["group"]: i for i, g in enumerate(summary["by_group"])}

    fh.write("<h2>问题清单</h2>\n")
    if totals["findings"] > max_rows:
        fh.write(f'<p class="note">仅列出前 {max_rows:,} 条（共 {totals["findings"]:,} 条），完整清单见 findings.jsonl。</p>\n')
    current, n, rows = None, 0, 0
    cur = q("""SELECT d.grp, f.doc_id, f.text, f.suggestions, f.message, f.severity, f.code
               FROM findings f JOIN documents d ON d.id = f.doc_id ORDER BY d.grp, f.doc_id, f.idx LIMIT ?""",
            (max_rows,))
    for grp, doc_id, text, suggestions, message, severity, code in cur:
        if grp != current:
            if current is not None:
                fh.write("</tbody></table>\n")
            current, n = grp, 0
            fh.write(f'<h3 id="group-{group_index.get(grp, 0)}">{_group(grp)}</h3>\n<table><thead><tr>'
                     "<th>序号</th><th>单位/账号</th><th>文章</th><th>问题</th><th>修改建议</th><th>严重程度</th>"
                     "</tr></thead><tbody>\n")
        n += 1
        rows += 1
        doc = f'<a href="#doc-{anchors[doc_id]}">{_e(doc_id)}</a>' if doc_id in anchors else _e(doc_id)
        fh.write(f'<tr><td class="n">{n}</td><td>{_group(grp)}</td><td>{doc}</td>'
                 f"<td>「{_e(text)}」{_e(message)}（{_e(code)}）</td>"
                 f'<td>{_e("、".join(json.loads(suggestions)) or "—")}</td>'
                 f'<td class="sev-{_e(severity)}">{_e(SEVERITY_ZH.get(severity, severity))}</td></tr>\n')
    if current is not None:
        fh.write("</tbody></table>\n")
    if not rows:
        fh.write("<p>未发现问题。</p>\n")

    if totals["unreadable"]:
        fh.write("<h2>无法读取的文件或记录</h2>\n")
        _table(fh, ["位置", "原因"],
               [(_e(loc), _e(reason)) for loc, reason in
                q("SELECT location, reason FROM errors ORDER BY location LIMIT ?", (MAX_ERRORS,))])

    if anchors:
        fh.write("<h2>文章</h2>\n<p class=\"meta\">点击问题清单中的文章名查看全文，问题处已标出。</p>\n")
        for doc_id, n in anchors.items():
            d = q("SELECT grp, date, source_path, verdict, score FROM documents WHERE id=?", (doc_id,)).fetchone()
            fcur = q("SELECT start, \"end\", code, message, severity FROM findings WHERE doc_id=? ORDER BY idx", (doc_id,))
            findings = [dict(zip(("start", "end", "code", "message", "severity"), r)) for r in fcur]
            text = store.text_of(doc_id) or ""
            fh.write(f'<article class="doc" id="doc-{n}"><h3>{_e(doc_id)}</h3>'
                     f'<p class="meta">{_group(d[0])} · {_e(d[1] or "")} · {_e(d[2])} · '
                     f'{_e(VERDICT_ZH.get(d[3], d[3]))}（{d[4]} 分）</p>'
                     f"<pre>{_highlight(text, findings)}</pre>"
                     "<ol>" + "".join(f'<li class="sev-{_e(f["severity"])}">{_e(f["code"])} {_e(f["message"])}</li>'
                                      for f in findings) + "</ol></article>\n")
    fh.write("</body></html>\n")
