"""The site model: immutable articles, categories and the indexes over them.

Built from validated `Source`s plus each article's rendered body; templates
see only these objects, never raw front matter.
"""
from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Callable

from ..config import SiteConfig
from . import content
from .content import STRUCTURE, Record, Source, attributes


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    description: str
    order: int


@dataclass(frozen=True)
class Body:
    """An article body after Markdown and sanitising (made by markup.py)."""

    html: str
    summary: str
    reading_minutes: int
    char_count: int
    toc: tuple[tuple[int, str, str], ...] = ()     # (level, id, text)


@dataclass(frozen=True)
class Picture:
    """A processed image (made by images.py via the pipeline): its output path and pixel size, and
    for a cover the small copy shown in lists (`thumb`: JPEG, with `thumb_webp` offered first)."""

    path: str
    width: int
    height: int
    thumb: str = ""
    thumb_webp: str = ""
    thumb_width: int = 0
    thumb_height: int = 0


class Article(Record):
    """A published article: every front-matter field of its Source (see content.FIELDS), with its
    category as a `Category`, its rendered `body`, the summary written or else the body's own,
    and `cover_image`, the cover resized for share metadata and lists."""

    @property
    def html(self) -> str:
        return self.body.html

    @property
    def reading_minutes(self) -> int:
        return self.body.reading_minutes

    @property
    def date_text(self) -> str:
        d = self.date
        text = f"{d.year}年{d.month}月{d.day}日"
        return f"{text} {d:%H:%M}" if self.has_time else text

    @property
    def iso_date(self) -> str:
        return self.date.isoformat() if self.has_time else self.date.date().isoformat()


def make_article(src: Source, category: Category, body: Body, cover: Picture | None = None,
                 pending: str = "") -> Article:
    """The Article of a Source: its fields copied, then the model's own attributes. Filled directly
    (10,000 per build; tests/core/test_model.py checks it equals Article(**values)). `updated`
    follows the newest 更正; `pending` is what a preview's 待审 banner says the article lacks."""
    art = object.__new__(Article)
    names, pick = _field_getter(content.FIELDS)
    values = art.__dict__
    values.update(zip(names, pick(src.__dict__)))
    values.update(key=src.rel, category=category, body=body, summary=src.summary or body.summary,
                  cover_image=cover, pending=pending)
    if src.corrections:
        newest = src.corrections[-1][0]
        values["updated"] = max(newest, src.updated) if src.updated else newest
    return art


@dataclass(frozen=True)
class Withdrawal:
    """A withdrawn (撤稿) article: what the notice at its address says."""

    key: str
    title: str
    category: Category
    date: datetime
    withdrawn_date: datetime
    reason: str


@lru_cache(maxsize=8)
def _field_getter(fields: tuple) -> tuple[tuple[str, ...], Callable]:
    names = attributes(fields)[:-len(STRUCTURE)]
    return names, itemgetter(*names)


@dataclass(frozen=True)
class Term:
    """A tag, a source office (来源) or an author, with its articles, newest first."""

    kind: str                     # "tag" | "source" | "author"
    name: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Image:
    """A picture from the site's static/ folder (a topic's banner, the header's logo): its name there
    and pixel size (0 when unknown), so pages reserve its space before it loads."""

    name: str
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class Topic:
    """A 专题 of site.toml, as published on the build's day: `archived` once its end date has passed.
    Its articles are `Site.topic_articles(topic)`, so the topic itself is config alone."""

    slug: str
    name: str
    short_name: str
    intro: str                     # HTML, from the configured Markdown
    summary: str                   # the intro's opening as plain text (the page's description)
    tags: tuple[str, ...]          # articles with one of these belong to it (besides those naming it)
    banner: Image | None
    start: date | None
    end: date | None
    archived: bool

    @property
    def period(self) -> str:
        """When it ran, as readers read it: 2024年4月1日—2024年12月31日."""
        def day(d: date) -> str:
            return f"{d.year}年{d.month}月{d.day}日"
        if self.start and self.end:
            return f"{day(self.start)}—{day(self.end)}"
        if self.start:
            return f"{day(self.start)}起"
        return f"至{day(self.end)}" if self.end else ""


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    articles: tuple[Article, ...]

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


