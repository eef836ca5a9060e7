"""专题 (topics): configured in site.toml, joined by tag or by the 专题 field; each a paginated page with
banner, introduction and its articles; running ones on the home page and in the navigation; ended
ones 已归档; their own Atom feed and sitemap entries. Built and parsed, cold and incremental."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from dangjian.build.pipeline import build
from dangjian.options import Options
from toolsite import article, make_site, run, write
from worksite import tree

TZ = ZoneInfo("Asia/Shanghai")
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

TOPICS = '''
[[topics]]
slug = "dangji"
name = "党纪学习教育"
intro = """
以学习贯彻《中国共产党纪律处分条例》为重点，**学纪、知纪、明纪、守纪**。

详见[中央部署](https://www.example.cn/dangji.html)。
"""
banner = "banner-dangji.png"
start = 2024-04-01
end = "2024-07-31"
tags = ["党纪学习教育"]
order = 2

[[topics]]
slug = "qinglian"
name = "清廉医院建设专题"
short_name = "清廉医院"
start = "2024-01-01"
tags = ["廉政教育"]
order = 1
'''


def _site(tmp_path, articles: dict[str, str], topics: str = TOPICS, page_size: int = 3):
    site = make_site(tmp_path, articles)
    config = site / "site.toml"
    text = config.read_text("utf-8").replace("page_size = 20", f"page_size = {page_size}")
    config.write_text(text.split("# 专题：")[0] + topics, "utf-8")
    write(site / "static" / "banner-dangji.png", _png(1200, 300))
    return site


def _png(width: int, height: int) -> bytes:
    import io

    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (170, 20, 20)).save(buf, "PNG")
    return buf.getvalue()


def _articles(n_tagged: int = 5) -> dict[str, str]:
    arts = {f"news/2024/dangji-{i}.md": article(f"党纪学习教育第{i}讲", f"2024-05-{i + 1:02d}", tags="[党纪学习教育]")
            for i in range(1, n_tagged + 1)}
    arts["news/2024/by-field.md"] = article("支部书记讲纪律党课", "2024-06-20", 专题="党纪学习教育")
    arts["news/2024/by-slug.md"] = article("廉洁文化进科室", "2024-03-02", 专题="[qinglian]")
    arts["integrity/2024/lianzheng.md"] = article("廉政教育月启动", "2024-06-10", tags="[廉政教育]")
    arts["news/2024/other.md"] = article("不属于专题的新闻", "2024-05-30")
    return arts


def _options(site, out, now: datetime | None = None, cache: bool = True) -> Options:
    return Options(content=site / "content", config=site / "site.toml", out=out, search=False, now=now, cache=cache)


def _page(out, path) -> BeautifulSoup:
    return BeautifulSoup((out / path).read_text("utf-8"), "html.parser")


def _titles(soup) -> list[str]:
    return [a.get_text() for a in soup.select("main .article-list .article-link")]


def _nav(soup) -> list[str]:
    return [a.get_text() for a in soup.select(".site-nav a")]


AUGUST = datetime(2024, 8, 15, 9, 0, tzinfo=TZ)       # 党纪学习教育 has ended (2024-07-31)
JUNE = datetime(2024, 6, 25, 9, 0, tzinfo=TZ)         # both running


def test_a_topic_page_has_its_banner_intro_articles_and_pages(tmp_path):
    site = _site(tmp_path, _articles())
    out = tmp_path / "out"
    build(_options(site, out, JUNE))
    first = _page(out, "topics/dangji/index.html")
    banner = first.select_one("img.topic-banner")
    assert banner["src"].endswith("static/banner-dangji.png") and banner["alt"] == ""        # the h1 names it
    assert (banner["width"], banner["height"]) == ("1200", "300")          # space kept before it loads
    assert (out / "static/banner-dangji.png").is_file()
    intro = first.select_one(".topic-intro")
    assert intro.find("strong").get_text() == "学纪、知纪、明纪、守纪"
    assert intro.find("a")["href"] == "https://www.example.cn/dangji.html"
    assert first.select_one(".topic-period").get_text() == "专题时间：2024年4月1日—2024年7月31日"
    assert first.h1.get_text() == "党纪学习教育" and not first.select(".topic-archived")
    # by tag (5) and by the 专题 field (1), newest first, 3 a page
    pages = [first, _page(out, "topics/dangji/page/2/index.html")]
    assert not (out / "topics/dangji/page/3").exists()
    assert _titles(pages[0]) == ["支部书记讲纪律党课", "党纪学习教育第5讲", "党纪学习教育第4讲"]
    assert _titles(pages[1]) == ["党纪学习教育第3讲", "党纪学习教育第2讲", "党纪学习教育第1讲"]
    assert pages[1].select_one(".pager-status").get_text() == "第 2 / 2 页，共 6 篇"
    assert not pages[1].select(".topic-intro")                 # the introduction opens the topic only
    assert [li.get_text() for li in first.select(".breadcrumb li")][-2:] == ["专题", "党纪学习教育"]
    # a topic by slug in the field; one with no banner shows its name instead
    other = _page(out, "topics/qinglian/index.html")
    assert _titles(other) == ["廉政教育月启动", "廉洁文化进科室"]
    assert other.select_one(".topic-banner-text").get_text() == "清廉医院建设专题"


def test_running_topics_are_on_the_home_page_in_the_navigation_and_on_their_articles(tmp_path):
    site = _site(tmp_path, _articles())
    out = tmp_path / "out"
    build(_options(site, out, JUNE))
    home = _page(out, "index.html")
    links = [a["href"] for a in home.select(".topics-block a")]
    assert links == ["topics/qinglian/index.html", "topics/dangji/index.html"]        # by order
    named = [a.find(["img", "span"]) for a in home.select(".topics-block .topic-banners a")]
    assert [n.get("alt") or n.get_text() for n in named] == ["清廉医院建设专题", "党纪学习教育"]
    assert _nav(home)[-4:] == ["清廉医院", "党纪学习教育", "归档", "搜索"]            # short names
    art = _page(out, "news/2024/by-field/index.html")
    assert [a.get_text() for a in art.select(".article-topics a")] == ["党纪学习教育"]
    assert not _page(out, "news/2024/other/index.html").select(".article-topics")
    index = _page(out, "topics/index.html")
    cards = [(c.select_one(".topic-name").get_text(), c.select_one(".topic-state").get_text()) for c in
             index.select(".topic-card")]
    assert cards == [("清廉医院建设专题", "进行中"), ("党纪学习教育", "进行中")]
    assert "6 篇文章" in index.select(".topic-card")[1].get_text()
    assert home.find("a", string="专题") is not None                    # the footer links the index


def test_an_ended_topic_is_archived_and_leaves_the_home_page_and_navigation(tmp_path):
    site = _site(tmp_path, _articles())
    out = tmp_path / "out"
    build(_options(site, out, AUGUST))
    home = _page(out, "index.html")
    assert [a["href"] for a in home.select(".topics-block .topic-banners a")] == ["topics/qinglian/index.html"]
    assert "党纪学习教育" not in _nav(home)
    page = _page(out, "topics/dangji/index.html")
    assert page.select_one("h1 .topic-state").get_text() == "已归档"
    assert "2024年7月31日结束，现已归档" in page.select_one(".topic-archived").get_text()
    assert len(_titles(page)) == 3                                        # still there, all of it
    art = _page(out, "news/2024/by-field/index.html")
    assert "（已归档）" in art.select_one(".article-topics").get_text()
    index = _page(out, "topics/index.html")
    assert [c.select_one(".topic-state").get_text() for c in index.select(".topic-card")] == ["进行中", "已归档"]


def test_a_topic_not_yet_started_is_not_published(tmp_path):
    site = _site(tmp_path, _articles())
    out = tmp_path / "out"
    build(_options(site, out, datetime(2024, 3, 15, tzinfo=TZ)))
    assert not (out / "topics/dangji").exists() and (out / "topics/qinglian/index.html").is_file()
    assert [c.select_one(".topic-name").get_text() for c in _page(out, "topics/index.html").select(".topic-card")] \
        == ["清廉医院建设专题"]
    assert "党纪学习教育" not in _nav(_page(out, "index.html"))


def test_topics_have_feeds_and_sitemap_entries(tmp_path):
    site = _site(tmp_path, _articles())
    out = tmp_path / "out"
    build(_options(site, out, JUNE))
    feed = ET.parse(out / "topics/dangji/feed.xml").getroot()
    assert feed.find(f"{ATOM}title").text.startswith("党纪学习教育 · ")
    assert feed.find(f"{ATOM}id").text == "https://www.example-hospital.cn/djgz/topics/dangji/"
    assert [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")][:2] == ["支部书记讲纪律党课",
                                                                                      "党纪学习教育第5讲"]
    assert len(feed.findall(f"{ATOM}entry")) == 6
    page = _page(out, "topics/dangji/index.html")
    assert page.find("link", rel="alternate", title="党纪学习教育")["href"].endswith("topics/dangji/feed.xml")
    locs = {u.find(f"{SITEMAP}loc").text: u.find(f"{SITEMAP}lastmod").text
            for u in ET.parse(out / "sitemap.xml").getroot()}
    assert locs["https://www.example-hospital.cn/djgz/topics/dangji/"] == "2024-06-20"
    assert locs["https://www.example-hospital.cn/djgz/topics/qinglian/"] == "2024-06-10"
    assert "https://www.example-hospital.cn/djgz/topics/" in locs


def _same_as_cold(site, out, now, tmp_path) -> dict[str, bytes]:
    result = build(_options(site, out, now))
    assert result.incremental
    cold = tmp_path / "cold"
    build(_options(site, cold, now, cache=False))
    got, want = tree(out), tree(cold)
    assert sorted(got) == sorted(want)
    assert [p for p in want if got[p] != want[p]] == []
    return got


def _age(site):
    import os
    for path in (site / "content").rglob("*.md"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 600 * 10**9))


@pytest.mark.parametrize("case", ["joins by tag", "joins by field", "leaves", "ends"])
def test_incremental_topic_changes_equal_a_cold_build(tmp_path, case):
    site = _site(tmp_path, _articles())
    out = tmp_path / "out"
    build(_options(site, out, JUNE))
    before = tree(out)
    other, tagged = site / "content/news/2024/other.md", site / "content/news/2024/dangji-2.md"
    now = JUNE
    if case == "joins by tag":
        other.write_text(other.read_text("utf-8").replace("date: 2024-05-30\n", "date: 2024-05-30\ntags: [党纪学习教育]\n"),
                         "utf-8")
    elif case == "joins by field":
        other.write_text(other.read_text("utf-8").replace("date: 2024-05-30\n", "date: 2024-05-30\n专题: 清廉医院\n"),
                         "utf-8")
    elif case == "leaves":
        tagged.write_text(tagged.read_text("utf-8").replace("tags: [党纪学习教育]", "tags: [其他]"), "utf-8")
    else:
        now = AUGUST
    _age(site)
    after = _same_as_cold(site, out, now, tmp_path)
    topic = "topics/qinglian/index.html" if case == "joins by field" else "topics/dangji/index.html"
    assert before[topic] != after[topic]
    titles = _titles(BeautifulSoup(after[topic].decode(), "html.parser"))
    second = out / topic.replace("index.html", "page/2/index.html")
    titles += _titles(_page(out, second.relative_to(out))) if second.exists() else []
    if case.startswith("joins"):
        assert "不属于专题的新闻" in titles
    elif case == "leaves":
        assert "党纪学习教育第2讲" not in titles and len(titles) == 5
    else:
        assert before["index.html"] != after["index.html"]       # the home page lost its banner


def test_the_no_change_shortcut_wakes_up_when_a_topic_starts_or_ends(tmp_path):
    site = _site(tmp_path, _articles(), topics=TOPICS.replace('end = "2024-07-31"', 'end = "2999-07-31"'))
    out = tmp_path / "out"
    build(_options(site, out))
    from dangjian.incremental.cache import BuildCache
    quick = BuildCache(_options(site, out).cache_folder).load_quick()
    assert quick["next_publish"] == datetime(2999, 8, 1, tzinfo=TZ).timestamp()


@pytest.mark.parametrize("toml, message", [
    ('[[topics]]\nslug = "Bad Slug"\nname = "x"\n', "专题 slug 无效：“Bad Slug”"),
    ('[[topics]]\nslug = "a"\nname = "甲"\n[[topics]]\nslug = "a"\nname = "乙"\n', "专题 slug 重复：“a”"),
    ('[[topics]]\nslug = "a"\nname = ""\n', "专题 “a” 的 name 为空"),
    ('[[topics]]\nslug = "a"\nname = "甲"\nstart = "2024-05-01"\nend = "2024-04-01"\n',
     "专题 “a” 的结束日期 2024-04-01 早于开始日期 2024-05-01"),
    ('[[topics]]\nslug = "a"\nname = "甲"\nend = "2024年4月1日"\n', "配置项 “topics.end” 的格式不对"),
    ('[[topics]]\nslug = "a"\nname = "甲"\nbanner = "nope.jpg"\n', "专题横幅图片不存在：static/nope.jpg"),
])
def test_topic_mistakes_are_named_at_their_line(tmp_path, toml, message):
    site = _site(tmp_path, {"news/2024/a.md": article("一篇", "2024-05-01")}, topics=toml)
    done = run(site, "build")
    assert done.returncode != 0 and message in done.stderr, done.stderr
    assert "site.toml:" in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_topic_in_an_article_is_named_with_the_choices(tmp_path):
    site = _site(tmp_path, {"news/2024/a.md": article("一篇", "2024-05-01", 专题="[党纪教育]")})
    done = run(site, "check")
    assert done.returncode != 0, done.stdout
    text = done.stdout + done.stderr
    assert "a.md:4" in text and "未知专题：“党纪教育”" in text and "党纪学习教育（dangji）" in text
