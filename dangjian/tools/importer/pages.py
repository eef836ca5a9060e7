"""Decoding a saved CMS page and turning it into text lines (for `importer`).

UTF-8, GB18030 and Big5 are told apart by which decodes cleanly into common
Chinese characters; HTML is read with the standard library's HTMLParser, block
elements becoming lines and page furniture (scripts, navigation, forms) dropped.
"""
from __future__ import annotations

import codecs
import posixpath
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import charset_normalizer

from .rules import HAN_RE, _common_han, is_paragraph, norm, parse_byline, parse_meta


# ---------------------------------------------------------------- decoding



def _score(text: str) -> float:
    han = HAN_RE.findall(text)
    if not han:
        return 0.5
    common = _common_han()
    return sum(c in common for c in han) / len(han) - 0.5 * len(re.findall("[\ue000-\uf8ff]", text)) / len(han)


_FAMILY = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "hz": "gb18030",
           "cp950": "big5", "big5hkscs": "big5"}


def decode(raw: bytes) -> tuple[str, str, str | None]:
    """(text, encoding, problem). UTF-8 first (strictly), then the better of GB18030 / Big5."""
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw.decode("utf-8-sig"), "utf-8-sig", None
        except UnicodeDecodeError:
            pass
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return raw.decode("utf-16"), "utf-16", None
    try:
        return raw.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    candidates = ["gb18030", "big5", "cp950"]
    best = charset_normalizer.from_bytes(raw).best()
    if best is not None and best.encoding not in candidates:
        candidates.append(_FAMILY.get(best.encoding, best.encoding))
    scored = []
    for enc in dict.fromkeys(candidates):
        try:
            text = raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        scored.append((_score(text), -len(scored), enc, text))
    if scored:
        _, _, enc, text = max(scored)
        return text, _FAMILY.get(enc, enc), None
    return raw.decode("gb18030", errors="replace"), "gb18030", "编码无法可靠识别，已按 gb18030 解码，无法解码的字节已替换为 �"


# ---------------------------------------------------------------- page → lines
@dataclass
class Line:
    text: str
    link_ratio: float | None = None   # share of the text inside <a>; None for plain text
    tag: str = ""                     # h1…h6 for HTML headings
    image: str | None = None          # src of an image placeholder


_VOID = {"img", "br", "hr", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table", "tr", "td", "th", "dd",
          "dt", "dl", "section", "article", "main", "blockquote", "pre", "br", "hr", "center", "figure",
          "figcaption", "address", "caption", "tbody", "thead", "tfoot", "body", "html", "header", "footer"}
_SKIP = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe", "select",
         "button", "template", "svg", "object", "textarea"}
_ALWAYS_SKIP = {"script", "style", "noscript", "template", "select", "textarea", "svg", "object", "iframe", "button"}
_JUNK_NAMES = {"breadcrumb", "breadcrumbs", "crumb", "crumbs", "position", "location", "share",
               "bdsharebuttonbox", "bshare", "social-share", "print", "footer", "foot", "nav", "navbar",
               "menu", "sidebar", "copyright", "comment", "comments", "related", "pager", "pagination",
               "prevnext", "prev-next"}


class HTMLLines(HTMLParser):
    """Block-level elements → lines; page furniture (nav, header, footer, aside, form…) skipped."""

    def __init__(self, strictness: int = 2) -> None:
        super().__init__(convert_charrefs=True)
        self.strictness = strictness    # 2: tags and class/id names; 1: tags only; 0: scripts and styles only
        self.lines: list[Line] = []
        self.title = self.h1 = ""
        self.skipped = 0
        self._buf: list[str] = []
        self._link = 0
        self._in_a = 0
        self._heading = ""
        self._in_title = False
        self._skip: tuple[str, int] | None = None
        self._article = 0     # inside <article>/<main>, where <header>/<footer> hold the headline and credits

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self._buf)).strip()
        if text:
            bare = len(re.sub(r"\s", "", text)) or 1
            self.lines.append(Line(text, min(1.0, self._link / bare), self._heading))
            if self._heading == "h1" and not self.h1:
                self.h1 = text
        self._buf, self._link = [], 0

    def handle_starttag(self, tag, attrs):
        if self._skip:
            if tag == self._skip[0] and tag not in _VOID:
                self._skip = (tag, self._skip[1] + 1)
            return
        a = dict(attrs)
        names = set((a.get("class") or "").lower().split()) | {(a.get("id") or "").lower()}
        if tag in ("article", "main"):
            self._article += 1
        framing = tag in _SKIP and (tag not in ("header", "footer") or not self._article)
        junk = tag not in _VOID and bool(names & _JUNK_NAMES)
        if tag in _ALWAYS_SKIP or (self.strictness >= 1 and framing) or (self.strictness >= 2 and junk):
            self._flush()
            self._skip, self.skipped = (tag, 1), self.skipped + 1
        elif tag == "title":
            self._in_title = True
        elif tag == "img":
            self._flush()
            if a.get("src"):
                self.lines.append(Line("", image=a["src"].strip()))
        elif tag == "a":
            self._in_a += 1
        elif tag == "time":         # <time>2024年5月20日 10:15</time><time>…</time>: keep dates apart
            self._buf.append(" ")
        elif tag in _BLOCK:
            self._flush()
            if re.fullmatch(r"h[1-6]", tag):
                self._heading = tag

    def handle_endtag(self, tag):
        if self._skip:
            if tag == self._skip[0]:
                depth = self._skip[1] - 1
                self._skip = (tag, depth) if depth else None
            return
        if tag in ("article", "main"):
            self._article = max(0, self._article - 1)
        if tag == "title":
            self._in_title = False
        elif tag == "a":
            self._in_a = max(0, self._in_a - 1)
        elif tag == "time":
            self._buf.append(" ")
        elif tag in _BLOCK:
            self._flush()
            self._heading = ""

    def handle_data(self, data):
        if self._in_title:
            self.title += data
            return
        if self._skip:
            return
        self._buf.append(data)
        if self._in_a:
            self._link += len(re.sub(r"\s", "", data))

    def close(self):
        super().close()
        self._flush()