@dataclass(frozen=True)
class Year:
    year: int
    months: tuple[Month, ...]     # newest first

    @property
    def count(self) -> int:
        return sum(len(m.articles) for m in self.months)


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    articles: tuple[Article, ...]                 # newest first
    categories: tuple[Category, ...]              # in configured order; empty ones left out (no page, no link)
    by_category: dict[str, tuple[Article, ...]] = field(hash=False)
    tags: tuple[Term, ...] = field(hash=False)
    sources: tuple[Term, ...] = field(hash=False)
    authors: tuple[Term, ...] = field(hash=False)
    years: tuple[Year, ...] = field(hash=False)
    _neighbours: dict[str, tuple[Article | None, Article | None]] = field(hash=False, repr=False)
    _related: dict[str, tuple[Article, ...]] = field(hash=False, repr=False)
    withdrawn: tuple[Withdrawal, ...] = field(default=(), hash=False)   # 撤稿: a notice at each address
    topics: tuple[Topic, ...] = field(default=(), hash=False)           # 专题 started by the build's day, in order
    _topic_articles: dict[str, tuple[Article, ...]] = field(default_factory=dict, hash=False, repr=False)
    pictures: dict[str, Image] = field(default_factory=dict, hash=False)   # static pictures site.toml names, sized

    @property
    def active_topics(self) -> tuple[Topic, ...]:
        """The topics still running: on the home page, in the navigation and sidebars."""
        return tuple(t for t in self.topics if not t.archived)

    def topic_articles(self, topic: Topic) -> tuple[Article, ...]:
        """A topic's articles, newest first."""
        return self._topic_articles.get(topic.slug, ())

    def topics_of(self, article: Article) -> tuple[Topic, ...]:
        """The published topics an article belongs to (by its 专题 field or its tags)."""
        return tuple(t for t in self.topics if belongs(article, t))

    @property
    def pinned(self) -> tuple[Article, ...]:
        return tuple(a for a in self.articles if a.pinned)

    def articles_in(self, category: Category) -> tuple[Article, ...]:
        """A category's articles, newest first (previous/next links follow this order)."""
        return self.by_category.get(category.slug, ())

    def listed_in(self, category: Category) -> tuple[Article, ...]:
        """A category's listing: pinned articles first (置顶 means 排在最前), then the others, newest first."""
        arts = self.articles_in(category)
        return tuple(a for a in arts if a.pinned) + tuple(a for a in arts if not a.pinned)

    def newer(self, article: Article) -> Article | None:
        """上一篇: the next newer article in the same category."""
        return self._neighbours[article.key][0]

    def older(self, article: Article) -> Article | None:
        """下一篇: the next older article in the same category."""
        return self._neighbours[article.key][1]

    def related(self, article: Article) -> tuple[Article, ...]:
        return self._related.get(article.key, ())

    def term(self, kind: str, name: str) -> Term | None:
        """The tag, source or author called `name` (templates link an article's terms through this)."""
        index = self.__dict__.get("_term_index")
        if index is None:   # built on first use: a dict instead of a scan per link
            index = {(t.kind, t.name): t for terms in (self.tags, self.sources, self.authors) for t in terms}
            object.__setattr__(self, "_term_index", index)
        return index.get((kind, name))


def _sort_key(article: Article):
    # Newest first; ties broken by key so every build orders alike.
    return (-article.date.timestamp(), article.key)


def belongs(article, topic) -> bool:
    """In a topic (a Topic or its config): named in the article's 专题 field, or tagged with one of its tags."""
    return topic.slug in article.topics or not set(topic.tags).isdisjoint(article.tags)


def _topics(config: SiteConfig, today: date, intros: dict[str, Body], images: dict[str, Image]) -> tuple[Topic, ...]:
    """The topics published on `today`: running ones first, then archived; each by `order`, newest start first."""
    made = []
    for i, t in enumerate(config.topics):
        state, start, intro = t.state(today), t.start_day, intros.get(t.slug)
        if state != "pending":
            made.append(((state == "archived", t.order, -(start or date.min).toordinal(), i),
                         Topic(t.slug, t.name, t.short_name or t.name, intro.html if intro else "",
                               intro.summary if intro else "", t.tags, images.get(t.banner) if t.banner else None,
                               start, t.end_day, state == "archived")))
    return tuple(topic for _, topic in sorted(made, key=lambda pair: pair[0]))


