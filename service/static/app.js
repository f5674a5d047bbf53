// errcheck web page: plain JS, no build step. Offsets from the API are Unicode code
// points; JS strings are UTF-16, so texts are handled as arrays of code points here.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const draft = $("draft"), statusBox = $("status"), results = $("results");
  const SEVERITY = { serious: "严重", error: "错误", warning: "提示" };
  const VERDICT = { fail: "不通过（含严重表述错误）", warn: "需修改", pass: "通过" };
  // the text that was checked and its findings; cleared when the draft is edited
  let state = null;

  function setStatus(message, isError) {
    statusBox.textContent = message || "";
    statusBox.className = isError ? "error" : "";
  }

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

  async function runCheck() {
    const text = draft.value;
    const body = { text: text };
    const minSeverity = $("min-severity").value;
    if (minSeverity) body.min_severity = minSeverity;
    const mode = $("mode").value;
    if (mode && mode !== "fast") body.mode = mode;
    setStatus("正在检查……");
    $("check").disabled = true;
    try {
      const response = await fetch("/v1/check", { method: "POST", headers: headers(true), body: JSON.stringify(body) });
      if (!response.ok) {
        setStatus(await errorMessage(response), true);
        return;
      }
      const report = await response.json();
      state = { text: text, chars: Array.from(text), report: report };
      render();
      setStatus(report.findings.length ? "检查完成，发现 " + report.findings.length + " 处问题。" : "检查完成，未发现问题。");
    } catch (e) {
      setStatus("无法连接检查服务：" + e.message, true);
    } finally {
      $("check").disabled = false;
    }
  }

  function render() {
    const report = state.report, chars = state.chars;
    results.hidden = false;
    $("ruleset").textContent = report.ruleset_version;
    const c = report.counts;
    $("summary").innerHTML = "";
    const verdict = document.createElement("span");
    verdict.className = "verdict verdict-" + report.verdict;
    verdict.id = "verdict";
    verdict.textContent = VERDICT[report.verdict] || report.verdict;
    $("summary").append("结论：", verdict,
      "　得分 " + report.score + "　严重 " + c.serious + " 处 · 错误 " + c.error + " 处 · 提示 " + c.warning + " 处");

    const view = $("highlighted");
    view.textContent = "";
    let pos = 0;
    report.findings.forEach((f, i) => {
      if (f.start > pos) view.append(chars.slice(pos, f.start).join(""));
      const mark = document.createElement("mark");
      mark.className = "sev-" + f.severity;
      mark.dataset.index = String(i);
      mark.dataset.code = f.code;
      mark.title = f.code + "：" + f.message;
      mark.textContent = chars.slice(f.start, f.end).join("");
      mark.addEventListener("click", () => focusFinding(i));
      view.append(mark);
      pos = f.end;
    });
    if (pos < chars.length) view.append(chars.slice(pos).join(""));

    const list = $("findings");
    list.textContent = "";
    $("finding-count").textContent = "（" + report.findings.length + "）";
    report.findings.forEach((f, i) => {
      const li = document.createElement("li");
      li.id = "finding-" + i;
      li.dataset.code = f.code;
      const badge = document.createElement("span");
      badge.className = "badge sev-" + f.severity;
      badge.textContent = SEVERITY[f.severity] || f.severity;
      const code = document.createElement("span");
      code.className = "code";
      code.textContent = f.code;
      const what = document.createElement("span");
      what.className = "what";
      what.textContent = "第 " + f.line + " 行第 " + f.column + " 字「" + f.text + "」" +
        (f.suggestions.length ? " → 「" + f.suggestions.join("」或「") + "」" : "");
      li.append(badge, code, what);
      f.suggestions.forEach((s) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "apply";
        b.textContent = "采纳「" + s + "」";
        b.addEventListener("click", () => applyOne(i, s));
        li.append(b);
      });
      const msg = document.createElement("div");
      msg.className = "message";
      msg.textContent = f.message;
      li.append(msg);
      li.addEventListener("click", (ev) => { if (ev.target.tagName !== "BUTTON") focusFinding(i); });
      list.append(li);
    });
    $("apply-all").disabled = !report.findings.some((f) => f.suggestions.length);
  }

  function focusFinding(i) {
    document.querySelectorAll("mark.active, #findings li.active").forEach((el) => el.classList.remove("active"));
    const mark = document.querySelector('mark[data-index="' + i + '"]');
    const li = $("finding-" + i);
    if (mark) mark.classList.add("active");
    if (li) { li.classList.add("active"); li.scrollIntoView({ block: "nearest" }); }
  }

  // replace findings (code-point spans of the checked text), right to left
  function replaced(chars, edits) {
    const out = chars.slice();
    edits.sort((a, b) => b.start - a.start).forEach((e) => {
      out.splice(e.start, e.end - e.start, ...Array.from(e.text));
    });
    return out.join("");
  }

  async function applyOne(i, suggestion) {
    if (!state) return;
    const f = state.report.findings[i];
    draft.value = replaced(state.chars, [{ start: f.start, end: f.end, text: suggestion }]);
    await runCheck();
  }

  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e) {
      draft.focus();
      draft.select();
      try { return document.execCommand("copy"); } catch (e2) { return false; }
    }
  }

  async function applyAll() {
    if (!state) return;
    const edits = state.report.findings.filter((f) => f.suggestions.length)
      .map((f) => ({ start: f.start, end: f.end, text: f.suggestions[0] }));
    const text = replaced(state.chars, edits);
    draft.value = text;
    const copied = await copy(text);
    await runCheck();
    setStatus("已采纳 " + edits.length + " 处修改" + (copied ? "，修改后的全文已复制到剪贴板。" : "；请手动复制全文。"), false);
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
      draft.value = data.text;
      await runCheck();
    } catch (e) {
      setStatus("上传失败：" + e.message, true);
    }
  }

  $("check").addEventListener("click", runCheck);
  $("apply-all").addEventListener("click", applyAll);
  $("file").addEventListener("change", (ev) => {
    const file = ev.target.files && ev.target.files[0];
    if (file) upload(file);
    ev.target.value = "";
  });
  draft.addEventListener("input", () => {
    if (state) {  // offsets no longer match the draft: ask for a new check
      state = null;
      $("apply-all").disabled = true;
      document.querySelectorAll("#findings button.apply").forEach((b) => { b.disabled = true; });
      setStatus("稿件已修改，请重新检查。");
    }
  });
  draft.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) runCheck();
  });
})();
