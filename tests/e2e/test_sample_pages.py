"""Every page type of the sample site, checked by parsing its HTML."""
from pathlib import Path
from urllib.request import urlopen

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, build_site
from crawl import Links

ARTICLE = "news/2025/wo-yuan-zhao-kai-dang-jian-gong-zuo-hui-yi/index.html"


def soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


def text(node) -> str:
    return " ".join(node.get_text().split())


def test_every_page_declares_chinese_and_has_one_h1(sample_site):
    for page in sample_site.rglob("*.html"):
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert doc.html["lang"] == "zh-CN", page
        assert len(doc.find_all("h1")) == 1, page
        assert doc.title and doc.title.string.strip(), page


def test_home_shows_pinned_latest_and_a_block_per_category(sample_site):
    doc = soup(sample_site, "index.html")
    pinned = doc.find(id="h-pinned").find_parent("section")
    assert "医院党委召开2026年上半年党建工作推进会" in text(pinned)
    latest = doc.find(id="h-latest").find_parent("section")
    assert len(latest.select(".article-item")) == 8
    for slug, name in [("news", "工作动态"), ("grassroots", "基层党建"), ("theme-education", "主题教育"),
                       ("integrity", "党风廉政"), ("theory", "理论学习"), ("outreach", "下基层察民情"),
                       ("role-models", "先锋模范"), ("notices", "通知公告")]:
        block = doc.find(id=f"h-{slug}")
        assert block is not None and name in text(block)
        assert block.find("a")["href"] == f"{slug}/index.html"


def test_article_page_has_breadcrumb_meta_tags_neighbours_related_and_back_link(sample_site):
    doc = soup(sample_site, ARTICLE)
    crumbs = [text(li) for li in doc.select(".breadcrumb li")]
    assert crumbs == ["首页", "党建工作", "工作动态"]
    assert doc.h1.get_text() == "我院召开2025年党建暨党风廉政建设工作会议"
    meta = text(doc.select_one(".article-meta"))
    assert "发布时间：2025年2月20日 09:30" in meta
    assert "来源：党委办公室" in meta and "作者：张伟" in meta and "责任编辑：李明" in meta
    assert [a.get_text() for a in doc.select(".article-tags a")] == ["党建工作会议", "党风廉政", "年度部署"]
    nav = text(doc.select_one(".article-nav"))
    assert "上一篇：医院党委召开2026年上半年党建工作推进会" in nav
    assert "下一篇：我院召开2023年党建工作会议" in nav
    assert doc.select(".related a")
    back = doc.select_one(".back a")
    assert back["href"] == "../../../news/index.html" and "返回工作动态列表" in back.get_text()
    # the editor's relative .md link became a link to the other article's page
    body_links = [a["href"] for a in doc.select(".article-body a")]
    assert "../../../news/2023/2023-dangjian-gongzuo-huiyi/index.html" in body_links


def test_chinese_keys_chinese_file_names_and_defaults(sample_site):
    doc = soup(sample_site, "theory/2023/zhongxinzu-zhuanti-xuexi/index.html")
    assert "公立医院高质量发展" in doc.h1.get_text()
    assert "来源：党委宣传部" in text(doc.select_one(".article-meta"))
    # a Chinese file name without a slug becomes a pinyin URL
    assert (sample_site / "news/2025/wo-yuan-zhao-kai-dang-jian-gong-zuo-hui-yi/index.html").exists()
    # a file without `category` takes its top folder
    assert (sample_site / "grassroots/2024/zhibu-huanjie/index.html").exists()


def test_drafts_and_future_articles_wait(tmp_path):
    draft = "theory/2026/qingnian-lilun-xuexi-xiaozu/index.html"
    site = build_site(tmp_path / "plain")
    assert not (site / draft).exists()
    assert (build_site(tmp_path / "drafts", None, "--drafts") / draft).exists()
    content = tmp_path / "content"
    (content / "news/2099").mkdir(parents=True)
    (content / "news/2099/future.md").write_text("---\ntitle: 未来的会议\ndate: 2099-01-01\n初审: 甲\n复审: 乙\n终审: 丙\n"
                                                 "保密审查: 丁\n---\n\n正文。\n",
                                                 encoding="utf-8")
    (content / "news/2020").mkdir(parents=True)
    (content / "news/2020/past.md").write_text("---\ntitle: 过去的会议\ndate: 2020-01-01\n---\n\n正文。\n",
                                               encoding="utf-8")
    site = build_site(tmp_path / "future", content)
    assert (site / "news/2020/past/index.html").exists()
    assert not (site / "news/2099/future/index.html").exists()
    assert (build_site(tmp_path / "future2", content, "--future") / "news/2099/future/index.html").exists()


def test_listings_paginate_with_numbers_and_prev_next(tmp_path):
    content = tmp_path / "content"
    for i in range(45):
        folder = content / "news" / "2024"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"a{i:02d}.md").write_text(
            f"---\ntitle: 第{i}篇\ndate: 2024-01-{1 + i % 28:02d} {i % 24:02d}:00\ntags: [义诊]\n---\n\n正文{i}。\n",
            encoding="utf-8")
    site = build_site(tmp_path, content)
    first = soup(site, "news/index.html")
    assert len(first.select(".article-item")) == 20
    pager = first.select_one(".pager")
    assert "下一页" in text(pager) and "上一页" not in text(pager)
    assert [a.get_text() for a in pager.select("a[aria-label]")] == ["1", "2", "3"]
    assert pager.find("a", string="下一页")["href"] == "../news/page/2/index.html"
    third = soup(site, "news/page/3/index.html")
    assert len(third.select(".article-item")) == 5
    assert third.find("a", string="上一页")["href"] == "../../../news/page/2/index.html"
    assert "第 3 / 3 页，共 45 篇" in text(third.select_one(".pager-status"))
    tag = soup(site, "tags/yi-zhen/page/2/index.html")
    assert len(tag.select(".article-item")) == 20