def build_site(config: SiteConfig, sources: list[Source], bodies: dict[str, Body],
               covers: dict[str, Picture] | None = None, memo: dict | None = None,
               withdrawn: list[Source] = (), pending: dict[str, str] | None = None, today: date | None = None,
               intros: dict[str, Body] | None = None, images: dict[str, Image] | None = None) -> Site:
    """The model. `memo` (kept by the build cache between builds) lets an unchanged
    tag layout reuse the related-articles table instead of scoring it again. `withdrawn`: the
    撤稿 articles (in no list, only a notice); `pending`: held articles a preview shows. `today`
    decides which topics are running (default: today where the site is); `intros`: each topic's
    introduction, converted like a body; `images`: the static pictures the config names, with their sizes."""
    categories = tuple(Category(c.slug, c.name, c.description, c.order)
                       for c in sorted(config.categories, key=lambda c: (c.order, config.categories.index(c))))
    cat_by_slug = {c.slug: c for c in categories}
    covers, pending = covers or {}, pending or {}
    articles = sorted((make_article(src, cat_by_slug[src.category], bodies[src.rel], covers.get(src.rel),
                                    pending.get(src.rel, "")) for src in sources), key=_sort_key)
    by_category: dict[str, list[Article]] = {c.slug: [] for c in categories}
    for art in articles:
        by_category[art.category.slug].append(art)
    neighbours = {}
    for arts in by_category.values():
        for i, art in enumerate(arts):
            neighbours[art.key] = (arts[i - 1] if i else None, arts[i + 1] if i + 1 < len(arts) else None)
    today = today or datetime.now(config.tz).date()
    topics = _topics(config, today, intros or {}, images or {})
    return Site(
        config=config,
        articles=tuple(articles),
        categories=tuple(c for c in categories if by_category[c.slug]),
        by_category={k: tuple(v) for k, v in by_category.items()},
        tags=_terms("tag", articles, lambda a: a.tags),
        sources=_terms("source", articles, lambda a: (a.source,) if a.source else ()),
        authors=_terms("author", articles, lambda a: a.authors),
        years=_years(articles),
        _neighbours=neighbours,
        _related=_related_memo(articles, config.related, memo),
        withdrawn=tuple(Withdrawal(src.rel, src.title, cat_by_slug[src.category], src.date, src.withdrawn_date,
                                   src.withdrawn) for src in sorted(withdrawn, key=lambda s: s.rel)),
        topics=topics,
        pictures=dict(images or {}),
        _topic_articles={t.slug: tuple(a for a in articles if belongs(a, t)) for t in topics},
    )


def _related_memo(articles: list[Article], count: int, memo: dict | None) -> dict[str, tuple[Article, ...]]:
    """The related table, kept between builds in `memo` (the build cache's): after articles are added,
    deleted, re-tagged or moved (a new date), only the articles whose tag windows reach a change are
    scored again."""
    if memo is None:
        return _related(articles, count)
    # Related articles depend only on the order of articles and their tags.
    import hashlib
    order = [(a.key, a.tags) for a in articles]
    key = hashlib.blake2b(repr((count, order)).encode(), digest_size=16).hexdigest()
    if memo.get("key") != key:
        changes = _changes(memo["order"], order) if memo.get("count") == count and "order" in memo else None
        keys, scored = _related_keys(order, count, memo.get("related", {}), changes)
        memo.clear()
        memo.update(key=key, count=count, order=order, related=keys, scored=scored)
    return _RelatedByKey(memo["related"], {a.key: a for a in articles})


class _RelatedByKey:
    """Related articles kept as keys, turned into Articles only for the pages that show them
    (an edit rebuild renders a few dozen pages, not 10,000)."""

    def __init__(self, keys: dict[str, tuple[str, ...]], by_key: dict[str, Article]):
        self._keys, self._by_key, self._done = keys, by_key, {}

    def get(self, key: str, default=()):
        found = self._done.get(key)
        if found is None:
            keys = self._keys.get(key)
            if keys is None:
                return default
            found = self._done[key] = tuple(self._by_key[k] for k in keys)
        return found


