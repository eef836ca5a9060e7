"""Real Chromium: the default theme fits phones and desktops and reads without JavaScript.

Screenshots of the home page, a listing and an article at 375 px and 1280 px are left
in build/artefacts/ for people to look at (CI keeps them; git ignores them).
"""
import pytest

PAGES = {"home": "index.html", "listing": "news/index.html",
         "article": "news/2025/wo-yuan-zhao-kai-dang-jian-gong-zuo-hui-yi/index.html"}


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_fit_the_screen_without_javascript(browser, sample_site, serve, artefacts, name, width):
    server = serve(sample_site)
    context = browser.new_context(viewport={"width": width, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    errors = []
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
    page.goto(server.url + PAGES[name])
    # no sideways scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # body text is large enough for older readers: ≥ 17 px
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main')).fontSize)")
    assert size >= 17
    # the stylesheet and every image loaded
    assert errors == []
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    # navigation is usable without JS: following the first category link works
    page.get_by_role("navigation", name="栏目导航").get_by_role("link", name="基层党建").click()
    assert page.locator("h1").inner_text() == "基层党建"
    page.goto(server.url + PAGES[name])
    page.screenshot(path=str(artefacts / f"{name}-{width}.png"), full_page=True)
    context.close()
