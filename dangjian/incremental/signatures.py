"""Page signatures: what each planned page's bytes depend on, as one hash.

A page whose signature matches the last build's (and whose published file is
untouched) is not rendered again. The signature covers the engine, every
template, the config (the global key), the page's own fields and, for each
article it shows, a "card" hash of that article's source file, body HTML and
URL; then what its kind declares it reads of the whole site (core/plan.py's
`Reads`), each at the depth declared: an article's card or its teaser (what a
link to it shows), a term's URL, or plain values. Signing knows no page kind:
it signs declarations, so a new kind is signed like every other.

Templates reach the site through `site.<facet>` and a few site globals; any
facet a template (or one it includes or extends) reads that its kind does not
declare makes the kind depend on that facet as a whole (plan.FACETS), so a
customised template costs speed, never correctness.

Signing every page takes a third of a second at 10,000 articles, most of an
edit rebuild. So each signature also records which article cards went into
it, and the build keeps a "structure" key: every article's teaser in site
order, every withdrawal notice, every page path and the global key. While the structure is unchanged,
everything a signature holds except cards is unchanged too, so only pages
that used a changed card (or a whole-site facet) are signed again.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

import jinja2
import jinja2.meta

from ..core import content, plan
from ..core.model import Article, Category, Month, Site, Term, Topic, Year
from ..core.pages import Page, Pager
from ..core.urls import Urls
from ..util import parallel


def _h(parts: Iterable[str]) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


_FRAME_CALL = re.compile(r"""\bframe\(\s*["']([^"']+)["']""")


def template_facets(env: jinja2.Environment) -> dict[str, set[str]]:
    """For every template: the `site.` facets (and site globals' facets) used by it and what it pulls in."""
    own: dict[str, set[str]] = {}
    refs: dict[str, set[str]] = {}
    for name in env.list_templates():
        try:
            source = env.loader.get_source(env, name)[0]
            tokens = list(env.lex(source))
            refs[name] = {r for r in jinja2.meta.find_referenced_templates(env.parse(source)) if r} \
                | set(_FRAME_CALL.findall(source))         # partials rendered through build/render's frame()
        except jinja2.TemplateError:
            own[name], refs[name] = {"*"}, set()    # broken: rendering will report it
            continue
        own[name] = _facets_used(tokens)
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


def _facets_used(tokens: list) -> set[str]:
    globals_read = {name: facet for name, (facet, _) in plan.SITE_GLOBALS.items()}
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
        elif value in globals_read:
            used.add(globals_read[value])
    return used


def teaser_values(art: Article) -> list:
    """What a link to an article shows: the table's teaser fields (core/content.py)."""
    return [getattr(art, name) for row in content.FIELDS if row.teaser for name in row.names]


class Signer:
    def __init__(self, site: Site, urls: Urls, global_key: str, facets: dict[str, set[str]],
                 digests: dict[str, str], html_hashes: dict[str, str], teasers: tuple | None = None):
        self.site, self.urls = site, urls
        self.global_key = global_key
        self.facets = facets
        self.kinds = plan.kinds_by_name()
        self.cards = {a.key: _h((a.key, digests[a.key], html_hashes[a.key], urls.article(a), _text(a.cover_image)))
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

    def _cards(self, keys: list[str]) -> list[str]:
        if self._used is not None:
            self._used.update(keys)
        cards = self.cards
        return [cards[k] for k in keys]

    def sign_traced(self, page: Page) -> tuple[str, tuple[str, ...] | None]:
        """The signature and the article keys whose cards it used (None: it depends on the whole site)."""
        self._used, self._wild = set(), False
        try:
            sig = self.sign(page)
            return sig, (None if self._wild else tuple(sorted(self._used)))
        finally:
            self._used = None

    def structure(self, pages: list[Page]) -> str:
        """Everything signatures hold besides cards: while equal, only card changes matter. (Withdrawal
        notices are no article's card: what they say is part of the structure.)"""
        return _h([self.global_key, *[self.teaser(a) for a in self.site.articles], "\x1e",
                   *[_text(w) for w in self.site.withdrawn], "\x1e", *[p.path for p in pages]])

    def teaser(self, art: Article | None) -> str:
        """What a link to an article shows (neighbours, related, sitemap): not its body."""
        if art is None:
            return "-"
        t = self._teasers.get(art.key)
        if t is None:
            known = self._known.get(art.key)
            if known is not None and known[0] == self.cards[art.key]:
                t = self._teasers[art.key] = known[1]
            else:
                t = self._teasers[art.key] = _h((art.key, self.urls.article(art), *map(_text, teaser_values(art))))
        return t

    def teasers(self) -> tuple:
        """This build's teasers, for the next build's Signer."""
        cards = self.cards
        return self.global_key, {k: (cards[k], t) for k, t in self._teasers.items() if k in cards}

    def whole(self, facet: str) -> str:
        """A whole site facet's digest, computed once per build when some page reads all of it."""
        self._wild = True
        if facet not in self._whole:
            read = plan.FACETS.get(facet, plan.EVERYTHING)
            self._whole[facet] = _h([self.value(read.part(self.site, None), read.depth)])
        return self._whole[facet]

    def value(self, value, depth: str) -> str:
        """A text standing for `value` in a signature, showing what a page shows of it at `depth`."""
        if value is None:
            return "-"
        if isinstance(value, str):
            return value
        if isinstance(value, (tuple, list)):
            if depth == plan.CARD and value and all(type(v) is Article for v in value):
                return "(" + ",".join(self._cards([a.key for a in value])) + ")"     # a list of articles, at once
            return "(" + ",".join([self.value(v, depth) for v in value]) + ")"
        if isinstance(value, Article):
            return self.teaser(value) if depth == plan.TEASER else self._card(value.key)
        if isinstance(value, Term):
            return self._term(value, depth)
        if isinstance(value, Category):
            return "c:" + value.slug
        if isinstance(value, Topic):
            return "s:" + value.slug         # the rest of it is config and state: in the global key
        if isinstance(value, (Month, Year)):
            return self._period(value)
        if isinstance(value, Pager):
            return f"p:{self.value(value.target, depth)}:{value.number}:{value.count}:{value.total}"
        return _text(value)

    def _term(self, term: Term, depth: str) -> str:
        if depth == plan.LINK:
            return self.urls.term(term)
        if depth == plan.CARD:
            return _h([term.kind, term.name, self.urls.term(term), *self._cards([a.key for a in term.articles])])
        key = (term.kind, term.name)                # listed among others: its name, URL and count
        sig = self._terms.get(key)
        if sig is None:
            sig = self._terms[key] = f"t:{term.kind}:{term.name}:{self.urls.term(term)}:{len(term.articles)}"
        return sig

    def _period(self, value: Month | Year) -> str:
        memo = self._memo.get(id(value))
        if memo is None:
            if isinstance(value, Month):
                keys = tuple(a.key for a in value.articles)
                sig = _h(["m", str(value.year), str(value.month), *(self.cards[k] for k in keys)])
            else:
                keys = tuple(a.key for m in value.months for a in m.articles)
                sig = _h(["y", str(value.year), *(self._period(m) for m in value.months)])
            memo = self._memo[id(value)] = (sig, keys)
        if self._used is not None:
            self._used.update(memo[1])
        return memo[0]

    def _extras(self, template: str, kind: plan.PageKind) -> list[str]:
        """Whole-facet digests for what this kind's template reads beyond what the kind declares."""
        key = (template, kind.name)
        extras = self._memo.get(key)
        if extras is None:
            covered = {read.facet for read in kind.reads} | plan.CONFIG_FACETS
            extras = self._memo[key] = [self.whole(f) for f in sorted(self.facets.get(template, {"*"}) - covered)]
        if extras:
            self._wild = True
        return extras

    def sign(self, page: Page) -> str:
        kind = self.kinds[page.kind]
        value, site = self.value, self.site
        parts = [self.global_key, page.path, page.template, page.kind, page.title, page.description, page.term_kind,
                 "|".join([f"{c.label}>{value(c.target, plan.CARD)}" for c in page.crumbs]),
                 value(page.article, plan.CARD), value(page.articles, plan.CARD), value(page.pager, plan.TEXT),
                 value(page.category, plan.CARD), value(page.term, plan.TEXT), value(page.terms, plan.TEXT),
                 value(page.year, plan.CARD), value(page.month, plan.CARD), value(page.topic, plan.TEXT)]
        for read in kind.reads:
            parts.append(value(read.part(site, page), read.depth) if read.part else self.whole(read.facet))
        parts += self._extras(page.template, kind)
        return _h(parts)


def _text(value) -> str:
    """Plain values as text; anything else is a programming error, never silently `repr`ed."""
    if value is None:
        return "-"
    if isinstance(value, (str, bool, int, float)):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Category):
        return "c:" + value.slug
    if isinstance(value, (tuple, list)):
        return "(" + ",".join(map(_text, value)) + ")"
    if hasattr(value, "__dataclass_fields__"):      # small records such as a cover Picture
        return "{" + ",".join(_text(getattr(value, f)) for f in value.__dataclass_fields__) + "}"
    raise TypeError(f"cannot sign a {type(value).__name__}: say in core/plan.py how pages show it")


SIGN_PARALLEL = 4000        # pages; below this, forking (≈50 ms) costs more than it saves


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
    jobs = jobs or parallel.default_jobs()
    traced = parallel.run(signer.sign_traced, pages, jobs, None, -(-len(pages) // (jobs * 2)), minimum=SIGN_PARALLEL)
    return from_traced(signer, pages, traced, structure)


def from_traced(signer: Signer, pages: list, traced: list, structure: str | None = None) -> Signed:
    """The record of a build that signed every page (`traced`: sign_traced's results, in page order)."""
    paths = [p.path for p in pages]
    return Signed(dict(zip(paths, [t[0] for t in traced])), dict(zip(paths, [t[1] for t in traced])),
                  signer.cards, structure or signer.structure(pages), len(pages), signer.teasers())
