"""The web page in a real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright): one editor pane with the findings highlighted in place, a findings list that
selects its text in the editor, 采纳 / 忽略 / 撤销, 全部采纳 of safe fixes only, keyboard
navigation, .docx upload and the 批注版 download, and the API docs working offline."""

import base64
import io
import os
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from svc_helpers import SEED, LiveServer

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is absent (apt-get install -y chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the python package playwright is not installed")

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]

# a guess (赋宁 → 赋予, applicability "unsafe") inside a name, next to safe curated fixes
NAME_LINE = "李赋宁教授说：这件事的影响很深远，我们应该再接再励。"
DRAFT = "关于京津冀协同发展的通报\n" + SEED + "。\n" + NAME_LINE


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from service.config import Settings
    from service.main import create_app

    app = create_app(Settings(_env_file=None, cache_dir=tmp_path_factory.mktemp("cache")))
    with LiveServer(app) as live:
        live.app = app
        yield live


@pytest.fixture(scope="module")
def context(server):
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], base_url=server.url,
                                      viewport={"width": 1280, "height": 900}, accept_downloads=True)
        context.set_default_timeout(10_000)
        yield context
        context.close()
        browser.close()


@pytest.fixture
def page(context):
    """A fresh tab (its own sessionStorage). Fails the test on an uncaught script error or a
    console error; a test that expects some (a refused resource) removes them from
    `page.script_errors`. Failed HTTP statuses are the tests' own business."""
    page = context.new_page()
    errors = page.script_errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and not msg.text.startswith(
        "Failed to load resource: the server responded with a status of") else None)
    yield page
    page.close()
    assert not errors, errors


def report(server, text):
    """What the service's own checker says about `text` (the page must show the same)."""
    return server.app.state.checker.check(text)


def load(page, text):
    """Open the page and type `text` into the editor; wait for the automatic check."""
    page.goto("/")
    with page.expect_response("**/v1/check"):
        page.fill("#draft", text)
    page.wait_for_selector("#verdict")


def marks(page):
    return page.locator("#highlights mark").all_inner_texts()


def selected(page):
    return page.evaluate("(() => { const d = document.getElementById('draft');"
                         " return d.value.slice(d.selectionStart, d.selectionEnd); })()")


def item(page, text):
    """The findings-list entry for the finding on `text`."""
    return page.locator("#findings li").filter(has_text="「" + text + "」")


def wait_rechecked(page):
    page.wait_for_selector("#verdict")


def pixel_stats(context, png: bytes, boxes):
    """Decode a screenshot in a blank tab and measure it: the number of distinct colours,
    the share of near-white pixels, and for each box the share of pixels equal (±12 per
    channel) to the box's expected colour."""
    tab = context.new_page()
    try:
        tab.set_content("<canvas></canvas>")
        return tab.evaluate("""async ([b64, boxes]) => {
            const img = new Image();
            img.src = 'data:image/png;base64,' + b64;
            await img.decode();
            const c = document.querySelector('canvas');
            c.width = img.width; c.height = img.height;
            const g = c.getContext('2d');
            g.drawImage(img, 0, 0);
            const all = g.getImageData(0, 0, c.width, c.height).data;
            const colours = new Set(); let white = 0;
            for (let i = 0; i < all.length; i += 4) {
                colours.add((all[i] << 16) | (all[i + 1] << 8) | all[i + 2]);
                if (all[i] > 245 && all[i + 1] > 245 && all[i + 2] > 245) white++;
            }
            const share = boxes.map(([x, y, w, h, rgb]) => {
                const d = g.getImageData(Math.round(x), Math.round(y), Math.max(1, Math.round(w)),
                                         Math.max(1, Math.round(h))).data;
                let hit = 0;
                for (let i = 0; i < d.length; i += 4)
                    if (Math.abs(d[i] - rgb[0]) <= 12 && Math.abs(d[i + 1] - rgb[1]) <= 12
                        && Math.abs(d[i + 2] - rgb[2]) <= 12) hit++;
                return hit / (d.length / 4);
            });
            return {colours: colours.size, white: white / (all.length / 4), share: share,
                    width: c.width, height: c.height};
        }""", [base64.b64encode(png).decode(), boxes])
    finally:
        tab.close()


