"""The bundled sample site and a generated corpus, built into tmp and crawled."""
from pathlib import Path

from crawl import crawl


def test_sample_site_has_no_broken_links(sample_site: Path):
    seen, broken = crawl(sample_site)
    assert broken == []
    assert len(seen) > 50


def test_generated_corpus_has_no_broken_links(corpus_site: Path):
    seen, broken = crawl(corpus_site)
    assert broken == []
    # every article of the corpus is reachable from the home page
    articles = [p for p in corpus_site.rglob("index.html")
                if len(p.relative_to(corpus_site).parts) == 4 and p.parts[-3].isdigit()
                and not p.relative_to(corpus_site).parts[0] == "archives"]
    assert len(articles) == 300
    assert {p.resolve() for p in articles} <= seen