def test_archives_tags_sources_authors_and_404(sample_site):
    archive = soup(sample_site, "archives/index.html")
    assert "2025年" in text(archive) and archive.find("a", string="2月")
    month = soup(sample_site, "archives/2025/02/index.html")
    assert "我院召开2025年党建暨党风廉政建设工作会议" in text(month)
    tags = soup(sample_site, "tags/index.html")
    link = tags.main.find("a", string="党风廉政")
    tag_page = soup(sample_site, "tags/" + link["href"].removeprefix("../tags/"))
    assert "标签：党风廉政" in tag_page.h1.get_text()
    sources = soup(sample_site, "sources/index.html")
    office = sources.main.find("a", string="党委办公室")
    office_page = soup(sample_site, "sources/" + office["href"].removeprefix("../sources/"))
    assert "来源：党委办公室" in office_page.h1.get_text()
    assert office_page.select(".article-item")
    authors = soup(sample_site, "authors/index.html")
    assert authors.find("a", string="张伟")
    missing = soup(sample_site, "404.html")
    assert missing.h1.get_text() == "页面未找到"


def test_feeds_sitemap_and_robots(sample_site):
    import feedparser
    feed = feedparser.parse((sample_site / "feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.title == "示例市人民医院 · 党建工作"
    assert len(feed.entries) == 19
    entry = next(e for e in feed.entries if e.title == "我院召开2025年党建暨党风廉政建设工作会议")
    assert entry.link == "https://www.example-hospital.cn/djgz/news/2025/wo-yuan-zhao-kai-dang-jian-gong-zuo-hui-yi/"
    # relative links inside the content are resolved against the article's URL
    assert "https://www.example-hospital.cn/djgz/news/2023/2023-dangjian-gongzuo-huiyi/index.html" in entry.content[0].value
    for cat in ["news", "notices", "theory"]:
        feed = feedparser.parse((sample_site / cat / "feed.xml").read_bytes())
        assert not feed.bozo and feed.entries
        assert all(e.link.startswith(f"https://www.example-hospital.cn/djgz/{cat}/") for e in feed.entries)
    sitemap = (sample_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://www.example-hospital.cn/djgz/</loc>" in sitemap
    assert sitemap.count("<loc>") == 1 + 8 + 1 + 2 + 19          # home, categories, topics and each topic, articles
    robots = (sample_site / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://www.example-hospital.cn/djgz/sitemap.xml" in robots


def test_site_works_under_a_sub_path_over_http(sample_site, tmp_path, serve):
    root = tmp_path / "www"
    root.mkdir()
    (root / "djgz").symlink_to(sample_site, target_is_directory=True)
    server = serve(root)
    seen, queue, fetched = set(), ["djgz/index.html"], 0
    from urllib.parse import urljoin
    while queue and fetched < 60:
        rel = queue.pop()
        if rel in seen:
            continue
        seen.add(rel)
        url = server.url + rel
        with urlopen(url) as response:
            assert response.status == 200
            body = response.read().decode("utf-8")
        fetched += 1
        parser = Links()
        parser.feed(body)
        for link in parser.links:
            if "://" in link or link.startswith(("#", "mailto:", "tel:")):
                continue
            target = urljoin(url, link).removeprefix(server.url).split("#")[0]
            assert target.startswith("djgz/"), f"{rel}: {link} leaves the sub-path"
            if target.endswith(".html"):
                queue.append(target)
    assert fetched == 60


def test_headings_are_shifted_below_h1_without_skipping(corpus_site):
    checked = 0
    for page in list(corpus_site.glob("*/20*/*/index.html"))[:150]:
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        levels = [int(h.name[1]) for h in doc.select(".article-body h1, .article-body h2, .article-body h3, "
                                                     ".article-body h4")]
        if levels:
            checked += 1
            assert levels[0] == 2
            assert all(b - a <= 1 for a, b in zip([1, *levels], levels)), (page, levels)
    assert checked > 10


@pytest.mark.parametrize("theme_file", ["base.html"])
def test_site_templates_override_the_theme_file_by_file(tmp_path, theme_file):
    templates = tmp_path / "templates" / "partials"
    templates.mkdir(parents=True)
    (templates / "footer.html").write_text('<footer class="site-footer"><p>自定义页脚 {{ config.hospital }}</p></footer>',
                                           encoding="utf-8")
    from dangjian.cli import main
    out = tmp_path / "site"
    assert main(["build", "--content", str(ROOT / "content"), "--config", str(ROOT / "site.toml"),
                 "--templates", str(tmp_path / "templates"), "--out", str(out), "-q"]) == 0
    home = soup(out, "index.html")
    assert "自定义页脚 示例市人民医院" in text(home.footer)
    assert home.select_one(".site-header")  # the rest still comes from the default theme
