"""`build.py check`: build validation plus links, images, covers, duplicates, future dates; writes nothing."""
import json
from pathlib import Path

import pytest

from dangjian.cli import main
from toolsite import article, make_site, run, snapshot

BROKEN = """\
---
title: 我院召开党建工作会议
date: 2024-03-05
cover: images/missing-cover.jpg
---

会议回顾了去年工作，详见[上一篇](b.md)。

往年情况见[去年的报道](../2023/no-such-article.md)。

![会场](images/no-such-photo.jpg)

附件：[会议材料](files/huiyi.pdf)。
"""


@pytest.fixture
def broken_site(tmp_path, monkeypatch) -> Path:
    make_site(tmp_path, {
        "news/2024/a.md": BROKEN,
        "news/2024/b.md": article("党支部书记述职", "2024-03-01"),
        "news/2024/c.md": article("党支部书记述职", "2024-03-01 15:00"),
        "news/2099/later.md": article("远期计划", "2099-01-01"),
    })
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_text_reports_broken_md_link_and_missing_image_with_file_and_line(broken_site, capsys):
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "content/news/2024/a.md:9: 链接的文章不存在：../2023/no-such-article.md" in out
    assert "content/news/2024/a.md:11: 图片不存在：images/no-such-photo.jpg" in out
    assert "content/news/2024/a.md:13: 链接的文件不存在：files/huiyi.pdf" in out
    assert "content/news/2024/a.md:4: 封面图片不存在：images/missing-cover.jpg" in out
    # errors here, not warnings (the build only warns)
    assert "警告：链接的文章不存在" not in out and "警告：图片不存在" not in out
    assert "content/news/2024/c.md:2: 警告：与 news/2024/b.md 标题相同，同一栏目、同一天发布" in out
    assert "content/news/2099/later.md:3: 提示：发布时间 2099-01-01 00:00 在未来" in out
    assert out.strip().splitlines()[-1] == "检查未通过：4 篇文章，4 个错误，1 条警告，1 条提示"
    assert "b.md: " not in out            # the good link resolves


def test_quiet_text_shows_errors_only(broken_site, capsys):
    assert main(["check", "-q"]) == 1
    out = capsys.readouterr().out
    assert "图片不存在" in out and "警告：" not in out and "提示：" not in out
    assert out.strip().splitlines()[-1].startswith("检查未通过")


