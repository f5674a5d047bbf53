// errcheck web page: plain JS, no build step.
//
// The editor is one pane: a <textarea> with a transparent background over a backdrop <div>
// that renders the same text with each finding wrapped in a <mark>. Typing, pasting, IME
// input, the browser's own undo and selection all stay those of a plain textarea (a
// contenteditable div would hand us rich-text paste, DOM edits during composition and caret
// restoration after every re-render); the backdrop only has to reproduce line breaks, which
// it does because both boxes share every metric that affects them (see app.css).
//
// Offsets: the API counts Unicode code points, the textarea counts UTF-16 units. Findings are
// converted once when a report arrives and then kept in UTF-16 units of the *current* text:
// each edit shifts the findings after it and drops those it touches, so the highlights stay
// on their characters until the next report (debounced automatic re-check) replaces them.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const draft = $("draft"), backdrop = $("backdrop"), highlights = $("highlights"), list = $("findings");
  const statusBox = $("status");
  const SEVERITY = { serious: "严重", error: "错误", warning: "提示" };
  const VERDICT = { fail: "不通过（含严重表述错误）", warn: "需修改", pass: "通过" };
  const FIX = { safe: ["可直接采纳", "fix-safe"], unsafe: ["需人工确认", "fix-unsafe"], none: ["仅提示", "fix-none"] };
  const IGNORED_KEY = "errcheck.ignored";
  const AUTO_DELAY_MS = 700;

  let report = null;        // the last report received (verdict, score, counts)
  let findings = [];        // {id, f (finding as sent), key, s, e (UTF-16 range in draft.value)}
  let nextId = 0;
  let stale = true;         // the text changed since `report` was computed
  let activeId = null;
  // {kind: "ignore", key, label} | {kind: "accept", edits: [{s, e, before, after}], restored: [finding], label}
  const undoStack = [];
  let lastText = draft.value;
  let programmatic = false; // an edit made by this script is in progress: its input event is not a user edit
  let seq = 0, timer = null;
  let docxFile = null;
  const ignored = loadIgnored();

  // ---- helpers ----------------------------------------------------------------------

  function setStatus(message, isError) {
    statusBox.textContent = message || "";
    statusBox.className = isError ? "error" : "";
  }

  function loadIgnored() {
    try {
      const raw = JSON.parse(sessionStorage.getItem(IGNORED_KEY) || "[]");
      return new Set(Array.isArray(raw) ? raw.filter((k) => typeof k === "string") : []);
    } catch (e) {
      return new Set();
    }
  }

  function saveIgnored() {
    try { sessionStorage.setItem(IGNORED_KEY, JSON.stringify(Array.from(ignored))); } catch (e) { /* storage off */ }
  }

  // a finding is ignored by its rule code and flagged text: every occurrence, in this session
  const keyOf = (f) => f.code + "|" + f.text;

  function headers(json) {
    const h = json ? { "Content-Type": "application/json" } : {};
    const key = $("api-key").value.trim();
    if (key) h["X-API-Key"] = key;
    return h;
  }

  async function errorMessage(response) {
    try {
      const body = await response.json();
      if (body && body.error) {
        const detail = (body.error.details || []).map((d) => d.message).filter(Boolean).join("；");
        return body.error.message + (detail ? "（" + detail + "）" : "");
      }
    } catch (e) { /* not JSON */ }
    return "服务返回错误 " + response.status;
  }

  // code-point offset → UTF-16 offset, for every code point of `text` and its end
  function utf16Offsets(text) {
    const map = [];
    let u = 0;
    for (const ch of text) { map.push(u); u += ch.length; }
    map.push(u);
    return map;
  }

  const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
  const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;

  // the one changed region between two texts: old [p, oldEnd) became new [p, newEnd);
  // never splits a surrogate pair
  function changedRegion(a, b) {
    const max = Math.min(a.length, b.length);
    let p = 0;
    while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
    if (p > 0 && isHigh(a.charCodeAt(p - 1))) p--;
    let q = 0;
    while (q < max - p && a.charCodeAt(a.length - 1 - q) === b.charCodeAt(b.length - 1 - q)) q++;
    if (q > 0 && isLow(a.charCodeAt(a.length - q))) q--;
    return [p, a.length - q, b.length - q];
  }

  // The same for a user edit, which ends at the caret (typing, pasting, deleting, IME): among
  // the regions that explain the change, take the one ending there. Typing 京 just before
  // 京津翼 is then an insertion before the finding, not one inside it.
  function editRegion(a, b, caret) {
    const q = b.length - caret;
    if (q < 0 || q > a.length || a.slice(a.length - q) !== b.slice(caret)) return changedRegion(a, b);
    const max = Math.min(caret, a.length - q);
    let p = 0;
    while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
    if (p > 0 && isHigh(a.charCodeAt(p - 1))) p--;
    return [p, a.length - q, caret];
  }

  // move a tracked range past an edit, or void it when the edit touches it
  function shift(range, p, oldEnd, newEnd) {
    if (range.s === null || range.e <= p) return;
    if (range.s >= oldEnd) {
      range.s += newEnd - oldEnd;
      range.e += newEnd - oldEnd;
      return;
    }
    range.s = range.e = null;
  }

  function shiftAll(p, oldEnd, newEnd, extra) {
    const move = (r) => shift(r, p, oldEnd, newEnd);
    findings.forEach(move);
    undoStack.forEach((u) => { if (u.kind === "accept") u.edits.forEach(move); });
    (extra || []).forEach(move);
    findings = findings.filter((x) => x.s !== null);
  }

  const visible = () => findings.filter((x) => !ignored.has(x.key)).sort((a, b) => a.s - b.s || a.e - b.e);
  const byId = (id) => findings.find((x) => x.id === id) || null;
  const safeFix = (x) => x.f.applicability === "safe" && x.f.suggestions.length === 1 &&
    draft.value.slice(x.s, x.e) === x.f.text;

  // ---- rendering ----------------------------------------------------------------------

  function render() {
    const vis = visible();
    if (activeId !== null && !vis.some((x) => x.id === activeId)) activeId = null;
    renderHighlights(vis);
    renderList(vis);
    renderSummary(vis);
    const safe = vis.filter(safeFix).length;
    $("apply-all").disabled = safe === 0;
    $("apply-all").textContent = safe ? "全部采纳（" + safe + " 处可直接采纳）" : "全部采纳";
    const top = undoStack[undoStack.length - 1];
    $("undo").disabled = !top;
    $("undo").title = top ? "撤销：" + top.label : "没有可撤销的操作";
  }

  function renderHighlights(vis) {
    const text = draft.value;
    const out = document.createDocumentFragment();
    let pos = 0;
    vis.forEach((x) => {
      if (x.s < pos) return; // overlaps the previous mark: listed, not drawn
      if (x.s > pos) out.append(text.slice(pos, x.s));
      const mark = document.createElement("mark");
      mark.className = "sev-" + x.f.severity + (x.id === activeId ? " active" : "");
      mark.dataset.id = String(x.id);
      mark.dataset.code = x.f.code;
      mark.textContent = text.slice(x.s, x.e);
      out.append(mark);
      pos = x.e;
    });
    // the zero-width space gives a trailing empty line its height, as the textarea does
    out.append(text.slice(pos) + "\u200b");
    highlights.textContent = "";
    highlights.append(out);
    syncScroll();
  }

  // 1-based line and column (in code points) of each finding in the current text
  function positions(vis) {
    const text = draft.value, where = new Map();
    let i = 0, line = 1, col = 1;
    vis.forEach((x) => {
      for (; i < x.s; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) { line++; col = 1; } else if (!isLow(c)) col++;
      }
      where.set(x.id, [line, col]);
    });
    return where;
  }

  function renderList(vis) {
    const hadFocus = list.contains(document.activeElement);
    const where = positions(vis);
    list.textContent = "";
    $("finding-count").textContent = "（" + vis.length + "）";
    vis.forEach((x, n) => {
      const f = x.f;
      const li = document.createElement("li");
      li.id = "finding-" + x.id;
      li.dataset.id = String(x.id);
      li.dataset.code = f.code;
      li.dataset.applicability = f.applicability;
      li.className = "sev-" + f.severity + (x.id === activeId ? " active" : "");
      li.tabIndex = (activeId === null ? n === 0 : x.id === activeId) ? 0 : -1;
      const head = document.createElement("div");
      const badge = document.createElement("span");
      badge.className = "badge sev-" + f.severity;
      badge.textContent = SEVERITY[f.severity] || f.severity;
      const code = document.createElement("span");
      code.className = "code";
      code.textContent = f.code;
      const fix = FIX[f.applicability] || FIX.unsafe;
      const fixBadge = document.createElement("span");
      fixBadge.className = "fix " + fix[1];
      fixBadge.textContent = fix[0];
      const pos = where.get(x.id);
      const at = document.createElement("span");
      at.className = "where";
      at.textContent = "第 " + pos[0] + " 行第 " + pos[1] + " 字";
      head.append(badge, code, fixBadge, at);
      const what = document.createElement("div");
      what.className = "what";
      what.textContent = "「" + f.text + "」" + (f.suggestions.length ? " → 「" + f.suggestions.join("」或「") + "」" : "");
      const msg = document.createElement("div");
      msg.className = "message";
      msg.textContent = f.message;
      const buttons = document.createElement("div");
      buttons.className = "buttons";
      f.suggestions.forEach((s, k) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "accept";
        b.tabIndex = -1;
        b.dataset.suggestion = s;
        b.textContent = (f.suggestions.length > 1 ? (k + 1) + ". " : "") + "采纳「" + s + "」";
        b.addEventListener("click", () => accept(x.id, s, true));
        buttons.append(b);
      });
      const ign = document.createElement("button");
      ign.type = "button";
      ign.className = "ignore";
      ign.tabIndex = -1;
      ign.textContent = "忽略";
      ign.addEventListener("click", () => ignore(x.id, true));
      buttons.append(ign);
      li.setAttribute("aria-label", (SEVERITY[f.severity] || "") + " " + f.code + " " + what.textContent + "，" + fix[0]);
      li.append(head, what, msg, buttons);
      li.addEventListener("click", (ev) => {
        if (ev.target.closest("button")) return;
        activate(x, { select: true, focusEditor: true });
      });
      li.addEventListener("focusin", (ev) => {
        // the buttons of the focused item join the Tab order; others stay out of it
        li.querySelectorAll("button").forEach((b) => { b.tabIndex = 0; });
        if (ev.target === li && x.id !== activeId) activate(x, { select: true });
      });
      li.addEventListener("focusout", (ev) => {
        if (!li.contains(ev.relatedTarget)) li.querySelectorAll("button").forEach((b) => { b.tabIndex = -1; });
      });
      list.append(li);
    });
    if (hadFocus) focusItem();
  }

  function renderSummary(vis) {
    const box = $("summary");
    box.textContent = "";
    box.classList.toggle("stale", stale);
    if (!report) {
      box.append(draft.value ? "尚未检查" : "请输入或上传稿件");
      return;
    }
    if (stale) {
      box.append($("auto-check").checked ? "结论：文本已修改，正在等待重新检查……" : "结论：文本已修改，点击“检查”后更新");
      return;
    }
    const c = report.counts;
    const verdict = document.createElement("span");
    verdict.className = "verdict verdict-" + report.verdict;
    verdict.id = "verdict";
    verdict.textContent = VERDICT[report.verdict] || report.verdict;
    const score = document.createElement("span");
    score.id = "score";
    score.textContent = String(report.score);
    box.append("结论：", verdict, "　得分 ", score,
      "　严重 " + c.serious + " 处 · 错误 " + c.error + " 处 · 提示 " + c.warning + " 处");
    const hidden = findings.length - vis.length;
    if (hidden) box.append("（其中 " + hidden + " 处已忽略，未列出，仍计入结论）");
  }

  function syncScroll() {
    backdrop.scrollTop = draft.scrollTop;
    backdrop.scrollLeft = draft.scrollLeft;
  }

  function markOf(id) {
    return highlights.querySelector('mark[data-id="' + id + '"]');
  }

  function scrollEditorTo(x) {
    const mark = markOf(x.id);
    if (!mark) return;
    const top = mark.offsetTop, bottom = top + mark.offsetHeight;
    if (top < draft.scrollTop || bottom > draft.scrollTop + draft.clientHeight) {
      draft.scrollTop = Math.max(0, top - draft.clientHeight / 3);
    }
    syncScroll();
  }

  function focusItem() {
    const vis = visible();
    const x = vis.find((y) => y.id === activeId) || vis[0];
    if (x) $("finding-" + x.id).focus({ preventScroll: false });
    else draft.focus();
  }

  // make `x` the current finding: mark it, select its text in the editor, show it
  function activate(x, how) {
    how = how || {};
    activeId = x.id;
    highlights.querySelectorAll("mark.active").forEach((m) => m.classList.remove("active"));
    const mark = markOf(x.id);
    if (mark) mark.classList.add("active");
    list.querySelectorAll("li").forEach((li) => {
      const on = li.dataset.id === String(x.id);
      li.classList.toggle("active", on);
      li.tabIndex = on ? 0 : -1;
    });
    if (how.focusEditor) draft.focus({ preventScroll: true });
    if (how.select) {
      draft.setSelectionRange(x.s, x.e);
      scrollEditorTo(x);
      const box = $("editor").getBoundingClientRect();
      if (box.bottom < 0 || box.top > window.innerHeight) $("editor").scrollIntoView({ block: "nearest" });
    }
    const li = $("finding-" + x.id);
    if (li) {
      li.scrollIntoView({ block: "nearest" });
      if (how.focusItem) li.focus({ preventScroll: true });
    }
  }

  // the next (delta 1) or previous (-1) finding; from the caret when none is current
  function neighbour(delta) {
    const vis = visible();
    if (!vis.length) return null;
    const i = vis.findIndex((x) => x.id === activeId);
    if (i < 0) {
      const caret = draft.selectionStart;
      if (delta > 0) return vis.find((x) => x.e > caret) || vis[0];
      return vis.slice().reverse().find((x) => x.s < caret) || vis[vis.length - 1];
    }
    return vis[Math.min(vis.length - 1, Math.max(0, i + delta))];
  }

  // the finding to make current once `x` is accepted or ignored (which hides every finding
  // with its key): the next one that stays
  function successor(x, sameKeyGoes) {
    const vis = visible(), i = vis.indexOf(x);
    const other = (y) => y !== x && !(sameKeyGoes && y.key === x.key);
    return vis.slice(i + 1).find(other) || vis.slice(0, Math.max(i, 0)).reverse().find(other) || null;
  }

  // ---- editing ------------------------------------------------------------------------

  // Replace non-overlapping ranges of the draft. Goes through the browser's editing command
  // where it can, so the textarea's own undo history (Ctrl+Z) survives; returns a record per
  // edit, in input order, with the range the new text now occupies.
  function applyEdits(edits) {
    const records = edits.map((ed) => ({ s: ed.s, e: ed.e, before: draft.value.slice(ed.s, ed.e), after: ed.text }));
    const focused = document.activeElement;
    const scroll = draft.scrollTop;
    draft.focus({ preventScroll: true });
    const done = [];
    records.slice().sort((a, b) => b.s - a.s).forEach((r) => {
      const s = r.s, e = r.e, value = draft.value;
      const expected = value.slice(0, s) + r.after + value.slice(e);
      programmatic = true;
      try {
        draft.setSelectionRange(s, e);
        let ok = false;
        try {
          ok = r.after ? document.execCommand("insertText", false, r.after) : document.execCommand("delete");
        } catch (err) { ok = false; }
        if (!ok || draft.value !== expected) draft.value = expected;
      } finally {
        programmatic = false;
      }
      shiftAll(s, e, s + r.after.length, done);
      r.s = s;
      r.e = s + r.after.length;
      done.push(r);
    });
    lastText = draft.value;
    draft.scrollTop = scroll;
    syncScroll();
    if (focused && focused !== draft && document.contains(focused)) focused.focus({ preventScroll: true });
    return records;
  }

  function textEdited() {
    stale = true;
    render();
    scheduleCheck();
  }

  function accept(id, suggestion, fromList) {
    const x = byId(id);
    if (!x || draft.value.slice(x.s, x.e) !== x.f.text) return;
    const next = successor(x);
    const records = applyEdits([{ s: x.s, e: x.e, text: suggestion }]);
    undoStack.push({ kind: "accept", edits: records, restored: [x], label: "采纳「" + suggestion + "」" });
    activeId = next ? next.id : null;
    stale = true;
    render();
    setStatus("已采纳「" + suggestion + "」，正在重新检查……");
    if (fromList) focusItem();
    recheckSoon();
  }

  function ignore(id, fromList) {
    const x = byId(id);
    if (!x) return;
    const next = successor(x, true);
    ignored.add(x.key);
    saveIgnored();
    undoStack.push({ kind: "ignore", key: x.key, label: "忽略「" + x.f.text + "」" });
    activeId = next ? next.id : null;
    render();
    setStatus("已忽略「" + x.f.text + "」（" + x.f.code + "），本次会话内不再提示。");
    if (fromList) focusItem();
  }

  function applyAllSafe() {
    let end = 0;  // the edits must not overlap (the service resolves overlaps; this is a guard)
    const safe = visible().filter(safeFix).filter((x) => x.s >= end && ((end = x.e), true));
    if (!safe.length) return;
    const records = applyEdits(safe.map((x) => ({ s: x.s, e: x.e, text: x.f.suggestions[0] })));
    undoStack.push({ kind: "accept", edits: records, restored: safe, label: "全部采纳（" + safe.length + " 处）" });
    const rest = visible().length;
    stale = true;
    render();
    setStatus("已采纳 " + safe.length + " 处可直接采纳的修改" +
      (rest ? "；另有 " + rest + " 处需人工确认或仅提示，未改动" : "") + "，正在重新检查……");
    recheckSoon();
  }

  function undo(fromList) {
    const u = undoStack.pop();
    if (!u) return;
    if (u.kind === "ignore") {
      ignored.delete(u.key);
      saveIgnored();
      const back = findings.find((x) => x.key === u.key);
      if (back) activeId = back.id;
      render();
      setStatus("已撤销：" + u.label);
    } else {
      const intact = u.edits.every((r) => r.s !== null && draft.value.slice(r.s, r.e) === r.after);
      if (!intact) {
        render();
        setStatus("无法撤销“" + u.label + "”：该处文字之后又被修改过。", true);
        return;
      }
      const records = applyEdits(u.edits.map((r) => ({ s: r.s, e: r.e, text: r.before })));
      // the findings come back at once, on their restored text; the re-check confirms them
      u.restored.forEach((x, i) => {
        x.s = records[i].s;
        x.e = records[i].e;
        findings.push(x);
      });
      activeId = u.restored[0].id;
      stale = true;
      render();
      setStatus("已撤销：" + u.label + "，正在重新检查……");
      recheckSoon();
    }
    if (fromList) focusItem();
  }

  // ---- checking -----------------------------------------------------------------------

  function scheduleCheck() {
    clearTimeout(timer);
    timer = null;
    if (!$("auto-check").checked) {
      setStatus("稿件已修改，请点击“检查”。");
      return;
    }
    timer = setTimeout(runCheck, AUTO_DELAY_MS);
  }

  function recheckSoon() {
    clearTimeout(timer);
    timer = setTimeout(runCheck, 0);
  }

  async function runCheck() {
    clearTimeout(timer);
    timer = null;
    const text = draft.value;
    const mine = ++seq;
    const body = { text: text };
    const minSeverity = $("min-severity").value;
    if (minSeverity) body.min_severity = minSeverity;
    const mode = $("mode").value;
    if (mode && mode !== "fast") body.mode = mode;
    setStatus("正在检查……");
    try {
      const response = await fetch("/v1/check", { method: "POST", headers: headers(true), body: JSON.stringify(body) });
      if (mine !== seq) return; // a newer check was sent
      if (!response.ok) {
        setStatus(await errorMessage(response), true);
        return;
      }
      const data = await response.json();
      if (mine !== seq) return;
      if (draft.value !== text) { // edited while the check ran
        scheduleCheck();
        return;
      }
      receive(data, text);
    } catch (e) {
      if (mine === seq) setStatus("无法连接检查服务：" + e.message, true);
    }
  }

  function receive(data, text) {
    const before = byId(activeId);
    report = data;
    $("ruleset").textContent = data.ruleset_version;
    const map = utf16Offsets(text);
    findings = data.findings.map((f) => ({ id: nextId++, f: f, key: keyOf(f), s: map[f.start], e: map[f.end] }));
    stale = false;
    // the current finding stays current when the new report still has it
    const again = before && findings.find((x) => x.s === before.s && x.f.code === before.f.code);
    activeId = again ? again.id : null;
    render();
    const vis = visible().length, hidden = findings.length - vis;
    setStatus((vis ? "检查完成，发现 " + vis + " 处问题" : "检查完成，未发现问题") +
      (hidden ? "（另有 " + hidden + " 处已忽略）" : "") + "。" +
      (data.truncated_at != null ? "注意：第 " + (data.truncated_at + 1) + " 字之后的内容候选过多，未检查。" : ""));
  }

  // ---- files --------------------------------------------------------------------------

  function loadDocument(text) {
    draft.value = text;
    lastText = text;
    findings = [];
    undoStack.length = 0;
    activeId = null;
    stale = true;
    render();
  }

  async function upload(file) {
    const form = new FormData();
    form.append("file", file);
    setStatus("正在读取 " + file.name + "……");
    try {
      const response = await fetch("/v1/extract", { method: "POST", headers: headers(false), body: form });
      if (!response.ok) {
        setStatus(await errorMessage(response), true);
        return;
      }
      const data = await response.json();
      docxFile = /\.docx$/i.test(file.name) ? file : null;
      $("download-annotated").disabled = !docxFile;
      $("download-annotated").title = docxFile ? "下载带批注的 " + file.name + "（基于上传的原文件）" : "先上传 .docx 文件";
      $("doc-name").textContent = "（" + file.name + "）";
      loadDocument(data.text);
      await runCheck();
    } catch (e) {
      setStatus("上传失败：" + e.message, true);
    }
  }

  function filenameOf(disposition) {
    if (!disposition) return null;
    const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
    if (star) {
      try { return decodeURIComponent(star[1].trim()); } catch (e) { /* fall through */ }
    }
    const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
    return plain ? plain[1].trim() : null;
  }

  async function downloadAnnotated() {
    if (!docxFile) return;
    const form = new FormData();
    form.append("file", docxFile, docxFile.name);
    if ($("track-changes").checked) form.append("track_changes", "true");
    // the comments cover what the page shows
    if ($("min-severity").value) form.append("min_severity", $("min-severity").value);
    if ($("mode").value !== "fast") form.append("mode", $("mode").value);
    setStatus("正在生成批注版……");
    const button = $("download-annotated");
    button.disabled = true;
    try {
      const response = await fetch("/v1/annotate", { method: "POST", headers: headers(false), body: form });
      if (response.status === 404) {
        setStatus("本服务没有提供批注版下载（POST /v1/annotate 不存在）。", true);
        return;
      }
      if (!response.ok) {
        setStatus(await errorMessage(response), true);
        return;
      }
      const blob = await response.blob();
      const name = filenameOf(response.headers.get("Content-Disposition")) ||
        docxFile.name.replace(/\.docx$/i, "") + "（批注）.docx";
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      setStatus("已下载批注版 " + name + "。批注针对上传的原文件，不含编辑框中的修改。");
    } catch (e) {
      setStatus("生成批注版失败：" + e.message, true);
    } finally {
      button.disabled = !docxFile;
    }
  }

  async function copyAll() {
    const text = draft.value;
    try {
      await navigator.clipboard.writeText(text);
      setStatus("全文已复制到剪贴板。");
    } catch (e) {
      draft.focus();
      draft.select();
      let ok = false;
      try { ok = document.execCommand("copy"); } catch (e2) { ok = false; }
      setStatus(ok ? "全文已复制到剪贴板。" : "无法访问剪贴板，已选中全文，请手动复制。", !ok);
    }
  }

  // ---- events -------------------------------------------------------------------------

  draft.addEventListener("input", () => {
    if (programmatic) return;
    const now = draft.value;
    if (now === lastText) return;
    const [p, oldEnd, newEnd] = editRegion(lastText, now, draft.selectionEnd);
    lastText = now;
    shiftAll(p, oldEnd, newEnd);
    textEdited();
  });
  draft.addEventListener("scroll", syncScroll);
  // the caret on a highlight makes its finding the current one
  const caretFinding = () => {
    const c = draft.selectionStart;
    const x = visible().find((y) => y.s <= c && c < y.e) || null;
    if (x && x.id !== activeId) activate(x, {});
  };
  draft.addEventListener("click", caretFinding);
  draft.addEventListener("keyup", (ev) => { if (ev.key.startsWith("Arrow") && !ev.altKey) caretFinding(); });
  new ResizeObserver(() => syncScroll()).observe(draft);

  list.addEventListener("keydown", (ev) => {
    if (ev.altKey || ev.metaKey) return;
    const li = ev.target.closest("li");
    const x = li && byId(Number(li.dataset.id));
    if (!x) return;
    const onButton = ev.target.tagName === "BUTTON";
    const go = (y) => { if (y) activate(y, { select: true, focusItem: true }); };
    let handled = true;
    if (ev.ctrlKey) {
      if (ev.key === "z" || ev.key === "Z") undo(true); else handled = false;
    } else if (ev.key === "j" || ev.key === "ArrowDown") {
      activeId = x.id;
      go(neighbour(1));
    } else if (ev.key === "k" || ev.key === "ArrowUp") {
      activeId = x.id;
      go(neighbour(-1));
    } else if (ev.key === "Home") {
      go(visible()[0]);
    } else if (ev.key === "End") {
      go(visible().slice(-1)[0]);
    } else if (ev.key === "Enter" && !onButton) {
      if (x.f.suggestions.length === 1) {
        accept(x.id, x.f.suggestions[0], true);
      } else if (x.f.suggestions.length > 1) {
        li.querySelector("button.accept").focus();
        setStatus("有 " + x.f.suggestions.length + " 个建议：用 Tab 选择后按 Enter，或按数字键 1–" + x.f.suggestions.length + "。");
      } else {
        activate(x, { select: true, focusEditor: true });
        setStatus("此处没有建议的改法：已在编辑框中选中，请直接修改或忽略。");
      }
    } else if (ev.key === "i" || ev.key === "Delete") {
      ignore(x.id, true);
    } else if (ev.key === "u") {
      undo(true);
    } else if (ev.key === "Escape") {
      activate(x, { select: true, focusEditor: true });
    } else if (/^[1-9]$/.test(ev.key) && Number(ev.key) <= x.f.suggestions.length) {
      accept(x.id, x.f.suggestions[Number(ev.key) - 1], true);
    } else {
      handled = false;
    }
    if (handled) ev.preventDefault();
  });

  document.addEventListener("keydown", (ev) => {
    if (ev.altKey && !ev.ctrlKey && !ev.metaKey && (ev.key === "ArrowDown" || ev.key === "ArrowUp")) {
      const y = neighbour(ev.key === "ArrowDown" ? 1 : -1);
      if (y) activate(y, { select: true, focusItem: list.contains(document.activeElement) });
      ev.preventDefault();
    } else if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      runCheck();
    }
  });

  $("check").addEventListener("click", runCheck);
  $("apply-all").addEventListener("click", applyAllSafe);
  $("undo").addEventListener("click", () => undo(false));
  $("copy").addEventListener("click", copyAll);
  $("download-annotated").addEventListener("click", downloadAnnotated);
  $("file").addEventListener("change", (ev) => {
    const file = ev.target.files && ev.target.files[0];
    if (file) upload(file);
    ev.target.value = "";
  });
  $("mode").addEventListener("change", () => { if (draft.value) recheckSoon(); });
  $("min-severity").addEventListener("change", () => { if (draft.value) recheckSoon(); });

  render();
})();
