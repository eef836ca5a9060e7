"""Every kind of page the site has, declared as data, and the plan they make together.

A `PageKind` states its name (`page.kind`), its template, how its pages are
planned (their URLs, titles and the articles each shows) and which facets of
the whole site its template reads beyond what the page itself holds, with how
much of each it shows (`Reads`). The incremental build signs pages from these
declarations alone (incremental/signatures.py), so a new kind added here (and
its template) is rebuilt correctly without touching anything else.

Planning is pure: it returns `Page` objects and touches no file. The writer
checks the planned paths before anything is rendered.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any, Callable, Iterable, Iterator

from . import charts
from .model import Article, Category, Site, Term, Topic
from .pages import Crumb, Page, Pager, quick_page
from .stats import stats_page
from .urls import ACCESSIBILITY, HOME, NOT_FOUND, SEARCH, STATS, TOPICS, Urls

KIND_LABELS = {"tag": "标签", "source": "来源", "author": "作者"}
SITEMAP_LIMIT = 50_000      # URLs per sitemap file (the sitemaps.org limit); above it: an index

# How much of an item a page shows, and so which of its changes re-render the page.
CARD = "card"          # an article in full (its file, body and URL); a term with its articles
TEASER = "teaser"      # what a link to an article shows: front matter, summary, URL (see content.FIELDS)
LINK = "link"          # a term's URL only
TEXT = "text"          # plain values (numbers, dates, text) shown as they are


@dataclass(frozen=True)
class Reads:
    """A site facet a template reads (`site.<facet>` or a site global) and how much of it shows.
    `part(site, page)` is the share of the facet one page shows; None: all of it."""

    facet: str
    depth: str
    part: Callable[[Site, Page], Any] | None = None


@dataclass(frozen=True)
class PageKind:
    name: str                                         # Page.kind of its pages (and the body's CSS class)
    template: str                                     # its pages' template (a page may name another)
    pages: Callable[[Site, Urls], Iterable[Page]]      # plans them: URLs, titles, what each shows
    reads: tuple[Reads, ...] = ()


def _crumbs(site: Site) -> tuple[Crumb, Crumb]:
    config = site.config
    return Crumb("首页", config.hospital_url or HOME), Crumb(config.section, HOME)


def _home(site: Site, urls: Urls) -> Iterator[Page]:
    top, _ = _crumbs(site)
    config = site.config
    yield Page(HOME, "index.html", "home", config.section, (top, Crumb(config.section)), description=config.description)


def _categories(site: Site, urls: Urls) -> Iterator[Page]:
    for cat in site.categories:
        yield from paged(site, urls, cat, site.listed_in(cat), "category", cat.name, _crumbs(site), cat.description)


def _articles(site: Site, urls: Urls) -> Iterator[Page]:
    top, home = _crumbs(site)
    for cat in site.categories:
        crumbs = (top, home, Crumb(cat.name, cat))
        for art in site.articles_in(cat):
            yield _article_page(urls, art, crumbs)


def _article_page(urls: Urls, art: Article, crumbs: tuple[Crumb, ...]) -> Page:
    return quick_page(path=urls.article(art), template="article.html", kind="article", title=art.title,
                      crumbs=crumbs, article=art, category=art.category, description=art.summary)


def article_page(site: Site, urls: Urls, art: Article) -> Page:
    """One article's page, planned as `plan` plans it (serve renders an edited article first with it)."""
    top, home = _crumbs(site)
    return _article_page(urls, art, (top, home, Crumb(art.category.name, art.category)))


def _archives(site: Site, urls: Urls) -> Iterator[Page]:
    top, home = _crumbs(site)
    yield Page(urls.archive(), "archives.html", "archives", "文章归档", (top, home, Crumb("文章归档")),
               description=f"{site.config.section}全部文章按年月归档")


def _archive_years(site: Site, urls: Urls) -> Iterator[Page]:
    top, home = _crumbs(site)
    archive = Crumb("文章归档", urls.archive())
    for year in site.years:
        yield Page(urls.archive(year.year), "archive_year.html", "archive-year", f"{year.year}年",
                   (top, home, archive, Crumb(f"{year.year}年")), year=year)


def _archive_months(site: Site, urls: Urls) -> Iterator[Page]:
    top, home = _crumbs(site)
    archive = Crumb("文章归档", urls.archive())
    for year in site.years:
        for month in year.months:
            yield Page(urls.archive(month.year, month.month), "list.html", "archive-month", month.label,
                       (top, home, archive, Crumb(f"{year.year}年", year), Crumb(month.label)),
                       articles=month.articles, month=month, year=year)


