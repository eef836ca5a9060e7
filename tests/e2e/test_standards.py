"""Standards: every page type passes the W3C Nu HTML checker; every feed parses cleanly."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest

from conftest import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _vnu_missing() -> str | None:
    if not shutil.which("java"):
        return "java is not installed (apt-get install default-jre-headless)"
    if not VNU.exists():
        return "vnu-jar is not installed (npm install)"
    return None


def validate(files: list[Path]) -> list[str]:
    reason = _vnu_missing()
    if reason:
        if os.environ.get("DANGJIAN_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    proc = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                          capture_output=True, text=True)
    messages = json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]
    return [f"{m.get('url', '').rsplit('/site/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]


def page_types(site: Path) -> list[Path]:
    """One or a few pages of every kind the site has."""
    picks = ["index.html", "404.html", "archives/index.html", "tags/index.html", "sources/index.html",
             "authors/index.html"]
    found = [site / p for p in picks]
    for pattern in ["*/index.html", "*/page/*/index.html", "*/20*/*/index.html", "archives/20*/index.html",
                    "archives/20*/*/index.html", "tags/*/index.html", "sources/*/index.html",
                    "authors/*/index.html", "tags/*/page/*/index.html", "search/index.html", "stats/index.html"]:
        found += sorted(site.glob(pattern))[:12]
    return sorted({p for p in found if p.exists()})


def test_sample_site_validates(sample_site):
    pages = sorted(sample_site.rglob("*.html"))
    assert validate(pages) == []


def test_generated_corpus_validates(corpus_site):
    pages = page_types(corpus_site)
    assert len(pages) > 60
    assert validate(pages) == []


def test_every_feed_parses_cleanly(corpus_site):
    feeds = sorted(corpus_site.rglob("feed.xml"))
    assert len(feeds) == 1 + 8 + 2             # the site, each category, each topic
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        topic = "/topics/" in path.as_posix()         # a topic holds what is tagged for it: maybe fewer
        assert len(feed.entries) <= 20 if topic else len(feed.entries) == 20
        for entry in feed.entries:
            assert entry.title and entry.link.startswith("https://") and entry.published_parsed
            assert entry.authors and entry.summary and entry.content[0].value
