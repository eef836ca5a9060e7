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


# Related articles kept between builds -------------------------------------------------------------
import random

from dangjian.core import model


def _articles(template: Article, specs: list[tuple[str, tuple[str, ...]]]) -> list[Article]:
    """Articles in site order with the given (key, tags); the rest copied from a real one."""
    return [Article(**{**template.__dict__, "key": key, "tags": tags}) for key, tags in specs]


def _keys(related, articles) -> dict:
    return {a.key: tuple(r.key for r in related.get(a.key, ())) for a in articles}


def _mutate(specs: list, rng: random.Random, tags: list[str], serial: list[int]) -> None:
    """One edit as a build may see it: an article added, deleted, re-tagged or moved (re-dated)."""
    roll = rng.random()
    if roll < 0.35:
        serial[0] += 1
        specs.insert(rng.randrange(len(specs) + 1), (f"new{serial[0]}.md", _tags(rng, tags)))
    elif roll < 0.6:
        specs.pop(rng.randrange(len(specs)))
    elif roll < 0.85:
        i = rng.randrange(len(specs))
        specs[i] = (specs[i][0], _tags(rng, tags))
    else:
        specs.insert(rng.randrange(len(specs)), specs.pop(rng.randrange(len(specs))))


def _tags(rng: random.Random, tags: list[str]) -> tuple[str, ...]:
    # Common tags and rare ones (fewer members than the window): both window edges get exercised.
    return tuple(rng.sample(tags, rng.choice((0, 1, 2, 3, 4))))


def test_related_kept_between_builds_equals_related_computed_afresh():
    """The memo the build cache keeps updates the related table in place after adds, deletions,
    re-tagging and re-dating; every step's table equals one computed from nothing."""
    _, site = sample()
    rng = random.Random(17)
    tags = [f"常见{i}" for i in range(4)] + [f"少见{i}" for i in range(8)]
    weights = [20] * 4 + [1] * 8
    specs = [(f"a{i:04d}.md", tuple(dict.fromkeys(rng.choices(tags, weights, k=rng.choice((0, 1, 2, 3))))))
             for i in range(500)]
    memo: dict = {}
    serial = [0]
    for step in range(60):
        for _ in range(rng.choice((1, 1, 2, 5))):
            _mutate(specs, rng, tags, serial)
        articles = _articles(site.articles[0], specs)
        kept = model._related_memo(articles, 5, memo)
        assert _keys(kept, articles) == _keys(model._related(articles, 5), articles), step


def _one_change_scored(change) -> int:
    """How many of 3,000 articles (12 tags, 3 each) are scored again after `change(specs)`; the
    table kept must equal one computed afresh."""
    _, site = sample()
    rng = random.Random(3)
    tags = [f"标签{i}" for i in range(12)]
    specs = [(f"a{i:05d}.md", tuple(rng.sample(tags, 3))) for i in range(3000)]
    memo: dict = {}
    model._related_memo(_articles(site.articles[0], specs), 5, memo)
    change(specs)
    articles = _articles(site.articles[0], specs)
    kept = model._related_memo(articles, 5, memo)
    assert _keys(kept, articles) == _keys(model._related(articles, 5), articles)
    return memo["scored"]


def test_adding_an_article_scores_only_the_articles_near_it():
    """An added article changes the related lists of the articles near it on its tags: the others
    keep theirs from the memo (scoring every article took 0.45 s of each addition at 10,000)."""
    assert 0 < _one_change_scored(lambda specs: specs.insert(1500, ("new.md", ("标签1", "标签2")))) < 300


def test_a_re_dated_article_scores_only_the_articles_near_its_old_and_new_places():
    # A new date moves it far up the site's order: removed from one place, added at another.
    assert 0 < _one_change_scored(lambda specs: specs.insert(200, specs.pop(2500))) < 600
    assert model._longest_in_order(list("abcdef"), dict(zip("fedcba", range(6)))) in ({k} for k in "abcdef")
    assert model._longest_in_order(list("abxcdy"), dict(zip("aybcxd", range(6)))) in (set("abcd"), set("abxd"))


def test_a_far_member_of_a_rare_tag_joins_and_leaves_the_related_lists():
    """Windows cut short by the ends of a tag's list reach any addition or deletion on that tag,
    however far."""
    _, site = sample()
    specs = [(f"a{i:03d}.md", ("常见",)) for i in range(300)]
    specs[150], specs[160] = ("rare1.md", ("少见",)), ("rare2.md", ("少见",))
    memo: dict = {}
    model._related_memo(_articles(site.articles[0], specs), 5, memo)
    for at, far in ((290, "far-late.md"), (0, "far-early.md")):
        specs.insert(at, (far, ("少见",)))
        articles = _articles(site.articles[0], specs)
        assert far in _keys(model._related_memo(articles, 5, memo), articles)["rare1.md"]
    for far in ("far-late.md", "far-early.md"):
        specs = [spec for spec in specs if spec[0] != far]
        articles = _articles(site.articles[0], specs)
        kept = _keys(model._related_memo(articles, 5, memo), articles)
        assert far not in kept["rare1.md"]
        assert kept == _keys(model._related(articles, 5), articles)