def _terms_of(site: Site, kind: str) -> tuple[Term, ...]:
    return {"tag": site.tags, "source": site.sources, "author": site.authors}[kind]


def _term_index(kind: str) -> Callable[[Site, Urls], Iterator[Page]]:
    def pages(site: Site, urls: Urls) -> Iterator[Page]:
        top, home = _crumbs(site)
        label = KIND_LABELS[kind]
        yield Page(urls.terms_index(kind), "terms.html", f"{kind}s", f"全部{label}", (top, home, Crumb(f"全部{label}")),
                   terms=_terms_of(site, kind), term_kind=kind)
    return pages


def _term_lists(kind: str) -> Callable[[Site, Urls], Iterator[Page]]:
    def pages(site: Site, urls: Urls) -> Iterator[Page]:
        top, home = _crumbs(site)
        label = KIND_LABELS[kind]
        index = Crumb(f"全部{label}", urls.terms_index(kind))
        for term in _terms_of(site, kind):
            yield from paged(site, urls, term, term.articles, kind, f"{label}：{term.name}", (top, home, index),
                             f"{label}为“{term.name}”的文章")
    return pages


def _topic_index(site: Site, urls: Urls) -> Iterator[Page]:
    """专题: every published topic, running ones first."""
    if not site.topics:
        return
    top, home = _crumbs(site)
    yield Page(TOPICS, "topics.html", "topics", "专题", (top, home, Crumb("专题")),
               description=f"{site.config.section}专题：" + "、".join(t.name for t in site.topics))


def _topic_lists(site: Site, urls: Urls) -> Iterator[Page]:
    """Each topic's page: banner, introduction, its articles newest first (paginated)."""
    top, home = _crumbs(site)
    crumbs = (top, home, Crumb("专题", TOPICS))
    for topic in site.topics:
        yield from paged(site, urls, topic, site.topic_articles(topic), "topic", topic.name, crumbs,
                         topic.summary or f"专题：{topic.name}")


def _latest(site: Site, urls: Urls) -> Iterator[Page]:
    """latest.json: the newest articles, read by every sidebar in the browser (a new article changes
    this one file, not every page that has a sidebar)."""
    yield Page("latest.json", "latest.json", "latest", "最新文章", articles=site.articles[:LATEST])


def _single(path: str, template: str, kind: str, title: str, crumb: str | None = None,
            description: Callable[[Site], str] = lambda site: "") -> Callable[[Site, Urls], Iterator[Page]]:
    """A kind with one page at a fixed path (search, 404, robots)."""
    def pages(site: Site, urls: Urls) -> Iterator[Page]:
        top, home = _crumbs(site)
        crumbs = (top, home, Crumb(crumb)) if crumb else ()
        yield Page(path, template, kind, title, crumbs, description=description(site))
    return pages


def _redirects(site: Site, urls: Urls) -> Iterator[Page]:
    """An article's earlier addresses (`aliases`): small pages that send readers to where it is now."""
    if not urls.aliases:
        return
    by_key = {a.key: a for a in site.articles}
    for path, rel in urls.aliases.items():
        art = by_key[rel]
        yield Page(path, "redirect.html", "redirect", art.title, article=art, description=art.summary)


def _withdrawn(site: Site, urls: Urls) -> Iterator[Page]:
    """A withdrawn (撤稿) article's address: a notice that it was withdrawn, and nothing of it else."""
    top, home = _crumbs(site)
    shown = set(site.categories)
    for notice in site.withdrawn:
        crumbs = (top, home, *((Crumb(notice.category.name, notice.category),) if notice.category in shown else ()),
                  Crumb("已撤稿"))
        yield Page(urls.articles[notice.key], "withdrawn.html", "withdrawn", notice.title, crumbs,
                   category=notice.category, description=f"本文已于{notice.withdrawn_date.year}年"
                   f"{notice.withdrawn_date.month}月{notice.withdrawn_date.day}日撤稿", data=notice)


def _feeds(site: Site, urls: Urls) -> Iterator[Page]:
    config = site.config
    yield Page(urls.feed(), "atom.xml", "feed", config.title, articles=site.articles[:config.feed_entries])
    for cat in site.categories:
        yield Page(urls.feed(cat), "atom.xml", "feed", f"{cat.name} · {config.title}",
                   articles=site.articles_in(cat)[:config.feed_entries], category=cat)
    for topic in site.topics:
        yield Page(urls.feed(topic), "atom.xml", "feed", f"{topic.name} · {config.title}",
                   articles=site.topic_articles(topic)[:config.feed_entries], topic=topic)


