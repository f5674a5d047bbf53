"""``report.html``: one self-contained page (no script, no external resource).

When the scan ran and how dated rules were applied (each article's date and where it came
from); totals; counts by severity, category, group and date source; two inline SVG charts
(problems per unit/account and per month of the articles' dates, each with a text
title and description and its numbers as text); the most frequent errors; a 问题清单 per
group in the layout of the attachments of inspection notices (序号, 单位/账号, 文章,
位置, 问题 in its sentence with the error marked, 修改建议); the unreadable files with the
reason in Chinese and English; and each listed article with its findings highlighted
(shown when its link is followed, with CSS ``:target``). Every value from the archive is
HTML-escaped. Long lists are capped (``max_rows``, ``max_articles``); the complete data
is in findings.jsonl, findings.csv and documents.csv.
"""

from __future__ import annotations

import html
import json
from typing import TextIO

from .excerpt import sentence
from .store import Store

MAX_ROWS = 20_000
MAX_ARTICLES = 2_000
MAX_ERRORS = 1_000

SEVERITY_ZH = {"serious": "严重", "error": "错误", "warning": "提示"}
CATEGORY_ZH = {"typo": "错别字", "fixed-phrase": "固定表述", "sensitive": "敏感表述", "outdated": "过时表述",
               "punctuation": "标点", "normative": "规范表述"}
VERDICT_ZH = {"fail": "不合格", "warn": "有错误", "pass": "通过"}
NO_GROUP = "（未分组）"
DATE_SOURCE_ZH = {"given": "给定", "path": "路径中的日期", "html-meta": "网页元数据", "date-line": "成文日期",
                  "document-number": "发文字号年份", "none": "无日期", "": "未记录"}
