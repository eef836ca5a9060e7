"""Publication statistics: counts of published articles by 栏目, 来源, 作者 and month.

Used by `build.py stats` (terminal table, CSV) and by the optional 发布统计 page,
whose bar charts are SVG drawn here at build time (no JavaScript), each with a
text alternative and a data table. Reads the model; the model never imports this.
"""
from __future__ import annotations

import csv
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .model import Article, Site
from .pages import Crumb, Page
from .urls import HOME, STATS

DIMENSIONS = {"category": "栏目", "source": "来源", "author": "作者", "month": "月份", "year": "年份"}
DIMENSIONS_CLI = ("category", "source", "author", "month")
UNSET = {"source": "（未填写来源）", "author": "（未署名）"}
CHART_TOP = 15                       # bars per chart; the data table lists every row


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
        rows = [Row(c.name, counts[c.slug]) for c in site.categories]   # configured order, zeros kept
    elif by == "month":
        rows = _months(articles, year)
    else:
        counts = Counter(name for a in articles for name in _names(a, by))
        unset = counts.pop(None, 0)
        rows = [Row(k, v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        if unset:
            rows.append(Row(UNSET[by], unset))
    return Table(by, tuple(rows), len(articles), year)


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


# Terminal and CSV ------------------------------------------------------------
def text_width(text: str) -> int:
    """Columns a terminal gives `text`: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - text_width(text))
    return fill + text if right else text + fill


def format_table(table: Table) -> str:
    heads = (DIMENSIONS[table.by], "篇数", "占比")
    total = table.articles or 1
    body = [(r.label, str(r.count), f"{100 * r.count / total:.1f}%") for r in table.rows]
    widths = [max(text_width(row[i]) for row in [heads, *body]) for i in range(3)]
    rule = "  ".join("-" * w for w in widths)

    def line(cells):
        return "  ".join(_pad(c, widths[i], right=i > 0) for i, c in enumerate(cells)).rstrip()

    return "\n".join([table.title, line(heads), rule, *(line(r) for r in body)])


def write_csv(tables: list[Table], path: Path) -> None:
    """UTF-8 with a BOM, so Excel opens the Chinese correctly."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        if len(tables) == 1:
            out.writerow([DIMENSIONS[tables[0].by], "篇数"])
            out.writerows([r.label, r.count] for r in tables[0].rows)
        else:
            out.writerow(["统计项", "名称", "篇数"])
            out.writerows([DIMENSIONS[t.by], r.label, r.count] for t in tables for r in t.rows)


# The 发布统计 page ----------------------------------------------------------------
ACCENT, TEXT, MUTED = "#b01c1c", "#1f1f1f", "#595959"


@dataclass(frozen=True)
class Chart:
    key: str
    heading: str
    table: Table
    svg: str                         # complete <svg> element, escaped here


@dataclass(frozen=True)
class StatsPage:
    total: int
    first: str
    last: str
    charts: tuple[Chart, ...]
    years: Table


def stats_page(site: Site) -> StatsPage:
    charts = [
        _chart("category", "各栏目发文数", tally(site, "category")),
        _chart("source", "各来源（发稿部门）发文数", tally(site, "source")),
        _chart("author", "各作者发文数", tally(site, "author")),
    ]
    if site.articles:
        newest = site.articles[0].date.year
        charts.append(_chart("month", f"{newest}年各月发文数", tally(site, "month", newest), vertical=True))
    years = Counter(a.date.year for a in site.articles)
    year_table = Table("year", tuple(Row(f"{y}年", years[y]) for y in sorted(years, reverse=True)), len(site.articles))
    charts.append(_chart("year", "各年度发文数", year_table))
    first = site.articles[-1].date_text.split(" ")[0] if site.articles else ""
    last = site.articles[0].date_text.split(" ")[0] if site.articles else ""
    return StatsPage(len(site.articles), first, last, tuple(charts), year_table)


def plan_page(site: Site) -> Page:
    """The 发布统计 page (when `[stats] page = true`), planned like every other page."""
    config = site.config
    crumbs = (Crumb("首页", config.hospital_url or HOME), Crumb(config.section, HOME), Crumb("发布统计"))
    return Page(STATS, "stats.html", "stats", "发布统计", crumbs, data=stats_page(site),
                description=f"{config.section}各栏目、来源、作者和月份的发文数量统计")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _clip(text: str, width: int) -> str:
    if text_width(text) <= width:
        return text
    while text_width(text) > width - 2:
        text = text[:-1]
    return text + "…"


def _chart(key: str, heading: str, table: Table, vertical: bool = False) -> Chart:
    rows = table.rows[:CHART_TOP]
    more = f"（前 {CHART_TOP} 名）" if len(table.rows) > CHART_TOP else ""
    described = "，".join(f"{r.label} {r.count} 篇" for r in rows) or "暂无数据"
    label = f"{heading}{more}柱状图：{described}"
    draw = _columns if vertical else _bars
    inner, height = draw(rows, max((r.count for r in rows), default=0) or 1)
    svg = (f'<svg class="chart" viewBox="0 0 400 {height}" width="400" height="{height}" role="img" '
           f'aria-label="{_esc(label)}" xmlns="http://www.w3.org/2000/svg">'
           f"<title>{_esc(heading + more)}</title>{inner}</svg>")
    return Chart(key, heading + more, table, svg)


def _bars(rows, peak: int) -> tuple[str, int]:
    """Horizontal bars, the label above each bar so long Chinese names fit on a phone."""
    parts, y = [], 0
    for r in rows:
        length = round(330 * r.count / peak) if r.count else 0
        parts.append(f'<text x="0" y="{y + 17}" font-size="16" fill="{TEXT}">{_esc(_clip(r.label, 48))}</text>'
                     f'<rect x="0" y="{y + 24}" width="{max(length, 1)}" height="16" fill="{ACCENT}"/>'
                     f'<text x="{max(length, 1) + 6}" y="{y + 38}" font-size="15" fill="{TEXT}">{r.count}</text>')
        y += 50
    return "".join(parts), max(y, 20)


def _columns(rows, peak: int) -> tuple[str, int]:
    """Vertical bars for months: count above, month below."""
    slot = 400 / max(len(rows), 1)
    parts = []
    for i, r in enumerate(rows):
        h = round(150 * r.count / peak)
        x = i * slot + slot * 0.2
        cx = i * slot + slot / 2
        month = r.label.split("年")[-1].lstrip("0")
        parts.append(f'<rect x="{x:.1f}" y="{175 - h}" width="{slot * 0.6:.1f}" height="{h}" fill="{ACCENT}"/>'
                     f'<text x="{cx:.1f}" y="{170 - h}" font-size="13" text-anchor="middle" fill="{TEXT}">{r.count}</text>'
                     f'<text x="{cx:.1f}" y="195" font-size="13" text-anchor="middle" fill="{MUTED}">{month}</text>')
    parts.append(f'<line x1="0" y1="175.5" x2="400" y2="175.5" stroke="{MUTED}" stroke-width="1"/>')
    return "".join(parts), 205
