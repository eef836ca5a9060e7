"""`build.py register`: the 信息发布登记, every article submitted for publishing with who reviewed it
and what became of it (已发布, 定时发布, 待审, 涉密不上网, 已撤稿), as a terminal table or a CSV file
Excel opens. Drafts are not in it: they have not been submitted."""
from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from ..build.gather import collect
from ..config import STAGES
from ..core import review
from ..core.content import Source
from ..core.stats import text_width
from ..incremental.rebuild import Rebuild
from ..options import Options

HEADS = ("标题", "栏目", "来源", "作者", "发布时间", *STAGES, "状态", "网址")


@dataclass(frozen=True)
class Entry:
    src: Source
    category: str
    status: str
    url: str

    def row(self) -> tuple[str, ...]:
        s = self.src
        signers = ["、".join(getattr(s, key)) for key in STAGES.values()]
        return (s.title, self.category, s.source, "、".join(s.authors), f"{s.date:%Y-%m-%d %H:%M}", *signers,
                self.status, self.url)


def entries(options: Options, year: int | None = None) -> list[Entry]:
    """Every article but drafts, oldest first (content errors are raised, as the build does)."""
    g = collect(replace(options, preview=False, drafts=False), Rebuild(replace(options, cache=False)))
    g.report.raise_errors()
    now = options.now or datetime.now(g.config.tz)
    names = {c.slug: c.name for c in g.config.categories}
    published = {s.rel for s in g.sources}
    withdrawn = {s.rel for s in g.withdrawn}
    found = []
    for src in g.loaded:
        if src.draft or (year is not None and src.date.year != year):
            continue
        path = g.urls.articles.get(src.rel)
        url = g.urls.absolute(path) if path and (src.rel in published or src.rel in withdrawn) else ""
        found.append(Entry(src, names.get(src.category, src.category), _status(src, g.config, now, published,
                                                                               withdrawn), url))
    return sorted(found, key=lambda e: (e.src.date, e.src.rel))


def _status(src: Source, config, now: datetime, published: set[str], withdrawn: set[str]) -> str:
    if src.classified:
        return "涉密，不上网"
    if src.rel in withdrawn:
        return f"已撤稿（{src.withdrawn_date:%Y-%m-%d}）"
    if src.rel in published:
        return "已发布"
    state = review.status(src, config)
    if not state.complete:
        return f"待审（{state.pending}）"
    return "定时发布" if src.date > now else "未发布（有错误）"


def format_table(rows: list[Entry], year: int | None) -> str:
    scope = f"{year}年" if year else "全部"
    cells = [HEADS, *(e.row() for e in rows)]
    widths = [max(text_width(r[i]) for r in cells) for i in range(len(HEADS))]
    widths[0] = min(widths[0], 30)            # long titles are cut; the CSV has them whole

    def line(row):
        return "  ".join(_fit(c, widths[i]) for i, c in enumerate(row)).rstrip()

    counts = {}
    for e in rows:
        key = e.status.split("（")[0]
        counts[key] = counts.get(key, 0) + 1
    summary = "，".join(f"{k} {v} 篇" for k, v in counts.items()) or "没有文章"
    return "\n".join([f"信息发布登记（{scope}，共 {len(rows)} 篇：{summary}）", line(HEADS),
                      "  ".join("-" * w for w in widths), *(line(e.row()) for e in rows)])


def _fit(text: str, width: int) -> str:
    if text_width(text) > width:
        while text_width(text + "…") > width:
            text = text[:-1]
        text += "…"
    return text + " " * (width - text_width(text))


def write_csv(rows: list[Entry], path: Path) -> None:
    """UTF-8 with a BOM, so Excel opens the Chinese correctly; nothing shortened."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADS)
        out.writerows(e.row() for e in rows)
