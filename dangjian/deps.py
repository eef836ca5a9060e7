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
"""
from __future__ import annotations

import hashlib
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
                 digests: dict[str, str], html_hashes: dict[str, str]):
        self.site, self.urls = site, urls
        self.global_key = global_key
        self.facets = facets
        self.cards = {a.key: _h((a.key, digests[a.key], html_hashes[a.key], urls.article(a), repr(a.cover_image)))
                      for a in site.articles}
        self._whole: dict[str, str] = {}
        self._teasers: dict[str, str] = {}
        self._terms: dict[tuple[str, str], str] = {}
        self._memo: dict = {}                 # Month/Year by id (they live as long as the site), extras

    def teaser(self, art: Article | None) -> str:
        """What a link to an article shows (neighbours, related): not its body."""
        if art is None:
            return "-"
        t = self._teasers.get(art.key)
        if t is None:
            t = self._teasers[art.key] = _h((art.key, self.urls.article(art), repr((
                art.title, art.date, art.has_time, art.category.slug, art.source, art.authors, art.tags,
                art.summary, art.pinned, art.cover, art.updated))))
        return t

    # Whole-facet digests, computed once per build when some template needs them.
    def whole(self, facet: str) -> str:
        if facet not in self._whole:
            if facet == "sitemap":     # what sitemap entries show: URL and last-modified date
                value = _h(f"{self.urls.article(a)}:{a.date.isoformat()}:{a.updated}" for a in self.site.articles)
                value = _h((value, *(c.slug for c in self.site.categories)))
            elif facet == "updated":
                value = self.site.articles[0].date.isoformat() if self.site.articles else ""
            elif facet in ("tags", "sources", "authors", "term"):
                value = _h(self._term(t, with_articles=True)
                           for terms in (self.site.tags, self.site.sources, self.site.authors) for t in terms)
            else:   # articles, pinned, years, neighbours, anything unknown: every article card
                value = _h(self.cards[a.key] for a in self.site.articles)
                if facet not in ("articles", "pinned", "years", "articles_in", "newer", "older", "related"):
                    value = _h((value, self.whole("tags")))
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
            return self.cards[value.key]
        if isinstance(value, str):
            return value
        if isinstance(value, (tuple, list)):
            return "(" + ",".join([self._of(v) for v in value]) + ")"
        if isinstance(value, Category):
            return "c:" + value.slug
        if isinstance(value, Term):
            return self._term(value)
        if isinstance(value, (Month, Year)):
            sig = self._memo.get(id(value))
            if sig is None:
                if isinstance(value, Month):
                    sig = _h(["m", str(value.year), str(value.month), *(self.cards[a.key] for a in value.articles)])
                else:
                    sig = _h(["y", str(value.year), *(self._of(m) for m in value.months)])
                self._memo[id(value)] = sig
            return sig
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
                     self._crumbs(page.crumbs), self.cards[art.key], self._of(page.category),
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


def sign_all(signer: Signer, pages: list, jobs: int) -> list[str]:
    """Every page's signature, in order; on a big site over forked workers (10,000 pages ≈0.4 s in one process)."""
    if len(pages) < SIGN_PARALLEL or jobs <= 1:
        return [signer.sign(p) for p in pages]
    from . import parallel
    _SIGNER[0] = signer
    try:
        return parallel.run(_sign_one, pages, jobs, None, -(-len(pages) // (jobs * 2)))
    finally:
        _SIGNER[0] = None


def _sign_one(page) -> str:
    return _SIGNER[0].sign(page)