def _terms(kind, articles, names_of) -> tuple[Term, ...]:
    groups: dict[str, list[Article]] = defaultdict(list)
    for art in articles:
        for name in names_of(art):
            groups[name].append(art)
    # Most used first, then by name, so index pages lead with what matters.
    return tuple(Term(kind, name, tuple(arts))
                 for name, arts in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def _years(articles) -> tuple[Year, ...]:
    months: dict[tuple[int, int], list[Article]] = defaultdict(list)
    for art in articles:
        months[(art.date.year, art.date.month)].append(art)
    years: dict[int, list[Month]] = defaultdict(list)
    for (y, m), arts in sorted(months.items(), reverse=True):
        years[y].append(Month(y, m, tuple(arts)))
    return tuple(Year(y, tuple(ms)) for y, ms in sorted(years.items(), reverse=True))


RELATED_WINDOW = 60     # members of each tag scored around an article, half on each side


def _related(articles: list[Article], count: int) -> dict[str, tuple[Article, ...]]:
    """Articles sharing the most tags, nearest in time first.

    Only a window of the nearest articles on each tag is scored, which keeps
    this linear in the corpus size instead of quadratic.
    """
    keys, _ = _related_keys([(a.key, a.tags) for a in articles], count)
    by_key = {a.key: a for a in articles}
    return {k: tuple(by_key[r] for r in rel) for k, rel in keys.items()}


def _related_keys(order: list[tuple[str, tuple]], count: int, old: dict | None = None,
                  changes: list[int] | None = None) -> tuple[dict[str, tuple[str, ...]], int]:
    """{article key: its related articles' keys} for `order` ((key, tags) in site order), and how
    many articles were scored. Given the `old` table and the positions that changed (`_changes`),
    only the articles whose windows reach a change are scored; the others keep their old entry."""
    if count <= 0:
        return {}, 0
    by_tag: dict[str, list[int]] = defaultdict(list)
    for i, (_, tags) in enumerate(order):
        for tag in tags:
            by_tag[tag].append(i)
    if changes is None or len(changes) > len(order) // 4:
        todo, related = range(len(order)), {}
    else:
        todo = _reaching(order, by_tag, changes)
        present = {k for k, _ in order}
        related = {k: v for k, v in (old or {}).items() if k in present}
    half = RELATED_WINDOW // 2
    for i in todo:
        key, tags = order[i]
        scores = Counter()
        for tag in tags:
            members = by_tag[tag]
            at = bisect.bisect_left(members, i)
            scores.update(members[max(0, at - half): at + half + 1])    # counted in C
        scores.pop(i, None)
        if not scores:
            related.pop(key, None)
            continue
        # Same order as sorting by (-score, distance, index); tuples avoid a key call per candidate.
        ranked = sorted([(-score, j - i if j > i else i - j, j) for j, score in scores.items()])
        related[key] = tuple([order[j][0] for _, _, j in ranked[:count]])
    return related, len(todo)


def _changes(old: list[tuple[str, tuple]], new: list[tuple[str, tuple]]) -> list[int]:
    """Where `new` differs from `old`, as sorted positions in `new`: an article added, re-tagged or
    moved (its position) and one removed or moved away (the position of the next article that
    stayed where it was among the others). The articles that stayed are the most that kept
    their order: any other order change is a move (a new date)."""
    old_tags, at = dict(old), {k: i for i, (k, _) in enumerate(new)}
    stayed = _longest_in_order([k for k, _ in old if k in at], at)
    changes = [i for i, (k, tags) in enumerate(new) if k not in stayed or old_tags[k] != tags]
    following = len(new)
    for k, _ in reversed(old):
        if k in stayed:
            following = at[k]
        else:
            changes.append(following)
    return sorted(changes)


def _longest_in_order(keys: list[str], at: dict[str, int]) -> set[str]:
    """The largest set of `keys` whose positions `at` increase in the order given (patience sorting)."""
    ends: list[int] = []              # ends[n]: the smallest position ending an increasing run of n + 1
    last: list[int] = []              # the index in keys of that end
    before = [-1] * len(keys)
    for i, key in enumerate(keys):
        n = bisect.bisect_left(ends, at[key])
        if n:
            before[i] = last[n - 1]
        if n == len(ends):
            ends.append(at[key])
            last.append(i)
        else:
            ends[n], last[n] = at[key], i
    run, i = set(), last[-1] if last else -1
    while i >= 0:
        run.add(keys[i])
        i = before[i]
    return run


def _reaching(order: list, by_tag: dict[str, list[int]], changes: list[int]) -> list[int]:
    """The articles whose score could differ: a change lies within the span of their windows
    (what is scored and the distances ranking it), or a window is cut short by the end of its
    tag's list (an article added beyond would join it)."""
    half, last, todo = RELATED_WINDOW // 2, len(order), []
    for i, (_, tags) in enumerate(order):
        lo = hi = i
        for tag in tags:
            members = by_tag[tag]
            at = bisect.bisect_left(members, i)
            lo = min(lo, members[at - half] if at >= half else -1)
            hi = max(hi, members[at + half] if at + half < len(members) else last)
        n = bisect.bisect_left(changes, lo)
        if n < len(changes) and changes[n] <= hi + 1:
            todo.append(i)
    return todo
