"""incremental/signatures.py: signatures come from the kinds' declarations; what templates read is found."""
from __future__ import annotations

from datetime import datetime

import jinja2
import pytest

from conftest import ROOT
from dangjian.build.gather import gather
from dangjian.core import plan
from dangjian.core.model import build_site, make_article
from dangjian.incremental import signatures
from dangjian.incremental.rebuild import Rebuild
from dangjian.options import Options


@pytest.fixture(scope="module")
def sample():
    options = Options(content=ROOT / "content", config=ROOT / "site.toml", templates=ROOT / "templates", cache=False)
    g = gather(options, Rebuild(options))
    site = build_site(g.config, g.sources, g.bodies, g.covers, None, g.withdrawn, g.pending, g.today, g.intros, g.pictures)
    for kind, terms in (("tag", site.tags), ("source", site.sources), ("author", site.authors)):
        g.urls.assign_terms(kind, terms)
    return g, site, list(plan.plan(site, g.urls))


def signer(g, site, facets=None):
    return signatures.Signer(site, g.urls, "global", facets if facets is not None else {}, g.digests,
                             {a.key: f"h-{a.key}" for a in site.articles})


def test_template_facets_follow_includes_and_site_globals():
    env = jinja2.Environment(loader=jinja2.DictLoader({
        "a.html": "{% include 'b.html' %}{{ site.tags|length }}",
        "b.html": "{% for x in sitemap_entries() %}{{ x }}{% endfor %}{{ article.updated }}",
        "c.html": "{{ helper(site) }}",
    }))
    facets = signatures.template_facets(env)
    assert facets["a.html"] == {"tags", "sitemap"} and facets["b.html"] == {"sitemap"}
    assert facets["c.html"] == {"*"}                      # the whole site handed on: depends on all of it


def test_every_kind_signs_and_the_same_inputs_sign_alike(sample):
    g, site, pages = sample
    first, second = signer(g, site), signer(g, site)
    assert {p.kind for p in pages} == {k.name for k in plan.KINDS}
    assert [first.sign(p) for p in pages] == [second.sign(p) for p in pages]
    assert len({first.sign(p) for p in pages}) == len(pages)


def test_a_teaser_follows_the_teaser_fields_only(sample):
    g, site, _ = sample
    art = site.articles[0]
    base = signer(g, site).teaser(art)

    def teaser_of(**changes):
        other = make_article(replace_source(g, art.key, **changes), art.category, art.body, art.cover_image)
        fresh = signer(g, site)
        return fresh.teaser(other)
    assert teaser_of(title=art.title + "改") != base
    assert teaser_of(tags=art.tags + ("新标签",)) != base
    assert teaser_of(editor="另一位责任编辑") == base          # not shown where the article is linked


def replace_source(g, key, **changes):
    src = next(s for s in g.sources if s.rel == key)
    values = dict(src.__dict__)
    values.update(changes)
    return type(src)(**values)


def test_what_cannot_be_signed_is_refused_never_repred():
    assert signatures._text(datetime(2025, 1, 2, 9, 30)) == "2025-01-02T09:30:00"
    with pytest.raises(TypeError, match="core/plan.py"):
        signatures._text(object())


def test_an_article_page_depends_on_its_neighbours_teasers_not_their_bodies(sample):
    g, site, pages = sample
    page = next(p for p in pages if p.kind == "article" and site.newer(p.article) is not None)
    newer = site.newer(page.article)
    reads = {"article.html": {"newer", "older", "related", "term", "categories"}}
    plain = signer(g, site, reads)
    sig, used = plain.sign_traced(page)
    assert used is not None and page.article.key in used and newer.key not in used
    hashes = {a.key: f"h-{a.key}" for a in site.articles}
    hashes[newer.key] = "another body"
    changed_body = signatures.Signer(site, g.urls, "global", reads, g.digests, hashes)
    assert changed_body.sign(page) == sig


def test_an_undeclared_facet_makes_the_kind_depend_on_all_of_it(sample):
    g, site, pages = sample
    page = next(p for p in pages if p.kind == "404")
    plain = signer(g, site, {"404.html": {"config"}}).sign_traced(page)
    wild = signer(g, site, {"404.html": {"config", "tags"}}).sign_traced(page)
    assert plain[1] == () and wild[1] is None and plain[0] != wild[0]


def test_quick_signing_skips_pages_whose_cards_did_not_change(sample):
    g, site, pages = sample
    full = signatures.sign_all(signer(g, site), pages, 1)
    again = signatures.sign_all(signer(g, site), pages, 1, full)
    assert again.sigs == full.sigs and again.signed == sum(u is None for u in full.uses.values())
