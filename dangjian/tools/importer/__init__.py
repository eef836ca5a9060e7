"""Import pages saved from the old CMS (text or HTML) as Markdown articles.

`import_pages` is what `python build.py import SRC... --category SLUG` runs: each page is
decoded (UTF-8, GB18030 or Big5), cut down to the article (navigation, counters, share
widgets, link farms, footers and appended "extended reading" go), its headline and
metadata are read wherever the page states them, and it is written as
`out_dir/<yyyy>/<pinyin-slug>.md` with YAML front matter. Existing files are never
overwritten. The line rules live in `rules.py`, decoding and HTML in `pages.py`.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import yaml

from ...core import urls
from . import pages as P
from . import rules as R

SUFFIXES = {".txt", ".htm", ".html"}


@dataclass
class ImportReport:
    source: Path            # input file
    output: Path | None     # written .md file, None if skipped
    encoding: str           # detected, e.g. "utf-8", "utf-8-sig", "gb18030", "big5"
    found: dict[str, str]   # {"title":…, "date":…, "source":…, "author":…, "editor":…}
    dropped: list[str]      # what was removed, e.g. "拼音注音 312 处"
    needs_review: list[str]  # notes for a human
    error: str | None = None


# ---------------------------------------------------------------- the article
class _Tally:
    def __init__(self) -> None:
        self.items: dict[str, list] = {}

    def add(self, what: str, n: int = 1, unit: str = "行") -> None:
        if n:
            self.items.setdefault(what, [0, unit])[0] += n

    def lines(self) -> list[str]:
        return [f"{what} {n} {unit}" for what, (n, unit) in self.items.items()]


@dataclass
class _Article:
    title: str = ""
    date: str = ""
    source: str = ""
    authors: list[str] = field(default_factory=list)
    editor: str = ""
    credits: list[str] = field(default_factory=list)     # photo/reviewer credits kept at the end of the body
    blocks: list[tuple[str, str]] = field(default_factory=list)   # ("p" | "h" | "img", text)
    review: list[str] = field(default_factory=list)


def _skip_list(lines: list[P.Line], i: int) -> int:
    """Index after the run of short/link lines starting at i."""
    while i < len(lines) and not lines[i].image and (
            R.short_plain(lines[i].text) or R.link_like(lines[i].text, lines[i].link_ratio)):
        i += 1
    return i


def _extract(lines: list[P.Line], hints: dict, tally: _Tally, year: int | None, today: date) -> _Article:
    art = _Article()
    cleaned, glosses, garbled = [], 0, []
    for ln in lines:
        text, n = R.strip_glosses(ln.text)
        glosses += n
        text = re.sub(r"[\s\u3000\xa0]+", " ", text).strip()
        garbled += R.garbled_spots(text)
        if text or ln.image:
            cleaned.append(replace(ln, text=text))
    tally.add("拼音注音", glosses, "处")

    kept: list[P.Line] = []
    meta_at: list[int] = []
    fields: list[R.Field] = []
    crumbs: list[str] = []
    body_started = join_pending = False
    i = 0
    while i < len(cleaned):
        ln = cleaned[i]
        i += 1
        if ln.image:
            kept.append(ln)
            join_pending = False
            continue
        text, n = R.strip_widgets(ln.text)
        tally.add("分享/打印/字号按钮", n, "处")
        if not text:
            continue
        k = R.key(text)
        if R.CUT_RE.match(k):
            if body_started:
                tally.add("扩展阅读/相关文章及其后内容", len(cleaned) - i + 1)
                break
            j = _skip_list(cleaned, i)
            tally.add("链接列表", j - i + 1)
            i = j
        elif R.is_breadcrumb(text):
            crumbs.append(R.crumb_tail(text))
            tally.add("导航/面包屑")
        elif R.is_copyright(text):
            tally.add("版权声明/页脚")
        elif R.is_page_number(text):
            tally.add("页码", 1, "个")
            join_pending = bool(kept)
        elif R.SEO_RE.match(k):
            j = _skip_list(cleaned, i) if not R.SEO_RE.sub("", k).strip() else i
            tally.add("SEO 关键词/标签", j - i + 1)
            i = j
        else:
            meta = R.parse_meta(text)
            has_date = any(f.kind == "date" for f in fields)
            if meta is None and not has_date:
                d = R.parse_date(text)          # a line that is only a date
                if d and d.year and body_started:
                    fields.append(R.Field("date", "", text, d))     # signed off at the end: stays in the body
                elif d and d.year:
                    meta = [R.Field("date", "", text, d)]
            elif meta and body_started and has_date and all(f.kind == "date" for f in meta):
                meta = None                     # a second date inside the text (时间：…) belongs to the text
            if meta is not None:
                fields += meta
                meta_at.append(len(kept))
                tally.add("元数据行（已写入 front matter）")
                tally.add("点击计数", sum(f.kind == "counter" for f in meta), "处")
                continue
            if R.is_menu(text):
                tally.add("导航/面包屑")
                continue
            if R.is_counter(text):
                tally.add("点击计数", 1, "处")
                continue
            m = R.TRAILING_CREDIT_RE.search(text)
            credit = R.parse_meta(m.group(1)) if m else None
            if credit:
                fields += credit
                text = text[:m.start()].rstrip()
                if not text:
                    continue
            prev = kept[-1] if kept else None
            if join_pending and prev and not prev.image and len(prev.text) >= 30 \
                    and prev.text[-1] not in R.SENTENCE_END + R.CLOSERS + "：:":
                prev.text += text
            else:
                kept.append(replace(ln, text=text))
            join_pending = False
            body_started = body_started or R.is_paragraph(text)

    _find_title(art, kept, meta_at, crumbs, hints, tally)
    kept = _drop_link_farms(kept, tally)
    _resolve_fields(art, fields, kept, year, today, cleaned)
    if garbled:
        art.review.append(f"疑似乱码 {len(garbled)} 处（{'、'.join('「' + g + '」' for g in garbled[:3])}），请对照原网页核实")
    for idx, ln in enumerate(kept):
        nxt = next((x.text for x in kept[idx + 1:] if not x.image), None)
        prev = kept[idx - 1].text if idx and not kept[idx - 1].image else None
        if ln.image:
            art.blocks.append(("img", ln.image))
        elif ln.tag in ("h2", "h3", "h4", "h5", "h6") and len(ln.text) <= 60 or R.is_heading(ln.text, nxt, prev):
            art.blocks.append(("h", ln.text))
        else:
            art.blocks.append(("p", ln.text))
    return art


def _find_title(art: _Article, kept: list[P.Line], meta_at: list[int], crumbs: list[str], hints: dict,
                tally: _Tally) -> None:
    head = next((i for i, ln in enumerate(kept) if not ln.image and R.is_paragraph(ln.text)), len(kept))
    norms = [R.norm(ln.text) if not ln.image and (ln.link_ratio or 0) < 0.7 else "" for ln in kept]
    counts = Counter(n for n in norms if n)

    def at(wanted: str) -> int | None:
        w = R.norm(wanted)
        return next((i for i, n in enumerate(norms) if w and n == w), None) if w else None

    page_title = hints.get("title", "").strip()
    site_title = re.split(r"\s*[_|｜–—-]\s*", page_title)[0]
    h1 = hints.get("h1", "")
    picks = [at(h1) if h1 and (not page_title or R.norm(h1) in R.norm(page_title)) else None, at(site_title)]
    picks += [at(c) for c in reversed(crumbs)]
    picks.append(next((i for i in range(head) if counts[norms[i]] >= 2 and R.title_like(kept[i].text)), None))
    if meta_at and 0 < meta_at[0] <= head and norms[meta_at[0] - 1] and R.title_like(kept[meta_at[0] - 1].text):
        picks.append(meta_at[0] - 1)
    picks.append(next((i for i in range(head) if norms[i] and R.title_like(kept[i].text)), None))
    t = next((p for p in picks if p is not None), None)
    if t is None:
        art.title = hints.get("h1") or site_title or hints["stem"]
        art.review.append(f"未能在正文中确定标题，已使用「{art.title}」，请核实")
        return
    art.title = kept[t].text
    before = [ln for ln in kept[:t] if not ln.image]
    if all(not R.is_paragraph(ln.text) for ln in before):
        tally.add("标题前的站点标语/页头", len(before))
        del kept[:t]
    title_norm = R.norm(art.title)
    repeats = [ln for ln in kept if not ln.image and R.norm(ln.text) == title_norm]
    tally.add("重复标题", len(repeats) - 1)
    kept[:] = [ln for ln in kept if ln.image or R.norm(ln.text) != title_norm]


def _drop_link_farms(kept: list[P.Line], tally: _Tally) -> list[P.Line]:
    """Runs of ≥3 link-like lines are link farms: anywhere when the HTML says they are links,
    only before or after the running text when guessed from plain text (bullets, trailing dates,
    or ≥5 short unpunctuated lines), so that lists inside the article survive."""
    def runs(flags: list[bool], minimum: int) -> set[int]:
        out, start = set(), None
        for i, f in enumerate(flags + [False]):
            if f and start is None:
                start = i
            elif not f and start is not None:
                if i - start >= minimum:
                    out.update(range(start, i))
                start = None
        return out
    paras = [i for i, ln in enumerate(kept) if not ln.image and R.is_paragraph(ln.text)]
    first, last = (paras[0], paras[-1]) if paras else (len(kept), -1)

    def outside(i: int) -> bool:
        return i < first or i > last
    drop = runs([not ln.image and (ln.link_ratio is not None or outside(i)) and R.link_like(ln.text, ln.link_ratio)
                 for i, ln in enumerate(kept)], 3)
    drop |= runs([not ln.image and ln.link_ratio is None and outside(i) and R.short_plain(ln.text)
                  for i, ln in enumerate(kept)], 5)
    drop |= {i for i, ln in enumerate(kept) if re.fullmatch(r"(?:https?://|www\.)\S+", ln.text)}
    tally.add("链接列表", len(drop))
    return [ln for i, ln in enumerate(kept) if i not in drop]


def _resolve_fields(art: _Article, fields: list[R.Field], kept: list[P.Line], year: int | None, today: date,
                    everything: list[P.Line]) -> None:
    def first(kind: str) -> str:
        return next((f.value for f in fields if f.kind == kind and f.value), "")
    art.source, art.editor = first("source"), first("editor")
    for f in fields:
        if f.kind in ("author", "author+photo"):
            art.authors += [n for n in R.split_names(f.value) if n not in art.authors]
        if f.kind in ("photo", "author+photo", "reviewer") or (f.kind == "contrib" and art.source):
            art.credits.append(f"{f.label}：{f.value}")
    if not art.source and first("contrib"):
        art.source = first("contrib")
    if not art.authors:     # an organisation byline under the headline: 中卫市中医医院党委
        head = next((i for i, ln in enumerate(kept) if not ln.image and R.is_paragraph(ln.text)), len(kept))
        by = next((i for i in range(head) if R.ORG_BYLINE_RE.fullmatch(kept[i].text)), None)
        if by is not None:
            art.authors.append(kept.pop(by).text)
    if not art.source:
        art.review.append("未找到来源（来源），请补写 source 字段或确认无需来源")

    dates = [f.date for f in fields if f.kind == "date" and f.date]
    full = next((d for d in dates if d.year), None)
    if full:
        art.date = full.text()
    elif dates:
        d = dates[0]
        page_years = Counter(R.years_in("\n".join(ln.text for ln in everything)))
        if year:
            art.date = d.text(year)
        elif page_years:
            guess = max(page_years, key=lambda y: (page_years[y], y))
            art.date = d.text(guess)
            art.review.append(f"发布日期未写年份（{d.month}月{d.day}日），已按页面中其他日期推断为 {guess} 年，请核实")
        else:
            art.date = d.text(today.year)
            art.review.append(f"发布日期未写年份（{d.month}月{d.day}日），且无法推断，已按 {today.year} 年补全，"
                              "请核实或用 --year 指定")
        if not R.DateValue(int(art.date[:4]), d.month, d.day).valid():
            art.date = ""
    if not art.date:
        art.date = today.isoformat()
        art.review.append(f"未找到发布日期，已使用 {art.date}（导入当天），请核实")


# ---------------------------------------------------------------- output
class _Dumper(yaml.SafeDumper):
    """Quote with double quotes wherever YAML needs quoting; never fold long lines."""

    def choose_scalar_style(self):
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


def slugify(title: str) -> str:
    """The article's file name: the site's own pinyin slug of the simplified title."""
    return urls.slugify(R.to_simplified(title), max_length=60) or "article"


def front_matter(art: _Article, category: str) -> str:
    data: dict = {"title": art.title, "date": art.date}
    if art.source:
        data["source"] = art.source
    if art.authors:
        data["author"] = art.authors[0] if len(art.authors) == 1 else list(art.authors)
    if art.editor:
        data["editor"] = art.editor
    data["category"] = category
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
    tries = [] if parts.scheme or parts.netloc or path.startswith("/") else [page.parent / path]
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
def _expand(sources: list[Path]) -> list[Path]:
    files: list[Path] = []
    for src in sources:
        src = Path(src)
        if src.is_dir():
            files += sorted(p for p in src.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            files.append(src)
    return list(dict.fromkeys(files))


def import_pages(sources: list[Path], category: str, out_dir: Path, *, simplified: bool = False,
                 year: int | None = None, today: date | None = None) -> list[ImportReport]:
    """Convert each page (folders are searched for *.txt, *.htm, *.html) into out_dir/<yyyy>/<slug>.md."""
    today = today or date.today()
    reports = []
    for path in _expand(sources):
        try:
            reports.append(_import_one(path, category, Path(out_dir), simplified, year, today))
        except (OSError, UnicodeError, ValueError) as exc:
            reports.append(ImportReport(path, None, "", {}, [], [], f"导入失败：{exc}"))
    return reports


def _import_one(path: Path, category: str, out_dir: Path, simplified: bool, year: int | None,
                today: date) -> ImportReport:
    text, encoding, problem = P.decode(path.read_bytes())
    report = ImportReport(path, None, encoding, {}, [], [])
    if problem:
        report.needs_review.append(problem)
    hints = {"stem": path.stem}
    if P.looks_html(path, text):
        parser, note = P.html_lines(text)
        if note:
            report.needs_review.append(note)
        lines, hints["title"], hints["h1"] = parser.lines, parser.title, parser.h1
        tally = _Tally()
        tally.add("页面框架（导航/页眉/页脚/侧栏/脚本等）", parser.skipped, "块")
    else:
        lines, tally = P.text_lines(text), _Tally()
    art = _extract(lines, hints, tally, year, today)
    if simplified:
        conv = R.to_simplified
        art.title, art.source, art.editor = conv(art.title), conv(art.source), conv(art.editor)
        art.authors = [conv(a) for a in art.authors]
        art.credits = [conv(c) for c in art.credits]
        art.blocks = [(k, t if k == "img" else conv(t)) for k, t in art.blocks]
    else:
        body = "".join(t for k, t in art.blocks if k != "img")
        if sum(a != b for a, b in zip(body, R.key(body))) >= 10:
            art.review.append("正文为繁体字（未转换；需要简体请加 --simplified）")
    report.found = {k: v for k, v in (("title", art.title), ("date", art.date), ("source", art.source),
                                      ("author", "、".join(art.authors)), ("editor", art.editor)) if v}
    if any("未找到发布日期" in r for r in art.review):
        report.found.pop("date", None)
    if sum(len(t) for k, t in art.blocks if k == "p") < 80:
        art.review.append("正文很短，请检查是否漏掉了内容")
    report.dropped = tally.lines()
    report.needs_review += art.review

    if not any(k != "img" and t for k, t in art.blocks):
        report.error = "未找到正文，未写入"
        return report
    year_dir = out_dir / art.date[:4]
    target = year_dir / f"{slugify(art.title)}.md"
    if target.exists():
        report.error = f"目标文件已存在，未覆盖：{target}"
        return report
    year_dir.mkdir(parents=True, exist_ok=True)
    body = _body(art, path, year_dir, report.needs_review)
    try:
        with open(target, "x", encoding="utf-8", newline="\n") as fh:
            fh.write("---\n" + front_matter(art, category) + "---\n\n" + body)
    except FileExistsError:
        report.error = f"目标文件已存在，未覆盖：{target}"
        return report
    report.output = target
    return report


def format_report(report: ImportReport) -> str:
    """A few readable lines per input."""
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
