"""三审签发, 保密审查, 转载, 撤稿, 更正 and the publication register, on built sites parsed as HTML."""
from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from dangjian.cli import main
from toolsite import article, make_site

HELD = "医院党委部署下半年党建重点工作"                      # the sample's article awaiting 终审
WITHDRAWN = "我院党员志愿者开展“健康进社区”志愿服务活动"      # the sample's withdrawn article
WITHDRAWN_PATH = "news/2025/yiliao-zhiyuan-huodong-chegao/index.html"
CORRECTED_PATH = "grassroots/2025/hulibu-dangzhibu-zhutidangri/index.html"
REPRINT_PATH = "theory/2025/gongli-yiyuan-dangjian-zhuanzai/index.html"
SIGNED = "review_first: 王芳\nreview_second: 李明\nreview_final: 张伟\nsecrecy_review: 赵敏\n"
REVIEW = '[review]\nrequired = ["初审", "复审", "终审", "保密审查"]\n'


def outputs(site: Path) -> dict[str, str]:
    """Every page, feed and sitemap of a built site, as text."""
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in site.rglob("*") if p.suffix in (".html", ".xml", ".txt") and p.is_file()}


def indexed_urls(site: Path) -> set[str]:
    """The page addresses in the Pagefind search index."""
    urls = set()
    for fragment in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        urls.add(json.loads(data[data.index(b"{"):])["url"])
    return urls


def signed(title: str, date: str, body: str = "正文。", **fields) -> str:
    """An article with every sign-off (but those `fields` write otherwise)."""
    lines = "".join(line + "\n" for line in SIGNED.splitlines() if line.split(":")[0] not in fields)
    return article(title, date, body, **fields).replace("---\n\n", lines + "---\n\n", 1)


def build(site: Path, *extra: str) -> int:
    return main(["build", "--content", str(site / "content"), "--config", str(site / "site.toml"),
                 "--out", str(site / "site"), "-q", *extra])


def test_held_back_article_is_on_no_page_feed_sitemap_or_index(sample_site):
    found = [rel for rel, text in outputs(sample_site).items() if HELD in text]
    assert found == []
    assert not any("xiabannian" in url for url in indexed_urls(sample_site))


def test_withdrawn_article_keeps_only_a_notice(sample_site):
    page = BeautifulSoup((sample_site / WITHDRAWN_PATH).read_text(encoding="utf-8"), "html.parser")
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    notice = " ".join(page.select_one(".withdrawn-notice").get_text().split())
    assert notice == "本文已于 2025年6月12日 撤稿。"              # show_reason = false in the sample
    assert "东桥社区" not in page.get_text() and "撤稿，这段正文" not in page.get_text()
    elsewhere = [rel for rel, text in outputs(sample_site).items() if WITHDRAWN in text and rel != WITHDRAWN_PATH]
    assert elsewhere == []
    assert not any("chegao" in url for url in indexed_urls(sample_site))
    assert not any("yiliao-zhiyuan-huodong-chegao" in text for rel, text in outputs(sample_site).items()
                   if rel != WITHDRAWN_PATH)


def test_corrections_render_and_bump_updated_in_page_and_feed(sample_site):
    page = BeautifulSoup((sample_site / CORRECTED_PATH).read_text(encoding="utf-8"), "html.parser")
    items = [" ".join(li.get_text().split()) for li in page.select(".corrections li")]
    assert page.select_one(".corrections h2").get_text() == "更正说明"
    assert items[0].startswith("2025年4月27日：第二段") and items[1].startswith("2025年4月28日：第三段")
    assert page.select_one(".article-updated time")["datetime"].startswith("2025-04-28")
    feed = feedparser.parse((sample_site / "grassroots" / "feed.xml").read_bytes())
    entry = next(e for e in feed.entries if "hulibu" in e.link)
    assert entry.updated.startswith("2025-04-28") and "更正说明" in entry.content[0].value


def test_reprint_credits_the_original_on_page_listing_and_feed(sample_site):
    page = BeautifulSoup((sample_site / REPRINT_PATH).read_text(encoding="utf-8"), "html.parser")
    credit = page.select_one(".article-reprint")
    link = credit.find("a")
    assert credit.get_text().startswith("本文转载自") and link.get_text() == "健康报"
    assert link["href"].startswith("https://") and set(link["rel"]) == {"noopener", "nofollow"}
    listing = BeautifulSoup((sample_site / "theory" / "index.html").read_text(encoding="utf-8"), "html.parser")
    item = next(li for li in listing.select(".article-item") if "以高质量党建引领" in li.get_text())
    assert item.select_one(".reprint-mark").get_text() == "转载"
    feed = feedparser.parse((sample_site / "feed.xml").read_bytes())
    entry = next(e for e in feed.entries if "zhuanzai" in e.link)
    assert any(link.get("rel") == "via" and "example.com" in link["href"] for link in entry.links)
    assert entry.content[0].value.startswith("<p>本文转载自")


