"""The web page in a real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright): paste a draft with seed errors, check, see the highlights, apply one
suggestion, apply all and copy."""

import os
from pathlib import Path

import pytest

from svc_helpers import SEED, LiveServer

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is absent (apt-get install -y chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the python package playwright is not installed")

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from service.config import Settings
    from service.main import create_app

    app = create_app(Settings(_env_file=None, cache_dir=tmp_path_factory.mktemp("cache")))
    with LiveServer(app) as live:
        yield live


@pytest.fixture(scope="module")
def page(server):
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], base_url=server.url)
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        context.close()
        browser.close()


def test_check_highlight_and_apply(page, server):
    page.goto("/")
    assert "文稿" in page.title()
    draft = "关于京津冀协同发展的通报\n" + SEED + "。"
    page.fill("#draft", draft)
    page.click("#check")
    page.wait_for_selector("#highlighted mark")

    marks = page.locator("#highlighted mark")
    assert marks.count() == 4
    assert marks.all_inner_texts() == ["京津翼", "截止目前", "名族", "党的二十精神"]
    assert marks.first.get_attribute("class") == "sev-serious"
    assert page.inner_text("#highlighted") == draft  # the whole text is shown, highlights in place
    assert page.locator("#verdict").inner_text().startswith("不通过")
    items = page.locator("#findings li")
    assert items.count() == 4
    first = items.nth(0).inner_text()
    assert "FP0001" in first and "京津翼" in first and "京津冀" in first and "冀是河北省的简称" in first

    # one click applies one suggestion; the page checks again
    page.click("#finding-0 button.apply")
    page.wait_for_function("document.querySelectorAll('#highlighted mark').length === 3")
    assert page.input_value("#draft") == draft.replace("京津翼", "京津冀")
    assert page.locator("#highlighted mark").all_inner_texts() == ["截止目前", "名族", "党的二十精神"]

    # apply all + copy
    page.click("#apply-all")
    page.wait_for_function("document.querySelectorAll('#highlighted mark').length === 0")
    fixed = "关于京津冀协同发展的通报\n县医保局将京津冀写成京津冀，截至目前已整改，民族团结，党的二十大精神。"
    assert page.input_value("#draft") == fixed
    page.wait_for_function("document.getElementById('status').textContent.includes('已采纳')")
    assert page.evaluate("navigator.clipboard.readText()") == fixed
    assert page.locator("#verdict").inner_text() == "通过"


def test_astral_characters_keep_highlights_aligned(page):
    page.goto("/")
    page.fill("#draft", "😀𠀀京津翼")
    page.click("#check")
    page.wait_for_selector("#highlighted mark")
    assert page.locator("#highlighted mark").all_inner_texts() == ["京津翼"]


def test_upload_a_file(page, tmp_path):
    page.goto("/")
    f = tmp_path / "draft.html"
    f.write_text("<html><body><p>促进各名族团结</p><script>var x='京津翼'</script></body></html>", encoding="utf-8")
    page.set_input_files("#file", str(f))
    page.wait_for_selector("#highlighted mark")
    assert page.input_value("#draft") == "促进各名族团结\n"
    assert page.locator("#highlighted mark").all_inner_texts() == ["名族"]


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
    page.goto("/")
    page.fill("#draft", "全县人民正在过上辛福生活。")
    page.click("#check")
    page.wait_for_function("document.getElementById('verdict').textContent.length > 0")
    assert page.locator("#highlighted mark").count() == 0  # fast mode: no rule names 辛福
    page.select_option("#mode", "thorough")
    page.click("#check")
    page.wait_for_selector("#highlighted mark")
    assert page.locator("#highlighted mark").all_inner_texts() == ["辛"]
    assert "LM0001" in page.locator("#findings li").nth(0).inner_text()