def text_box(page, needle):
    """The on-screen box of `needle` as laid out in the editor (measured in the backdrop,
    which lays the text out exactly as the textarea does)."""
    return page.evaluate("""(needle) => {
        const walker = document.createTreeWalker(document.getElementById('highlights'), NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.textContent.indexOf(needle);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + needle.length);
            const r = range.getBoundingClientRect();
            return [r.x, r.y, r.width, r.height];
        }
        return null;
    }""", needle)


MARK_BACKGROUND = {"serious": (0xff, 0xcd, 0xd2), "error": (0xff, 0xe0, 0xb2), "warning": (0xbb, 0xde, 0xfb)}


def test_one_pane_highlights_in_place(page, server, tmp_path):
    load(page, DRAFT)
    expected = report(server, DRAFT)
    assert marks(page) == [f.text for f in expected.findings]
    assert {"京津翼", "截止目前", "名族", "党的二十精神", "赋宁", "再接再励"} <= set(marks(page))
    # one pane: the marks live in the editor's backdrop, under the very text being edited
    assert page.locator("#highlighted").count() == 0
    assert page.locator("#editor textarea#draft").count() == 1
    backdrop_text = page.evaluate("document.getElementById('highlights').textContent")
    assert backdrop_text == DRAFT + "\u200b"
    widths = page.evaluate("[document.getElementById('draft').clientWidth, document.getElementById('backdrop').clientWidth]")
    assert widths[0] == widths[1] > 0  # the same content width: the same line breaks
    editor = page.locator("#editor").bounding_box()
    boxes = []
    for n, f in enumerate(expected.findings):
        mark = page.locator("#highlights mark").nth(n)
        assert mark.is_visible()
        assert mark.get_attribute("class") == f"sev-{f.severity.label}"
        box = mark.bounding_box()
        assert box["width"] > 0 and box["height"] > 0
        assert editor["x"] <= box["x"] and box["x"] + box["width"] <= editor["x"] + editor["width"]
        assert editor["y"] <= box["y"] and box["y"] + box["height"] <= editor["y"] + editor["height"]
        boxes.append([box["x"] + 1, box["y"] + 2, box["width"] - 2, box["height"] * 0.3,
                      MARK_BACKGROUND[f.severity.label]])

    # the findings list beside the editor
    items = page.locator("#findings li")
    assert items.count() == len(expected.findings)
    first = item(page, "京津翼").inner_text()
    assert all(s in first for s in ("严重", "FP0001", "「京津翼」 → 「京津冀」", "冀是河北省的简称", "可直接采纳"))
    assert "需人工确认" in item(page, "赋宁").inner_text()
    assert item(page, "赋宁").get_attribute("data-applicability") == "unsafe"
    list_box = page.locator("#findings").bounding_box()
    assert list_box["x"] >= editor["x"] + editor["width"]  # beside, not below
    verdict = {"fail": "不通过", "warn": "需修改", "pass": "通过"}[expected.verdict]
    assert page.inner_text("#verdict").startswith(verdict)
    assert page.inner_text("#score") == str(expected.score)

    # every control has a label; every button says what it does
    unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll('input, select, textarea'))
        .filter((el) => !el.labels || !el.labels.length || !el.labels[0].textContent.trim()).map((el) => el.id)""")
    assert unlabelled == []
    assert all(b.strip() for b in page.locator("button").all_inner_texts())

    shot = tmp_path / "editor.png"
    png = page.screenshot(path=str(shot))
    stats = pixel_stats(page.context, png, boxes)
    assert stats["width"] == 1280 and stats["colours"] > 50 and stats["white"] < 0.98  # not blank
    # each highlight is really painted: a good share of its top band has its severity colour
    # (the rest is glyph strokes drawn by the textarea above)
    assert min(stats["share"]) > 0.3, stats["share"]
    print(f"screenshot {shot}: {stats['colours']} colours, highlight colour shares {stats['share']}")


def test_clicking_a_finding_selects_its_text_after_astral_characters(page, server):
    text = "😀𠮷各名族团结。\n" + "平安无事。\n" * 40 + "京津翼协同。"
    load(page, text)
    assert marks(page) == [f.text for f in report(server, text).findings] == ["名族", "京津翼"]
    assert "第 1 行第 4 字" in item(page, "名族").inner_text()  # columns in characters, not UTF-16 units
    assert "第 42 行第 1 字" in item(page, "京津翼").inner_text()
    page.evaluate("""() => { const d = document.getElementById('draft');
                             d.setSelectionRange(0, 0); d.scrollTop = 0; }""")  # fill left it at the end
    item(page, "京津翼").locator(".what").click()
    assert selected(page) == "京津翼"
    assert page.evaluate("document.getElementById('draft').scrollTop") > 0
    assert page.evaluate("document.activeElement.id") == "draft"
    assert page.evaluate("document.querySelector('#highlights mark.active').textContent") == "京津翼"
    # the selection was scrolled into view: the mark is inside the visible part of the editor
    editor, mark = page.locator("#editor").bounding_box(), page.locator("#highlights mark.active").bounding_box()
    assert editor["y"] <= mark["y"] and mark["y"] + mark["height"] <= editor["y"] + editor["height"]
    # the caret on a highlight makes its finding current in the list
    page.evaluate("""() => { const d = document.getElementById('draft');
                             const at = d.value.indexOf('名族'); d.focus(); d.setSelectionRange(at, at); }""")
    page.keyboard.press("ArrowRight")  # the caret moves onto 名族: its finding becomes current
    assert "「名族」" in page.locator("#findings li.active").inner_text()
    assert page.evaluate("document.activeElement.id") == "draft"  # typing goes on in the editor


def test_edits_keep_highlights_on_their_text_and_the_verdict_follows(page, server):
    load(page, SEED)
    assert page.inner_text("#verdict").startswith("不通过")
    # type before the first finding: the marks move with their text at once
    page.focus("#draft")
    page.keyboard.press("Home")
    page.keyboard.type("𠮷😀")
    assert page.locator("#verdict").count() == 0  # no stale verdict while the text differs
    assert marks(page)[:1] == ["京津翼"]
    page.wait_for_selector("#verdict")
    # fix two of the errors by hand: after the debounced re-check the verdict and score follow
    text = page.input_value("#draft").replace("京津翼", "京津冀").replace("党的二十精神", "党的二十大精神")
    with page.expect_response("**/v1/check"):
        page.fill("#draft", text)
    wait_rechecked(page)
    expected = report(server, text)
    assert marks(page) == [f.text for f in expected.findings] == ["截止目前", "名族"]
    assert page.inner_text("#score") == str(expected.score)
    # and the rest: the draft passes
    text = text.replace("截止目前", "截至目前").replace("名族", "民族")
    with page.expect_response("**/v1/check"):
        page.fill("#draft", text)
    wait_rechecked(page)
    assert report(server, text).verdict == "pass"
    assert page.inner_text("#verdict") == "通过" and page.inner_text("#score") == "100"
    assert marks(page) == [] and page.locator("#findings li").count() == 0


MARKS_AT = """() => {
    // [code-point offset, text] of every mark, read from the backdrop as rendered
    const out = []; let pos = 0;
    for (const node of document.getElementById('highlights').childNodes) {
        const text = node.textContent;
        if (node.nodeName === 'MARK') {
            const what = document.querySelector('#finding-' + node.dataset.id + ' .what').textContent;
            out.push([pos, text, what.startsWith('「' + text + '」')]);
        }
        pos += Array.from(text).length;
    }
    return out;
}"""

EDIT = """([start, end, insert]) => {
    // replace code points [start, end) the way typing does: one input event
    const d = document.getElementById('draft');
    const cps = Array.from(d.value);
    const u = (i) => cps.slice(0, i).join('').length;
    d.setRangeText(insert, u(start), u(end), 'end');
    d.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertText', data: insert}));
}"""

BASE = "😀名族𠮷京津翼。\n截止目前，𠮷京津翼"


@given(edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 3), st.text(alphabet="𠮷😀名族京翼a。\n", max_size=3)),
                      min_size=1, max_size=3))
@example(edits=[(4 / 18, 0, "京")])  # typed just before 京津翼: an insertion before it, not inside
@example(edits=[(7 / 18, 0, "翼")])  # typed just after it
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_highlights_stay_on_their_text_through_any_edit(page, server, edits):
    """Model: each edit keeps the findings wholly before or after it (shifted by its length
    change) and may drop the ones it touches; a mark always covers its finding's text."""
    if page.url.endswith("/"):
        page.reload()
    else:
        page.goto("/")
    page.uncheck("#auto-check")
    page.fill("#draft", BASE)
    with page.expect_response("**/v1/check"):
        page.click("#check")
    page.wait_for_selector("#verdict")
    text = BASE
    model = [(f.start, f.end, f.text) for f in report(server, BASE).findings]
    for where, length, insert in edits:
        n = len(text)
        start = round(where * n)
        end = min(n, start + length)
        page.evaluate(EDIT, [start, end, insert])
        text = text[:start] + insert + text[end:]
        delta = len(insert) - (end - start)
        kept = [(s, e, t) for s, e, t in model if e <= start or s >= end]
        model = [(s, e, t) if e <= start else (s + delta, e + delta, t) for s, e, t in kept]
        shown = page.evaluate(MARKS_AT)
        assert page.input_value("#draft") == text
        assert all(ok for _, _, ok in shown), shown  # each mark sits on its own finding's text
        assert all(text[pos:pos + len(t)] == t for pos, t, _ in shown)
        assert {(s, t) for s, _, t in model} <= {(pos, t) for pos, t, _ in shown}
    with page.expect_response("**/v1/check"):
        page.click("#check")
    page.wait_for_selector("#verdict")
    assert [t for _, t, _ in page.evaluate(MARKS_AT)] == [f.text for f in report(server, text).findings]