def test_build_lists_held_articles_and_counts_them(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    make_site(tmp_path, {"news/2025/a.md": signed("已签", "2025-03-01"),
                         "news/2025/b.md": article("缺终审", "2025-03-02", review_first="王芳", review_second="李明")},
              review=True)
    assert main(["build", "--content", str(tmp_path / "content"), "--config", str(tmp_path / "site.toml"),
                 "--out", str(tmp_path / "site")]) == 0
    out = capsys.readouterr()
    assert "content/news/2025/b.md:2: 待审，未发布：缺少终审、保密审查" in out.err
    assert "构建完成：1 篇文章（1 篇待审，未发布），" in out.out
    assert not (tmp_path / "site" / "news" / "2025" / "b").exists()


def test_one_person_may_not_sign_two_stages(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    text = signed("一人两签", "2025-03-01").replace("review_second: 李明", "review_second: 王芳")
    make_site(tmp_path, {"news/2025/a.md": text}, review=True)
    assert build(tmp_path) == 0
    err = capsys.readouterr().err
    assert "content/news/2025/a.md:4: “王芳”同时签了初审、复审：同一人不能签两个环节，这篇暂不发布" in err
    assert not (tmp_path / "site" / "news" / "2025" / "a").exists()
    config = tmp_path / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("same_person = false", "same_person = true"),
                      encoding="utf-8")
    assert build(tmp_path) == 0 and (tmp_path / "site" / "news" / "2025" / "a" / "index.html").exists()


def test_missing_sign_offs_can_be_an_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    make_site(tmp_path, {"news/2025/a.md": article("未审", "2025-03-01")}, review=True)
    config = tmp_path / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('missing = "hold"', 'missing = "error"'),
                      encoding="utf-8")
    assert build(tmp_path) == 1
    assert "content/news/2025/a.md:2: 待审，未发布：缺少初审、复审、终审、保密审查" in capsys.readouterr().err


def test_sign_offs_are_required_only_from_the_configured_day(tmp_path):
    make_site(tmp_path, {"news/2025/old.md": article("旧文", "2025-12-31"), "news/2026/new.md": article("新文", "2026-01-02")},
              review=True)
    config = tmp_path / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("same_person", 'since = "2026-01-01"\nsame_person'),
                      encoding="utf-8")
    assert build(tmp_path, "--future") == 0
    assert (tmp_path / "site/news/2025/old/index.html").exists() and not (tmp_path / "site/news/2026").exists()


@pytest.mark.parametrize("switches", [[], ["--drafts"], ["--drafts", "--future"]])
def test_classified_is_never_published(tmp_path, switches):
    make_site(tmp_path, {"news/2025/a.md": signed("内部事项", "2025-03-01", classified="是", draft="true"),
                         "news/2025/b.md": signed("涉密通报", "2025-03-02", 涉密="是"),
                         "news/2025/c.md": signed("公开报道", "2025-03-03")}, review=True)
    assert build(tmp_path, *switches) == 0
    texts = "".join(outputs(tmp_path / "site").values())
    assert "公开报道" in texts and "内部事项" not in texts and "涉密通报" not in texts


def test_preview_shows_held_articles_with_a_banner_but_never_classified_ones(tmp_path):
    from dataclasses import replace as with_
    from dangjian.build.pipeline import build as run_build
    from dangjian.options import Options
    make_site(tmp_path, {"news/2025/a.md": article("待终审", "2025-03-01", review_first="王芳"),
                         "news/2025/b.md": signed("涉密材料", "2025-03-02", classified="true")}, review=True)
    options = Options(content=tmp_path / "content", config=tmp_path / "site.toml", out=tmp_path / "preview",
                      search=False, drafts=True, preview=True)
    run_build(options)
    page = BeautifulSoup((tmp_path / "preview/news/2025/a/index.html").read_text(encoding="utf-8"), "html.parser")
    banner = " ".join(page.select_one(".review-banner").get_text().split())
    assert banner.startswith("待审：缺少复审、终审、保密审查")
    assert "涉密材料" not in "".join(outputs(tmp_path / "preview").values())
    run_build(with_(options, out=tmp_path / "site", preview=False, drafts=False))
    assert not (tmp_path / "site/news/2025/a").exists()


