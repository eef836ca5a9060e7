"""body/links.py: links written relative to a Markdown file, resolved for its page; the link rules."""
from __future__ import annotations

from pathlib import Path

from conftest import ROOT
from dangjian import problems as P
from dangjian.body import links
from dangjian.config import load_config
from dangjian.core.content import load_file
from dangjian.core.urls import Urls
from dangjian.errors import Report, Severity

CONFIG = load_config(ROOT / "site.toml")


def setup(tmp: Path) -> tuple:
    content = tmp / "content"
    files = {
        "news/2024/a.md": "---\ntitle: 甲\ndate: 2024-01-02\ncover: images/gone.jpg\n---\n正文\n[乙](b.md)\n",
        "news/2024/b.md": "---\ntitle: 乙\ndate: 2024-01-01\n---\n正文\n",
        "news/2024/draft.md": "---\ntitle: 草稿\ndate: 2024-01-03\ndraft: true\n---\n正文\n",
    }
    for rel, text in files.items():
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text(text, "utf-8")
    (content / "news/2024/files").mkdir()
    (content / "news/2024/files/名单.pdf").write_bytes(b"%PDF")
    sources = [load_file(content / rel, content, CONFIG, Report()) for rel in files]
    published = [s for s in sources if not s.draft]
    return content, sources[0], Urls(CONFIG, published, Report())


def test_links_become_relative_to_the_page_and_every_lookup_is_recorded(tmp_path):
    content, src, urls = setup(tmp_path)
    report, deps = Report(), []
    rewrite = links.rewriter(src, urls, {"news/2024/files/名单.pdf"}, report, {}, content, deps)
    assert rewrite("href", "b.md") == "../../../" + urls.articles["news/2024/b.md"]
    assert rewrite("href", "b.md#part") .endswith("index.html#part")
    assert rewrite("href", "files/名单.pdf") == "../../../news/2024/files/%E5%90%8D%E5%8D%95.pdf"   # encoded
    for external in ("https://example.cn/x", "#top", "mailto:a@b.cn", "/djgz/"):
        assert rewrite("href", external) == external
    assert ("md", "news/2024/b.md", urls.articles["news/2024/b.md"]) in deps
    assert ("asset", "news/2024/files/名单.pdf", True) in deps
    assert report.problems == []


def test_what_does_not_resolve_is_reported_with_its_code_and_severity(tmp_path):
    content, src, urls = setup(tmp_path)
    report = Report()
    rewrite = links.rewriter(src, urls, set(), report, {}, content, [])
    assert rewrite("href", "nowhere.md") is None
    assert rewrite("href", "draft.md") is None
    assert rewrite("src", "images/x.jpg") == "images/x.jpg"
    assert rewrite("href", "files/gone.docx") == "files/gone.docx"
    found = {p.code: p for p in report.problems}
    assert set(found) == {"broken-link", "unpublished-link", "missing-image", "missing-file"}
    assert found["unpublished-link"].severity is Severity.WARNING
    assert all(found[c].severity is Severity.SERIOUS for c in ("broken-link", "missing-image", "missing-file"))
    assert found["broken-link"].message == "链接的文章不存在：nowhere.md"


def test_cover_and_alt_rules(tmp_path):
    content, src, urls = setup(tmp_path)
    report, deps = Report(), []
    links.check_cover(src, set(), report, deps)
    links.report_missing_alt(src, ["images/a.jpg"], report)
    assert [p.code for p in report.problems] == ["missing-cover", "missing-alt"]
    assert report.problems[0].line == 4 and report.problems[0].field == "cover"
    assert ("asset", "news/2024/images/gone.jpg", False) in deps
    report = Report()
    links.check_cover(src, {"news/2024/images/gone.jpg"}, report, [])
    assert report.problems == [] and P.MISSING_COVER.severity is Severity.SERIOUS


def test_line_of_points_at_the_body_line(tmp_path):
    content, src, urls = setup(tmp_path)
    line = links.line_of(src, "b.md")
    assert line == src.body_line + 1 and links.source_line(src, line) == "[乙](b.md)"
