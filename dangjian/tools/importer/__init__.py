"""Import pages saved from the old CMS (text or HTML, one page or a whole saved site) as articles.

`import_pages` is what `python build.py import SRC... --category SLUG` runs: each page is decoded
(UTF-8, GB18030 or Big5), cut to its main content by the extractor library (trafilatura; htmldate
for a date the text does not state), then by our rules for old Chinese CMS pages (metadata lines,
bylines, furniture, link farms, spam, pinyin glosses), and written as `out_dir/<yyyy>/<pinyin-slug>.md`,
never over an existing file. Every imported article carries `import_notes` and is not published
until a person has checked it and deleted them. Modules: `pages` (decoding, HTML, the extractor),
`rules` (what a line is), `extract` (the article), `article` (one page in, one file out), `site`
(a saved site: list pages, duplicates, old addresses, the report and the redirect map).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from .article import ImportReport, Page, front_matter, read_page, slugify, write_article
from .site import import_sources

__all__ = ["ImportReport", "Page", "format_report", "front_matter", "import_pages", "read_page", "slugify",
           "write_article"]


def import_pages(sources: list[Path], category: str, out_dir: Path, *, simplified: bool = False,
                 year: int | None = None, today: date | None = None, extractor: bool = True) -> list[ImportReport]:
    """Convert each page into out_dir/<yyyy>/<slug>.md. A folder is a saved old site (`wget -r` or
    "save as"): its list and navigation pages are skipped, an article reached twice is written once,
    and each article keeps its old address (legacy_url)."""
    return import_sources(sources, category, Path(out_dir), read=lambda path, url: read_page(
        path, legacy_url=url, simplified=simplified, year=year, today=today or date.today(), extractor=extractor))


def format_report(report: ImportReport) -> str:
    """A few readable lines per input."""
    if report.skipped:
        return f"{report.source}（跳过：{report.skipped}）"
    head = f"{report.source} → {report.output}" if report.output else f"{report.source}（未写入）"
    lines = [head]
    if report.encoding:
        lines.append(f"  编码：{report.encoding}")
    names = {"title": "标题", "date": "日期", "source": "来源", "author": "作者", "editor": "责任编辑"}
    if report.found:
        lines.append("  找到：" + "；".join(f"{names.get(k, k)}「{v}」" for k, v in report.found.items()))
    if report.dropped:
        lines.append("  删除：" + "；".join(report.dropped))
    lines += [f"  待核实：{note}" for note in report.needs_review]
    if report.error:
        lines.append(f"  错误：{report.error}")
    return "\n".join(lines)