def test_accept_ignore_undo(page, server):
    load(page, DRAFT)
    # 采纳 one suggestion
    item(page, "名族").locator("button.accept").click()
    assert page.input_value("#draft") == DRAFT.replace("名族", "民族")
    wait_rechecked(page)
    assert "名族" not in marks(page)

    # 忽略: gone from the text and the list, and stays gone after a re-check and a reload
    item(page, "赋宁").locator("button.ignore").click()
    assert "赋宁" not in marks(page) and item(page, "赋宁").count() == 0
    stored = page.evaluate("JSON.parse(sessionStorage.getItem('errcheck.ignored'))")
    assert stored == ["CW0001|赋宁"]
    with page.expect_response("**/v1/check"):
        page.click("#check")
    page.wait_for_function("document.getElementById('status').textContent.includes('已忽略')")
    assert "赋宁" not in marks(page)
    assert "已忽略" in page.inner_text("#summary")

    # 撤销 the ignore: it comes back
    page.click("#undo")
    assert "赋宁" in marks(page) and item(page, "赋宁").count() == 1
    assert page.evaluate("JSON.parse(sessionStorage.getItem('errcheck.ignored'))") == []
    # 撤销 the accept: the wrong text and its finding come back at once
    page.click("#undo")
    assert page.input_value("#draft") == DRAFT
    assert "名族" in marks(page)
    wait_rechecked(page)
    assert marks(page) == [f.text for f in report(server, DRAFT).findings]
    assert page.locator("#undo").is_disabled()

    # an ignore survives a new check of another text in the same session
    item(page, "赋宁").locator("button.ignore").click()
    page.reload()
    with page.expect_response("**/v1/check"):
        page.fill("#draft", NAME_LINE)
    wait_rechecked(page)
    assert marks(page) == ["再接再励"]

    # an accept is one step of the editor's own undo history too (Ctrl+Z in the text box)
    item(page, "再接再励").locator("button.accept").click()
    assert page.input_value("#draft") == NAME_LINE.replace("再接再励", "再接再厉")
    page.focus("#draft")
    page.keyboard.press("Control+z")
    assert page.input_value("#draft") == NAME_LINE
    wait_rechecked(page)
    assert marks(page) == ["再接再励"]