SEVERITY_COLOR = {"serious": "#b00", "error": "#d80", "warning": "#07a"}
#: bars of the per-group chart; the other groups are summed into one bar
CHART_GROUPS = 25
#: a per-month chart spanning more months than this shows years instead
CHART_MONTHS = 36

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
.sub{color:#666;font-size:.85em}.nw{white-space:nowrap}.sent{line-height:1.8}figure{margin:1em 0}figcaption{color:#666;font-size:.9em}
svg.chart{max-width:100%;height:auto;font-size:12px}svg.chart text{fill:#222}
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


def _time(stamp: str | None, since: str | None = None) -> str:
    """``2024-05-06 10:30``; only the time when ``since`` is the same day."""
    shown = (stamp or "").replace("T", " ")[:16]
    return shown[11:] if since and shown[:10] == since[:10] and len(shown) > 11 else shown


def _scan_time(run: dict, runs: int) -> str:
    first, started, ended = run.get("first_started") or run.get("started"), run.get("started"), run.get("ended")
    if not first:
        return "扫描时间：未记录"
    text = f"扫描时间：{_time(first)}"
    if ended and runs <= 1:
        text += f" 至 {_time(ended, first)}"
    elif started and runs > 1:
        text += f" 开始，共运行 {runs} 次，最近一次 {_time(started)}" + (f" 至 {_time(ended, started)}" if ended else "")
    return text


def _as_of_rule(as_of: str | None) -> str:
    fallback = f"按 {as_of}（--as-of）判断" if as_of else "不限日期，全部规则都适用"
    return ("时间相关规则（如机构改革后的新名称）按每篇文章自己的日期判断：优先用给定的日期（--date-field），"
            "其次依次为路径中的日期、网页元数据（PubDate 等）、正文的成文日期、发文字号的年份（按当年 1 月 1 日）；"
            f"没有日期的文章{fallback}。")


def _location(paragraph, line) -> str:
    return f"第 {paragraph + 1} 段" if paragraph is not None else f"第 {line} 行"


def _date_cell(date, source, *, given_plain: bool = True) -> str:
    if not date:
        return "—"
    if given_plain and source in ("given", None):
        return _e(date)
    return f'{_e(date)}<br><span class="sub">{_e(DATE_SOURCE_ZH.get(source or "", source))}</span>'


def _excerpt_html(text: str | None, start: int, end: int, severity: str) -> str:
    if text is None:
        return ""
    ex = sentence(text, start, end)
    return ('<span class="sent">' + ("…" if ex.cut_before else "") + _e(ex.before)
            + f'<mark class="sev-{_e(severity)}">{_e(ex.match)}</mark>' + _e(ex.after)
            + ("…" if ex.cut_after else "") + "</span><br>")


def _problem(text: str, message: str) -> str:
    """The message, after the quoted error unless the message quotes it already."""
    return _e(message) if f"「{text}」" in message else f"「{_e(text)}」{_e(message)}"


def _label(value: str, width: int = 14) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


def group_chart(by_group: list[dict], limit: int = CHART_GROUPS) -> str:
    """Horizontal bars: problems per group, stacked by severity, largest first."""
    rows = sorted((g for g in by_group if g["findings"]), key=lambda g: (-g["findings"], g["group"]))
    if not rows:
        return ""
    shown, rest = rows[:limit], rows[limit:]
    bars = [(g["group"] or NO_GROUP, {k: g[k] or 0 for k in SEVERITY_COLOR}, g["findings"]) for g in shown]
    if rest:
        bars.append((f"其他 {len(rest)} 个", {k: sum(g[k] or 0 for g in rest) for k in SEVERITY_COLOR},
                     sum(g["findings"] for g in rest)))
    top = max(total for _, _, total in bars)
    label_w, plot_w, row_h, head = 190, 440, 24, 28
    width, height = label_w + plot_w + 70, head + row_h * len(bars) + 6
    desc = "；".join(f"{name}：{total} 个" for name, _, total in bars)
    out = [f'<figure><svg class="chart" role="img" aria-labelledby="chart-group-t chart-group-d" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
           '<title id="chart-group-t">各单位/账号的问题数</title>'
           f'<desc id="chart-group-d">按问题数从多到少：{_e(desc)}。</desc>']
    x = label_w
    for sev, color in SEVERITY_COLOR.items():  # legend
        out.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{color}"/>'
                   f'<text x="{x + 16}" y="16">{SEVERITY_ZH[sev]}</text>')
        x += 70
    for i, (name, counts, total) in enumerate(bars):
        y = head + i * row_h
        parts = "，".join(f"{SEVERITY_ZH[k]} {v}" for k, v in counts.items() if v)
        out.append(f"<g><title>{_e(name)}：{total} 个问题（{_e(parts)}）</title>"
                   f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{_e(_label(name))}</text>')
        x = float(label_w)
        for sev, color in SEVERITY_COLOR.items():
            w = plot_w * counts[sev] / top
            if w > 0:
                out.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{color}"/>')
                x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + 16}">{total:,}</text></g>')
    out.append("</svg><figcaption>每条横条为一个单位/账号的问题数，按严重程度分色；数字为问题总数。")
    if rest:
        out.append(f"问题最多的 {limit} 个单独列出，其余合为一条。")
    out.append("</figcaption></figure>\n")
    return "".join(out)


def _periods(dated: dict[str, int]) -> tuple[list[tuple[str, int]], str]:
    """Consecutive months (or years, over a long span) from the first to the last, zeros
    included, and the unit's name."""
    months = sorted(dated)
    (y0, m0), (y1, m1) = (map(int, months[0].split("-")), map(int, months[-1].split("-")))
    span = (y1 - y0) * 12 + (m1 - m0) + 1
    if span > CHART_MONTHS:
        years: dict[str, int] = {}
        for month, n in dated.items():
            years[month[:4]] = years.get(month[:4], 0) + n
        return [(str(y), years.get(str(y), 0)) for y in range(y0, y1 + 1)], "年"
    out, y, m = [], y0, m0
    for _ in range(span):
        key = f"{y:04d}-{m:02d}"
        out.append((key, dated.get(key, 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out, "月"


def month_chart(per_month: dict[str | None, int]) -> str:
    """Vertical bars: problems per month (or year) of the articles' dates."""
    undated = per_month.get(None, 0)
    dated = {k: v for k, v in per_month.items() if k}
    if not dated:
        return (f"<p>所有问题所在文章均无日期（{undated:,} 个问题），无法按月统计。</p>\n" if undated else "")
    periods, unit = _periods(dated)
    top = max(n for _, n in periods) or 1
    plot_h, base, left = 180, 210, 40
    bar_w = max(6.0, min(40.0, 640 / len(periods)))
    width, height = int(left + bar_w * len(periods) + 20), base + 40
    every = max(1, round(len(periods) / (640 / 56)))  # label spacing: one label per ~56 px
    desc = "；".join(f"{k}：{n} 个" for k, n in periods if n)
    if undated:
        desc += f"；无日期：{undated} 个"
    out = [f'<figure><svg class="chart" role="img" aria-labelledby="chart-month-t chart-month-d" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
           f'<title id="chart-month-t">每{unit}的问题数（按文章日期）</title><desc id="chart-month-d">{_e(desc)}。</desc>'
           f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#888"/>']
    for i, (key, n) in enumerate(periods):
        x = left + i * bar_w
        h = plot_h * n / top
        out.append(f"<g><title>{key}：{n} 个问题</title>")
        if n:
            out.append(f'<rect x="{x + 1:.1f}" y="{base - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" fill="#b00"/>'
                       f'<text x="{x + bar_w / 2:.1f}" y="{base - h - 4:.1f}" text-anchor="middle">{n:,}</text>')
        if i % every == 0:
            out.append(f'<text x="{x + bar_w / 2:.1f}" y="{base + 16}" text-anchor="middle">{key}</text>')
        out.append("</g>")
    out.append(f"</svg><figcaption>横轴为文章日期（{'年' if unit == '年' else '年-月'}），柱上数字为问题数。")
    if undated:
        out.append(f"另有 {undated:,} 个问题所在文章无日期，未计入。")
    out.append("</figcaption></figure>\n")
    out.append(f"<details><summary>每{unit}问题数（表）</summary>")
    rows = [(_e(k), f"{n:,}") for k, n in periods] + ([("无日期", f"{undated:,}")] if undated else [])
    out.append("<table><thead><tr><th>" + ("年份" if unit == "年" else "月份") + "</th><th>问题数</th></tr></thead><tbody>"
               + "".join(f'<tr><td>{k}</td><td class="n">{v}</td></tr>' for k, v in rows) + "</tbody></table></details>\n")
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
    fh.write(f'<p class="meta" id="scan-time">{_e(_scan_time(summary["run"], store.get_meta("runs") or 1))}</p>\n')
    fh.write(f'<p class="meta" id="as-of">{_e(_as_of_rule(summary.get("as_of")))}</p>\n')
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
    fh.write(group_chart(summary["by_group"]))
    _table(fh, ["单位/账号", "文章", "不合格", "有错误", "问题", "严重", "错误", "提示"],
           [(f'<a href="#group-{i}">{_group(g["group"])}</a>' if g["findings"] else _group(g["group"]),
             *(f"{g[k] or 0:,}" for k in ("documents", "fail", "warn", "findings", "serious", "error", "warning")))
            for i, g in enumerate(summary["by_group"])], set(range(1, 8)))
    fh.write("<h3>按时间（文章日期）</h3>\n")
    per_month = dict(q("""SELECT substr(d.date, 1, 7), COUNT(*) FROM findings f JOIN documents d ON d.id = f.doc_id
                          GROUP BY 1""").fetchall())
    fh.write(month_chart(per_month) or "<p>未发现问题。</p>\n")
    fh.write("<h3>文章日期来源</h3>\n")
    _table(fh, ["日期来源", "文章数"],
           [(_e(DATE_SOURCE_ZH.get(k, k)) + (f' <span class="sub">{_e(k)}</span>' if k else ""), f"{v:,}")
            for k, v in summary.get("by_date_source", {}).items()], {1})
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
        fh.write(f'<p class="note">仅列出前 {max_rows:,} 条（共 {totals["findings"]:,} 条），完整清单见 findings.csv。</p>\n')
    current, n, rows = None, 0, 0
    text_doc, text = None, None
    cur = q("""SELECT d.grp, f.doc_id, d.title, d.date, d.date_source, f.line, f.paragraph, f.start, f."end",
                      f.text, f.suggestions, f.message, f.severity, f.code
               FROM findings f JOIN documents d ON d.id = f.doc_id ORDER BY d.grp, f.doc_id, f.idx LIMIT ?""",
            (max_rows,))
    for (grp, doc_id, title, date, date_source, line, paragraph, start, end, ftext, suggestions, message, severity,
         code) in cur:
        if grp != current:
            if current is not None:
                fh.write("</tbody></table>\n")
            current, n = grp, 0
            fh.write(f'<h3 id="group-{group_index.get(grp, 0)}">{_group(grp)}</h3>\n<table><thead><tr>'
                     "<th>序号</th><th>单位/账号</th><th>文章</th><th>日期</th><th>位置</th><th>问题</th>"
                     "<th>修改建议</th><th>严重程度</th></tr></thead><tbody>\n")
        if doc_id != text_doc:
            text_doc, text = doc_id, store.text_of(doc_id)
        n += 1
        rows += 1
        name = _e(title or doc_id)
        doc = f'<a href="#doc-{anchors[doc_id]}">{name}</a>' if doc_id in anchors else name
        if title:
            doc += f'<br><span class="sub">{_e(doc_id)}</span>'
        fh.write(f'<tr><td class="n">{n}</td><td>{_group(grp)}</td><td>{doc}</td>'
                 f'<td class="nw">{_date_cell(date, date_source)}</td><td class="nw">{_location(paragraph, line)}</td>'
                 f"<td>{_excerpt_html(text, start, end, severity)}{_problem(ftext, message)}（{_e(code)}）</td>"
                 f'<td>{_e("、".join(json.loads(suggestions)) or "—")}</td>'
                 f'<td class="sev-{_e(severity)}">{_e(SEVERITY_ZH.get(severity, severity))}</td></tr>\n')
    if current is not None:
        fh.write("</tbody></table>\n")
    if not rows:
        fh.write("<p>未发现问题。</p>\n")

    if totals["unreadable"]:
        fh.write("<h2>无法读取的文件或记录</h2>\n")
        _table(fh, ["位置", "原因"],
               [(_e(loc), f'{_e(reason_zh)}<br><span class="sub" lang="en">{_e(reason)}</span>')
                for loc, reason, reason_zh in
                q("SELECT location, reason, reason_zh FROM errors ORDER BY location LIMIT ?", (MAX_ERRORS,))])

    if anchors:
        fh.write("<h2>文章</h2>\n<p class=\"meta\">点击问题清单中的文章名查看全文，问题处已标出。</p>\n")
        for doc_id, n in anchors.items():
            d = q("SELECT grp, date, date_source, source_path, verdict, score, title FROM documents WHERE id=?",
                  (doc_id,)).fetchone()
            fcur = q('SELECT start, "end", code, message, severity, line, paragraph FROM findings WHERE doc_id=? '
                     "ORDER BY idx", (doc_id,))
            findings = [dict(zip(("start", "end", "code", "message", "severity", "line", "paragraph"), r)) for r in fcur]
            text = store.text_of(doc_id) or ""
            date = f'{_e(d[1])}（{_e(DATE_SOURCE_ZH.get(d[2] or "", d[2]))}）' if d[1] else "无日期"
            fh.write(f'<article class="doc" id="doc-{n}"><h3>{_e(d[6] or doc_id)}</h3>'
                     f'<p class="meta">{_e(doc_id)} · {_group(d[0])} · {date} · {_e(d[3])} · '
                     f'{_e(VERDICT_ZH.get(d[4], d[4]))}（{d[5]} 分）</p>'
                     f"<pre>{_highlight(text, findings)}</pre>"
                     "<ol>" + "".join(f'<li class="sev-{_e(f["severity"])}">{_location(f["paragraph"], f["line"])} · '
                                      f'{_e(f["code"])} {_e(f["message"])}</li>' for f in findings) + "</ol></article>\n")
    fh.write("</body></html>\n")