@pytest.mark.parametrize("fields, line, message", [
    ({"reprint": "是", "original_source": "健康报"}, 4, "转载文章缺少原文链接"),
    ({"转载": "是"}, 4, "转载文章缺少原载、原文链接"),
    ({"reprint": "是", "original_source": "健康报", "original_url": "www.example.com/a"}, 6, "原文链接不是网址"),
    ({"review_final": "2025-03-01"}, 4, "终审应写审核人的姓名，这里写的是“2025-03-01”"),
    ({"review_first": "https://oa.example.cn/x"}, 4, "初审应写审核人的姓名"),
    ({"withdrawn": "有误"}, 4, "撤稿没有写撤稿日期"),
    ({"withdrawn": "有误", "withdrawn_date": "2025-02-01"}, 5, "撤稿日期 2025-02-01 早于发布日期 2025-03-01"),
    ({"corrections": "[第二段有误]"}, 4, "更正说明写法不对"),
])
def test_review_fields_are_validated_with_their_line(tmp_path, monkeypatch, capsys, fields, line, message):
    monkeypatch.chdir(tmp_path)
    make_site(tmp_path, {"news/2025/a.md": signed("校验", "2025-03-01", **fields)}, review=True)
    assert build(tmp_path) == 1
    assert f"content/news/2025/a.md:{line}: {message}" in capsys.readouterr().err


def test_register_lists_every_article_with_reviewers_and_status(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert main(["register", "--csv", str(tmp_path / "登记.csv")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("信息发布登记（全部，共 21 篇：") and "已撤稿 1 篇" in out and "待审 1 篇" in out
    raw = (tmp_path / "登记.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert list(rows[0]) == ["标题", "栏目", "来源", "作者", "发布时间", "初审", "复审", "终审", "保密审查", "状态", "网址"]
    by_title = {r["标题"]: r for r in rows}
    assert by_title[HELD]["状态"] == "待审（缺少终审）" and by_title[HELD]["网址"] == ""
    assert by_title[WITHDRAWN]["状态"] == "已撤稿（2025-06-12）"
    assert by_title[WITHDRAWN]["网址"].endswith("/djgz/news/2025/yiliao-zhiyuan-huodong-chegao/")
    assert by_title["以高质量党建引领公立医院高质量发展"]["终审"] == "张建国"
    assert all(r["状态"] in ("已发布", "待审（缺少终审）", "已撤稿（2025-06-12）") for r in rows)
    assert main(["register", "--year", "2023", "-q"]) == 0


def test_stats_quotas_list_who_is_under_per_month(tmp_path, monkeypatch, capsys):
    make_site(tmp_path, {
        "grassroots/2025/a.md": article("一", "2025-01-10", source="第一党支部"),
        "grassroots/2025/b.md": article("二", "2025-02-10", source="第一党支部"),
        "grassroots/2025/c.md": article("三", "2025-02-11", source="第二党支部"),
        "news/2025/d.md": article("四", "2025-01-15", source="党委宣传部"),
    })
    config = tmp_path / "site.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("page = true", 'page = true\nquotas = { "*党支部" = 1, "党委宣传部" = 2 }', 1)
    config.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["stats", "--by", "考核", "--year", "2025"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: " ".join(line.split()[1:]) for line in lines[3:]}
    assert rows["2025年01月"] == "第二党支部 0/1、党委宣传部 1/2"
    assert rows["2025年02月"] == "党委宣传部 0/2"
    assert rows["2025年03月"] == "第一党支部 0/1、第二党支部 0/1、党委宣传部 0/2"


def test_check_lists_every_held_article_with_what_is_missing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    make_site(tmp_path, {"news/2025/a.md": signed("已签", "2025-03-01"),
                         "news/2025/b.md": article("缺终审", "2025-03-02", review_first="王芳", review_second="李明"),
                         "news/2025/c.md": article("未审", "2025-03-03")}, review=True)
    assert main(["check", "--content", str(tmp_path / "content"), "--config", str(tmp_path / "site.toml")]) == 0
    out = capsys.readouterr()
    text = out.out + out.err
    assert "content/news/2025/b.md:2: 提示：待审，未发布：缺少终审、保密审查" in text
    assert "content/news/2025/c.md:2: 提示：待审，未发布：缺少初审、复审、终审、保密审查" in text
    assert "a.md" not in text.replace("已签", "")
