"""Unit tests, module by module: config, content, urls, markup, model, pages, output."""
from datetime import datetime
from pathlib import Path

import pytest

from conftest import ROOT
from dangjian.config import load_config
from dangjian.content import load_file, parse_date
from dangjian.errors import ConfigError, OutputError, Report
from dangjian.markup import Markup, summarize
from dangjian.output import Writer
from dangjian.pages import Pager
from dangjian.urls import is_safe, relative, slugify

CONFIG = load_config(ROOT / "site.toml")


# config -----------------------------------------------------------------------
def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_config_reports_every_error_at_once_and_warns_on_unknown_keys(tmp_path):
    path = write(tmp_path / "site.toml", 'title = "t"\npage_size = "二十"\ntimezone = "Mars/Base"\n'
                 'colour = "red"\n[[categories]]\nslug = "Bad Slug"\nname = "x"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = "\n".join(info.value.lines())
    assert "site.toml:2: 配置项 “page_size” 应为整数" in text
    assert "site.toml:3: 未知时区：“Mars/Base”" in text
    assert "site.toml:6: 栏目 slug 无效：“Bad Slug”" in text
    assert "site.toml:4: 警告：未知配置项：“colour”" not in text  # warnings are not errors…
    report = Report()
    ok = write(tmp_path / "ok.toml", 'title = "t"\ncolour = "red"\n[[categories]]\nslug = "news"\nname = "工作动态"\n')
    load_config(ok, report)
    assert [p.message for p in report.warnings] == ["未知配置项：“colour”"]  # …but are reported


def test_config_requires_title_and_categories(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path / "site.toml", "page_size = 10\n"))
    text = "\n".join(info.value.lines())
    assert "缺少必填配置项：“title”" in text and "没有配置任何栏目" in text


def test_config_toml_syntax_error_names_the_line(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path / "site.toml", 'title = "t"\npage_size = = 3\n'))
    assert "site.toml:2: TOML 格式错误" in info.value.lines()[0]


def test_base_path_comes_from_base_url():
    assert CONFIG.base_path == "/djgz/"
    assert CONFIG.absolute_base == "https://www.example-hospital.cn/djgz/"


# content ----------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    ("2024-05-12", (2024, 5, 12, 0, 0, False)),
    ("2024/5/2", (2024, 5, 2, 0, 0, False)),
    ("2024年5月12日", (2024, 5, 12, 0, 0, False)),
    ("2024-05-12 09:30", (2024, 5, 12, 9, 30, True)),
    ("2024-05-12T09:30:15", (2024, 5, 12, 9, 30, True)),
    (20240512, (2024, 5, 12, 0, 0, False)),
])
def test_dates_in_the_forms_editors_write(value, expected):
    when, has_time = parse_date(value, CONFIG)
    assert (when.year, when.month, when.day, when.hour, when.minute, has_time) == expected
    assert when.utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize("value", ["2022-13-45", "2024-02-30", "明天", "", True])
def test_invalid_dates_are_rejected(value):
    assert parse_date(value, CONFIG) is None


def test_aliases_bom_crlf_author_lists_and_tag_strings(tmp_path):
    content = tmp_path / "content"
    text = ("\ufeff---\r\n标题: 主题党日\r\n发布时间: 2024-05-12\r\n作者: 王芳、李明\r\n标签: 义诊，志愿服务\r\n"
            "责任编辑: 赵敏\r\n置顶: true\r\n---\r\n\r\n正文。\r\n")
    path = content / "grassroots" / "2024" / "a.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(text.encode("utf-8"))
    report = Report()
    src = load_file(path, content, CONFIG, report)
    assert report.problems == []
    assert (src.title, src.category, src.authors, src.tags, src.editor, src.pinned) == (
        "主题党日", "grassroots", ("王芳", "李明"), ("义诊", "志愿服务"), "赵敏", True)
    assert src.body.strip() == "正文。" and src.body_line == 10


def test_category_by_chinese_name_and_space_separated_chinese_authors(tmp_path):
    content = tmp_path / "content"
    path = write(content / "misc.md", "---\ntitle: t\ndate: 2024-01-01\ncategory: 通知公告\nauthor: 王建新 刘明辉\n---\nx\n")
    src = load_file(path, content, CONFIG, Report())
    assert src.category == "notices" and src.authors == ("王建新", "刘明辉")


