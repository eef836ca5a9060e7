"""`build.py stats`: the publication counts (core/stats.py) as a terminal table or a CSV file, and\nhow recently each category was updated (栏目更新情况)."""
from __future__ import annotations

import csv
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from ..build.gather import gather
from ..core.model import Site, build_site
from ..core.stats import DIMENSIONS, Freshness, Shortfall, Table, freshness, tally, text_width
from ..incremental.rebuild import Rebuild
from ..options import Options

DIMENSIONS_CLI = ("category", "source", "author", "month")


def published(options: Options) -> tuple[Site, datetime]:
    """The site a build would publish now, and that moment (content errors are raised, as the build does)."""
    g = gather(options, Rebuild(replace(options, cache=False)))
    return build_site(g.config, g.sources, g.bodies, today=g.today), options.now or datetime.now(g.config.tz)


def tables(site: Site, dimensions, year: int | None) -> list[Table]:
    return [tally(site, by, year) for by in dimensions]


def updates(site: Site, now: datetime) -> tuple[Freshness, ...]:
    """栏目更新情况: each category's newest article against its `update_every`."""
    return freshness(site.config, ((a.category.slug, a.date) for a in site.articles), now)


def quota_months(now: datetime, year: int | None) -> list[tuple[int, int]]:
    """The months 发稿考核 looks at: the year asked for (up to this month), else the last twelve."""
    if year is not None:
        last = 12 if year < now.year else now.month
        return [(year, m) for m in range(1, last + 1)] if year <= now.year else []
    y, m, months = now.year, now.month, []
    for _ in range(12):
        months.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return months[::-1]


def format_quotas(rows: tuple[Shortfall, ...]) -> str:
    body = [(r.label, "、".join(f"{name} {got}/{need}" for name, got, need in r.under) or "全部达标") for r in rows]
    return _grid("发稿考核（未达标的来源：实发/应发）", ("月份", "未达标"), body)


def format_updates(rows: tuple[Freshness, ...]) -> str:
    heads = ("栏目", "最新文章", "距今天数", "更新要求", "状态")
    body = [(r.name, f"{r.newest:%Y-%m-%d}" if r.newest else "—", str(r.days) if r.days is not None else "—",
             f"{r.every} 天内" if r.every else "—", r.status) for r in rows]
    return _grid("栏目更新情况", heads, body)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - text_width(text))
    return fill + text if right else text + fill


def format_table(table: Table) -> str:
    heads = (DIMENSIONS[table.by], "篇数", "占比")
    total = table.articles or 1
    body = [(r.label, str(r.count), f"{100 * r.count / total:.1f}%") for r in table.rows]
    return _grid(table.title, heads, body)


def _grid(title: str, heads: tuple[str, ...], body: list[tuple[str, ...]]) -> str:
    """A titled table of columns, the first left-aligned, the others right-aligned."""
    widths = [max(text_width(row[i]) for row in [heads, *body]) for i in range(len(heads))]
    rule = "  ".join("-" * w for w in widths)

    def line(cells):
        return "  ".join(_pad(c, widths[i], right=i > 0) for i, c in enumerate(cells)).rstrip()

    return "\n".join([title, line(heads), rule, *(line(r) for r in body)])


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