def test_apply_all_applies_only_safe_fixes_and_rechecks(page, server, tmp_path):
    load(page, DRAFT)
    before = report(server, DRAFT)
    safe = [f for f in before.findings if f.applicability == "safe"]
    assert 0 < len(safe) < len(before.findings)
    assert page.inner_text("#apply-all") == f"全部采纳（{len(safe)} 处可直接采纳）"
    page.click("#apply-all")
    fixed = page.input_value("#draft")
    assert fixed == before.fix(DRAFT)  # what the library's safe-only fix gives
    assert "李赋宁" in fixed and "李赋予" not in fixed
    assert "京津冀写成京津冀" in fixed and "再接再厉" in fixed
    wait_rechecked(page)
    after = report(server, fixed)
    assert marks(page) == [f.text for f in after.findings] == ["赋宁"]
    verdict = {"fail": "不通过", "warn": "需修改", "pass": "通过"}[after.verdict]
    assert page.inner_text("#verdict").startswith(verdict) and page.inner_text("#score") == str(after.score)
    assert after.verdict != "pass"  # the guess is still there, so the draft does not pass
    assert page.locator("#apply-all").is_disabled()
    # the screenshot: the guess is still painted, the corrected text is plain
    mark = page.locator("#highlights mark").bounding_box()
    fixed_box = text_box(page, "京津冀写成京津冀")
    assert fixed_box and fixed_box[2] > 0
    png = page.screenshot(path=str(tmp_path / "after-apply-all.png"))
    background = MARK_BACKGROUND[after.findings[0].severity.label]
    stats = pixel_stats(page.context, png, [
        [mark["x"] + 1, mark["y"] + 2, mark["width"] - 2, mark["height"] * 0.3, background],
        fixed_box + [MARK_BACKGROUND["serious"]],
    ])
    assert stats["share"][0] > 0.3 and stats["share"][1] == 0, stats
    # one undo takes the whole batch back
    page.click("#undo")
    assert page.input_value("#draft") == DRAFT
    # copy the text
    page.click("#copy")
    page.wait_for_function("document.getElementById('status').textContent.includes('已复制')")
    assert page.evaluate("navigator.clipboard.readText()") == DRAFT


