"""Markdown → safe HTML for article bodies, plus the text-derived facts.

Python-Markdown renders; nh3 sanitises with an allow-list (raw HTML is
allowed, scripts, event handlers, `javascript:` URLs and foreign iframes are
not). Links and image sources are rewritten through callbacks from links.py,
because only core/urls.py knows where things end up.
"""
from __future__ import annotations

import html
import math
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import AtomicString

from ..core.model import Body

LinkRewriter = Callable[[str, str], str | None]   # (attribute, value) -> new value or None to drop


@dataclass(frozen=True)
class ImageRef:
    """What the pipeline knows about a processed image; URLs are already relative to the page."""

    srcset: str                                   # fallback format, for the <img>
    sources: tuple[tuple[str, str], ...]          # (MIME type, srcset) offered first through <picture>
    width: int
    height: int


ImageResolver = Callable[[str], ImageRef | None]  # the image's src as written -> its variants, or None
# The article column: at most about 760 px wide (the theme's --measure), the screen width less margins on phones.
IMAGE_SIZES = "(min-width: 48rem) 760px, calc(100vw - 2rem)"
CAPTION_PREFIXES = ("图：", "图:")

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "del", "ins",
    "sub", "sup", "mark", "small", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead",
    "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col", "a", "img", "figure", "figcaption",
    "pre", "code", "span", "div", "abbr", "kbd", "q", "cite", "time", "section", "details", "summary",
    "picture", "source",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes"},
    "source": {"srcset", "sizes", "type"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "td": {"colspan", "rowspan", "style"},
    "ol": {"start", "type"},
    "div": {"role", "tabindex", "aria-label"},
    "time": {"datetime"},
    "abbr": {"title"},
    "col": {"span"},
    "colgroup": {"span"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'.][A-Za-z0-9]+)*")
_SENTENCE_END = "。！？；!?"
_SPACES = re.compile(r"\s+")


class _BodyTree(Treeprocessor):
    """Shift headings under the page's h1, turn lone images into figures, wrap tables."""

    def run(self, root: etree.Element) -> None:
        headings = [el for el in root.iter() if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
        # Map the distinct levels used, in order, onto h2, h3, …: the outline never skips a level.
        levels = sorted({int(h.tag[1]) for h in headings})
        new_level = {lvl: min(2 + i, 6) for i, lvl in enumerate(levels)}
        for h in headings:
            h.tag = f"h{new_level[int(h.tag[1])]}"
        for parent in list(root.iter()):
            children = list(parent)
            for i, child in enumerate(children):
                if child.tag == "table":
                    wrap = etree.Element("div", {"class": "table-wrap", "role": "region",
                                                 "tabindex": "0", "aria-label": "表格"})
                    index = list(parent).index(child)
                    parent.remove(child)
                    wrap.append(child)
                    parent.insert(index, wrap)
                elif child.tag == "p" and len(child) == 1 and child[0].tag == "img" \
                        and not (child.text or "").strip():
                    self._figure(parent, child, children[i + 1] if i + 1 < len(children) else None)
        resolve = getattr(self.md, "resolve_image", None)
        parents = {c: p for p in root.iter() for c in p}
        for n, img in enumerate(list(root.iter("img"))):
            img.set("decoding", "async")
            if n:                      # the first image may be the page's largest paint: load it at once
                img.set("loading", "lazy")
            if not img.get("alt", "").strip():
                self.md.missing_alt.append(img.get("src", ""))
            ref = resolve(img.get("src", "")) if resolve else None
            if ref is not None:
                self._picture(parents[img], img, ref)

    def _figure(self, parent: etree.Element, para: etree.Element, following: etree.Element | None) -> None:
        """A paragraph holding only an image becomes a figure; its caption is the image title or a 图： line."""
        img = para[0]
        tail = (img.tail or "").strip()
        caption: etree.Element | None = None
        if tail.startswith(CAPTION_PREFIXES):            # "![…](a.jpg)\n图：…" in one paragraph
            caption = etree.Element("figcaption")
            caption.text = tail[2:].strip()
            img.tail = None
        elif tail:
            return
        elif following is not None and following.tag == "p" \
                and (following.text or "").lstrip().startswith(CAPTION_PREFIXES):
            caption = following                           # the 图： line as the next paragraph
            caption.tag = "figcaption"
            caption.text = caption.text.lstrip()[2:].lstrip()
            tail_of = caption.tail
            parent.remove(caption)
            caption.tail = tail_of
        para.tag = "figure"
        title = img.attrib.pop("title", None)
        if caption is None and title:
            caption = etree.Element("figcaption")
            caption.text = title
        if caption is not None:
            para.append(caption)

    def _picture(self, parent: etree.Element, img: etree.Element, ref: ImageRef) -> None:
        """<img> → <picture><source type=webp srcset><img srcset width height></picture>."""
        picture = etree.Element("picture")
        for mime, srcset in ref.sources:
            etree.SubElement(picture, "source", {"type": mime, "srcset": srcset, "sizes": IMAGE_SIZES})
            self.md.srcsets.add(srcset)
        img.set("srcset", ref.srcset)
        img.set("sizes", IMAGE_SIZES)
        img.set("width", str(ref.width))
        img.set("height", str(ref.height))
        self.md.srcsets.add(ref.srcset)
        index = list(parent).index(img)
        picture.tail, img.tail = img.tail, None
        parent.remove(img)
        picture.append(img)
        parent.insert(index, picture)


# What each inline pattern we use needs to see before it can match. Python-Markdown tries
# every pattern on every run of text; most of a Chinese article has none of these
# characters, and skipping it there halves the time spent converting.
INLINE_TRIGGERS = {
    "backtick": "`\\", "escape": "\\", "footnote": "[", "reference": "[", "link": "[",
    "image_link": "[", "image_reference": "[", "short_reference": "[", "short_image_ref": "[",
    "autolink": "<", "automail": "<", "linebreak": "  \n", "html": "<", "entity": "&", "em_strong": "*_",
}


class _QuickInline(InlineProcessor):
    """Python-Markdown's inline processor, returning at once text that no pattern could match."""

    _trigger: re.Pattern | None = None

    def run(self, tree, ancestors=None):
        # Decided per run, from the patterns registered by then: an unknown one turns the shortcut off.
        names = [item.name for item in self.md.inlinePatterns._priority]
        if all(name in INLINE_TRIGGERS for name in names):
            chars = sorted({c for name in names for c in INLINE_TRIGGERS[name] if c not in " \n"})
            self._trigger = re.compile("[" + re.escape("".join(chars)) + "]|  \n")
        else:
            self._trigger = None
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data, patternIndex=0):  # noqa: N802 - overrides the private method
        if self._trigger is not None and not isinstance(data, AtomicString) and not self._trigger.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


class _BodyExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(_BodyTree(md), "dangjian_body", 6)
        md.treeprocessors.register(_QuickInline(md), "inline", 20)


@dataclass
class Rendered:
    body: Body
    missing_alt: list[str] = field(default_factory=list)


class Markup:
    """Reusable converter: one Markdown instance and one sanitiser per process."""

    def __init__(self, summary_length: int = 120, iframe_hosts: tuple[str, ...] = ()):
        self.summary_length = summary_length
        self.iframe_hosts = tuple(iframe_hosts)
        self.md = markdown.Markdown(
            extensions=["tables", "fenced_code", "footnotes", "attr_list", "toc", "sane_lists", _BodyExtension()],
            extension_configs={"toc": {"slugify": slugify_unicode, "permalink": False},
                               "footnotes": {"BACKLINK_TITLE": "返回正文第 %d 处"}},
            output_format="html")
        self.md.missing_alt = []
        self.md.srcsets = set()
        self.md.resolve_image = None
        self._rewrite: LinkRewriter | None = None
        tags = set(ALLOWED_TAGS)
        attributes = {k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()}
        if self.iframe_hosts:
            tags.add("iframe")
            attributes["iframe"] = {"src", "width", "height", "title", "allowfullscreen", "loading"}
        self.cleaner = nh3.Cleaner(
            tags=tags, attributes=attributes, attribute_filter=self._filter, link_rel=None,
            url_schemes=URL_SCHEMES, filter_style_properties={"text-align"}, strip_comments=True)
        self.text_cleaner = nh3.Cleaner(tags=set(), attributes={}, clean_content_tags={"script", "style"})
        self.summary_cleaner = nh3.Cleaner(
            tags=set(), attributes={}, clean_content_tags={"h2", "h3", "h4", "h5", "h6", "table", "pre", "sup", "figcaption",
                                            "script", "style"})

    def _filter(self, tag: str, attribute: str, value: str) -> str | None:
        if tag == "iframe" and attribute == "src":
            host = (urlsplit(value).hostname or "").lower()
            ok = urlsplit(value).scheme == "https" and any(
                host == h or host.endswith("." + h) for h in self.iframe_hosts)
            return value if ok else None
        if attribute == "srcset":             # only the ones the pipeline made, never an editor's own
            return value if value in self.md.srcsets else None
        if attribute in ("href", "src") and self._rewrite is not None:
            return self._rewrite(attribute, value)
        return value

    def convert(self, text: str, summary: str = "", rewrite: LinkRewriter | None = None,
                images: ImageResolver | None = None) -> Rendered:
        """`rewrite` maps links and sources; `images` gives the resized variants of an image (both from the pipeline).
        Raises TooDeep for lists or quotes nested beyond any article's need (Python-Markdown would
        recurse per level, and take minutes over a few thousand)."""
        if nesting(text) > MAX_NESTING:
            raise TooDeep()
        self.md.reset()
        self.md.missing_alt = []
        self.md.srcsets = set()
        self.md.resolve_image = images
        try:
            raw_html = self.md.convert(text)
        finally:
            self.md.resolve_image = None
        toc = tuple((t["level"], t["id"], t["name"]) for t in _flatten(self.md.toc_tokens))
        self._rewrite = rewrite
        if rewrite is not None:
            _offer_dropped_urls(raw_html, rewrite)
        try:
            clean = self.cleaner.clean(raw_html)
        finally:
            self._rewrite = None
        if self.iframe_hosts:
            clean = re.sub(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", "", clean, flags=re.S)
        if "<img" in clean:             # an image whose source the sanitiser dropped (reported) shows nothing
            clean = _SOURCELESS.sub("", clean)
        plain = _plain(self.text_cleaner.clean(clean))
        cjk = len(_CJK.findall(plain))
        words = len(_LATIN_WORD.findall(_CJK.sub(" ", plain)))
        minutes = max(1, math.ceil(cjk / 400 + words / 200))
        lead = clean.split('<div class="footnote">', 1)[0]   # footnotes are not the article's opening
        auto = summarize(_plain(self.summary_cleaner.clean(lead)), self.summary_length)
        body = Body(html=clean, summary=summary or auto, reading_minutes=minutes, char_count=cjk + words, toc=toc)
        return Rendered(body, list(self.md.missing_alt))


MAX_NESTING = 100
_LEAD = re.compile(r"[ \t]*((?:(?:>|[*+-]|\d{1,9}[.)])[ \t]*)*)")


class TooDeep(Exception):
    """Quotes or lists nested far deeper than an article needs."""


def nesting(text: str) -> int:
    """The deepest nesting a line of Markdown asks for: the quote and list markers it starts with, and
    for a list item its indent (every two spaces a level)."""
    deepest = 0
    for line in text.split("\n"):
        markers = len(re.findall(r"(?:>|[*+-]|\d{1,9}[.)])(?=[ \t]|$)", _LEAD.match(line).group(1)))
        if markers:
            indent = (len(line) - len(line.lstrip(" \t"))) // 2
            deepest = max(deepest, indent + markers)
    return deepest


_SOURCELESS = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
_URL_ATTRIBUTE = re.compile(r'\s(href|src)="([^"]*)"')


def _offer_dropped_urls(raw_html: str, rewrite: LinkRewriter) -> None:
    """Links and sources with a scheme the sanitiser drops before any callback sees them (D:\\…, file:…):
    shown to the rewriter, which reports a path pasted from a computer."""
    for attribute, value in _URL_ATTRIBUTE.findall(raw_html):
        value = html.unescape(value)
        scheme = urlsplit(value).scheme.lower() if ":" in value.split("/")[0] else ""
        if scheme and scheme not in URL_SCHEMES:
            rewrite(attribute, value)


def _flatten(tokens):
    for tok in tokens:
        yield tok
        yield from _flatten(tok.get("children", ()))


def _plain(fragment: str) -> str:
    return _SPACES.sub(" ", html.unescape(fragment)).strip()


def summarize(text: str, length: int = 120) -> str:
    """About `length` characters, cut after Chinese sentence punctuation where possible."""
    text = text.strip()
    if len(text) <= length:
        return text
    window = text[:length]
    cut = max(window.rfind(p) for p in _SENTENCE_END)
    if cut >= length // 2:
        return window[:cut + 1]
    cut = max(window.rfind(p) for p in "，、,：:")
    if cut >= length // 2:
        return window[:cut] + "……"
    return window + "……"
