"""Plan every page of the site: what goes where, through which template.

Planning is pure: it returns `Page` objects and touches no file. The writer
checks the planned paths before anything is rendered.
"""
from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any, Iterator

from .model import Article, Category, Month, Site, Term, Year
from .urls import HOME, NOT_FOUND, SEARCH, Urls

KIND_LABELS = {"tag": "标签", "source": "来源", "author": "作者"}
SITEMAP_LIMIT = 50_000      # URLs per sitemap file (the sitemaps.org limit); above it: an index


@dataclass(frozen=True)
class Pager:
    """One page of a paginated listing; `target` is what `url(target, n)` links to."""

    target: Any
    number: int
    count: int
    total: int                       # articles in the whole listing

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count

    def numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers to show, None where a run is elided: 1 … 4 5 [6] 7 8 … 40."""
        shown = {1, self.count, *range(self.number - around, self.number + around + 1)}
        out: list[int | None] = []
        for n in sorted(x for x in shown if 1 <= x <= self.count):
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


@dataclass(frozen=True)
class Crumb:
    label: str
    target: Any = None               # None: the current page, not linked


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    kind: str
    title: str
    crumbs: tuple[Crumb, ...] = ()
    article: Article | None = None
    articles: tuple[Article, ...] = ()
    pager: Pager | None = None
    category: Category | None = None
    term: Term | None = None
    terms: tuple[Term, ...] = ()
    term_kind: str = ""
    year: Year | None = None
    month: Month | None = None
    description: str = ""
    data: Any = None                 # page-specific model object, e.g. the statistics (stats.py)


_PAGE_DEFAULTS = {f.name: f.default for f in fields(Page) if f.default is not MISSING}


def _quick_page(**values) -> Page:
    """Page(**values), filled directly: a frozen dataclass's __init__ sets each field through
    object.__setattr__, which for 13,000 pages was a tenth of planning. Same object either way
    (tests/test_pages.py compares them)."""
    page = object.__new__(Page)
    page.__dict__.update(_PAGE_DEFAULTS)
    page.__dict__.update(values)
    return page


def plan(site: Site, urls: Urls) -> Iterator[Page]:
    config = site.config
    top = Crumb("首页", config.hospital_url or HOME)
    home = Crumb(config.section, HOME)
    yield Page(HOME, "index.html", "home", config.section, (top, Crumb(config.section)),
               description=config.description)
    for cat in site.categories:
        yield from _paged(site, urls, cat, site.articles_in(cat), "category", cat.name,
                          (top, home), cat.description)
        arts = site.articles_in(cat)
        for art in arts:
            yield _quick_page(path=urls.article(art), template="article.html", kind="article", title=art.title,
                              crumbs=(top, home, Crumb(cat.name, cat)), article=art, category=cat,
                              description=art.summary)
    yield Page(urls.archive(), "archives.html", "archives", "文章归档", (top, home, Crumb("文章归档")),
               description=f"{config.section}全部文章按年月归档")
    archive = Crumb("文章归档", urls.archive())
    for year in site.years:
        yield Page(urls.archive(year.year), "archive_year.html", "archive-year", f"{year.year}年",
                   (top, home, archive, Crumb(f"{year.year}年")), year=year)
        for month in year.months:
            yield Page(urls.archive(month.year, month.month), "list.html", "archive-month", month.label,
                       (top, home, archive, Crumb(f"{year.year}年", year), Crumb(month.label)),
                       articles=month.articles, month=month, year=year)
    for kind, terms in (("tag", site.tags), ("source", site.sources), ("author", site.authors)):
        label = KIND_LABELS[kind]
        yield Page(urls.terms_index(kind), "terms.html", f"{kind}s", f"全部{label}",
                   (top, home, Crumb(f"全部{label}")), terms=terms, term_kind=kind)
        index = Crumb(f"全部{label}", urls.terms_index(kind))
        for term in terms:
            yield from _paged(site, urls, term, term.articles, kind, f"{label}：{term.name}", (top, home, index),
                              f"{label}为“{term.name}”的文章")
    yield Page(SEARCH, "search.html", "search", "搜索", (top, home, Crumb("搜索")),
               description=f"搜索{config.section}的全部文章")
    yield Page(NOT_FOUND, "404.html", "404", "页面未找到", (top, home, Crumb("页面未找到")))
    yield Page(urls.feed(), "atom.xml", "feed", config.title, articles=site.articles[:config.feed_entries])
    for cat in site.categories:
        yield Page(urls.feed(cat), "atom.xml", "feed", f"{cat.name} · {config.title}",
                   articles=site.articles_in(cat)[:config.feed_entries], category=cat)
    yield from _sitemaps(site)
    yield Page("robots.txt", "robots.txt", "robots", "robots")


def _paged(site: Site, urls: Urls, target, articles, kind, title, crumbs, description) -> Iterator[Page]:
    size = site.config.page_size
    count = max(1, -(-len(articles) // size))
    for n in range(1, count + 1):
        pager = Pager(target, n, count, len(articles))
        shown = title if n == 1 else f"{title}（第 {n} 页）"
        yield _quick_page(path=urls.path_of(target, n), template="list.html", kind=kind, title=shown,
                          crumbs=(*crumbs, Crumb(title)), articles=articles[(n - 1) * size: n * size], pager=pager,
                          category=target if isinstance(target, Category) else None,
                          term=target if isinstance(target, Term) else None, description=description)


def _sitemaps(site: Site) -> Iterator[Page]:
    total = 1 + len(site.categories) + len(site.articles)
    if total <= SITEMAP_LIMIT:
        yield Page("sitemap.xml", "sitemap.xml", "sitemap", "sitemap")
        return
    count = -(-total // SITEMAP_LIMIT)
    parts = tuple(Pager("sitemap", n, count, total) for n in range(1, count + 1))
    yield Page("sitemap.xml", "sitemap_index.xml", "sitemap", "sitemap")
    for pager in parts:
        yield Page(f"sitemap-{pager.number}.xml", "sitemap.xml", "sitemap", f"sitemap {pager.number}", pager=pager)


def sitemap_parts(site: Site) -> list[str]:
    """Output paths of the sitemap files an index lists (empty when one file suffices)."""
    total = 1 + len(site.categories) + len(site.articles)
    return [] if total <= SITEMAP_LIMIT else [f"sitemap-{n}.xml" for n in range(1, -(-total // SITEMAP_LIMIT) + 1)]


def sitemap_entries(site: Site, urls: Urls, pager: Pager | None = None) -> Iterator[tuple[str, str]]:
    """(absolute URL, last-modified date) for the sitemap: home, listings and articles.

    With a pager: only that part's share, SITEMAP_LIMIT entries per part."""
    entries = _sitemap_entries(site, urls)
    if pager is None:
        return entries
    from itertools import islice
    return islice(entries, (pager.number - 1) * SITEMAP_LIMIT, pager.number * SITEMAP_LIMIT)


def _sitemap_entries(site: Site, urls: Urls) -> Iterator[tuple[str, str]]:
    newest = site.articles[0].date.date().isoformat() if site.articles else ""
    yield urls.absolute(HOME), newest
    for cat in site.categories:
        arts = site.articles_in(cat)
        yield urls.absolute(urls.category(cat)), arts[0].date.date().isoformat() if arts else newest
    for art in site.articles:
        yield urls.absolute(urls.article(art)), (art.updated or art.date).date().isoformat()
