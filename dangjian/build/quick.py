"""Serve's first answer to a save: the edited article's own page, at once.

An editor who saves an article is looking at that article. As Hugo's server does in
its fast render mode, `serve` first renders just that page: the file is parsed,
checked and converted as a build does, then planned and rendered against the last
build's site for everything around it (neighbours, related articles, navigation),
and put in place of the published file. The whole incremental build follows at once
and brings every other page (and this one, should its neighbours have moved) up to
date. A save qualifies only when the file has no errors, is still published, keeps
its address and its cover, and its page renders: anything else waits for the whole
build, which reports it.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import problems as P
from ..core import plan
from ..core.content import load_file
from ..core.model import make_article
from ..core.urls import Slugger, Urls
from ..errors import Report
from .gather import _Converter, _select
from .output import replace_published

if TYPE_CHECKING:
    from .pipeline import Build


def render_edited(last: Build, path: Path) -> str | None:
    """Re-render and publish the page of the article in `path` against the `last` build's model:
    its output path, or None when this save needs the whole build (nothing was written then)."""
    options, g, site = last.options, last.gathered, last.site
    if g is None or site is None or last.renderer is None:
        return None
    try:
        rel = path.resolve().relative_to(options.content.resolve()).as_posix()
    except ValueError:
        return None
    path = options.content / rel                   # as the build names it (watchdog gives absolute paths)
    before = next((a for a in site.articles if a.key == rel), None)
    old = next((s for s in g.sources if s.rel == rel), None)
    if before is None or old is None or not path.is_file():
        return None
    report = Report(root=Path.cwd())
    src = load_file(path, options.content, g.config, report)
    if src is None or report.errors or (options.strict and report.warnings):
        return None
    flagged = {p.path: p.message for p in report.problems if p.code == P.SPAM_SUSPECTED.code}
    chosen = _select([src], options, g.config, flagged)
    if not chosen.published or src.cover != old.cover:
        return None
    urls = Urls(g.config, [src], report, Slugger(g.urls.slug.known))
    if urls.articles.get(rel) != g.urls.articles.get(rel) or report.errors:
        return None
    body, problems, _ = _Converter(g.config, g.urls, set(g.assets), g.images, options.content)(src)
    if any(not p.warning or options.strict for p in problems):
        return None
    art = make_article(src, before.category, body, g.covers.get(rel), chosen.pending.get(rel, ""))
    page = plan.article_page(site, g.urls, art)
    data = last.renderer.render(page)
    replace_published(options.out, page.path, data)
    return page.path