def _sitemaps(site: Site, urls: Urls) -> Iterator[Page]:
    parts = sitemap_parts(site)
    if not parts:
        yield Page("sitemap.xml", "sitemap.xml", "sitemap", "sitemap")
        return
    total = _sitemap_total(site)
    yield Page("sitemap.xml", "sitemap_index.xml", "sitemap", "sitemap")
    for n, path in enumerate(parts, 1):
        yield Page(path, "sitemap.xml", "sitemap", f"sitemap {n}", pager=Pager("sitemap", n, len(parts), total))


def _stats(site: Site, urls: Urls) -> Iterator[Page]:
    """The 发布统计 page, when `[stats] page = true`."""
    if not site.config.stats.page:
        return
    top, home = _crumbs(site)
    yield Page(STATS, "stats.html", "stats", "发布统计", (top, home, Crumb("发布统计")),
               data=stats_page(site, charts.chart),
               description=f"{site.config.section}各栏目、来源、作者和月份的发文数量统计")


def _article_terms(site: Site, page: Page) -> tuple[Term, ...]:
    """The terms an article page links to."""
    art = page.article
    term = site.term
    return (*(term("tag", n) for n in art.tags), *(term("author", n) for n in art.authors),
            *((term("source", art.source),) if art.source else ()))


def _home_blocks(site: Site, page: Page) -> tuple:
    return tuple(site.articles_in(c)[:site.config.home.per_category] for c in site.categories)


def _month_counts(site: Site, page: Page) -> tuple[str, ...]:
    return tuple(f"{y.year}:{m.month}:{len(m.articles)}" for y in site.years for m in y.months)


def newest_date(site: Site) -> str:
    return site.articles[0].date.isoformat() if site.articles else "2000-01-01T00:00:00+08:00"


KINDS: tuple[PageKind, ...] = (
    PageKind("home", "index.html", _home, (
        Reads("pinned", CARD, lambda site, page: site.pinned[:site.config.home.pinned]),
        Reads("articles", CARD, lambda site, page: site.articles[:site.config.home.latest]),
        Reads("articles_in", CARD, _home_blocks))),
    PageKind("category", "list.html", _categories),
    PageKind("topics", "topics.html", _topic_index, (
        Reads("topic_articles", TEASER, lambda site, page: tuple(
            (len(arts), arts[:1]) for arts in map(site.topic_articles, site.topics))),)),
    PageKind("topic", "topic.html", _topic_lists),
    PageKind("article", "article.html", _articles, (
        Reads("newer", TEASER, lambda site, page: site.newer(page.article)),
        Reads("older", TEASER, lambda site, page: site.older(page.article)),
        Reads("related", TEASER, lambda site, page: site.related(page.article)),
        Reads("term", LINK, _article_terms))),
    PageKind("archives", "archives.html", _archives, (Reads("years", TEXT, _month_counts),)),
    PageKind("archive-year", "archive_year.html", _archive_years),
    PageKind("archive-month", "list.html", _archive_months),
    *(kind for term in KIND_LABELS for kind in (PageKind(f"{term}s", "terms.html", _term_index(term)),
                                                PageKind(term, "list.html", _term_lists(term)))),
    PageKind("search", "search.html", _single(SEARCH, "search.html", "search", "搜索", "搜索",
                                              lambda site: f"搜索{site.config.section}的全部文章")),
    PageKind("404", "404.html", _single(NOT_FOUND, "404.html", "404", "页面未找到", "页面未找到")),
    PageKind("feed", "atom.xml", _feeds, (Reads("updated", TEXT, lambda site, page: newest_date(site)),)),
    PageKind("sitemap", "sitemap.xml", _sitemaps),
    PageKind("redirect", "redirect.html", _redirects),
    PageKind("withdrawn", "withdrawn.html", _withdrawn, (Reads("withdrawal", TEXT, lambda site, page: page.data),)),
    PageKind("accessibility", "accessibility.html", _single(
        ACCESSIBILITY, "accessibility.html", "accessibility", "无障碍与适老化说明", "无障碍与适老化说明",
        lambda site: f"{site.config.section}提供的无障碍与适老化功能、使用方法和联系方式")),
    PageKind("latest", "latest.json", _latest),
    PageKind("robots", "robots.txt", _single("robots.txt", "robots.txt", "robots", "robots")),
    PageKind("stats", "stats.html", _stats, (Reads("articles", CARD), Reads("term", CARD))),
)

# Facets signed in every page's global key (see `navigation`): the config, the categories shown (those
# with articles) and the topics published with their state. `topics_of` follows from these and the
# article's own front matter (its card or teaser).
CONFIG_FACETS = frozenset({"categories", "config", "topics", "active_topics", "topics_of", "pictures"})
LATEST = 8            # articles in latest.json: the sidebar's 最新文章


