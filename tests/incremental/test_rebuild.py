"""incremental/rebuild.py: the facade: what a build may reuse, decided from typed records."""
from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT
from dangjian.build.pipeline import build
from dangjian.core.urls import Urls
from dangjian.errors import Report
from dangjian.incremental.rebuild import Rebuild, deps_hold
from dangjian.incremental.statefile import SourceRecord
from dangjian.options import Options


@pytest.fixture
def built(tmp_path: Path) -> Options:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copy(ROOT / "site.toml", tmp_path / "site.toml")
    shutil.copytree(ROOT / "static", tmp_path / "static", dirs_exist_ok=True)   # the sample's topic banners
    for path in [tmp_path / "site.toml", *(tmp_path / "content").rglob("*")]:
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 3600 * 10**9))
    options = Options(content=tmp_path / "content", config=tmp_path / "site.toml", templates=ROOT / "templates",
                      out=tmp_path / "site", search=False)
    build(options)
    return options


def opened(options: Options) -> Rebuild:
    rebuild = Rebuild(options)
    rebuild.start()
    return rebuild


def test_nothing_changed_gives_the_quick_record_and_a_touched_file_does_not(built):
    assert opened(built).unchanged()["articles"] == 19
    path = built.content / "news" / "2025" / "我院召开党建工作会议.md"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert opened(built).unchanged() is None
    (built.out / "index.html").write_text("改坏了", "utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 10**9))
    assert opened(built).unchanged() is None                 # a published file was touched


def test_a_source_is_reused_by_stat_and_conditions_and_else_by_bytes(built):
    rebuild = opened(built)
    assert rebuild.load() and rebuild.incremental
    rel, st = next((rel, st) for rel, st in rebuild.scanned[0] if rel.startswith("news/2025"))
    record = SourceRecord._make(rebuild.state.sources[rel])
    assert record.mtime_ns == st.st_mtime_ns
    src, problems = rebuild.known_source(rel, st, record.conditions)
    assert src.rel == rel and problems == record.problems
    assert rebuild.known_source(rel, st, "other conditions") is None
    parsed = rebuild.parse(rel, record.conditions, lambda path: pytest.fail("the bytes are the same"))
    assert parsed[2] == record and parsed[0].title == src.title
    rebuild.close()


def test_a_body_is_reused_only_while_its_lookups_answer_the_same(built):
    config_urls = Urls.__new__(Urls)
    config_urls.articles = {"news/2024/a.md": "news/2024/a/index.html"}
    deps = (("self", "news/2024/a.md", "news/2024/a/index.html"), ("asset", "news/2024/x.pdf", True))
    assert deps_hold(deps, config_urls, {"news/2024/x.pdf"})
    assert not deps_hold(deps, config_urls, set())
    config_urls.articles = {"news/2024/a.md": "news/2024/a-2/index.html"}
    assert not deps_hold(deps, config_urls, {"news/2024/x.pdf"})


def test_without_the_cache_nothing_is_reused_or_recorded(built):
    rebuild = Rebuild(replace(built, cache=False))
    rebuild.start()
    assert rebuild.unchanged() is None and not rebuild.load() and rebuild.compiled_templates() is None
    rel, st = rebuild.scanned[0][0]
    assert rebuild.known_source(rel, st, "") is None
    src, problems, record = rebuild.parse(rel, "", lambda path: ("parsed", []))
    assert src == "parsed" and record is None
    assert not (built.out.parent / ".cache" / "build" / "site-nocache").exists()
    rebuild.close()


def test_a_damaged_cache_is_discarded_and_the_inputs_seen_are_kept(built):
    rebuild = opened(built)
    rebuild.load()
    scanned, fingerprint = rebuild.scanned, rebuild.fingerprint
    rebuild.discard()
    assert rebuild.state is None and not rebuild.incremental
    assert rebuild.scanned is scanned and rebuild.fingerprint == fingerprint
    assert Rebuild(built).cache.load(rebuild.options_key()) is None
    rebuild.close()
    Report()


def test_a_cold_build_holds_bodies_whose_html_waits_in_the_store(tmp_path: Path):
    """At 100,000 articles the bodies' HTML is 0.8 GB: a converted body is handed to the store at once
    and the build holds one that reads its HTML back when a page needs it."""
    from dangjian.build.gather import collect
    from dangjian.incremental.cache import LazyBody
    options = Options(content=ROOT / "content", config=ROOT / "site.toml", templates=ROOT / "templates",
                      out=tmp_path / "site", search=False)
    rebuild = Rebuild(options)
    rebuild.start()
    rebuild.load()
    bodies = collect(options, rebuild).bodies
    assert bodies and all(type(b) is LazyBody and "_html" not in b.__dict__ for b in bodies.values())
    assert all("<p>" in b.html for b in bodies.values())
    plain = collect(replace(options, cache=False), opened(replace(options, cache=False))).bodies
    assert {k: b.html for k, b in plain.items()} == {k: b.html for k, b in bodies.items()}
