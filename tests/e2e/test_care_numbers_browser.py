"""关怀版 to the letter, measured in Chromium at 375 and 1280 px: the numbers of the MIIT rules for
elderly-friendly sites and apps (工信厅信管函〔2021〕67号) that hospitals copy. Body text ≥ 18 pt (24 px),
a largest size step ≥ 30 px, line spacing ≥ 1.3, paragraph spacing ≥ 1.3 × the line spacing, touch
targets ≥ 60 × 60 px (links inside running text excepted, as WCAG 2.5.5 does). Contrast (≥ 4.5:1) is
axe's color-contrast rule, run on the same pages in test_a11y_browser.py."""
from __future__ import annotations

import pytest

from test_a11y_browser import ARTICLE, MODES, _context

pytestmark = pytest.mark.browser

PAGES = {"home": "index.html", "listing": "news/index.html", "article": ARTICLE,
         "topic": "topics/qinglian-yiyuan/index.html", "topics": "topics/index.html",
         "accessibility": "accessibility/index.html", "archive": "archives/index.html", "search": "search/index.html",
         "tags": "tags/index.html"}

# Every visible element holding text of its own in the page's content (not the header, whose phone
# layout must stay within a third of the screen), with its computed size and line height.
TEXT = """() => {
  const out = [];
  for (const el of document.querySelectorAll('main *, .breadcrumb *, .sidebar *, .site-footer *')) {
    if (el.closest('.visually-hidden, script, style, noscript, [hidden], [aria-hidden="true"]')) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || !box.width || !box.height) continue;
    const s = getComputedStyle(el);
    out.push({tag: el.tagName, cls: el.className, text: el.textContent.trim().slice(0, 20),
              size: parseFloat(s.fontSize), line: s.lineHeight === 'normal' ? 0 : parseFloat(s.lineHeight)});
  }
  return out;
}"""

# Every visible control: links, buttons, fields, selects (a radio or checkbox counts by its label).
TARGETS = """() => {
  const inText = el => el.tagName === 'A' && el.closest('.article-body, .topic-intro, .statement p, .statement li, .corrections, .footnote');
  const out = [];
  for (let el of document.querySelectorAll('a[href], button, input, select, summary')) {
    if (el.closest('[hidden], .visually-hidden') || el.classList.contains('skip-link') || inText(el)) continue;
    if (el.type === 'radio' || el.type === 'checkbox') el = el.closest('label') || el;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    out.push({tag: el.tagName, text: (el.textContent || el.value || el.name || '').trim().slice(0, 16),
              width: Math.round(box.width * 10) / 10, height: Math.round(box.height * 10) / 10});
  }
  return out;
}"""

PARAGRAPHS = """() => {
  const ps = [...document.querySelectorAll('.article-body > p')];
  const out = [];
  for (let i = 0; i + 1 < ps.length; i++) {
    const a = ps[i].getBoundingClientRect(), b = ps[i + 1].getBoundingClientRect();
    out.push({gap: b.top - a.bottom, line: parseFloat(getComputedStyle(ps[i]).lineHeight)});
  }
  return out;
}"""


def _measure(page, script):
    return page.evaluate(script)


@pytest.mark.parametrize("width", [375, 1280])
def test_care_mode_meets_the_elderly_friendly_numbers(browser, serve, sample_site, width):
    server = serve(sample_site)
    context = _context(browser, width, MODES["care"])
    page = context.new_page()
    try:
        small, tight, tiny = {}, {}, {}
        for name, path in PAGES.items():
            page.goto(server.url + path)
            page.wait_for_load_state("networkidle")          # the sidebar's newest articles are in
            texts = _measure(page, TEXT)
            assert texts, name
            small[name] = [(t["tag"], t["text"], t["size"]) for t in texts if t["size"] < 24]
            tight[name] = [(t["tag"], t["text"], t["line"] / t["size"]) for t in texts if t["line"] < 1.3 * t["size"]]
            tiny[name] = [(t["tag"], t["text"], t["width"], t["height"]) for t in _measure(page, TARGETS)
                          if t["width"] < 60 or t["height"] < 60]
        assert {k: v for k, v in small.items() if v} == {}, "text under 18 pt (24 px)"
        assert {k: v for k, v in tight.items() if v} == {}, "line spacing under 1.3"
        assert {k: v for k, v in tiny.items() if v} == {}, "touch targets under 60 × 60"
        page.goto(server.url + ARTICLE)
        gaps = _measure(page, PARAGRAPHS)
        assert len(gaps) >= 3 and all(g["gap"] >= 1.3 * g["line"] - 0.5 for g in gaps), gaps
        body = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.article-body p')).fontSize)")
        assert body >= 24
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_largest_step_of_care_mode_is_at_least_30_px(browser, serve, sample_site, width):
    server = serve(sample_site)
    sizes = {}
    for step in ("m", "l", "xl"):
        context = _context(browser, width, {**MODES["care"], **({"dj-font": step} if step != "m" else {})})
        page = context.new_page()
        try:
            page.goto(server.url + ARTICLE)
            sizes[step] = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.article-body p')).fontSize)")
            assert page.evaluate("document.documentElement.scrollWidth") <= width       # never sideways
        finally:
            context.close()
    assert 24 <= sizes["m"] < sizes["l"] < sizes["xl"] and sizes["xl"] >= 30, sizes


def test_the_desktop_layout_has_a_centred_container_and_a_sidebar(browser, serve, sample_site):
    """At 1280 px, listings and articles use the width: text and a sidebar (columns, running topics,
    the newest articles from latest.json); the header carries the logo and banner of site.toml. On a
    phone the sidebar follows the text in one column."""
    server = serve(sample_site)
    for width in (1280, 375):
        context = _context(browser, width, {})
        page = context.new_page()
        try:
            for path in ("news/index.html", ARTICLE, "topics/qinglian-yiyuan/index.html"):
                page.goto(server.url + path)
                page.wait_for_load_state("networkidle")
                main = page.locator("main").bounding_box()
                side = page.locator("aside.sidebar").bounding_box()
                assert page.locator(".side-latest-list li").count() == 8
                assert page.locator(".side-topics img").count() == 1
                if width == 1280:
                    assert side["x"] > main["x"] + main["width"] and side["x"] + side["width"] > 1000, path
                    body = page.locator(".page-body").bounding_box()
                    assert abs(body["x"] - (1280 - body["x"] - body["width"])) <= 1          # centred
                else:
                    assert side["y"] >= main["y"] + main["height"] and side["width"] <= 375
            logo = page.locator(".site-logo")
            assert logo.get_attribute("width") == "96" and logo.evaluate("i => i.complete && i.naturalWidth") == 96
            banner = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundImage")
            assert ("header.jpg" in banner) == (width == 1280), banner
        finally:
            context.close()
