"""One page, read and written: `read_page` decodes and extracts it into a `Page`, `write_article`
writes it as `<yyyy>/<slug>.md` with the front matter, the body in Markdown and its images, the
article held back by `import_notes` until a person has checked it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import yaml

from ...core import urls
from . import pages as P
from . import rules as R
from .extract import _Article, _Tally, _extract

IMPORTED = "从旧网站导入：请对照原网页核对标题、日期、来源、作者和正文，核对后删掉 import_notes"


@dataclass
class ImportReport:
    source: Path            # input file
    output: Path | None     # written .md file, None if skipped
    encoding: str           # detected, e.g. "utf-8", "utf-8-sig", "gb18030", "big5"
    found: dict[str, str]   # {"title":…, "date":…, "source":…, "author":…, "editor":…}
    dropped: list[str]      # what was removed, e.g. "拼音注音 312 处"
    needs_review: list[str]  # notes for a human
    error: str | None = None
    skipped: str | None = None      # why a page was not written (a list page, an article already imported)
    same_as: Path | None = None     # the page it duplicates
    legacy_urls: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- output
class _Dumper(yaml.SafeDumper):
    """Quote with double quotes wherever YAML needs quoting; never fold long lines."""

    def choose_scalar_style(self):
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


def slugify(title: str) -> str:
    """The article's file name: the site's own pinyin slug of the simplified title."""
    return urls.slugify(R.to_simplified(title), max_length=60) or "article"


def front_matter(art: _Article, category: str, notes: list[str], legacy_urls: list[str] = ()) -> str:
    data: dict = {"title": art.title, "date": art.date}
    if art.source:
        data["source"] = art.source
    if art.authors:
        data["author"] = art.authors[0] if len(art.authors) == 1 else list(art.authors)
    if art.editor:
        data["editor"] = art.editor
    data["category"] = category
    if legacy_urls:
        data["legacy_url"] = legacy_urls[0] if len(legacy_urls) == 1 else list(legacy_urls)
    data["import_notes"] = [IMPORTED] + notes      # held back until a person has checked and deleted them
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6)


def _md_text(text: str) -> str:
    """Keep text from being read as Markdown syntax or raw HTML."""
    text = re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)
    text = re.sub(r"^(\s*)([#>+=]|[-*_](?=\s|[-*_]{2})|\d+(?=[.)]\s))", r"\1\\\2", text)
    return text.replace("](", "]\\(")


def _find_image(src: str, page: Path) -> Path | None:
    parts = urlsplit(src)
    if parts.scheme == "data":
        return None
    path = unquote(parts.path)
    name = Path(path).name
    ups = list(page.parents)[:8]
    if parts.netloc:            # http://www.example.cn/uploads/x.jpg, saved by `wget -r` under its host folder
        tries = [up / parts.netloc / path.lstrip("/") for up in ups]
    elif path.startswith("/"):  # /uploads/x.jpg: from the saved site's root
        tries = [up / path.lstrip("/") for up in ups]
    else:
        tries = [page.parent / path]
    tries += [page.parent / name, page.parent / f"{page.stem}_files" / name, page.parent / "images" / name]
    return next((p for p in tries if name and p.is_file()), None)


def _place_image(found: Path, images_dir: Path) -> str:
    images_dir.mkdir(parents=True, exist_ok=True)
    data = found.read_bytes()
    stem, suffix, n = found.stem, found.suffix, 0
    while True:
        name = f"{stem}-{n}{suffix}" if n else found.name
        target = images_dir / name
        if not target.exists():
            target.write_bytes(data)
            return name
        if target.read_bytes() == data:
            return name
        n += 1


def _body(art: _Article, page: Path, year_dir: Path, review: list[str]) -> str:
    out = []
    for kind, text in art.blocks:
        if kind == "h":
            out.append("## " + _md_text(text))
        elif kind == "p":
            out.append(_md_text(text))
        else:
            found = _find_image(text, page)
            shown = unquote(urlsplit(text).path) if not urlsplit(text).scheme else text
            if found:
                out.append(f"![图片](images/{quote(_place_image(found, year_dir / 'images'))})")
            else:
                out.append(f"> 【图片缺失：{shown}】")
                review.append(f"图片文件不存在：{shown}")
    if art.credits:
        out.append("（" + "　".join(_md_text(c) for c in art.credits) + "）")
    return "\n\n".join(out) + "\n"


# ---------------------------------------------------------------- API
@dataclass
class Page:
    """One saved page, read and understood, not yet written."""
    source: Path
    encoding: str
    art: _Article
    tally: _Tally
    notes: list[str]
    legacy_url: str = ""
    listing: bool = False           # a list or navigation page, not an article
    legacy_urls: list[str] = field(default_factory=list)     # every old address (an article reached twice)


def read_page(path: Path, *, legacy_url: str = "", simplified: bool = False, year: int | None = None,
              today: date, extractor: bool = True) -> Page:
    """Decode, extract and clean one page. `extractor`: cut HTML to what trafilatura finds the main
    content (False: our line rules alone, for comparison)."""
    text, encoding, problem = P.decode(path.read_bytes())
    notes = [problem] if problem else []
    hints: dict = {"stem": path.stem}
    tally, links = _Tally(), 0
    if P.looks_html(path, text):
        parser, note = P.html_lines(text)
        notes += [note] if note else []
        lines, hints["title"], hints["h1"] = parser.lines, parser.title, parser.h1
        tally.add("页面框架（导航/页眉/页脚/侧栏/脚本等）", parser.skipped, "块")
        links = sum(1 for ln in lines if (ln.link_ratio or 0) >= 0.5 and len(ln.text) >= 4)
        legacy_url = legacy_url or P.canonical_url(text)
        found = P.extract(text, legacy_url or None) if extractor else None
        if found:
            lines, cut = P.keep_main(lines, found)
            tally.add("正文以外的内容（由正文提取库判断）", cut)
            hints["date"], hints["author"] = found.date, found.author
    else:
        lines = P.text_lines(text)
    art = _extract(lines, hints, tally, year, today)
    if simplified:
        _simplify(art)
    elif _traditional(art):
        art.review.append("正文为繁体字（未转换；需要简体请加 --simplified）")
    if sum(len(t) for k, t in art.blocks if k == "p") < 80:
        art.review.append("正文很短，请检查是否漏掉了内容")
    listing = links >= 8 and sum(1 for k, t in art.blocks if k == "p" and R.is_paragraph(t)) < 2
    if R.han_count("".join(t for k, t in art.blocks if k == "p")) < 20 and not listing:
        art.blocks = []          # robots.txt, a stylesheet saved as text, an empty page: not an article
    return Page(path, encoding, art, tally, notes + art.review, legacy_url, listing)


def _simplify(art: _Article) -> None:
    conv = R.to_simplified
    art.title, art.source, art.editor = conv(art.title), conv(art.source), conv(art.editor)
    art.authors = [conv(a) for a in art.authors]
    art.credits = [conv(c) for c in art.credits]
    art.blocks = [(k, t if k == "img" else conv(t)) for k, t in art.blocks]


def _traditional(art: _Article) -> bool:
    body = "".join(t for k, t in art.blocks if k != "img")
    return sum(a != b for a, b in zip(body, R.key(body))) >= 10


def found_fields(art: _Article) -> dict[str, str]:
    found = {k: v for k, v in (("title", art.title), ("date", art.date), ("source", art.source),
                               ("author", "、".join(art.authors)), ("editor", art.editor)) if v}
    if any("未找到发布日期" in r for r in art.review):
        found.pop("date", None)
    return found


def write_article(page: Page, category: str, out_dir: Path) -> ImportReport:
    """out_dir/<yyyy>/<slug>.md, never overwriting; the article waits for review (import_notes)."""
    art = page.art
    urls = page.legacy_urls or ([page.legacy_url] if page.legacy_url else [])
    report = ImportReport(page.source, None, page.encoding, found_fields(art), page.tally.lines(), list(page.notes),
                          legacy_urls=urls)
    if not any(k != "img" and t for k, t in art.blocks):
        report.error = "未找到正文，未写入"
        return report
    year_dir = out_dir / art.date[:4]
    target = year_dir / f"{slugify(art.title)}.md"
    year_dir.mkdir(parents=True, exist_ok=True)
    body = _body(art, page.source, year_dir, report.needs_review)
    try:
        with open(target, "x", encoding="utf-8", newline="\n") as fh:
            fh.write("---\n" + front_matter(art, category, report.needs_review, urls) + "---\n\n" + body)
    except FileExistsError:
        report.error = f"目标文件已存在，未覆盖：{target}"
        return report
    report.output = target
    return report


