"""Accessibility and 适老化 in real Chromium: axe-core, keyboard, reading controls, print, screenshots.

axe-core comes from npm (package.json); it is injected into each page with Playwright.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REQUIRE_BROWSER, ROOT

pytestmark = pytest.mark.browser
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARTICLE = "grassroots/2025/xinneike-zhutidangri-2025/index.html"      # a photo report with a cover
LINKED_ARTICLE = "outreach/2025/dongqiao-shequ-zoufang/index.html"   # has a link in its body
TABLE_ARTICLE = "grassroots/2024/zhibu-huanjie/index.html"           # has a table (headers, scrollable region)
MODES = {"normal": {}, "care": {"dj-care": "1"}, "xl": {"dj-font": "xl"}, "care-xl": {"dj-care": "1", "dj-font": "xl"}}


def _pages(site: Path) -> dict[str, str]:
    tag = sorted(p.relative_to(site).as_posix() for p in site.glob("tags/*/index.html"))[0]
    return {"home": "index.html", "listing": "news/index.html", "article": ARTICLE, "tag": tag,
            "archive": "archives/index.html", "404": "404.html", "table": TABLE_ARTICLE,
            "withdrawn": "news/2025/yiliao-zhiyuan-huodong-chegao/index.html",
            "corrected": "grassroots/2025/hulibu-dangzhibu-zhutidangri/index.html",
            "reprint": "theory/2025/gongli-yiyuan-dangjian-zhuanzai/index.html",
            "accessibility": "accessibility/index.html", "topics": "topics/index.html",
            "topic": "topics/qinglian-yiyuan/index.html", "archived-topic": "topics/zhuti-jiaoyu/index.html"}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        message = f"axe-core not installed at {AXE} (run npm install at the repo root)"
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def _context(browser, width: int, prefs: dict[str, str], **kw):
    height = 812 if width < 600 else 900
    context = browser.new_context(viewport={"width": width, "height": height}, **kw)
    if prefs:
        # What the reading controls leave behind; the <head> script applies it before first paint.
        context.add_init_script("".join(f"localStorage.setItem({json.dumps(k)}, {json.dumps(v)});"
                                        for k, v in prefs.items()))
    return context


def _axe(page, axe_source: str) -> list:
    page.add_script_tag(content=axe_source)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]]


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("mode", ["normal", "care"])
def test_axe_has_no_violations(browser, serve, sample_site, axe_source, artefacts, mode, width):
    server = serve(sample_site)
    context = _context(browser, width, MODES[mode])
    page = context.new_page()
    try:
        failures = {}
        for name, path in _pages(sample_site).items():
            page.goto(server.url + path)
            assert page.evaluate("document.documentElement.classList.contains('care')") == (mode == "care")
            violations = _axe(page, axe_source)
            if violations:
                failures[name] = violations
            if name in ("home", "article", "listing"):
                page.screenshot(path=artefacts / f"{name}-{width}-{mode}.png", full_page=True)
        assert failures == {}
    finally:
        context.close()


@pytest.mark.parametrize("mode", ["xl", "care-xl"])
def test_axe_at_the_largest_font_size_on_a_phone(browser, serve, sample_site, axe_source, artefacts, mode):
    server = serve(sample_site)
    context = _context(browser, 375, MODES[mode])
    page = context.new_page()
    try:
        failures = {}
        for name, path in _pages(sample_site).items():
            page.goto(server.url + path)
            assert page.evaluate("document.documentElement.dataset.font") == "xl"
            violations = _axe(page, axe_source)
            if violations:
                failures[name] = violations
            # Nothing may force sideways scrolling on a phone, even at the largest size.
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
        page.goto(server.url + ARTICLE)
        page.screenshot(path=artefacts / f"article-375-{mode}.png", full_page=True)
        assert failures == {}
    finally:
        context.close()


def _body_text(page) -> tuple[float, float]:
    return page.evaluate("""() => { const p = document.querySelector('.article-body p');
        const s = getComputedStyle(p); return [parseFloat(s.fontSize), parseFloat(s.lineHeight)]; }""")


@pytest.mark.parametrize("width", [375, 1280])
def test_reading_controls_change_size_persist_and_report_state(browser, serve, sample_site, width):
    server = serve(sample_site)
    context = _context(browser, width, {})
    page = context.new_page()
    try:
        page.goto(server.url + ARTICLE)
        tools = page.get_by_role("group", name="阅读设置")
        assert tools.is_visible()
        normal, _ = _body_text(page)
        assert normal >= (17 if width < 600 else 18)
        big = tools.get_by_role("button", name="大", exact=True)
        largest = tools.get_by_role("button", name="特大")
        care = tools.get_by_role("button", name="关怀版")
        assert tools.get_by_role("button", name="标准").get_attribute("aria-pressed") == "true"
        assert care.get_attribute("aria-pressed") == "false"

        big.click()
        assert big.get_attribute("aria-pressed") == "true"
        size_l, _ = _body_text(page)
        largest.focus()
        page.keyboard.press("Enter")                    # works from the keyboard too
        assert largest.get_attribute("aria-pressed") == "true" and big.get_attribute("aria-pressed") == "false"
        size_xl, _ = _body_text(page)
        assert normal < size_l < size_xl
        assert size_xl >= (22 if width < 600 else 24)   # the largest: ≥ 18 px on phones, more on desktop

        tools.get_by_role("button", name="标准").click()
        care.focus()
        page.keyboard.press("Space")
        assert care.get_attribute("aria-pressed") == "true"
        size_care, line_care = _body_text(page)
        assert size_care >= 20 and line_care / size_care >= 1.5
        target = page.evaluate("Math.min(...[...document.querySelectorAll('.reading-tools button, .site-nav a')]"
                               ".map(e => e.getBoundingClientRect().height))")
        assert target >= 48                             # bigger targets in 关怀版

        # Persisted: the next page opens in 关怀版 with the button pressed, before any click.
        page.get_by_role("navigation", name="栏目导航").get_by_role("link", name="工作动态").click()
        page.wait_for_load_state()
        assert page.evaluate("document.documentElement.classList.contains('care')")
        assert page.get_by_role("button", name="关怀版").get_attribute("aria-pressed") == "true"
        page.get_by_role("button", name="关怀版").click()
        page.reload()
        assert not page.evaluate("document.documentElement.classList.contains('care')")
    finally:
        context.close()


def test_pages_work_without_javascript(browser, serve, sample_site):
    server = serve(sample_site)
    context = browser.new_context(viewport={"width": 375, "height": 812}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server.url + ARTICLE)
        assert page.locator(".reading-tools").is_hidden()    # no dead buttons without JavaScript
        assert page.locator("h1").count() == 1 and page.locator("h1").is_visible()
        assert page.locator(".article-body img").first.is_visible()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
        page.get_by_role("navigation", name="栏目导航").get_by_role("link", name="基层党建").click()
        assert page.locator("h1").inner_text() == "基层党建"
    finally:
        context.close()


FOCUS_PROBE = """() => { const e = document.activeElement; const s = getComputedStyle(e); const r = e.getBoundingClientRect();
  return {tag: e.tagName, text: (e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 30),
          cls: e.className, where: e.closest('.skip-link') ? 'skip' : e.closest('.site-nav') ? 'nav'
             : e.closest('.reading-tools') ? 'tools' : e.closest('.article-body') ? 'body'
             : e.closest('article') ? 'article' : e.closest('header') ? 'header' : 'other',
          outline: s.outlineStyle !== 'none' ? parseFloat(s.outlineWidth) : 0, shadow: s.boxShadow,
          visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight}; }"""


@pytest.mark.parametrize("mode", ["normal", "care"])
def test_keyboard_reaches_everything_with_visible_focus(browser, serve, sample_site, artefacts, mode):
    server = serve(sample_site)
    context = _context(browser, 1280, MODES[mode])
    page = context.new_page()
    try:
        page.goto(server.url + LINKED_ARTICLE)
        stops = []
        for _ in range(40):
            page.keyboard.press("Tab")
            stop = page.evaluate(FOCUS_PROBE)
            stops.append(stop)
            if stop["where"] == "skip":
                page.screenshot(path=artefacts / f"focus-skip-link-{mode}.png")
            assert stop["outline"] >= 2 or stop["shadow"] != "none", stop      # a visible focus indicator
            assert stop["visible"], stop                                        # scrolled into view
            if stop["where"] == "body":
                break
        where = [s["where"] for s in stops]
        assert where[0] == "skip"
        assert "nav" in where and "tools" in where and "article" in where and where[-1] == "body", where
        assert [s["text"] for s in stops if s["where"] == "tools"] == ["标准", "大", "特大", "关怀版"]
        assert stops[-1]["text"] == "上一期报道"
        # The skip link really skips: after it, the next Tab lands inside <main>.
        page.goto(server.url + LINKED_ARTICLE)
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('main')")
    finally:
        context.close()


def test_article_prints_without_navigation_and_with_its_url(browser, serve, sample_site, artefacts):
    server = serve(sample_site)
    context = _context(browser, 1280, {"dj-care": "1"})
    page = context.new_page()
    try:
        page.goto(server.url + ARTICLE)
        page.emulate_media(media="print")
        for selector in (".site-header", ".site-nav", ".breadcrumb", ".site-footer", ".reading-tools", ".article-nav",
                         ".sidebar", ".read-aloud"):
            assert page.locator(selector).first.is_hidden(), selector
        after = page.evaluate("getComputedStyle(document.querySelector('article.article'), '::after').content")
        assert "本文网址" in after and "https://www.example-hospital.cn/djgz/grassroots/2025/xinneike-zhutidangri-2025/" in after
        assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "16px"   # 12pt, not 关怀版 size
        page.pdf(path=str(artefacts / "article-print.pdf"))
    finally:
        context.close()


def test_every_page_links_a_favicon_that_exists(browser, serve, sample_site):
    server = serve(sample_site)
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        for path in _pages(sample_site).values():
            page.goto(server.url + path)
            icons = page.evaluate("[...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
            assert len(icons) >= 2
            for href in icons:
                assert page.request.get(href).ok, href
            og = page.evaluate("document.querySelector('meta[property=\"og:image\"]').content")
            assert re.match(r"https://www\.example-hospital\.cn/djgz/.+\.(jpg|png)$", og)
        assert page.request.get(server.url + "favicon.ico").ok
        assert [e for e in errors if "404.html" not in e] == []
    finally:
        page.close()


@pytest.mark.parametrize("mode", ["normal", "l", "xl", "care", "care-xl"])
def test_the_header_takes_at_most_a_third_of_a_phone_screen(browser, serve, sample_site, mode):
    """At 375 × 812 in every 字号 and 关怀版: the header (title, search, reading controls, the column
    navigation, which scrolls sideways in one row) leaves two thirds of the first screen to the page,
    and every column stays reachable."""
    server = serve(sample_site)
    prefs = {**MODES.get(mode, {}), **({"dj-font": "l"} if mode == "l" else {})}
    context = _context(browser, 375, prefs)
    page = context.new_page()
    try:
        for path in ("index.html", "news/index.html", ARTICLE):
            page.goto(server.url + path)
            height = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
            assert height <= 812 / 3, (path, height)
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
        nav = page.get_by_role("navigation", name="栏目导航")
        last = nav.get_by_role("link").last
        last.scroll_into_view_if_needed()
        assert last.is_visible() and last.bounding_box()["height"] >= 44
    finally:
        context.close()


def test_care_mode_on_a_desktop_has_a_large_cursor(browser, serve, sample_site):
    server = serve(sample_site)
    for mode, width, large in (("care", 1280, True), ("normal", 1280, False), ("care", 375, False)):
        context = _context(browser, width, MODES[mode])
        page = context.new_page()
        try:
            page.goto(server.url + ARTICLE)
            body = page.evaluate("getComputedStyle(document.body).cursor")
            link = page.evaluate("getComputedStyle(document.querySelector('main a')).cursor")
            assert ("cursor-large.svg" in body) == large and ("cursor-large-pointer.svg" in link) == large, (mode, width)
            if large:
                for name in ("cursor-large.svg", "cursor-large-pointer.svg"):
                    status = page.evaluate(f"fetch('/static/{name}').then(r => r.status + ' ' + r.headers.get('content-type'))")
                    assert status.startswith("200 image/svg+xml"), status
        finally:
            context.close()
