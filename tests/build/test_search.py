"""The search step's failures, as an editor or administrator sees them."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from dangjian.build import search
from dangjian.build.pipeline import build
from dangjian.cli import main
from dangjian.options import Options


def test_pagefind_out_of_memory_is_named_as_such(tmp_path, monkeypatch, capsys):
    """Pagefind holds the whole index in memory (0.26 MB per article measured); when it aborts
    for want of memory the build says so, with the way out, and publishes nothing."""
    def out_of_memory(command, cancel=None):
        return subprocess.CompletedProcess(command, -6, "memory allocation of 224 bytes failed\nstack backtrace:", "")
    monkeypatch.setattr(search, "_run", out_of_memory)
    out = tmp_path / "site"
    code = main(["build", "--content", str(ROOT / "content"), "--out", str(out), "--config", str(ROOT / "site.toml"),
                 "--templates", str(ROOT / "templates"), "-q"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Pagefind 内存不足" in err and "--no-search" in err and "构建失败" in err
    assert "stack backtrace" not in err
    assert not out.exists()


# What an incremental build indexes again ----------------------------------------------------------
@pytest.fixture
def options(tmp_path: Path) -> Options:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    (tmp_path / "templates").mkdir()
    return Options(content=tmp_path / "content", config=ROOT / "site.toml", templates=tmp_path / "templates",
                   out=tmp_path / "site")


def parts(options: Options) -> dict:
    return json.loads((options.out / "pagefind" / "parts.json").read_text("utf-8"))


def retitle(options: Options, *names: str) -> None:
    for name in names:
        path = next(options.content.rglob(name))
        path.write_text(path.read_text("utf-8").replace("title: ", "title: 改 ", 1), "utf-8")


def test_big_sites_index_in_smaller_parts_so_that_the_build_stays_under_2_gb():
    """Pagefind holds a part in memory (≈0.28 MB an article) while our process holds the site
    (≈16 KB an article, measured at 100,000): their sum stays under 2 GB at 100,000 articles."""
    assert search.part_size(10_000) == search.SHARD_SIZE == 2500
    for articles in (100_000, 150_000):
        assert search.part_size(articles) == 1250
    assert 100_000 * 0.016 + search.part_size(100_000) * 0.28 < 2000       # MB


def test_pages_that_change_outside_what_is_searched_keep_the_index(options):
    """A template change re-renders every article page; their indexed copies stay the same, so
    nothing is indexed again."""
    assert build(options).indexed
    before = parts(options)
    footer = options.templates / "partials" / "footer.html"
    if not footer.exists():
        footer.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "dangjian" / "theme" / "templates" / "partials" / "footer.html", footer)
    footer.write_text(footer.read_text("utf-8") + "<!-- 页脚改动 -->", "utf-8")
    result = build(options)
    assert result.rendered > 10 and not result.indexed and parts(options) == before


def test_past_the_delta_limit_the_whole_index_is_made_again(options, monkeypatch):
    build(options)
    retitle(options, "我院召开党建工作会议.md")
    build(options)
    assert parts(options)["delta"] == "delta/" and len(parts(options)["superseded"]) == 1
    monkeypatch.setattr(search, "DELTA_LIMIT", 2)
    retitle(options, "jieqian-lianjie-tixing.md")    # one more article changed: 2 in the delta, 2 superseded
    build(options)
    assert parts(options) == {"parts": [], "delta": None, "superseded": []}


def test_an_index_changed_by_hand_is_made_again_whole(options):
    """The record of what is indexed where holds only while the published index is the one it
    describes."""
    build(options)
    meta = next((options.out / "pagefind").glob("*.pf_meta"))
    meta.write_bytes(meta.read_bytes() + b"x")
    retitle(options, "我院召开党建工作会议.md")
    assert build(options).indexed
    assert parts(options)["delta"] is None
