"""core/model.py: Articles carry every field of the table; built directly, they equal their constructor's."""

from conftest import ROOT
from dangjian.build.gather import gather
from dangjian.core import content
from dangjian.core.model import Article, build_site
from dangjian.incremental.rebuild import Rebuild
from dangjian.options import Options


def sample():
    options = Options(content=ROOT / "content", config=ROOT / "site.toml", templates=ROOT / "templates", cache=False)
    g = gather(options, Rebuild(options))
    return g, build_site(g.config, g.sources, g.bodies, g.covers)


def test_articles_built_directly_equal_their_constructor():
    """The model fills Article objects without __init__ (speed): each must hold exactly what
    Article(**values) holds."""
    _, site = sample()
    for art in site.articles:
        assert Article(**art.__dict__) == art, art.key
        assert art != Article(**{**art.__dict__, "title": art.title + "改"})


def test_every_field_of_the_table_reaches_the_article():
    g, site = sample()
    names = [name for row in content.FIELDS for name in row.names]
    for art in site.articles:
        src = next(s for s in g.sources if s.rel == art.key)
        for name in names:
            if name not in ("category", "summary", "updated"):
                assert getattr(art, name) == getattr(src, name), (art.key, name)
        newest = src.corrections[-1][0] if src.corrections else None   # 更正 moves `updated`
        assert art.updated == max(filter(None, (src.updated, newest)), default=None)
        assert art.category.slug == src.category
        assert art.summary == (src.summary or art.body.summary)


def test_newest_first_and_neighbours_within_a_category():
    _, site = sample()
    dates = [a.date for a in site.articles]
    assert dates == sorted(dates, reverse=True)
    for cat in site.categories:
        arts = site.articles_in(cat)
        for newer, older in zip(arts, arts[1:]):
            assert site.older(newer) is older and site.newer(older) is newer