def test_keyboard_navigation(page, server):
    text = "各名族团结，京津翼协同。台湾立法院开会。李赋宁说。"
    load(page, text)
    found = [f.text for f in report(server, text).findings]
    assert found == marks(page) == ["名族", "京津翼", "台湾立法院", "赋宁"]
    # Tab order: editor, then its actions, ..., then the list (first entry)
    page.focus("#draft")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "apply-all"
    # Alt+↓ from the editor selects the next finding in the text, focus stays in the editor
    page.evaluate("(() => { const d = document.getElementById('draft'); d.focus(); d.setSelectionRange(0, 0); })()")
    page.keyboard.press("Alt+ArrowDown")
    assert selected(page) == "名族" and page.evaluate("document.activeElement.id") == "draft"
    page.keyboard.press("Alt+ArrowDown")
    assert selected(page) == "京津翼"
    page.keyboard.press("Alt+ArrowUp")
    assert selected(page) == "名族"

    # in the list: j/k move, the text follows
    page.focus("#findings li.active")
    page.keyboard.press("j")
    assert selected(page) == "京津翼"
    assert page.evaluate("document.activeElement.dataset.code") == "FP0001"
    page.keyboard.press("k")
    assert selected(page) == "名族"
    # Enter accepts the single suggestion; focus moves to the next finding
    page.keyboard.press("Enter")
    assert "民族团结" in page.input_value("#draft")
    assert page.evaluate("document.activeElement.dataset.code") == "FP0001"
    wait_rechecked(page)
    assert page.evaluate("document.activeElement.tagName") == "LI"  # kept across the re-check
    # i ignores, u undoes
    page.keyboard.press("i")
    assert "京津翼" not in marks(page)
    page.keyboard.press("u")
    assert "京津翼" in marks(page)
    # several suggestions: Enter offers the choice, a digit picks one
    page.focus("#findings li[data-code='FP0001']")
    page.keyboard.press("j")
    assert selected(page) == "台湾立法院"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    assert "用 Tab 选择" in page.inner_text("#status")
    page.keyboard.press("2")
    assert "台湾“立法院”开会" in page.input_value("#draft")
    # Delete ignores too
    wait_rechecked(page)
    page.focus("#findings li.active")
    assert page.evaluate("document.activeElement.textContent").count("赋宁") >= 1
    page.keyboard.press("Delete")
    assert "赋宁" not in marks(page)
    # the keys are documented on the page
    help_text = page.inner_text("#keys-help")
    assert all(k in help_text for k in ("Alt", "j", "k", "Enter", "Delete", "撤销"))


