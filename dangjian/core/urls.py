"""The one place that knows slugs, URLs and output paths.

Output paths are posix paths below the output folder ("news/2024/slug/index.html").
Links inside pages are relative (they work under any sub-path and from disk);
feeds and the sitemap use absolute URLs from `base_url`, without `index.html`.
"""
from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from urllib.parse import quote

from .. import problems as P
from ..config import SLUG_RE, SiteConfig
from ..errors import Report
from .content import Source
from .fields import shown
from .model import Article, Category, Month, Term, Topic, Year

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_PLAIN = re.compile(r"[A-Za-z0-9/._~-]*")          # nothing to encode
TERM_DIRS = {"tag": "tags", "source": "sources", "author": "authors"}
HOME = "index.html"
NOT_FOUND = "404.html"
SEARCH = "search/index.html"
SEARCH_INDEX = "pagefind"        # the folder of the search index (build/search.py)
STATS = "stats/index.html"
ACCESSIBILITY = "accessibility/index.html"     # 无障碍与适老化说明
TOPICS = "topics/index.html"                   # 专题: every topic, running and archived


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII slug; Chinese becomes pinyin with pypinyin's phrase dictionary (银行 → yin-hang)."""
    if not text.isascii():
        from pypinyin import lazy_pinyin     # imported on first use: a large dictionary
        text = "-".join(lazy_pinyin(text))
    slug = _NON_SLUG.sub("-", text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug


class Slugger:
    """`slugify` remembering what it computed, (text, max_length) -> slug. The build cache keeps
    `known` between builds, so a rebuild need not load pypinyin's dictionaries (~0.4 s)."""

    LIMIT = 1_000_000

    def __init__(self, known: dict[tuple[str, int], str] | None = None):
        self.known = dict(known or {})

    def __call__(self, text: str, max_length: int = 80) -> str:
        slug = self.known.get((text, max_length))
        if slug is None:
            slug = slugify(text, max_length)
            if len(self.known) < self.LIMIT:
                self.known[(text, max_length)] = slug
        return slug


def article_source(category: str, year: int, slug: str) -> str:
    """Where `new` puts an article, below content/ (the layout editors are told to use)."""
    return f"{category}/{year}/{slug}.md"


MAX_SLUG = 100        # characters; a file name may not be longer than 255 bytes


def is_valid_slug(slug: str) -> bool:
    return bool(SLUG_RE.match(slug))


def page_dir(path: str) -> str:
    """The pretty URL of an output path: "news/index.html" → "news/"."""
    if path == HOME:
        return ""
    if path.endswith("/index.html"):
        return path[: -len("index.html")]
    return path


def relative(from_path: str, to_path: str) -> str:
    """A link from one output file to another, percent-encoded (Chinese file names, spaces, commas);
    it always ends in a file so it works from disk."""
    if "://" in to_path or to_path.startswith(("/", "#", "mailto:")):
        return to_path
    depth = from_path.count("/")
    to_path = encode(to_path)
    return "../" * depth + to_path if depth else to_path


def encode(path: str) -> str:
    """An output path as it goes into a URL: everything but / percent-encoded (UTF-8)."""
    return path if path.isascii() and _PLAIN.fullmatch(path) else quote(path, safe="/")


def is_safe(path: str) -> bool:
    """True for a relative path that stays inside the output folder."""
    if not path or path.startswith("/") or "\\" in path or "\x00" in path:
        return False
    norm = posixpath.normpath(path)
    return norm == path and not norm.startswith("../") and norm != ".." and ":" not in norm.split("/", 1)[0]


class Urls:
    """Slugs and output paths for one build, assigned from the validated sources."""

    def __init__(self, config: SiteConfig, sources: list[Source], report: Report, slugger: Slugger | None = None,
                 withdrawn: set[str] = frozenset()):
        """`sources`: the published articles and the withdrawn ones (`withdrawn`: their files), whose
        addresses keep a notice (and no earlier addresses)."""
        self.config = config
        self.withdrawn = withdrawn
        self.slug = slugger or Slugger()
        self.articles: dict[str, str] = {}          # source rel → output path
        self.aliases: dict[str, str] = {}           # an earlier address (output path) → source rel
        self._terms: dict[tuple[str, str], str] = {}
        owners: dict[str, Source] = {}
        for src in sources:
            slug = self._article_slug(src, report, self.slug)
            if slug is None:
                continue
            path = f"{src.category}/{src.date.year}/{slug}/index.html"
            if path in owners:
                other = owners[path]
                report.add(P.DUPLICATE_URL, src.path, src.lines.get("slug", 1), field="slug", url=page_dir(path),
                           other=other.rel, slug=slug)
                continue
            owners[path] = src
            self.articles[src.rel] = path
        self._assign_aliases(sources, owners, report)

    def _assign_aliases(self, sources: list[Source], owners: dict[str, Source], report: Report) -> None:
        """Earlier addresses of articles (the `aliases` field): each becomes a page that sends readers on."""
        for src in sources:
            for path in src.aliases if src.rel in self.articles and src.rel not in self.withdrawn else ():
                other = owners.get(path)
                if other is not None and other.rel != src.rel:
                    report.add(P.ALIAS_TAKEN, src.path, src.lines.get("aliases", 1), field="aliases",
                               url=page_dir(path), other=other.rel)
                elif other is None:
                    owners[path] = src
                    self.aliases[path] = src.rel

    @staticmethod
    def _article_slug(src: Source, report: Report, slugify: Slugger) -> str | None:
        if src.slug:
            if not is_valid_slug(src.slug) or len(src.slug) > MAX_SLUG:
                report.add(P.INVALID_SLUG, src.path, src.lines.get("slug", 1), field="slug", slug=shown(src.slug),
                           suggestion=slugify(src.slug, MAX_SLUG) or "my-article")
                return None
            return src.slug
        name = src.rel.rsplit("/", 1)[-1]      # PurePosixPath(rel).stem, without building 10,000 paths
        dot = name.rfind(".")
        stem = name[:dot] if 0 < dot < len(name) - 1 else name
        slug = slugify(stem) or slugify(src.title)
        if not slug:
            report.add(P.NO_SLUG, src.path, 1, field="slug")
            return None
        return slug

    def assign_terms(self, kind: str, terms: tuple[Term, ...]) -> None:
        """Term slugs, unique within their kind. Names that make the same slug get -2, -3 in the
        order they first appeared (their oldest article; then by name): a new name never takes a
        published term's address, and every build, cold or not, agrees."""
        by_slug: dict[str, list[Term]] = defaultdict(list)
        for term in terms:
            by_slug[self.slug(term.name) or "x"].append(term)
        for slug, clashing in by_slug.items():
            clashing.sort(key=lambda t: (t.articles[-1].date, t.articles[-1].key, t.name))   # newest first
            for i, term in enumerate(clashing):
                self._terms[(kind, term.name)] = slug if i == 0 else f"{slug}-{i + 1}"

    # Output paths -------------------------------------------------------
    def article(self, article: Article) -> str:
        return self.articles[article.key]

    @staticmethod
    def _paged(base: str, page: int) -> str:
        return f"{base}index.html" if page <= 1 else f"{base}page/{page}/index.html"

    def category(self, category: Category, page: int = 1) -> str:
        return self._paged(f"{category.slug}/", page)

    def term(self, term: Term, page: int = 1) -> str:
        return self._paged(f"{TERM_DIRS[term.kind]}/{self._terms[(term.kind, term.name)]}/", page)

    @staticmethod
    def terms_index(kind: str) -> str:
        return f"{TERM_DIRS[kind]}/index.html"

    @staticmethod
    def archive(year: int | None = None, month: int | None = None) -> str:
        if year is None:
            return "archives/index.html"
        if month is None:
            return f"archives/{year}/index.html"
        return f"archives/{year}/{month:02d}/index.html"

    @staticmethod
    def stats() -> str:
        return STATS

    def topic(self, topic: Topic, page: int = 1) -> str:
        return self._paged(f"topics/{topic.slug}/", page)

    @staticmethod
    def feed(of: Category | Topic | None = None) -> str:
        """The Atom feed of the site, a category or a topic."""
        if isinstance(of, Topic):
            return f"topics/{of.slug}/feed.xml"
        return f"{of.slug}/feed.xml" if of else "feed.xml"

    def path_of(self, target, page: int = 1) -> str:
        """The output path of any model object (or a path given as text)."""
        if isinstance(target, str):
            return target
        if isinstance(target, Article):
            return self.article(target)
        if isinstance(target, Category):
            return self.category(target, page)
        if isinstance(target, Term):
            return self.term(target, page)
        if isinstance(target, Topic):
            return self.topic(target, page)
        if isinstance(target, Month):
            return self.archive(target.year, target.month)
        if isinstance(target, Year):
            return self.archive(target.year)
        raise TypeError(f"no URL for {target!r}")

    def absolute(self, path: str) -> str:
        """The public URL of an output path, e.g. https://host/djgz/news/."""
        return self.config.absolute_base + encode(page_dir(path))

    def asset(self, content_rel: str) -> str | None:
        """Output path of a file beside the articles: the same place below the output."""
        return content_rel if is_safe(content_rel) else None

    @staticmethod
    def image_variant(content_rel: str, width: int, fmt: str) -> str | None:
        """Output path of one resized copy of an image: images/a.jpg → images/a-960w.webp."""
        stem, _ = posixpath.splitext(content_rel)
        path = f"{stem}-{width}w.{fmt}"
        return path if is_safe(path) else None
