"""Publication statistics: counts of published articles by 栏目, 来源, 作者 and month.

The counting behind `build.py stats` (tools/stats.py prints it) and the optional
发布统计 page (planned in plan.py, its charts drawn by charts.py). Reads the
model; the model never imports this.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from ..config import SiteConfig
from .model import Article, Site

DIMENSIONS = {"category": "栏目", "source": "来源", "author": "作者", "month": "月份", "year": "年份"}
UNSET = {"source": "（未填写来源）", "author": "（未署名）"}


@dataclass(frozen=True)
class Row:
    label: str
    count: int


@dataclass(frozen=True)
class Table:
    by: str
    rows: tuple[Row, ...]
    articles: int                    # articles counted (an article with two authors counts once here)
    year: int | None = None

    @property
    def dimension(self) -> str:
        return DIMENSIONS[self.by]

    @property
    def title(self) -> str:
        scope = f"{self.year}年" if self.year else "全部"
        return f"按{DIMENSIONS[self.by]}统计（{scope}，共 {self.articles} 篇）"


def tally(site: Site, by: str, year: int | None = None) -> Table:
    articles = [a for a in site.articles if year is None or a.date.year == year]
    if by == "category":
        counts = Counter(a.category.slug for a in articles)
        rows = [Row(c.name, counts[c.slug]) for c in site.config.categories]   # configured order, zeros kept
    elif by == "month":
        rows = _months(articles, year)
    else:
        counts = Counter(name for a in articles for name in _names(a, by))
        unset = counts.pop(None, 0)
        rows = [Row(k, v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        if unset:
            rows.append(Row(UNSET[by], unset))
    return Table(by, tuple(rows), len(articles), year)


@dataclass(frozen=True)
class Freshness:
    """How recently a category was updated, against the rule it declares (`update_every` days)."""

    slug: str
    name: str
    newest: datetime | None          # its newest published article
    days: int | None                 # days since then
    every: int                       # 0: no rule

    @property
    def empty(self) -> bool:
        return self.newest is None

    @property
    def stale(self) -> bool:
        return bool(self.every) and self.days is not None and self.days > self.every

    @property
    def status(self) -> str:
        if self.empty:
            return "空栏目"
        if self.stale:
            return f"超期 {self.days - self.every} 天"
        return "正常" if self.every else "不要求"


def freshness(config: SiteConfig, dated: Iterable[tuple[str, datetime]], now: datetime) -> tuple[Freshness, ...]:
    """Each configured category's newest date, from (category slug, date) of published articles."""
    newest: dict[str, datetime] = {}
    for slug, when in dated:
        if slug not in newest or when > newest[slug]:
            newest[slug] = when
    return tuple(Freshness(c.slug, c.name, newest.get(c.slug),
                           (now.date() - newest[c.slug].date()).days if c.slug in newest else None, c.update_every)
                 for c in config.categories)


@dataclass(frozen=True)
class Shortfall:
    """One month's 来源 below their quota (发稿考核): (name, articles published, articles required)."""

    year: int
    month: int
    under: tuple[tuple[str, int, int], ...]

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month:02d}月"


def shortfalls(site: Site, quotas: tuple[tuple[str, int], ...], months: list[tuple[int, int]]) -> tuple[Shortfall, ...]:
    """For each month, every 来源 that published fewer articles than its quota. A quota names a 来源, or
    a pattern with * (\"*党支部\": every 来源 ending in 党支部 that has published at some time)."""
    from fnmatch import fnmatchcase
    counts = Counter((a.source, a.date.year, a.date.month) for a in site.articles if a.source)
    known = sorted({a.source for a in site.articles if a.source})
    required: dict[str, int] = {}
    for pattern, need in quotas:
        names = [n for n in known if fnmatchcase(n, pattern)] if "*" in pattern or "?" in pattern else [pattern]
        for name in names:
            required.setdefault(name, need)
    return tuple(Shortfall(y, m, tuple((name, counts[(name, y, m)], need) for name, need in required.items()
                                       if counts[(name, y, m)] < need))
                 for y, m in months)


def _names(article: Article, by: str):
    if by == "source":
        return [article.source or None]
    return list(article.authors) or [None]


def _months(articles: list[Article], year: int | None) -> list[Row]:
    counts = Counter((a.date.year, a.date.month) for a in articles)
    if not counts:
        return []
    first, last = (year, 1) if year else min(counts), (year, 12) if year else max(counts)
    rows, (y, m) = [], first
    while (y, m) <= last:                          # every month in range, empty ones too
        rows.append(Row(f"{y}年{m:02d}月", counts[(y, m)]))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return rows



def text_width(text: str) -> int:
    """Columns a terminal gives `text`: Chinese characters take two (charts clip labels by it too)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@dataclass(frozen=True)
class Chart:
    key: str
    heading: str
    table: Table
    svg: str                         # complete <svg> element, escaped by charts.py


@dataclass(frozen=True)
class StatsPage:
    total: int
    first: str
    last: str
    charts: tuple[Chart, ...]
    years: Table


def stats_page(site: Site, draw) -> StatsPage:
    """What the 发布统计 page shows; `draw(key, heading, table, vertical=False)` makes each Chart."""
    charts = [
        draw("category", "各栏目发文数", tally(site, "category")),
        draw("source", "各来源（发稿部门）发文数", tally(site, "source")),
        draw("author", "各作者发文数", tally(site, "author")),
    ]
    if site.articles:
        newest = site.articles[0].date.year
        charts.append(draw("month", f"{newest}年各月发文数", tally(site, "month", newest), vertical=True))
    years = Counter(a.date.year for a in site.articles)
    year_table = Table("year", tuple(Row(f"{y}年", years[y]) for y in sorted(years, reverse=True)), len(site.articles))
    charts.append(draw("year", "各年度发文数", year_table))
    first = site.articles[-1].date_text.split(" ")[0] if site.articles else ""
    last = site.articles[0].date_text.split(" ")[0] if site.articles else ""
    return StatsPage(len(site.articles), first, last, tuple(charts), year_table)
