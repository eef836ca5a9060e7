"""The cold-equals-incremental oracle, run per declared page kind: for every kind in core/plan.py,
an edit that changes what its pages show re-renders them, and the incremental output equals a
cold build byte for byte. A kind added to plan.KINDS is covered without touching this file."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from markupsafe import escape

import pytest

from dangjian.build.gather import gather
from dangjian.core import plan
from dangjian.core.model import Article, build_site
from dangjian.incremental.rebuild import Rebuild
from worksite import age, edit, tree


def planned(work) -> dict[str, list]:
    """The pages of the working copy as the build plans them, by kind (and the site model)."""
    options = replace(work.options(), cache=False)
    g = gather(options, Rebuild(options))
    model = build_site(g.config, g.sources, g.bodies, g.covers, None, g.withdrawn, g.pending, g.today, g.intros, g.pictures)
    for kind, terms in (("tag", model.tags), ("source", model.sources), ("author", model.authors)):
        g.urls.assign_terms(kind, terms)
    by_kind = defaultdict(list)
    for page in plan.plan(model, g.urls):
        by_kind[page.kind].append(page)
    return by_kind, model


def titled(work, model, pages) -> list[Article]:
    """The articles (or withdrawal notices) whose titles the kind's first built page shows: the first
    and the last of them in the page (what a signature that covers too little would miss first)."""
    html = (work.out / pages[0].path).read_text("utf-8")
    items = [*model.articles, *model.withdrawn]
    at = sorted((html.find(str(escape(a.title))), a.key) for a in items if str(escape(a.title)) in html)
    keys = list(dict.fromkeys(key for _, key in (at[:1] + at[-1:])))
    return [a for a in items if a.key in keys]


def fallbacks(work):
    """Edits for a kind whose pages show no title: a new article; else the site's address (all that
    robots.txt shows)."""
    content = work.root / "content"
    yield "a new article", lambda: (content / "news" / "2026").mkdir(parents=True, exist_ok=True) or (
        content / "news" / "2026" / "xin-de.md").write_text(
        "---\ntitle: 新增的一篇\ndate: 2026-12-30 10:00\ntags: [新标签]\nauthor: 新作者\nsource: 新部门\n---\n\n正文。\n",
        "utf-8")
    yield "base_url", lambda: edit(work.root / "site.toml", 'base_url = "https://www.example-hospital.cn/djgz/"',
                                   'base_url = "https://www.example-hospital.cn/dangjian/"')


def _retitle(path) -> None:
    text = path.read_text("utf-8")
    key = "title: " if "\ntitle: " in text else "标题: "
    edit(path, key, key + "改题 ")


def changes_pages(work, pages, change) -> bool:
    """Apply an edit, rebuild incrementally, check it equals a cold build; did the pages change?"""
    before = tree(work.out)
    change()
    age(work.root, 600)                 # saved a while ago: the stat, not the bytes, decides
    result = work.build()
    assert result.incremental and not result.shortcut
    work.assert_same_as_cold()
    after = tree(work.out)
    return any(before.get(p.path) != after.get(p.path) for p in pages)


@pytest.mark.parametrize("name", [kind.name for kind in plan.KINDS])
def test_an_edit_to_what_a_kind_shows_re_renders_it(site, name):
    by_kind, model = planned(site)
    pages = by_kind[name]
    assert pages, f"the sample site has no {name} page"
    shown = titled(site, model, pages)
    for art in shown:
        assert changes_pages(site, pages, lambda: _retitle(site.root / "content" / art.key)), \
            f"the title of {art.key} is shown on a {name} page, which did not follow its edit"
    if shown:
        return
    tried = []
    for label, change in fallbacks(site):
        tried.append(label)
        if changes_pages(site, pages, change):
            return
    pytest.fail(f"none of {tried} changed a {name} page")
