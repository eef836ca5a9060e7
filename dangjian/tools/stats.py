"""`build.py stats`: the publication counts (core/stats.py) as a terminal table or a CSV file."""
from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from ..build.gather import gather
from ..core.model import build_site
from ..core.stats import DIMENSIONS, Table, tally, text_width
from ..incremental.rebuild import Rebuild
from ..options import Options

DIMENSIONS_CLI = ("category", "source", "author", "month")


def tables(options: Options, dimensions, year: int | None) -> list[Table]:
    """Counts of the articles a build would publish now (content errors are raised, as the build does)."""
    g = gather(options, Rebuild(replace(options, cache=False)))
    site = build_site(g.config, g.sources, g.bodies)
    return [tally(site, by, year) for by in dimensions]


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


