"""The three recipes of docs/architecture.md, carried out for real: a throwaway page kind, a
throwaway front-matter field and a throwaway check, each added only where its recipe says
(plan.KINDS and a template; one row of content.FIELDS and a template; one Check and one rule),
each proven to work cold and incrementally (the incremental output equals a cold build)."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT
from dangjian import problems
from dangjian.cli import main
from dangjian.core import content, plan
from dangjian.core.fields import Field, Text
from dangjian.core.pages import Crumb, Page
from dangjian.errors import Check, Severity
from worksite import age, corpus_article, edit


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


# 1. A page kind: a declaration in core/plan.py's KINDS, and its template --------------------------
def _picks(site, urls):
    """精选: the three newest articles and the two most used tags, on one page."""
    top = Crumb("首页", site.config.hospital_url or "index.html")
    yield Page("picks/index.html", "picks.html", "picks", "精选", (top, Crumb("精选")), articles=site.articles[:3])


PICKS = plan.PageKind("picks", "picks.html", _picks,
                      (plan.Reads("tags", plan.CARD, lambda site, page: site.tags[:2]),))
PICKS_TEMPLATE = """{% extends "base.html" %}
{% block main %}<h1>{{ page.title }}</h1>
<ul>{% for article in page.articles %}<li>{{ article.title }}（{{ article.date_text }}）</li>{% endfor %}</ul>
<p>热门标签：{% for t in site.tags[:2] %}{{ t.name }} {{ t.articles|length }}篇 {% endfor %}</p>
{% endblock %}
"""


def test_recipe_a_new_page_kind(site, monkeypatch):
    monkeypatch.setattr(plan, "KINDS", plan.KINDS + (PICKS,))
    write(site.root / "templates" / "picks.html", PICKS_TEMPLATE)
    site.build()
    picks = site.out / "picks" / "index.html"
    assert "<h1>精选</h1>" in picks.read_text("utf-8")
    site.assert_same_as_cold()
    files = sorted((site.root / "content").rglob("*.md"))
    shown = next(p for p in files if "title: " in p.read_text("utf-8") and _title(p) in picks.read_text("utf-8"))
    edit(shown, "title: ", "title: 精选改题 ")                   # what its pages show
    age(site.root, 600)
    result = site.build()
    assert result.incremental and 0 < result.rendered < result.pages // 2
    assert "精选改题" in picks.read_text("utf-8")
    site.assert_same_as_cold()
    tag, count = _top_tag(picks.read_text("utf-8"))            # what it declares it reads of the site
    other = next(p for p in files if "tags: [" in p.read_text("utf-8") and tag not in p.read_text("utf-8"))
    edit(other, "tags: [", f"tags: [{tag}, ")
    age(site.root, 600)
    assert site.build().incremental
    assert _top_tag(picks.read_text("utf-8")) == (tag, count + 1)
    site.assert_same_as_cold()


def _top_tag(page: str) -> tuple[str, int]:
    import re
    name, count = re.search(r"热门标签：(\S+) (\d+)篇", page).groups()
    return name, int(count)


def _title(path) -> str:
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("title:"):
            return line.split(":", 1)[1].strip().strip('"')
    return "\x00"


# 2. A front-matter field: one row of core/content.py's FIELDS, and a template that shows it --------
PHOTOGRAPHER = Field("photographer", "摄影", Text(), ("摄影",), teaser=True, help="摄影者",
                     example="photographer: 刘洋", note="摄影者")


def test_recipe_a_new_front_matter_field(site, monkeypatch, capsys):
    monkeypatch.setattr(content, "FIELDS", content.FIELDS + (PHOTOGRAPHER,))
    item = (ROOT / "dangjian/theme/templates/partials/article_item.html").read_text("utf-8")
    write(site.root / "templates" / "partials" / "article_item.html",
          item.replace("{{ article.title }}", "{{ article.title }}{% if article.photographer %}（摄影：{{ article.photographer }}）{% endif %}", 1))
    assert "{{ article.title }}" in item
    path = corpus_article(site)
    edit(path, "\n---\n", "\n摄影: 刘洋\n---\n")          # written under its Chinese alias
    age(site.root, 600)
    site.build()
    site.assert_same_as_cold()
    listing = [p for p in site.out.rglob("index.html") if "（摄影：刘洋）" in p.read_text("utf-8")]
    assert len(listing) >= 2                                # every list that shows the article
    edit(path, "摄影: 刘洋", "摄影: 王强")                     # a teaser field: every such list follows
    age(site.root, 600)
    result = site.build()
    assert result.incremental and result.rendered >= len(listing)
    site.assert_same_as_cold()
    assert all("（摄影：王强）" in p.read_text("utf-8") for p in listing)
    edit(path, "摄影: 王强", "摄影: [1, 2]")                    # validated by its type, like every field
    age(site.root, 600)
    assert main(site.argv(site.out)) == 1
    assert "字段类型不对：photographer（摄影）应为一行文字" in capsys.readouterr().err
    assert "| `photographer` | `摄影` | 否 | 摄影者 | `photographer: 刘洋` |" in content.field_table()


# 3. A check: one Check in problems.py, one rule where its scope lives (here: a per-file rule) ------
EXCLAIMED = Check("exclaimed-title", Severity.SERIOUS, "标题里有感叹号：“{title}”", "新闻标题一般不用感叹号，请删去")


def exclaimed_title(src, report, config) -> None:
    if "！" in src.title or "!" in src.title:
        line = src.lines.get("title", 1)
        report.add(EXCLAIMED, src.path, line, None, "title", title=src.title)


def test_recipe_a_new_check(site, monkeypatch, capsys):
    monkeypatch.setattr(problems, "EXCLAIMED", EXCLAIMED, raising=False)
    monkeypatch.setattr(content, "RULES", content.RULES + (exclaimed_title,))
    assert problems.registry()["exclaimed-title"] is EXCLAIMED
    path = corpus_article(site)
    edit(path, "title: ", "title: 好消息！")
    age(site.root, 600)
    first = site.build()                                    # the build warns and publishes (SERIOUS)
    assert [p.code for p in first.warnings if p.code == "exclaimed-title"] == ["exclaimed-title"]
    site.assert_same_as_cold()
    other = sorted((site.root / "content" / "theory").rglob("20*-*.md"))[1]
    edit(other, "title: ", "title: 学习心得 ")                # another file changes; this one is replayed from the cache
    age(site.root, 600)
    again = site.build()
    assert again.incremental and [p.code for p in again.warnings].count("exclaimed-title") == 1
    argv = ["check", "--content", str(site.root / "content"), "--config", str(site.root / "site.toml"),
            "--format", "json"]
    assert main(argv) == 1                                   # `check` fails on it, by its severity
    found = [f for f in json.loads(capsys.readouterr().out) if f["code"] == "exclaimed-title"]
    assert len(found) == 1 and found[0]["severity"] == "error" and found[0]["line"] >= 2
    edit(path, "title: 好消息！", "title: 好消息")
    age(site.root, 600)
    assert not [p for p in site.build().warnings if p.code == "exclaimed-title"]
    site.assert_same_as_cold()


def test_a_rule_reports_only_registered_checks():
    """Every check a rule can report is a row of the registry, with a unique code."""
    registry = problems.registry()
    assert len(registry) == len({c.code for c in registry.values()})
    assert all(c.message and isinstance(c.severity, Severity) for c in registry.values())


@pytest.mark.parametrize("code", ["broken-link", "missing-image", "missing-file", "missing-cover"])
def test_what_check_promotes_is_decided_by_severity(code):
    assert problems.registry()[code].severity is Severity.SERIOUS
