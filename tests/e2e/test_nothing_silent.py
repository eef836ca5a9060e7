"""Nothing wrong goes out silently (issue #8): one test per case an editor actually hit, each on a
built site (parsed as HTML) or on the exact message `check` gives."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dangjian.cli import main
from toolsite import article, make_site, write


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    make_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def build(*extra: str) -> int:
    return main(["build", "--no-search", "-q", *extra])


def check_json(capsys, *extra: str) -> list[dict]:
    main(["check", "--format", "json", *extra])
    return json.loads(capsys.readouterr().out)


def page(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / "site" / rel).read_text("utf-8"), "html.parser")


def published(site: Path) -> set[str]:
    return {p.relative_to(site / "site").as_posix() for p in (site / "site").rglob("*") if p.is_file()}


def codes(findings: list[dict], code: str) -> list[dict]:
    return [f for f in findings if f["code"] == code]


def age(site: Path) -> None:
    for path in (site / "content").rglob("*"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 3600 * 10**9))


# 1. Only what an article links is published; junk never is, and check names every file left out ------
def test_only_linked_files_are_published_and_check_names_the_rest(site, capsys):
    write(site / "content/news/2025/a.md", article("发布附件", "2025-03-01", "见[通知](files/通知.pdf)。\n\n![会场](images/hui.jpg)"))
    write(site / "content/news/2025/files/通知.pdf", b"%PDF-1.4")
    from PIL import Image
    (site / "content/news/2025/images").mkdir()
    Image.new("RGB", (800, 600), (200, 20, 20)).save(site / "content/news/2025/images/hui.jpg")
    Image.new("RGB", (800, 600), (20, 20, 200)).save(site / "content/news/2025/images/deleted-article.jpg")
    junk = {"content/news/2025/内部名单.csv": "姓名,身份证号\n张三,110101199003077777\n",
            "content/news/2025/~$附件1.docx": "lock", "content/news/2025/新建文本文档.txt": "",
            "content/news/2025/我院召开职代会.md.txt": "---\ntitle: 职代会\n---\n", "content/news/2025/a.md.bak": "old",
            "content/news/2025/.DS_Store": "x", "content/news/2025/Thumbs.db": "x", "content/news/2025/desktop.ini": "x"}
    for rel, text in junk.items():
        write(site / rel, text)
    assert build() == 0
    out = published(site)
    assert "news/2025/files/通知.pdf" in out and "news/2025/images/hui-480w.webp" in out
    leaked = [p for p in out if any(k in p for k in ("名单", "附件", "新建", "职代会", ".bak", "Thumbs", "desktop",
                                                     "deleted-article", "DS_Store"))]
    assert leaked == []
    findings = check_json(capsys)
    named = {f["path"].rsplit("/", 1)[-1]: f["code"] for f in findings if f["path"] and "content/news/2025/" in f["path"]}
    assert named == {"内部名单.csv": "not-published", "新建文本文档.txt": "not-published",
                     "deleted-article.jpg": "not-published", "~$附件1.docx": "junk-file", "a.md.bak": "junk-file",
                     ".DS_Store": "junk-file", "Thumbs.db": "junk-file", "desktop.ini": "junk-file",
                     "我院召开职代会.md.txt": "saved-as-txt", "通知.pdf": "attachment-unread"}


def test_a_public_folder_is_published_whole(site, capsys):
    config = site / "site.toml"
    config.write_text(config.read_text("utf-8").replace("[home]", 'public_folders = ["downloads"]\n\n[home]'), "utf-8")
    write(site / "content/news/2025/a.md", article("有文章", "2025-03-01"))
    write(site / "content/downloads/入党申请书模板.docx", "模板")
    assert build() == 0
    assert "downloads/入党申请书模板.docx" in published(site)
    assert not codes(check_json(capsys), "not-published")


# 2.–4. Names as editors paste them -------------------------------------------------------------------
def test_names_tags_and_sources_are_one_spelling(site):
    write(site / "content/news/2025/a.md", article("甲", "2025-03-01", author="王　芳", tags="【党建，支部】",
                                                   source="‘党委宣传部’"))
    write(site / "content/news/2025/b.md", article("乙", "2025-03-02", author="王芳", tags="[党建, 支部]",
                                                   source="党委 宣传部"))
    assert build() == 0
    authors = [a.get_text() for a in page(site, "authors/index.html").select("main li a")]
    assert [a for a in authors if "王" in a] == ["王芳"] or any(a.startswith("王芳") for a in authors)
    assert not (site / "site/authors/wang").exists()
    tags = {p.name for p in (site / "site/tags").iterdir() if p.is_dir()}
    assert {"dang-jian", "zhi-bu"} <= tags and not any("【" in t or "】" in t for t in tags)
    sources = [p.name for p in (site / "site/sources").iterdir() if p.is_dir()]
    assert sources == ["dang-wei-xuan-chuan-bu"]


def test_a_new_name_never_takes_a_published_terms_address(site):
    write(site / "content/news/2024/a.md", article("早", "2024-03-01", source="党委宣传部"))
    assert build() == 0
    first = page(site, "sources/dang-wei-xuan-chuan-bu/index.html").h1.get_text()
    # 党委宣传步 has the same pinyin and sorts before 党委宣传部: it must get -2, not the plain address.
    write(site / "content/news/2025/b.md", article("晚", "2025-03-01", source="党委宣传步"))
    assert build() == 0
    assert page(site, "sources/dang-wei-xuan-chuan-bu/index.html").h1.get_text() == first
    assert "党委宣传步" in page(site, "sources/dang-wei-xuan-chuan-bu-2/index.html").h1.get_text()


def test_near_duplicate_names_are_warned_about(site, capsys):
    for i in range(3):
        write(site / f"content/news/2025/a{i}.md", article(f"正确{i}", f"2025-03-0{i + 1}", source="党委宣传部"))
    write(site / "content/news/2025/typo.md", article("笔误", "2025-03-09", source="党委宣传科"))
    found = codes(check_json(capsys), "near-duplicate-name")
    assert [(f["path"], f["line"]) for f in found] == [("content/news/2025/typo.md", 4)]
    assert "党委宣传部" in found[0]["message"] and "党委宣传科" in found[0]["message"]


# 5. A title cut at " #" -----------------------------------------------------------------------------
def test_a_title_cut_at_a_hash_is_reported_and_quotes_keep_it(site, capsys):
    write(site / "content/news/2025/a.md", "---\ntitle: 学习会 #3\ndate: 2025-03-01\n---\n正文\n")
    write(site / "content/news/2025/b.md", '---\ntitle: "学习会 #4"\ndate: 2025-03-02\n---\n正文\n')
    found = codes(check_json(capsys), "cut-at-hash")
    assert [(f["path"], f["line"]) for f in found] == [("content/news/2025/a.md", 2)]
    assert "学习会" in found[0]["message"] and '"学习会 #3"' in found[0]["hint"]
    assert build() == 0
    assert page(site, "news/2025/b/index.html").h1.get_text() == "学习会 #4"


# 6. Paths pasted from a computer ------------------------------------------------------------------------
def test_windows_paths_and_backslashes_are_reported_and_backslashes_resolved(site, capsys):
    from PIL import Image
    (site / "content/news/2025/images").mkdir(parents=True)
    Image.new("RGB", (640, 480), (20, 120, 20)).save(site / "content/news/2025/images/IMG_001.JPG")
    write(site / "content/news/2025/a.md", article("照片", "2025-03-01",
                                                   "![会场](D:\\照片\\会场.jpg)\n\n![合影](images\\IMG_001.JPG)\n\n"
                                                   "[附件](file:///C:/Users/a/通知.docx)"))
    findings = check_json(capsys)
    assert [f["code"] for f in findings if f["path"] == "content/news/2025/a.md"] == \
        ["computer-path", "backslash-path", "computer-path"]
    assert all(f["severity"] == "error" for f in findings if f["path"] == "content/news/2025/a.md")
    assert "images/IMG_001.JPG" in codes(findings, "backslash-path")[0]["hint"]
    assert build() == 0
    img = page(site, "news/2025/a/index.html").select("main img")
    assert [i.get("alt") for i in img] == ["合影"] and "IMG_001-" in img[0]["src"]


# 7. A renamed article's address --------------------------------------------------------------------------
def test_a_renamed_article_is_reported_and_aliases_keep_its_old_address(site, capsys):
    write(site / "content/news/2025/old-name.md", article("改名的文章", "2025-03-01"))
    age(site)
    assert build() == 0
    (site / "content/news/2025/old-name.md").rename(site / "content/news/2025/new-name.md")
    assert main(["build", "--no-search"]) == 0
    err = capsys.readouterr().err
    assert "content/news/2025/new-name.md:1: 警告：上次发布的网址 /news/2025/old-name/ 这次没有了" in err
    assert "slug: old-name" in err and "aliases: [/news/2025/old-name/]" in err
    path = site / "content/news/2025/new-name.md"
    path.write_text(path.read_text("utf-8").replace("---\n\n", "aliases: [/djgz/news/2025/old-name/]\n---\n\n", 1), "utf-8")
    assert build() == 0
    moved = page(site, "news/2025/old-name/index.html")
    assert moved.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=../../../news/2025/new-name/index.html"
    assert moved.find("link", rel="canonical")["href"] == "https://www.example-hospital.cn/djgz/news/2025/new-name/"
    assert "old-name" not in (site / "site/sitemap.xml").read_text("utf-8")


# 8. Folder and category field ----------------------------------------------------------------------------
def test_folder_and_category_field_must_agree_or_check_says_which_wins(site, capsys):
    write(site / "content/grassroots/2025/a.md", article("支部活动", "2025-03-01", category="news"))
    found = codes(check_json(capsys), "category-folder")
    assert [(f["path"], f["line"]) for f in found] == [("content/grassroots/2025/a.md", 4)]
    assert "以 category 为准" in found[0]["message"]
    assert main(["new", "新的稿件", "--category", "grassroots", "--date", "2025-03-02"]) == 0
    capsys.readouterr()
    made = site / "content/grassroots/2025/xin-de-gao-jian.md"
    made.write_text(made.read_text("utf-8").replace("（在这里写正文，每段之间空一行。写完后删除这一行。）", "正文。"), "utf-8")
    (site / "content/news/2025").mkdir(parents=True)
    made.rename(site / "content/news/2025/xin-de-gao-jian.md")         # moving the file moves the article
    assert build() == 0
    assert (site / "site/news/2025/xin-de-gao-jian/index.html").is_file()


# 9. Pinned articles ---------------------------------------------------------------------------------------
def test_pinned_articles_come_first_in_their_category_and_overflow_is_warned(site, capsys):
    for i in range(5):
        pinned = "true" if i < 4 else "false"
        write(site / f"content/news/2025/p{i}.md", article(f"文章{i}", f"2025-03-0{i + 1}", pinned=pinned))
    write(site / "content/news/2025/newest.md", article("最新的文章", "2025-04-01"))
    assert build() == 0
    titles = [a.get_text() for a in page(site, "news/index.html").select("main .article-link")]
    assert titles[:4] == ["文章3", "文章2", "文章1", "文章0"] and titles[4] == "最新的文章"
    found = codes(check_json(capsys), "pinned-hidden")
    assert [f["path"] for f in found] == ["content/news/2025/p0.md"]


# 10. Covers and addresses ---------------------------------------------------------------------------------
def test_covers_show_in_lists_and_every_url_is_encoded(site):
    from PIL import Image
    (site / "content/news/2025/images").mkdir(parents=True)
    Image.new("RGB", (1200, 900), (120, 20, 20)).save(site / "content/news/2025/images/封面 一.jpg")
    write(site / "content/news/2025/files/会议 材料,终稿.pdf", b"%PDF")
    write(site / "content/news/2025/a.md", article("有封面", "2025-03-01", "[材料](files/会议 材料,终稿.pdf)",
                                                   cover="images/封面 一.jpg"))
    assert build() == 0
    item = page(site, "news/index.html").select_one(".article-item.has-cover")
    src = item.select_one(".article-cover img")["src"]
    assert src.startswith("../news/2025/images/%E5%B0%81%E9%9D%A2%20%E4%B8%80-480w") and " " not in src
    href = page(site, "news/2025/a/index.html").select_one("main a[href*='files/']")["href"]
    assert href.endswith("files/%E4%BC%9A%E8%AE%AE%20%E6%9D%90%E6%96%99%2C%E7%BB%88%E7%A8%BF.pdf")
    assert (site / "site/news/2025/files/会议 材料,终稿.pdf").is_file()
    og = page(site, "news/2025/a/index.html").find("meta", property="og:image")["content"]
    assert og.startswith("https://www.example-hospital.cn/djgz/news/2025/images/%E5%B0%81") and " " not in og


# 11. One colleague's broken draft -------------------------------------------------------------------------
def test_a_broken_file_says_how_to_publish_the_rest(site, capsys):
    write(site / "content/news/2025/good.md", article("急需发布", "2025-03-01"))
    write(site / "content/news/2025/broken.md", "---\ntitle: 没写完\ndate: 2025-13-45\n---\n")
    assert main(["build", "--no-search"]) == 1
    assert "改名为以 _ 开头" in capsys.readouterr().err
    (site / "content/news/2025/broken.md").rename(site / "content/news/2025/_broken.md")
    assert build() == 0 and (site / "site/news/2025/good/index.html").is_file()


# Errors editors can read ----------------------------------------------------------------------------------
def test_full_width_colons_are_accepted_on_every_line(site):
    write(site / "content/news/2025/a.md", "---\n标题：全角冒号\n日期：2025-03-01\n作者： 王芳\ntags：[党建]\n---\n正文\n")
    assert build() == 0
    doc = page(site, "news/2025/a/index.html")
    assert doc.h1.get_text() == "全角冒号" and "王芳" in doc.select_one(".article-meta").get_text()


@pytest.mark.parametrize("start", ['"', "[", "*", "{", "&", "!", ">", "`", "@"])
def test_a_title_starting_with_a_yaml_symbol_gets_a_chinese_message_at_its_line(site, capsys, start):
    write(site / "content/news/2025/a.md", f"---\ndate: 2025-03-01\ntitle: {start}关于开展义诊的通知\n---\n正文\n")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "a.md:" in ln)
    assert line.startswith("content/news/2025/a.md:3: YAML 格式错误：") and all(ord(c) < 128 or c > "\u2000" for c in line)
    assert not any(w in line for w in ("expected", "found", "while", "scanning"))
    assert f"以“{start}”开头" in line and "英文双引号括起来" in line


def test_chinese_names_are_accepted_on_the_command_line(site, capsys):
    write(site / "content/news/2025/a.md", article("甲", "2025-03-01", source="党委办公室"))
    assert main(["stats", "--by", "来源"]) == 0
    assert "按来源统计" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["stats", "--by", "部门"])
    err = capsys.readouterr().err
    assert "错误：--by 的值“部门”无效，可选：source, author, category, month" in err and "invalid" not in err
    legacy = site / "old.txt"
    legacy.write_text("我院举办义诊活动\n发布时间：2024-06-01 来源：党委办公室\n6月1日，我院在社区举办义诊活动，为居民测量血压。\n", "utf-8")
    assert main(["import", str(legacy), "--category", "下基层察民情"]) == 0
    assert list((site / "content/outreach").rglob("*.md"))


# Hostile input never crashes ------------------------------------------------------------------------------
@pytest.mark.parametrize("text, code", [
    ("---\n---\n正文\n", "missing-field"),
    ("---\nx: " + "[" * 3000 + "]" * 3000 + "\ntitle: t\ndate: 2025-01-01\nbad: 'x\n---\n", "yaml-too-deep"),
    # PyYAML up to 6.0.3 reads this list and the title is the wrong type; 6.0.4 stops at its depth
    ("---\ntitle: " + "[" * 3000 + "]" * 3000 + "\ndate: 2025-01-01\n---\n", ("wrong-type", "yaml-too-deep")),
    ("---\ntitle: t\ndate: 2025-01-01\n---\n" + "* " * 2500 + "深\n", "body-too-deep"),
    ("---\ntitle: t\ndate: 2025-01-01\n---\n" + "\n".join("  " * i + "* 层" for i in range(800)) + "\n", "body-too-deep"),
])
def test_hostile_files_are_named_never_crash(site, capsys, text, code):
    write(site / "content/news/2025/a.md", text)
    findings = check_json(capsys)
    codes = [f["code"] for f in findings if f["path"] == "content/news/2025/a.md"]
    assert set(codes) & ({code} if isinstance(code, str) else set(code)), codes
    assert main(["build", "--no-search"]) == 1
    assert "Traceback" not in capsys.readouterr().err