def test_upload_html_file(page, tmp_path):
    page.goto("/")
    f = tmp_path / "draft.html"
    f.write_text("<html><body><p>促进各名族团结</p><script>var x='京津翼'</script></body></html>", encoding="utf-8")
    with page.expect_response("**/v1/check"):
        page.set_input_files("#file", str(f))
    page.wait_for_selector("#highlights mark")
    assert page.input_value("#draft") == "促进各名族团结\n"
    assert marks(page) == ["名族"]
    assert page.locator("#download-annotated").is_disabled()  # only for .docx


def test_upload_docx_and_download_the_annotated_copy(page, tmp_path):
    pytest.importorskip("docx")
    from docx_bombs import plain_docx

    data = plain_docx("关于京津冀协同发展的通报", SEED + "。")
    f = tmp_path / "通报.docx"
    f.write_bytes(data)
    page.goto("/")
    with page.expect_response("**/v1/check"):
        page.set_input_files("#file", str(f))
    page.wait_for_selector("#verdict")
    assert page.input_value("#draft") == "关于京津冀协同发展的通报\n" + SEED + "。"
    assert marks(page) == ["京津翼", "截止目前", "名族", "党的二十精神"]
    assert "通报.docx" in page.inner_text("#draft-label")

    page.check("#track-changes")
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    # what the page hands to fetch() (the browser does not expose a multipart body with a file)
    page.evaluate("""() => {
        window.sent = [];
        const original = window.fetch;
        window.fetch = async (url, init) => {
            if (String(url).endsWith('/v1/annotate')) {
                const fields = [];
                for (const [name, value] of init.body.entries()) {
                    if (typeof value === 'string') { fields.push([name, value]); continue; }
                    const bytes = new Uint8Array(await value.arrayBuffer());
                    let binary = '';
                    for (const b of bytes) binary += String.fromCharCode(b);
                    fields.push([name, value.name, btoa(binary)]);
                }
                window.sent.push([init.method, fields]);
            }
            return original(url, init);
        };
    }""")
    with page.expect_response("**/v1/annotate") as answer:
        page.click("#download-annotated")
    [[method, fields]] = page.evaluate("window.sent")
    assert method == "POST"
    assert fields == [["file", "通报.docx", base64.b64encode(data).decode()], ["track_changes", "true"]]
    if answer.value.status == 404:
        assert "/v1/annotate" in page.inner_text("#status")
        pytest.skip("POST /v1/annotate is not part of this build yet: the request the page sends was checked, "
                    "the downloaded file cannot be")
    assert answer.value.ok, answer.value.text()
    page.wait_for_function("document.getElementById('status').textContent.includes('已下载批注版')")
    assert downloads and downloads[0].suggested_filename.endswith(".docx")
    saved = tmp_path / "annotated.docx"
    downloads[0].save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as z:
        names = z.namelist()
        xml = z.read("word/document.xml").decode("utf-8")
        comments = z.read("word/comments.xml").decode("utf-8") if "word/comments.xml" in names else ""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        original = z.read("word/document.xml").decode("utf-8")
    assert xml != original or comments  # marked up: tracked changes in the text, or comments
    assert "<w:ins" in xml or "<w:comment " in comments