def html_lines(text: str) -> tuple[HTMLLines, str | None]:
    """Parse, relaxing the furniture filter when it swallowed the article (an unclosed element, or a
    CMS that wraps the article in a <form>): the strictest parse that keeps at least half the running
    text the most relaxed one finds."""
    parsers = []
    for strictness in (2, 1, 0):
        parser = HTMLLines(strictness)
        parser.feed(text)
        parser.close()
        parsers.append(parser)
    running = [sum(len(ln.text) for ln in p.lines if is_paragraph(ln.text)) for p in parsers]
    chosen = next(i for i, n in enumerate(running) if n * 2 >= max(running))
    note = None if chosen == 0 else "网页结构不完整（可能有未闭合的标签，或文章在表单中），已放宽页面框架过滤，请检查正文"
    return parsers[chosen], note


_IMG_TEXT_RE = re.compile(
    r"\[(?:图片|圖片|img|image)\s*[:：]\s*([^\]\s]+)\s*\]|【(?:图片|圖片)\s*[:：]\s*([^】\s]+)\s*】"
    r"|^\s*(?:图片|圖片)\s*[:：]\s*(\S+\.(?:jpe?g|png|gif|bmp|webp))\s*$|\[img\]([^\[\]]+)\[/img\]"
    r"|<img\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)[^>]*>|!\[[^\]]*\]\(([^)\s]+)\)", re.I)


def text_lines(text: str) -> list[Line]:
    lines = []
    for raw in text.splitlines():
        pos = 0
        for m in _IMG_TEXT_RE.finditer(raw):
            lines.append(Line(raw[pos:m.start()]))
            lines.append(Line("", image=next(g for g in m.groups() if g)))
            pos = m.end()
        lines.append(Line(raw[pos:]))
    return lines


def looks_html(path: Path, text: str) -> bool:
    head = text[:4000].lower()
    return path.suffix.lower() in (".htm", ".html") or "<html" in head or "<body" in head \
        or len(re.findall(r"<(?:p|div|br|td)\b", head)) >= 3


# ---------------------------------------------------------------- the extractor library
@dataclass
class Extracted:
    """What trafilatura and htmldate read off a page: the main content's text (comparison form) and
    images, the publication date, and the author named in the page's metadata."""
    main: str
    images: frozenset[str]
    date: str | None
    author: str | None


def extract(html: str, url: str | None = None) -> Extracted | None:
    import htmldate
    import trafilatura
    from lxml import etree
    xml = trafilatura.extract(html, url=url, output_format="xml", include_images=True, include_tables=True,
                              include_comments=False, include_links=False, favor_recall=True, deduplicate=False)
    if not xml:
        return None
    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    if main is None:
        return None
    text = "".join(main.itertext())
    images = frozenset(_image_name(g.get("src", "")) for g in main.iter("graphic") if g.get("src"))
    found = htmldate.find_date(html, url=url, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    meta = trafilatura.extract_metadata(html, default_url=url)
    author = re.sub(r"^\s*(?:作者|author|by)\s*[:：]?\s*", "", meta.author or "", flags=re.I).strip() if meta else ""
    return Extracted(norm(text), images, found, author or None)


def _image_name(src: str) -> str:
    """An image's file name: the extractor resolves addresses against the page's, our lines don't."""
    return posixpath.basename(urlsplit(src.strip()).path)


def keep_main(lines: list[Line], found: Extracted) -> tuple[list[Line], int]:
    """Our lines cut to the extractor's main content: everything before it stays (the headline and
    the metadata under it are read from there), lines inside it that the extractor left out go
    unless they state metadata, and after it only metadata lines (a closing byline, 责任编辑) stay.
    Returns the lines and how many were dropped."""
    def inside(ln: Line) -> bool:
        if ln.image:
            return _image_name(ln.image) in found.images
        n = norm(ln.text)
        return len(n) >= 2 and n in found.main
    flags = [inside(ln) and (ln.image or is_paragraph(ln.text) or len(norm(ln.text)) >= 4) for ln in lines]
    body = [i for i, (ln, f) in enumerate(zip(lines, flags)) if f and not ln.image and is_paragraph(ln.text)]
    if not body:
        return lines, 0
    first, last = body[0], body[-1]
    kept = lines[:first] + [ln for ln, f in zip(lines[first:last + 1], flags[first:last + 1]) if f or _stated(ln)]
    kept += [ln for ln in lines[last + 1:] if _stated(ln)]
    return kept, len(lines) - len(kept)


def _stated(ln: Line) -> bool:
    return not ln.image and bool(ln.text) and (parse_meta(ln.text) is not None or parse_byline(ln.text) is not None)


_CANONICAL_RE = re.compile(r"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*>|<meta\b[^>]*\bproperty=[\"']og:url[\"'][^>]*>", re.I)


def canonical_url(html: str) -> str:
    """The address the page gives itself (<link rel="canonical">, og:url), if an absolute one."""
    for tag in _CANONICAL_RE.findall(html[:20000]):
        m = re.search(r"\b(?:href|content)=[\"']?(https?://[^\"'\s>]+)", tag, re.I)
        if m:
            return m.group(1)
    return ""
