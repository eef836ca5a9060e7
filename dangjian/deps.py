"""Page signatures: what each planned page's bytes depend on, as one hash.

A page whose signature matches the last build's (and whose published file is
untouched) is not rendered again. The signature covers the engine, every
template, the config, the page's own fields and, for each article it shows,
a "card" hash of that article's source file, body HTML and URL.

Templates reach the site model through `site.<facet>`; the facets each kind of
page is known to use are signed precisely (an article page: its neighbours,
related articles and its terms' URLs). Any other facet a template (or one it
includes or extends) uses makes that kind depend on the facet as a whole, so a
customised template costs speed, never correctness.

Signing every page takes a third of a second at 10,000 articles, most of an
edit rebuild. So each signature also records which article cards went into
it, and the build keeps a "structure" key: every article's teaser in site
order, every page path and the global key. While the structure is unchanged,
everything a signature holds except cards is unchanged too, so only pages
that used a changed card (or a whole-site facet) are signed again.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable

import jinja2
import jinja2.meta

from .model import Article, Category, Month, Site, Term, Year
from .pages import Page, Pager
from .urls import Urls

# Facets each page kind's signature already covers.
_COVERED = {"article": {"newer", "older", "related", "term"},
            "home": {"pinned", "articles", "articles_in"},
            "archives": {"years"}}
_ALWAYS = {"categories", "config"}
# Template globals that read the site, and the facet each depends on.
_GLOBALS = {"sitemap_entries": "sitemap", "sitemap_parts": "sitemap", "updated": "updated"}


def _h(parts: Iterable[str]) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def template_facets(env: jinja2.Environment) -> dict[str, set[str]]:
    """For every template: the `site.` facets (and sensitive globals) used by it and what it pulls in."""
    own: dict[str, set[str]] = {}
    refs: dict[str, set[str]] = {}
    for name in env.list_templates():
        try:
            source = env.loader.get_source(env, name)[0]
            tokens = list(env.lex(source))
            refs[name] = {r for r in jinja2.meta.find_referenced_templates(env.parse(source)) if r}
        except jinja2.TemplateError:
            own[name], refs[name] = {"*"}, set()    # broken: rendering will report it
            continue
        used = set()
        for i, (_, kind, value) in enumerate(tokens):
            if kind != "name" or (i and tokens[i - 1][2] == "."):     # `x.site`, `article.updated`
                continue
            if value == "site":
                nxt = tokens[i + 1] if i + 1 < len(tokens) else None
                after = tokens[i + 2] if i + 2 < len(tokens) else None
                if nxt and nxt[2] == "." and after and after[1] == "name":
                    used.add(after[2])
                else:
                    used.add("*")                  # the whole site handed on: depend on all of it
            elif value in _GLOBALS:
                used.add(_GLOBALS[value])
        own[name] = used
    closure: dict[str, set[str]] = {}
    for name in own:
        seen, todo, facets = set(), [name], set()
        while todo:
            t = todo.pop()
            if t in seen:
                continue
            seen.add(t)
            facets |= own.get(t, {"*"} if t not in own else set())
            todo.extend(refs.get(t, ()))
        closure[name] = facets
    return closure


class Signer:
    def __init__(self, site: Site, urls: Urls, global_key: str, facets: dict[str, set[str]],
                 digests: dict[str, str], html_hashes: dict[str, str], teasers: tuple | None = None):
        self.site, self.urls = site, urls
        self.global_key = global_key
        self.facets = facets
        self.cards = {a.key: _h((a.key, digests[a.key], html_hashes[a.key], urls.article(a), repr(a.cover_image)))
                      for a in site.articles}
        self._whole: dict[str, str] = {}
        self._teasers: dict[str, str] = {}
        # The last build's teasers, (global key, {article key: (card, teaser)}). A teaser is made of
        # the article's front matter, summary and URL: all fixed by its card and the global key.
        self._known = teasers[1] if teasers and teasers[0] == global_key else {}
        self._terms: dict[tuple[str, str], str] = {}
        self._memo: dict = {}                 # Month/Year by id (they live as long as the site), extras
        self._used: set[str] | None = None    # card keys read while signing one page (sign_traced)
        self._wild = False                    # that page used a whole-site facet

    def _card(self, key: str) -> str:
        if self._used is not None:
            self._used.add(key)
        return self.cards[key]

    def sign_traced(self, page: Page) -> tuple[str, tuple[str, ...] | None]:
        """The signature and the article keys whose cards it used (None: it depends on the whole site)."""
        self._used, self._wild = set(), False
        try:
            sig = self.sign(page)
            return sig, (None if self._wild else tuple(sorted(self._used)))
        finally:
            self._used = None

    def structure(self, pages: list[Page]) -> str:
        """Everything signatures hold besides cards: while equal, only card changes matter."""
        return _h([self.global_key, *[self.teaser(a) for a in self.site.articles], "\x1e", *[p.path for p in pages]])

    def teaser(self, art: Article | None) -> str:
        """What a link to an article shows (neighbours, related): not its body."""
        if art is None:
            return "-"
        t = self._teasers.get(art.key)
        if t is None:
            known = self._known.get(art.key)
            if known is not None and known[0] == self.cards[art.key]:
                t = self._teasers[art.key] = known[1]
            else:
                t = self._teasers[art.key] = _h((art.key, self.urls.article(art), repr((
                    art.title, art.date, art.has_time, art.category.slug, art.source, art.authors, art.tags,
                    art.summary, art.pinned, art.cover, art.updated))))
        return t

    def teasers(self) -> tuple:
        """This build's teasers, for the next build's Signer."""
        cards = self.cards
        return self.global_key, {k: (cards[k], t) for k, t in self._teasers.items() if k in cards}

    # Whole-facet digests, computed once per build when some template needs them.
    def whole(self, facet: str) -> str:
        self._wild = True
        if facet not in self._whole:
            if facet == "sitemap":     # what sitemap entries show: URLs and dates, all in the teasers
                value = _h([*(self.teaser(a) for a in self.site.articles), "\x1e",
                            *(c.slug for c in self.site.categories)])
            elif facet == "updated":
                value = self.site.articles[0].date.isoformat() if self.site.articles else ""
            elif facet in ("tags", "sources", "authors", "term"):
                # One kind's terms (the search page lists sources): the others need not be hashed.
                kinds = {"tags": (self.site.tags,), "sources": (self.site.sources,),
                         "authors": (self.site.authors,)}.get(facet, (self.site.tags, self.site.sources, self.site.authors))
                value = _h(self._term(t, with_articles=True) for terms in kinds for t in terms)
            else:   # articles, pinned, years, neighbours, anything unknown: every article card
                value = _h(self.cards[a.key] for a in self.site.articles)
                if facet not in ("articles", "pinned", "years", "articles_in", "newer", "older", "related"):
                    value = _h((value, self.whole("term")))
            self._whole[facet] = value
        return self._whole[facet]

    def _term(self, term: Term, with_articles: bool = False) -> str:
        if with_articles:
            return _h([term.kind, term.name, self.urls.term(term), *(self.cards[a.key] for a in term.articles)])
        key = (term.kind, term.name)
        sig = self._terms.get(key)
        if sig is None:
            sig = self._terms[key] = f"t:{term.kind}:{term.name}:{self.urls.term(term)}:{len(term.articles)}"
        return sig

    def _of(self, value) -> str:
        """A text standing for `value` in a signature (hashed once per page, in `sign`)."""
        if value is None:
            return "-"
        if isinstance(value, Article):
            return self._card(value.key)
        if isinstance(value, str):
            return value
        if isinstance(value, (tuple, list)):
            return "(" + ",".join([self._of(v) for v in value]) + ")"
        if isinstance(value, Category):
            return "c:" + value.slug
        if isinstance(value, Term):
            return self._term(value)
        if isinstance(value, (Month, Year)):
            memo = self._memo.get(id(value))
            if memo is None:
                if isinstance(value, Month):
                    keys = tuple(a.key for a in value.articles)
                    sig = _h(["m", str(value.year), str(value.month), *(self.cards[k] for k in keys)])
                else:
                    keys = tuple(a.key for m in value.months for a in m.articles)
                    sig = _h(["y", str(value.year), *(self._of(m) for m in value.months)])
                memo = self._memo[id(value)] = (sig, keys)
            if self._used is not None:
                self._used.update(memo[1])
            return memo[0]
        if isinstance(value, Pager):
            return f"p:{self._of(value.target)}:{value.number}:{value.count}:{value.total}"
        return repr(value)

    def _extras(self, template: str, kind: str) -> list[str]:
        """Whole-facet digests for what this kind's template uses beyond what is signed precisely."""
        key = (template, kind)
        extras = self._memo.get(key)
        if extras is None:
            covered = _COVERED.get(kind, set()) | _ALWAYS
            extras = self._memo[key] = [self.whole(f) for f in sorted(self.facets.get(template, {"*"}) - covered)]
        if extras:
            self._wild = True
        return extras

    def _crumbs(self, crumbs) -> str:
        return "|".join([f"{c.label}>{self._of(c.target)}" for c in crumbs])

    def sign(self, page: Page) -> str:
        site = self.site
        art = page.article
        if page.kind == "article" and art is not None:
            # The common case (most pages), kept flat: it runs for every article on every build.
            # An article page links its terms: their URLs matter, not how many articles they hold.
            term, teaser, url = site.term, self.teaser, self.urls.term
            parts = [self.global_key, page.path, page.template, page.title, page.description,
                     self._crumbs(page.crumbs), self._card(art.key), self._of(page.category),
                     teaser(site.newer(art)), teaser(site.older(art))]
            parts += [teaser(a) for a in site.related(art)]
            parts += [url(term("tag", n)) for n in art.tags]
            parts += [url(term("author", n)) for n in art.authors]
            if art.source:
                parts.append(url(term("source", art.source)))
            parts += self._extras(page.template, page.kind)
            return _h(parts)
        parts = [self.global_key, page.path, page.template, page.kind, page.title, page.description,
                 page.term_kind, self._crumbs(page.crumbs),
                 self._of(art), self._of(page.articles), self._of(page.pager), self._of(page.category),
                 self._of(page.term), self._of(page.terms), self._of(page.year), self._of(page.month)]
        if page.kind == "home":
            home = site.config.home
            parts += [self._of(site.pinned[:home.pinned]), self._of(site.articles[:home.latest])]
            parts += [self._of(site.articles_in(c)[:home.per_category]) for c in site.categories]
        if page.kind == "archives":
            parts += [f"{y.year}:{m.month}:{len(m.articles)}" for y in site.years for m in y.months]
        if page.kind == "feed":
            parts.append(site.articles[0].date.isoformat() if site.articles else "")
        if page.kind == "stats":          # counts over every article, its authors and sources
            parts += [self.whole("articles"), self.whole("term")]
        parts += self._extras(page.template, page.kind)
        return _h(parts)


