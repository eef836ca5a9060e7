"""无障碍与适老化说明: the statement page (a declared page kind), linked from every page's footer,
naming what the site offers, how to use it, and whom to contact (from [identity], else the
hospital's own site)."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup

from dangjian.cli import main
from toolsite import article, make_site


def soup(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_the_statement_says_what_how_and_whom_and_every_page_links_it(sample_site):
    page = soup(sample_site / "accessibility" / "index.html")
    assert page.h1.get_text() == "无障碍与适老化说明"
    text = page.select_one("main").get_text(" ", strip=True)
    for offered in ("字号", "关怀版", "Tab", "跳到正文", "读屏软件", "搜索"):
        assert offered in text, offered
    assert [h.get_text() for h in page.select("main h2")] == ["本网站提供的功能", "使用方法", "联系我们"]
    phone = page.select_one('main a[href^="tel:"]')
    assert phone is not None and re.fullmatch(r"tel:[0-9+]+", phone["href"])
    for path in ("index.html", "news/index.html", "search/index.html", "404.html"):
        links = [a["href"] for a in soup(sample_site / path).select("footer a")]
        assert any(h.endswith("accessibility/index.html") or h.endswith("accessibility/") for h in links), path


def test_without_identity_it_points_to_the_hospitals_own_site(tmp_path):
    site = make_site(tmp_path, {"news/2025/a.md": article("标题", "2025-03-01")})
    config = (site / "site.toml").read_text(encoding="utf-8")
    config = re.sub(r"^\[identity\]\n(?:[^\[\n].*\n|\n)*", "", config, flags=re.M)
    (site / "site.toml").write_text(config, encoding="utf-8")
    assert main(["build", "--content", str(site / "content"), "--config", str(site / "site.toml"),
                 "--out", str(site / "site"), "--no-search", "-q"]) == 0
    main_text = soup(site / "site" / "accessibility" / "index.html").select_one("main")
    contact = main_text.select("h2")[-1].find_next("p")
    assert "公布的联系方式" in contact.get_text() and not main_text.select('a[href^="tel:"]')
