"""What an inspector reads off the pages: the 政府网站网页设计规范 meta tags and the footer identity on
every page type, and no link to an empty column."""
import re
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import ROOT, build_site

SITE_TAGS = ("SiteName", "SiteDomain", "ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType")
ARTICLE_TAGS = ("ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author", "Description", "Image", "Url")


def pages(site: Path) -> list[tuple[Path, BeautifulSoup]]:
    """Every HTML page but the redirect stubs of old addresses (a refresh to the new page, not a page)."""
    found = []
    for path in sorted(site.rglob("*.html")):
        doc = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if not doc.find("meta", attrs={"http-equiv": "refresh"}):
            found.append((path, doc))
    return found


def meta(doc: BeautifulSoup) -> dict[str, str]:
    tags = [m for m in doc.find_all("meta") if m.get("name")]
    names = [m["name"].lower() for m in tags]
    assert len(names) == len(set(names)), "a meta name twice (names compare without case)"
    return {m["name"]: m["content"] for m in tags}


def test_every_page_type_carries_the_meta_tags(sample_site):
    kinds = set()
    for path, doc in pages(sample_site):
        kinds.add(doc.body["class"][0])
        tags = meta(doc)
        for name in SITE_TAGS:
            assert tags.get(name, "").strip(), (path, name)
        assert tags["SiteDomain"] == "www.example-hospital.cn"
        if "page-article" in doc.body["class"]:
            for name in ARTICLE_TAGS:
                assert tags.get(name, "").strip(), (path, name)
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", tags["PubDate"])
            assert tags["Url"].startswith("https://www.example-hospital.cn/djgz/") and tags["Url"].endswith("/")
            assert tags["ArticleTitle"] == doc.h1.get_text().strip()
            crumbs = [li.get_text().strip() for li in doc.select(".breadcrumb li")]
            assert tags["ColumnName"] in crumbs
    assert {"page-home", "page-article", "page-category", "page-tag", "page-tags", "page-source", "page-author",
            "page-archives", "page-archive-year", "page-archive-month", "page-search", "page-stats", "page-404"} <= kinds


def test_every_page_shows_the_identity_centred_with_its_record_links(sample_site):
    css = (sample_site / "static" / "style.css").read_text(encoding="utf-8")
    assert re.search(r"\.site-identity \{[^}]*text-align: center", css)
    for path, doc in pages(sample_site):
        identity = doc.select_one("footer .site-identity")
        assert identity is not None, path
        text = " ".join(identity.get_text().split())
        for part in ("主办单位：示例市人民医院党委", "联系电话：0710-1234567", "地址：示例市健康路 1 号"):
            assert part in text, (path, part)
        links = {a.get_text().strip(): a["href"] for a in identity.find_all("a")}
        assert links["鄂ICP备12345678号-1"] == "https://beian.miit.gov.cn/"
        assert links["鄂公网安备42010602000123号"] == "https://beian.mps.gov.cn/#/query/webSearch?code=42010602000123"
        assert links["0710-1234567"] == "tel:07101234567"


def test_an_empty_column_is_neither_linked_nor_built(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.rmtree(content / "role-models")
    site = build_site(tmp_path, content)
    assert not (site / "role-models").exists()
    for path, doc in pages(site):
        assert not doc.find("a", href=re.compile(r"role-models/$")), path
        assert "先锋模范" not in doc.select_one(".site-nav, nav").get_text(), path
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "基层党建" in home.get_text() and "先锋模范" not in home.get_text()
