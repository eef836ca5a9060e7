"""build/pipeline.py: the phases, run all at once (build) or composed as serve composes them."""
from __future__ import annotations

import json
import shutil
from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest

from conftest import ROOT
from dangjian.build.pipeline import Build, build
from dangjian.options import Options


@pytest.fixture
def options(tmp_path: Path) -> Options:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return Options(content=tmp_path / "content", config=ROOT / "site.toml", templates=ROOT / "templates",
                   out=tmp_path / "site")


def entry(options: Options) -> bytes:
    return (options.out / "pagefind" / "pagefind-entry.json").read_bytes()


def test_options_are_paths_and_switches_and_cannot_be_changed_by_a_caller(options):
    with pytest.raises(FrozenInstanceError):
        options.drafts = True
    assert {f for f in options.__dataclass_fields__} == {"content", "templates", "out", "config", "static", "drafts",
                                                          "future", "strict", "now", "jobs", "cache", "cache_dir",
                                                          "search", "preview"}


def test_pages_first_then_search_as_serve_does_it(options):
    first = build(options)
    assert first.indexed and not first.incremental
    index = entry(options)
    path = options.content / "news" / "2025" / "我院召开党建工作会议.md"
    path.write_text(path.read_text("utf-8").replace("title: ", "title: 先发页面 ", 1), "utf-8")
    with Build(options) as b:                    # the pages, keeping the published index
        assert b.shortcut() is None
        b.pages()
        assert b.keep_search() is True           # it no longer matches the pages
        b.publish()
        b.save()
        result = b.result()
    assert result.incremental and not result.indexed and entry(options) == index
    article = next(options.out.rglob("wo-yuan-zhao-kai-dang-jian-gong-zuo-hui-yi/index.html"))
    assert "先发页面" in article.read_text("utf-8")
    with Build(options) as b:                    # later: the index, forced
        b.pages()
        assert b.search(force=True)
        b.publish()
        b.save()
        assert b.result().indexed and b.result().rendered == 0
    # the base part is kept; the changed article is indexed again in the delta part, replacing its old entry
    assert entry(options) == index
    parts = json.loads((options.out / "pagefind" / "parts.json").read_text("utf-8"))
    assert parts["delta"] == "delta/" and len(parts["superseded"]) == 1
    assert (options.out / "pagefind" / "delta" / "pagefind-entry.json").is_file()


def test_search_is_skipped_when_no_article_page_changed(options):
    build(options)
    config = options.out.parent / "site.toml"
    shutil.copy(ROOT / "site.toml", config)
    shutil.copytree(ROOT / "static", config.parent / "static", dirs_exist_ok=True)   # the sample's topic banners
    moved = replace(options, config=config)
    build(moved)
    index = entry(moved)
    result = build(moved)                       # nothing changed (but a file saved just now: no shortcut)
    assert not result.indexed and entry(moved) == index


def test_a_failed_phase_publishes_nothing_and_leaves_no_staging(options, tmp_path):
    build(replace(options, search=False))
    before = {p: p.read_bytes() for p in options.out.rglob("*") if p.is_file()}
    with pytest.raises(RuntimeError):
        with Build(replace(options, search=False)) as b:
            b.pages()
            raise RuntimeError("stopped between the phases")
    assert {p: p.read_bytes() for p in options.out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == [".site.slots"]   # the two slots only


def test_an_edit_rebuild_builds_no_path_for_the_articles_it_kept(options):
    """Sources kept from the cache make their Path only when something needs it: for an edit,
    nothing does (building 10,000 Paths was a tenth of an edit rebuild at 10,000 articles)."""
    build(options)
    path = options.content / "news" / "2025" / "我院召开党建工作会议.md"
    path.write_text(path.read_text("utf-8") + "\n补充一段。\n", "utf-8")
    with Build(options) as b:
        b.pages()
        kept = [src for src in b.gathered.loaded if src.rel != "news/2025/我院召开党建工作会议.md"]
        assert kept and all("_path" not in src.__dict__ for src in kept), \
            [src.rel for src in kept if "_path" in src.__dict__]