# urls -------------------------------------------------------------------------
@pytest.mark.parametrize("text, slug", [
    ("我院召开党建工作会议", "wo-yuan-zhao-kai-dang-jian-gong-zuo-hui-yi"),
    ("2024年第3季度 党建工作会议（扩大）", "2024-nian-di-3-ji-du-dang-jian-gong-zuo-hui-yi-kuo-da"),
    ("银行行长", "yin-hang-hang-zhang"),
    ("2024-05-12-000001", "2024-05-12-000001"),
    ("Hello World!", "hello-world"),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_relative_links_and_safe_paths():
    assert relative("news/2024/a/index.html", "news/index.html") == "../../../news/index.html"
    assert relative("index.html", "news/index.html") == "news/index.html"
    assert relative("index.html", "https://example.cn/") == "https://example.cn/"
    for bad in ["../x", "a/../../x", "/etc/passwd", "a/./b", "", "a\\b", "c:/x"]:
        assert not is_safe(bad), bad
    assert is_safe("news/2024/a/index.html")


# markup -----------------------------------------------------------------------
def test_sanitiser_removes_scripts_handlers_javascript_urls_and_iframes():
    html = Markup().convert(
        '<script>alert(1)</script>\n\n<p onclick="x()">点我</p>\n\n[链接](javascript:alert(1))\n\n'
        '<iframe src="https://evil.example/"></iframe>\n\n<img src="x.png" onerror="alert(1)" alt="图">\n\n'
        '<a href="JaVaScRiPt:alert(1)">a</a> <style>body{display:none}</style>').body.html
    lowered = html.lower()
    for bad in ["<script", "onclick", "javascript:", "<iframe", "onerror", "<style", "alert(1)</"]:
        assert bad not in lowered, (bad, html)
    assert "点我" in html and 'alt="图"' in html


def test_iframes_only_from_configured_hosts():
    markup = Markup(iframe_hosts=("v.qq.com",))
    html = markup.convert('<iframe src="https://v.qq.com/x/1" title="视频"></iframe>\n\n'
                          '<iframe src="https://evil.example/x" title="坏"></iframe>').body.html
    assert 'src="https://v.qq.com/x/1"' in html and "evil" not in html


def test_markdown_features_tables_footnotes_toc_and_figures():
    body = Markup().convert("### 一、学习\n\n| 支部 | 人数 |\n| --- | --- |\n| 儿科 | 12 |\n\n正文[^1]。\n\n"
                            '[^1]: 注释。\n\n![党员义诊](a.jpg "义诊现场")\n\n#### 小节 {: #custom }\n').body
    assert "<h2" in body.html and "<h3" in body.html and "<h4" not in body.html
    wrap = body.html.split("<table>")[0].rsplit("<div", 1)[1]
    assert all(a in wrap for a in ['class="table-wrap"', 'role="region"', 'tabindex="0"', 'aria-label="表格"'])
    assert body.summary == "正文。"
    assert 'class="footnote"' in body.html
    assert "<figure>" in body.html and "<figcaption>义诊现场</figcaption>" in body.html
    assert 'id="custom"' in body.html
    assert body.toc[0][0] == 3 or body.toc[0][2] == "一、学习"


def test_summary_cuts_at_sentence_punctuation_and_never_mid_tag():
    text = "医院党委召开会议。" * 20
    assert summarize(text, 120).endswith("。") and len(summarize(text, 120)) <= 120
    body = Markup(summary_length=30).convert("**加粗的开头**，" + "后面是很长很长的正文内容" * 10 + "。").body
    assert "<" not in body.summary and body.summary.startswith("加粗的开头")


def test_reading_time_counts_chinese_characters_and_latin_words():
    assert Markup().convert("字" * 1200).body.reading_minutes == 3
    assert Markup().convert(" ".join(["word"] * 400)).body.reading_minutes == 2
    assert Markup().convert("短").body.reading_minutes == 1


def test_links_are_rewritten_through_the_callback():
    seen = []
    html = Markup().convert("[上一篇](../2023/a.md) ![图](images/b.jpg)",
                            rewrite=lambda attr, v: seen.append((attr, v)) or "X/" + v).body.html
    assert ("href", "../2023/a.md") in seen and ("src", "images/b.jpg") in seen
    assert 'href="X/../2023/a.md"' in html


# pages ------------------------------------------------------------------------
def test_pager_elides_long_runs():
    assert Pager(None, 6, 40, 800).numbers() == [1, None, 4, 5, 6, 7, 8, None, 40]
    assert Pager(None, 1, 3, 45).numbers() == [1, 2, 3]


# output -----------------------------------------------------------------------
def test_writer_refuses_escapes_and_clashes(tmp_path):
    writer = Writer(tmp_path / "site")
    for bad in ["../x.html", "/etc/x", "a/../../x"]:
        with pytest.raises(OutputError):
            writer.reserve(bad, "test")
    writer.reserve("a/index.html", "first")
    with pytest.raises(OutputError) as info:
        writer.reserve("a/index.html", "second")
    assert "first" in str(info.value) and "second" in str(info.value)


def test_writer_swaps_atomically_and_keeps_unchanged_files(tmp_path):
    out = tmp_path / "site"
    for content in (b"one", b"one"):
        writer = Writer(out)
        writer.reserve("a/index.html", "a")
        writer.reserve("b.txt", "b")
        with writer:
            writer.write("a/index.html", content)
            writer.write("b.txt", b"b")
            writer.commit()
    assert writer.stats.unchanged == 2 and writer.stats.written == 0
    mtime = (out / "a/index.html").stat().st_mtime_ns
    writer = Writer(out)
    writer.reserve("a/index.html", "a")
    with pytest.raises(RuntimeError):
        with writer:
            writer.write("a/index.html", b"two")
            raise RuntimeError("interrupted")
    assert (out / "a/index.html").read_bytes() == b"one"
    assert (out / "a/index.html").stat().st_mtime_ns == mtime
    assert (out / "b.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_slug_that_climbs_out_writes_nothing_outside(tmp_path, capsys):
    from dangjian.cli import main
    content = tmp_path / "content"
    write(content / "news/2024/x.md", "---\ntitle: t\ndate: 2024-01-01\nslug: ../../../../x\n---\nx\n")
    write(content / "news/2024/y.md", "---\ntitle: t\ndate: 2024-01-01\nslug: ../x\n---\nx\n")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert main(["build", "--content", str(content), "--config", str(ROOT / "site.toml"),
                 "--out", str(tmp_path / "a" / "b" / "site")]) == 1
    assert "slug 无效" in capsys.readouterr().err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_output_folder_that_holds_the_sources_is_refused(tmp_path, capsys, monkeypatch):
    from dangjian.cli import main
    write(tmp_path / "content/news/2024/x.md", "---\ntitle: t\ndate: 2024-01-01\n---\nx\n")
    write(tmp_path / "notes.txt", "keep me")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--config", str(ROOT / "site.toml"), "--out", "."]) == 1
    assert "拒绝覆盖" in capsys.readouterr().err
    write(tmp_path / "other/readme.txt", "not a site")
    assert main(["build", "--config", str(ROOT / "site.toml"), "--out", "other"]) == 1
    assert "不是本工具生成的" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "keep me" and (tmp_path / "other/readme.txt").exists()


def test_summary_line_and_check_writes_nothing(tmp_path, capsys):
    from dangjian.cli import main
    assert main(["check", "--content", str(ROOT / "content"), "--config", str(ROOT / "site.toml")]) == 0
    assert "检查通过：17 篇文章，0 个错误" in capsys.readouterr().out
    out = tmp_path / "site"
    assert main(["--content", str(ROOT / "content"), "--config", str(ROOT / "site.toml"), "--out", str(out)]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("构建完成：16 篇文章，") and "个页面" in line and "秒" in line


def test_every_config_key_is_documented():
    from dangjian.config import schema_doc
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert schema_doc() in doc, "docs/configuration.md is out of date: regenerate its table from schema_doc()"


def test_template_errors_name_the_template_file_and_line(tmp_path, capsys):
    from dangjian.cli import main
    templates = tmp_path / "templates"
    write(templates / "404.html", '{% extends "base.html" %}\n{% block main %}\n<h1>{{ page.no_such_field }}</h1>\n'
          '{% endblock %}\n')
    args = ["build", "--content", str(ROOT / "content"), "--config", str(ROOT / "site.toml"),
            "--templates", str(templates), "--out", str(tmp_path / "site")]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"{templates / '404.html'}:3: 模板出错" in err and "no_such_field" in err and "Traceback" not in err
    write(templates / "404.html", "{% extends 'base.html' %}\n{% block main %}\n{% if %}\n")
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "404.html:3: 模板语法错误" in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()