def test_the_annotated_copy_is_saved_under_the_name_the_service_gives(page, tmp_path):
    """The page's side of the POST /v1/annotate contract, whatever this build serves: the
    response body is saved as the download, named by Content-Disposition; an error is shown."""
    pytest.importorskip("docx")
    from docx_bombs import plain_docx

    f = tmp_path / "稿件.docx"
    f.write_bytes(plain_docx("促进各名族团结"))
    annotated = plain_docx("促进各民族团结")
    page.goto("/")
    with page.expect_response("**/v1/check"):
        page.set_input_files("#file", str(f))
    page.route("**/v1/annotate", lambda route: route.fulfill(
        status=200, body=annotated,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": "attachment; filename*=UTF-8''%E7%A8%BF%E4%BB%B6-%E6%89%B9%E6%B3%A8.docx"}))
    with page.expect_download() as download:
        page.click("#download-annotated")
    assert download.value.suggested_filename == "稿件-批注.docx"
    saved = tmp_path / "saved.docx"
    download.value.save_as(saved)
    assert saved.read_bytes() == annotated
    page.wait_for_function("document.getElementById('status').textContent.includes('已下载批注版')")
    page.unroute("**/v1/annotate")
    page.route("**/v1/annotate", lambda route: route.fulfill(
        status=400, content_type="application/json",
        body='{"error":{"code":"invalid_document","message":"不是可读的 .docx 文件","details":[]}}'))
    page.click("#download-annotated")
    page.wait_for_function("document.getElementById('status').classList.contains('error')")
    assert "不是可读的 .docx 文件" in page.inner_text("#status")
    assert page.locator("#download-annotated").is_enabled()


def test_errors_are_shown(page):
    page.goto("/")
    page.route("**/v1/check", lambda route: route.fulfill(
        status=413, content_type="application/json",
        body='{"error":{"code":"text_too_long","message":"文本过长","details":[]}}'))
    page.fill("#draft", "京津翼")
    page.click("#check")
    page.wait_for_function("document.getElementById('status').classList.contains('error')")
    assert "文本过长" in page.inner_text("#status")
    page.unroute("**/v1/check")


def test_thorough_mode_from_the_page(page):
    load(page, "全县人民正在过上辛福生活。")
    assert page.locator("#highlights mark").count() == 0  # fast mode: no rule names 辛福
    with page.expect_response("**/v1/check", timeout=120_000):  # the first check loads the language model
        page.select_option("#mode", "thorough")  # changing the mode checks again
    page.wait_for_selector("#highlights mark")
    assert marks(page) == ["辛"]
    assert "LM0001" in page.locator("#findings li").nth(0).inner_text()


def offline(page, server):
    """Abort every request that leaves the service; return the list of what was tried."""
    local = urlsplit(server.url).netloc
    tried = []

    def guard(route):
        if urlsplit(route.request.url).netloc == local or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            tried.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    return tried


def test_swagger_ui_renders_offline(page, server, tmp_path):
    tried = offline(page, server)
    page.goto("/docs")
    page.wait_for_selector(".opblock")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/v1/check" in paths and "/v1/extract" in paths and "/v1/rules" in paths
    assert tried == []
    # the screenshot shows the styled UI: POST operations carry Swagger UI's green method
    # badge (#49cc90), which only the vendored stylesheet paints
    post = page.locator(".opblock-post .opblock-summary-method").first.bounding_box()
    png = page.screenshot(path=str(tmp_path / "docs.png"), full_page=False)
    stats = pixel_stats(page.context, png, [[post["x"] + 2, post["y"] + 2, post["width"] - 4, post["height"] * 0.2,
                                             (0x49, 0xcc, 0x90)]])
    assert stats["colours"] > 50 and stats["share"][0] > 0.5, stats


def test_redoc_renders_offline(page, server):
    tried = offline(page, server)
    response = page.goto("/redoc")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("[data-section-id^='tag/'], [data-section-id^='operation/']")
    assert page.get_by_text("/v1/check", exact=True).count() >= 1
    assert "Check one document" in page.inner_text("body")
    assert tried == []
    # ReDoc's sidebar asks for its publisher's logo on a CDN: the page's policy refuses it
    # before it reaches the network (the <img> hides itself when it fails)
    refused = [e for e in page.script_errors if "Content Security Policy" in e]
    assert all("cdn.redoc.ly" in e for e in refused), refused
    page.script_errors[:] = [e for e in page.script_errors if e not in refused]
