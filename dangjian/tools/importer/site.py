"""A whole saved old site at once: which files are pages, their old addresses, list and navigation
pages skipped, an article reached by two addresses written once, the report (import-report.csv)
and a redirect map from the old addresses to the new ones."""
from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path
from typing import Callable

from . import rules as R
from .article import ImportReport, write_article

SUFFIXES = {".txt", ".htm", ".html", ".shtml", ".asp", ".aspx", ".php", ".jsp"}
_HOST_RE = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?$", re.I)


def pages_in(sources: list[Path]) -> list[tuple[Path, str]]:
    """(file, old address) of every page: a folder is searched; a file's address is its path in the
    folder, under the host folder `wget -r` names (www.example.cn/…) when there is one."""
    out: list[tuple[Path, str]] = []
    for src in map(Path, sources):
        if not src.is_dir():
            out.append((src, ""))
            continue
        for path in sorted(p for p in src.rglob("*") if p.is_file() and _is_page(p)):
            parts = path.relative_to(src).parts
            host = next((i for i, part in enumerate(parts[:-1]) if _HOST_RE.match(part)), None)
            out.append((path, f"http://{'/'.join(parts[host:])}" if host is not None else "/" + "/".join(parts)))
    return list(dict(out).items())


def _is_page(path: Path) -> bool:
    name = path.name.lower()
    return path.suffix.lower() in SUFFIXES or bool(re.search(r"\.(?:php|asp|aspx|jsp)\?", name))


def fingerprint(page) -> tuple[str, str]:
    """Two keys an article reached twice shares: its headline with its day, and its running text."""
    art = page.art
    text = R.norm("".join(t for k, t in art.blocks if k == "p"))
    return R.norm(art.title) + art.date[:10], hashlib.sha1(text[:4000].encode()).hexdigest()


def _richness(page) -> tuple:
    art = page.art
    return (bool(art.source) + bool(art.authors) + bool(art.editor), -len(page.notes),
            sum(len(t) for k, t in art.blocks if k == "p"), "print" not in page.source.name.lower())


def import_sources(sources: list[Path], category: str, out_dir: Path, read: Callable) -> list:
    reports, articles = [], []
    for path, url in pages_in(sources):
        try:
            page = read(path, url)
        except (OSError, UnicodeError, ValueError) as exc:
            reports.append(ImportReport(path, None, "", {}, [], [], f"导入失败：{exc}"))
            continue
        if page.listing:
            reports.append(ImportReport(path, None, page.encoding, {}, [], [], skipped="列表或导航页，不是文章"))
        elif url and not any(k != "img" and t for k, t in page.art.blocks):     # robots.txt, an empty page
            reports.append(ImportReport(path, None, page.encoding, {}, [], [], skipped="没有正文，不是文章"))
        else:
            articles.append(page)
    groups: dict[int, list] = {}
    owner: dict[tuple[int, str], int] = {}
    for i, page in enumerate(articles):
        keys = fingerprint(page)
        first = next((owner[(n, k)] for n, k in enumerate(keys) if (n, k) in owner), i)
        groups.setdefault(first, []).append(page)
        for n, k in enumerate(keys):
            owner.setdefault((n, k), first)
    for group in groups.values():
        best = max(group, key=_richness)
        best.legacy_urls = [p.legacy_url for p in [best] + [p for p in group if p is not best] if p.legacy_url]
        reports.append(write_article(best, category, out_dir))
        for other in group:
            if other is not best:
                reports.append(ImportReport(other.source, None, other.encoding, {}, [], [],
                                            skipped=f"与 {best.source.name} 是同一篇文章，只导入一次", same_as=best.source))
    return reports


CSV_COLUMNS = ("文件", "原网址", "标题", "日期", "来源", "作者", "导入为", "待核事项", "状态")


def status(report) -> str:
    if report.error:
        return "失败：" + report.error
    if report.skipped:
        return "跳过：" + report.skipped
    return "待审（已写入，核对后删掉 import_notes 才会发布）"


def write_csv(reports: list, path: Path) -> None:
    """import-report.csv, in UTF-8 with a BOM so that Excel opens the Chinese columns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(CSV_COLUMNS)
        for r in reports:
            out.writerow([str(r.source), "；".join(r.legacy_urls), r.found.get("title", ""), r.found.get("date", ""),
                          r.found.get("source", ""), r.found.get("author", ""), str(r.output or ""),
                          "；".join(r.needs_review), status(r)])


def redirect_map(reports: list, base_path: str, category: str) -> str:
    """An nginx `map` from each old address's path to the article's new address."""
    lines = ["# 旧网址 → 新网址（python build.py import 生成）。在 nginx 的 http {} 中：",
             "#   map $request_uri $dangjian_new { include /path/to/this-file; }",
             "#   以及 server {} 中：if ($dangjian_new) { return 301 $dangjian_new; }"]
    for r in reports:
        if r.output is None:
            continue
        new = f"{base_path}{category}/{r.output.parent.name}/{r.output.stem}/"     # as core/urls names it
        for old in r.legacy_urls:
            path = re.sub(r"^https?://[^/]+", "", old)
            lines.append(f'"{path}" {new};')
    return "\n".join(lines) + "\n"