SIGN_PARALLEL = 4000        # pages; below this, forking (≈50 ms) costs more than it saves
_SIGNER: list = [None]      # what forked signing workers inherit


@dataclass
class Signed:
    sigs: dict[str, str]                              # output path -> signature
    uses: dict[str, tuple[str, ...] | None]           # output path -> the article cards its signature used
    cards: dict[str, str]
    structure: str
    signed: int = 0                                   # pages actually signed (the others kept their signature)
    teasers: tuple = ()                               # Signer.teasers(), kept for the next build


def sign_all(signer: Signer, pages: list, jobs: int, previous: Signed | None = None) -> Signed:
    """Every page's signature. With the `previous` build's Signed record and an unchanged structure,
    only pages that used a changed card are signed again; otherwise all are, on a big site over
    forked workers."""
    structure = signer.structure(pages)
    if previous is not None and previous.structure == structure:
        old_sigs, old_uses, old_cards = previous.sigs, previous.uses, previous.cards
        changed = {k for k, card in signer.cards.items() if old_cards.get(k) != card}
        sigs, uses, signed = {}, {}, 0
        for page in pages:
            used = old_uses.get(page.path, None)
            if used is not None and page.path in old_sigs and changed.isdisjoint(used):
                sigs[page.path], uses[page.path] = old_sigs[page.path], used
            else:
                sigs[page.path], uses[page.path] = signer.sign_traced(page)
                signed += 1
        return Signed(sigs, uses, signer.cards, structure, signed, signer.teasers())
    if len(pages) < SIGN_PARALLEL or jobs <= 1:
        traced = [signer.sign_traced(p) for p in pages]
    else:
        from . import parallel
        _SIGNER[0] = signer
        try:
            traced = parallel.run(_sign_one, pages, jobs, None, -(-len(pages) // (jobs * 2)))
        finally:
            _SIGNER[0] = None
    return from_traced(signer, pages, traced, structure)


def from_traced(signer: Signer, pages: list, traced: list, structure: str | None = None) -> Signed:
    """The record of a build that signed every page (`traced`: sign_traced's results, in page order)."""
    paths = [p.path for p in pages]
    return Signed(dict(zip(paths, [t[0] for t in traced])), dict(zip(paths, [t[1] for t in traced])),
                  signer.cards, structure or signer.structure(pages), len(pages), signer.teasers())


def _sign_one(page):
    return _SIGNER[0].sign_traced(page)