def navigation(site: Site) -> tuple:
    """What every page's frame shows of the site beyond the config: the categories and topics in its
    navigation and sidebar, and the size of the pictures site.toml names. It is in every signature."""
    return (tuple(c.slug for c in site.categories), tuple((t.slug, t.archived) for t in site.topics),
            tuple(sorted((p.name, p.width, p.height) for p in site.pictures.values())))

# Each site facet as a whole: what a template that reads all of it depends on. A facet not
# listed here is taken to depend on every article and every term.
FACETS: dict[str, Reads] = {
    "sitemap": Reads("sitemap", TEASER, lambda site, page: (site.articles, tuple(c.slug for c in site.categories))),
    "updated": Reads("updated", TEXT, lambda site, page: newest_date(site)),
    "tags": Reads("tags", CARD, lambda site, page: site.tags),
    "sources": Reads("sources", CARD, lambda site, page: site.sources),
    "authors": Reads("authors", CARD, lambda site, page: site.authors),
    "term": Reads("term", CARD, lambda site, page: (site.tags, site.sources, site.authors)),
    **{name: Reads(name, CARD, lambda site, page: site.articles)
       for name in ("articles", "pinned", "years", "articles_in", "newer", "older", "related")},
}
EVERYTHING = Reads("*", CARD, lambda site, page: (site.articles, site.tags, site.sources, site.authors))


def plan(site: Site, urls: Urls) -> Iterator[Page]:
    """Every page of the site, kind by kind."""
    for kind in KINDS:
        yield from kind.pages(site, urls)


def kinds_by_name() -> dict[str, PageKind]:
    return {kind.name: kind for kind in KINDS}


def paged(site: Site, urls: Urls, target, articles, kind, title, crumbs, description) -> Iterator[Page]:
    """A listing of `articles` split into pages of `page_size`."""
    size = site.config.page_size
    count = max(1, -(-len(articles) // size))
    for n in range(1, count + 1):
        pager = Pager(target, n, count, len(articles))
        shown = title if n == 1 else f"{title}（第 {n} 页）"
        topic = target if isinstance(target, Topic) else None
        yield quick_page(path=urls.path_of(target, n), template="topic.html" if topic else "list.html", kind=kind,
                         title=shown, crumbs=(*crumbs, Crumb(title)), articles=articles[(n - 1) * size: n * size],
                         pager=pager, category=target if isinstance(target, Category) else None,
                         term=target if isinstance(target, Term) else None, topic=topic, description=description)


# Template globals that read the site ------------------------------------------------------------
def _sitemap_total(site: Site) -> int:
    return 1 + len(site.categories) + (1 + len(site.topics) if site.topics else 0) + len(site.articles)


def sitemap_parts(site: Site) -> list[str]:
    """Output paths of the sitemap files an index lists (empty when one file suffices)."""
    total = _sitemap_total(site)
    return [] if total <= SITEMAP_LIMIT else [f"sitemap-{n}.xml" for n in range(1, -(-total // SITEMAP_LIMIT) + 1)]


def sitemap_entries(site: Site, urls: Urls, pager: Pager | None = None) -> Iterable[tuple[str, str]]:
    """(absolute URL, last-modified date) for the sitemap: home, listings and articles.

    With a pager: only that part's share, SITEMAP_LIMIT entries per part."""
    entries = _sitemap_entries(site, urls)
    if pager is None:
        return entries
    return islice(entries, (pager.number - 1) * SITEMAP_LIMIT, pager.number * SITEMAP_LIMIT)


def _sitemap_entries(site: Site, urls: Urls) -> Iterator[tuple[str, str]]:
    newest = site.articles[0].date.date().isoformat() if site.articles else ""
    yield urls.absolute(HOME), newest
    for cat in site.categories:
        arts = site.articles_in(cat)
        yield urls.absolute(urls.category(cat)), arts[0].date.date().isoformat() if arts else newest
    if site.topics:
        yield urls.absolute(TOPICS), newest
    for topic in site.topics:
        arts = site.topic_articles(topic)
        yield urls.absolute(urls.topic(topic)), arts[0].date.date().isoformat() if arts else newest
    for art in site.articles:
        yield urls.absolute(urls.article(art)), (art.updated or art.date).date().isoformat()


# name → (the facet it reads, its value for a site)
SITE_GLOBALS: dict[str, tuple[str, Callable[[Site, Urls], Any]]] = {
    "sitemap_entries": ("sitemap", lambda site, urls: lambda pager=None: sitemap_entries(site, urls, pager)),
    "sitemap_parts": ("sitemap", lambda site, urls: lambda: sitemap_parts(site)),
    "updated": ("updated", lambda site, urls: newest_date(site)),
}