def test_json_lists_every_finding_with_path_line_and_severity(broken_site, capsys):
    assert main(["check", "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert all(set(f) >= {"path", "line", "severity", "message", "hint", "field"} for f in findings)
    by_message = {f["message"]: f for f in findings}
    link = by_message["链接的文章不存在：../2023/no-such-article.md"]
    assert (link["path"], link["line"], link["severity"]) == ("content/news/2024/a.md", 9, "error")
    image = by_message["图片不存在：images/no-such-photo.jpg"]
    assert (image["path"], image["line"], image["severity"]) == ("content/news/2024/a.md", 11, "error")
    cover = by_message["封面图片不存在：images/missing-cover.jpg"]
    assert (cover["line"], cover["severity"], cover["field"]) == (4, "error", "cover")
    assert sorted(f["severity"] for f in findings) == ["error"] * 4 + ["info", "warning"]
    assert next(f for f in findings if f["severity"] == "warning")["path"] == "content/news/2024/c.md"


def test_check_writes_nothing(broken_site):
    before = snapshot(broken_site)
    assert main(["check", "-q"]) == 1
    assert main(["check", "--format", "json"]) == 1
    assert snapshot(broken_site) == before


def test_build_still_only_warns_for_the_same_links(broken_site, capsys):
    assert main(["build", "--out", "site", "-q"]) == 0
    assert "警告：链接的文章不存在：../2023/no-such-article.md" in capsys.readouterr().err
    assert main(["build", "--out", "site"]) == 0
    assert "news/2099/later.md: 发布时间 2099-01-01 在未来，暂不发布" in capsys.readouterr().err


def test_clean_site_passes_with_info_only(tmp_path, monkeypatch, capsys):
    make_site(tmp_path, {
        "news/2024/a.md": article("甲", "2024-03-05", "见[另一篇](../2023/b.md)。\n\n![会场](images/p.png)",
                                  cover="images/p.png"),
        "news/2024/images/p.png": _tiny_png(),
        "news/2023/b.md": article("乙", "2023-03-05"),
        "news/2024/d.md": article("丙", "2024-03-05", draft="true"),
    })
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "提示：草稿（draft: true）" in out
    assert out.strip().endswith("检查通过：3 篇文章，0 个错误，0 条警告，1 条提示")
    assert main(["check", "--format", "json"]) == 0
    assert [f["severity"] for f in json.loads(capsys.readouterr().out)] == ["info"]


def test_link_to_a_draft_is_a_warning_not_an_error(tmp_path, monkeypatch, capsys):
    make_site(tmp_path, {"news/2024/a.md": article("甲", "2024-03-05", "见[乙](b.md)。"),
                         "news/2024/b.md": article("乙", "2024-03-06", draft="true")})
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 0
    assert "content/news/2024/a.md:6: 警告：链接的文章未发布（草稿、未来日期或有错误）：b.md" in capsys.readouterr().out
    assert main(["check", "--strict"]) == 1


def test_strict_fails_on_duplicate_titles(tmp_path, monkeypatch, capsys):
    make_site(tmp_path, {"news/2024/a.md": article("同题", "2024-03-05"),
                         "news/2024/b.md": article("同题", "2024-03-05 10:00"),
                         "notices/2024/c.md": article("另一栏目同题", "2024-03-05"),
                         "news/2024/d.md": article("另一栏目同题", "2024-03-05")})
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 0
    capsys.readouterr()
    assert main(["check", "--strict", "--format", "json"]) == 1
    found = [f["path"] for f in json.loads(capsys.readouterr().out) if f["code"] == "duplicate-title"]
    assert found == ["content/news/2024/b.md"]          # the same title in two 栏目 is two reports


def test_everything_build_validates_is_reported_at_once(tmp_path, monkeypatch, capsys):
    make_site(tmp_path, {"news/2024/a.md": "---\ntitle: 甲\ndate: 2022-13-45\n---\n\n正文\n",
                         "news/2024/b.md": article("乙", "2024-01-01", titel="拼错"),
                         "notice/2024/c.md": article("丙", "2024-01-01")})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)
    summary = {(f["path"], f["line"], f["severity"]) for f in findings}
    assert ("content/news/2024/a.md", 3, "error") in summary           # 日期无效
    assert ("content/news/2024/b.md", 4, "warning") in summary         # 未知字段
    assert ("content/notice/2024/c.md", 1, "error") in summary         # 未知栏目


def test_broken_config_is_reported_not_raised(tmp_path, monkeypatch, capsys):
    make_site(tmp_path)
    (tmp_path / "site.toml").write_text("title = \n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--format", "json"]) == 1
    [finding] = json.loads(capsys.readouterr().out)
    assert (finding["path"], finding["line"], finding["severity"]) == ("site.toml", 1, "error")


def test_check_through_a_subprocess_text_and_json(tmp_path):
    make_site(tmp_path, {"news/2024/a.md": BROKEN, "news/2024/b.md": article("乙", "2024-03-01")})
    text = run(tmp_path, "check")
    assert text.returncode == 1
    assert "content/news/2024/a.md:9: 链接的文章不存在：../2023/no-such-article.md" in text.stdout
    assert "content/news/2024/a.md:11: 图片不存在：images/no-such-photo.jpg" in text.stdout
    data = run(tmp_path, "check", "--format", "json")
    assert data.returncode == 1
    findings = json.loads(data.stdout)             # stdout is pure JSON
    assert {(f["path"], f["line"], f["message"]) for f in findings if f["severity"] == "error"} >= {
        ("content/news/2024/a.md", 9, "链接的文章不存在：../2023/no-such-article.md"),
        ("content/news/2024/a.md", 11, "图片不存在：images/no-such-photo.jpg")}
    assert not (tmp_path / "site").exists()


def test_sample_site_passes_check():
    from conftest import ROOT
    result = run(ROOT, "check", "--format", "json")
    assert result.returncode == 0, result.stdout
    assert {f["severity"] for f in json.loads(result.stdout)} <= {"info"}


def _tiny_png() -> bytes:
    """A real, readable PNG (the build processes images, so a fake header would be a warning)."""
    import io

    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (176, 28, 28)).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_sample_site_and_a_generated_corpus_check_clean(tmp_path, monkeypatch, capsys):
    """0 errors and 0 warnings: every rule holds on real-looking content (what is left is 提示). The
    sample's site.toml turns the update rules off, its dates being frozen (so are the corpus's)."""
    from conftest import ROOT, make_corpus
    for content in (ROOT / "content", make_corpus(tmp_path, 600, seed=3)):
        assert main(["check", "--content", str(content), "--config", str(ROOT / "site.toml"), "--format", "json"]) == 0
        findings = json.loads(capsys.readouterr().out)
        assert [f for f in findings if f["severity"] != "info"] == [], content
