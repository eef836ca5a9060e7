"""incremental/cache.py: packed sources and bodies, the HTML store, the engine key."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from dangjian.config import load_config
from dangjian.core.content import load_file
from dangjian.core.model import Body
from dangjian.errors import Report
from dangjian.incremental import cache
from dangjian.incremental.cache import CacheCorrupt, HtmlStore, digest

CONFIG = load_config(ROOT / "site.toml")
SAMPLE = ROOT / "content" / "news" / "2025" / "我院召开党建工作会议.md"


def test_a_packed_source_comes_back_equal_with_its_path_on_first_use():
    src = load_file(SAMPLE, ROOT / "content", CONFIG, Report())
    back = cache.unpack_source(cache.pack_source(src), ROOT / "content")
    assert "path" not in back.__dict__ and "_path" not in back.__dict__
    assert back.path == src.path and "_path" in back.__dict__
    assert back.body == "" and back.title == src.title and back.lines == src.lines
    assert back == cache.unpack_source(cache.pack_source(src), ROOT / "content")
    assert back != src                                     # the cached one has no body text


def test_lazy_bodies_load_their_html_from_the_store_and_check_it(tmp_path: Path):
    store = HtmlStore(tmp_path / "html.sqlite")
    body = Body("<p>正文</p>", "摘要", 1, 2)
    key = digest(body.html)
    store.put(key, body.html)
    store.flush({key})
    lazy = cache.unpack_body(cache.pack_body(body, key), HtmlStore(tmp_path / "html.sqlite"))
    assert lazy.summary == "摘要" and "_html" not in lazy.__dict__
    assert lazy.html == body.html
    broken = cache.unpack_body(cache.pack_body(body, digest("其他")), HtmlStore(tmp_path / "html.sqlite"))
    with pytest.raises(CacheCorrupt):
        broken.html


def test_the_store_keeps_only_what_articles_still_use(tmp_path: Path):
    store = HtmlStore(tmp_path / "html.sqlite")
    for text in ("一", "二"):
        store.put(digest(text), text)
    store.flush({digest("一")})
    assert store.get(digest("一")) == "一"
    with pytest.raises(CacheCorrupt):
        store.get(digest("二"))


def test_the_store_writes_out_what_it_is_given_past_a_batch_and_reads_it_back_anywhere(tmp_path: Path):
    store = HtmlStore(tmp_path / "html.sqlite")
    texts = [f"<p>第{n}篇</p>" for n in range(HtmlStore.PENDING + 7)]
    for text in texts:
        store.put(digest(text), text)
    assert len(store._pending) == 7                       # the first batch is in the file already
    other = HtmlStore(tmp_path / "html.sqlite")           # another process, as a forked render worker
    assert other.get(digest(texts[0])) == texts[0]
    assert store.get(digest(texts[-1])) == texts[-1]      # the rest from memory until the flush
    store.flush({digest(t) for t in texts})
    assert all(other.get(digest(t)) == t for t in texts[-7:])


def test_a_store_that_cannot_be_written_keeps_its_bodies_in_memory(tmp_path: Path):
    (tmp_path / "html.sqlite").mkdir()                    # not a database: every write fails
    store = HtmlStore(tmp_path / "html.sqlite")
    texts = [f"<p>{n}</p>" for n in range(HtmlStore.PENDING + 1)]
    for text in texts:
        store.put(digest(text), text)
    assert store.get(digest(texts[0])) == texts[0]


def test_the_engine_key_covers_every_module_of_every_layer(tmp_path: Path):
    package = tmp_path / "dangjian"
    shutil.copytree(ROOT / "dangjian", package, ignore=shutil.ignore_patterns("__pycache__", "theme"))
    before = cache._engine_key(package)
    for module in ("core/plan.py", "incremental/signatures.py", "build/render.py"):
        path = package / module
        path.write_text(path.read_text("utf-8") + "\n# changed\n", "utf-8")
        after = cache._engine_key(package)
        assert after != before, module
        before = after


def test_a_session_keeps_what_it_wrote(tmp_path: Path):
    session = cache.Session()
    kept = cache.BuildCache(tmp_path, session)
    kept.save_quick({"x": 1})
    assert session.files and kept.load_quick()["x"] == 1
    assert cache.BuildCache(tmp_path).load_quick()["x"] == 1      # and what it wrote is on disk
