"""From a page's lines to an article: what each line is (rules.py decides), the headline, the
metadata the page states, and the body that is left. Everything the importer is unsure of goes
to `_Article.review`, which becomes the article's `import_notes`."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date

from ...core import spam
from . import pages as P
from . import rules as R


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
    cleaned, glosses, garbled, spammy = [], 0, [], []
    for ln in lines:
        text, n = R.strip_glosses(ln.text)
        glosses += n
        text = re.sub(r"[\s\u3000\xa0]+", " ", text).strip()
        garbled += R.garbled_spots(text)
        if spam.is_spam(text):
            spammy.append(text)
        elif text or ln.image:
            cleaned.append(replace(ln, text=text))
            if spam.words_in(text):
                art.review.append(f"这一行有疑似垃圾广告用语，请核实：「{text[:40]}」")
    tally.add("拼音注音", glosses, "处")
    if spammy:
        tally.add("疑似垃圾广告", len(spammy))
        art.review.append(f"已删去疑似垃圾广告 {len(spammy)} 行（如「{spammy[0][:30]}」），请对照原网页确认")

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
            meta = R.parse_meta(text) or R.parse_byline(text, alone=body_started)
            has_date = any(f.kind == "date" for f in fields)
            if meta is None and not has_date:
                d = R.parse_date(text)          # a line that is only a date
                if d and d.year and body_started:
                    fields.append(R.Field("date", "", text, d))     # signed off at the end: stays in the body
                    signer = kept[-1].text if kept and not kept[-1].image else ""
                    if R.ORG_BYLINE_RE.fullmatch(signer):            # 党委办公室 / 2022年4月6日: the issuer
                        fields.append(R.Field("source", "落款", signer))
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
            if R.is_menu(text) or R.is_chrome(text) or (not body_started and R.is_item_list(text)):
                tally.add("导航/页面框架/链接列表")
                continue
            if R.is_counter(text):
                tally.add("点击计数", 1, "处")
                continue
            m = R.TRAILING_CREDIT_RE.search(text)
            credit = (R.parse_meta(m.group(1)) or R.parse_byline(m.group(0), alone=False)) if m else None
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
            if not body_started and R.is_paragraph(text):
                fields += R.leading_byline(text)
            body_started = body_started or R.is_paragraph(text)

    _find_title(art, kept, meta_at, crumbs, hints, tally)
    kept = _drop_link_farms(kept, tally)
    _resolve_fields(art, fields, kept, year, today, cleaned)
    _resolve_date(art, fields, year, today, cleaned, hints, kept)
    stated = [n for n in R.person_names(hints.get("author") or "") if n not in art.authors]
    if stated:                  # the page's metadata names the author too (WordPress: 作者 夏明峰)
        art.authors += stated
        art.review.append(f"作者「{'、'.join(stated)}」取自网页的元数据，请核实")
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
    drop |= {i for i, ln in enumerate(kept) if not ln.image and outside(i) and R.is_item_list(ln.text)}
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
        if f.kind == "author+photo":        # 文 goes to the author field; the photographs stay credited
            art.credits.append(f"{'圖' if R.key(f.label) != f.label else '图'}：{f.value}")
        elif f.kind in ("photo", "reviewer") or (f.kind == "contrib" and art.source):
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





def _resolve_date(art: _Article, fields: list[R.Field], year: int | None, today: date,
                  everything: list[P.Line], hints: dict, kept: list[P.Line]) -> None:
    dates = [f.date for f in fields if f.kind == "date" and f.date]
    full = next((d for d in dates if d.year), None)
    if full:
        art.date = full.text()
    elif dates:
        art.date = _complete_year(art, dates[0], year, today, everything)
    lead = _lead_date(kept) if not art.date and not hints.get("date") else None
    if lead:                                        # 6月28日下午，我院… : the day the news opens with
        art.date = _complete_year(art, lead, year, today, everything)
        art.review.append(f"网页没有写发布日期，已按正文开头的“{lead.month}月{lead.day}日”记为 {art.date}，请核实")
    if not art.date and hints.get("date"):          # the page's metadata or address (htmldate)
        art.date = _with_time(hints["date"], everything)
        art.review.append(f"正文中没有写发布日期，已按网页的元数据或网址记为 {art.date}，请核实")
    if not art.date and year:
        art.date = f"{year:04d}-01-01"
        art.review.append(f"未找到发布日期，已按 --year 暂记为 {art.date}，请核实")
    if not art.date:
        art.date = today.isoformat()
        art.review.append(f"未找到发布日期，已使用 {art.date}（导入当天），请核实")


def _complete_year(art: _Article, d: R.DateValue, year: int | None, today: date, everything: list[P.Line]) -> str:
    """6月22日 with no year: --year, else the year the page's other full dates show most, else the
    latest year that does not put the date after today."""
    page_years = Counter(R.years_in("\n".join(ln.text for ln in everything)))
    if year:
        guess = year
    elif page_years:
        guess = max(page_years, key=lambda y: (page_years[y], y))
        art.review.append(f"发布日期未写年份（{d.month}月{d.day}日），已按页面中其他日期推断为 {guess} 年，请核实")
    else:
        guess = today.year if (d.month, d.day) <= (today.month, today.day) else today.year - 1
        art.review.append(f"发布日期未写年份（{d.month}月{d.day}日），且无法推断，已按 {guess} 年补全，请核实或用 --year 指定")
    return d.text(guess) if d.valid(guess) else ""


def _with_time(day: str, everything: list[P.Line]) -> str:
    """The day the page's metadata gives, with the time of day the page shows beside that day."""
    for ln in everything:
        for m in R.FULL_DATE_RE.finditer(R.key(ln.text)):
            d = R._date_from(m, True)
            if d.valid() and d.hour is not None and d.text()[:10] == day:
                return d.text()
    return day


def _lead_date(kept: list[P.Line]) -> R.DateValue | None:
    """The month and day the first paragraph opens with (news leads with when it happened)."""
    first = next((ln.text for ln in kept if not ln.image and R.is_paragraph(ln.text)), "")
    m = R.LEAD_DATE_RE.match(R.key(first))
    if not m:
        return None
    d = R.DateValue(None, int(m.group(1)), int(m.group(2)))
    return d if d.valid() else None
