"""The search step's failures, as an editor or administrator sees them."""
from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from dangjian.build import search
from dangjian.build.gather import gather
from dangjian.build.pipeline import build
from dangjian.cli import main
from dangjian.core.model import build_site
from dangjian.incremental.rebuild import Rebuild
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


# The token scheme ---------------------------------------------------------------------------------
TEXTS = ["党支部书记讲党课", "心血管内科党支部", "CT 检查 2024 年", "𠀀𠀁字", "支", "MDT门诊", "党建"]


def test_no_indexed_token_is_a_prefix_of_another():
    """Query words must match whole indexed words: Pagefind reads one chunk of an index per
    query word (a prefix's words may straddle two) and falls back to a shorter indexed word
    when one is absent, which would make results depend on what else an index part holds."""
    words = {search.field_token(t, title) for text in TEXTS + ["党支", "部书", "ct", "c", "2024年", "血管"]
             for t in search.tokens(text) for title in (False, True)}
    for word in words:
        assert not [other for other in words if other != word and other.startswith(word)], word


def test_a_query_token_names_the_whole_article_or_the_title():
    for text in TEXTS:
        for t in search.tokens(text):
            assert search.field_token(t, False) == t + "n" and search.field_token(t, True) == t + "t"
    assert search.tokens("支") == [] and search.tokens("党支部") == [search.encode("党支"), search.encode("支部")]


def test_words_match_whole_not_as_prefixes():
    """A Latin word or number matches that word only: CT is not CTA, 20 is not 2024."""
    ct, cta = search.tokens("ct")[0], search.field_token(search.tokens("cta")[0], False)
    assert not cta.startswith(ct)
    assert not search.field_token(search.tokens("2024")[0], False).startswith(search.tokens("20")[0])


def test_order_key_sorts_as_the_site_does():
    options = Options(content=ROOT / "content", config=ROOT / "site.toml", templates=ROOT / "templates", cache=False)
    g = gather(options, Rebuild(options))
    keys = [search.order_key(a) for a in build_site(g.config, g.sources, g.bodies, g.covers).articles]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert all(k.isascii() for k in keys)


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


def _cbor(b: bytes, i: int = 0):
    """Just enough CBOR to read a Pagefind index chunk (ints, strings, arrays)."""
    head = b[i]
    major, info, i = head >> 5, head & 31, i + 1
    if info >= 24:
        size = 1 << (info - 24)
        info, i = int.from_bytes(b[i:i + size], "big"), i + size
    if major in (0, 1):
        return info, i
    if major in (2, 3):
        return b[i:i + info], i + info
    out = []
    for _ in range(info):
        item, i = _cbor(b, i)
        out.append(item)
    return out, i


def test_pagefind_indexes_every_token_as_one_word_and_nothing_else(tmp_path):
    """Pagefind splits words it takes for compounds (it indexed jfmt from h5t4jfmt); our tokens
    must reach the index exactly as written, or an absent query token could fall back to a piece."""
    text = "心血管内科党支部 CT 2024 年 MDT 𠀀𠀁 zoo 9z Café"
    words = [search.field_token(t, title) for t in search.tokens(text) for title in (False, True)]
    page = tmp_path / "site" / "a" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f'<html lang="zh-CN"><body><div data-pagefind-body>{" ".join(words)}</div></body></html>', "utf-8")
    subprocess.run([str(search._executable()), "--site", str(tmp_path / "site"), "--output-path", str(tmp_path / "pf"),
                    "--force-language", search.LANGUAGE, "--quiet"], check=True, capture_output=True)
    indexed = set()
    for chunk in (tmp_path / "pf" / "index").iterdir():
        raw = gzip.decompress(chunk.read_bytes())
        index, _ = _cbor(raw, raw.index(b"pagefind_dcd") + len("pagefind_dcd"))
        indexed |= {entry[0].decode() for entry in index[0]}
    assert indexed == set(words)
    assert all(w.isascii() and w.isalpha() and w.islower() for w in words)
