"""An incremental search index answers exactly as a cold one, in real Chromium.

One site is edited step by step and built incrementally (only the changed articles are
indexed again, in the `delta` part); after each kind of edit a second site is built cold
from the same content. The same queries, by relevance and newest first, with and without
a filter, must give both sites the same results in the same order."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, make_corpus

pytestmark = pytest.mark.browser
QUERIES = ["义诊", "主题教育", "支部", "党建 调查研究", "智慧病房", "MDT", "三会一课", "确保各项任务落到实处"]


def build(content: Path, parent: Path) -> dict:
    from dangjian.cli import main
    assert main(["build", "--content", str(content), "--out", str(parent / "djgz"), "--config",
                 str(ROOT / "site.toml"), "--templates", str(ROOT / "templates"), "-q"]) == 0
    return json.loads((parent / "djgz" / "pagefind" / "parts.json").read_text("utf-8"))


def answers(page, server, category: str) -> dict:
    """Every query's result addresses, in order, by relevance and newest first, and within a column."""
    page.goto(f"{server.url}djgz/search/index.html")
    out = {}
    for q in QUERIES:
        for newest in (False, True):
            for filters in ({}, {"category": category}):
                urls = page.evaluate("([q, f, n]) => window.dangjianSearch.all(q, f, n)", [q, filters, newest])
                out[(q, newest, bool(filters))] = [u.split("/djgz/", 1)[1] for u in urls]
    return out


def set_field(path: Path, name: str, value: str) -> None:
    text = path.read_text("utf-8")
    path.write_text(re.sub(rf"^{name}: .*$", f"{name}: {value}", text, count=1, flags=re.M), "utf-8")


@pytest.fixture
def shards(monkeypatch):
    from dangjian.build import search
    monkeypatch.setattr(search, "SHARD_SIZE", 64)       # several base parts, as a big site has


def test_incremental_search_answers_as_a_cold_build_after_every_kind_of_edit(tmp_path, page, serve, shards):
    content = make_corpus(tmp_path / "corpus", 200, seed=11)
    files = sorted(content.rglob("*.md"))
    published = [f for f in files if "date: 2026" not in f.read_text("utf-8")]      # 2026 on: held for review
    edited, deleted, redated = published[5], published[40], published[77]
    moved = next(f for f in published[100:] if "category: outreach" not in f.read_text("utf-8"))
    original = edited.read_text("utf-8")
    name_of = {"outreach": "下基层察民情"}
    site = tmp_path / "inc"
    first = build(content, site)
    assert first["delta"] is None and first["superseded"] == [] and len(first["parts"]) == 3
    base_entry = (site / "djgz" / "pagefind" / "pagefind-entry.json").read_bytes()

    def edit():
        text = edited.read_text("utf-8").replace("\n---\n", "\n---\n\n智慧病房建设与MDT门诊同步推进，支部党员义诊到社区。\n", 1)
        edited.write_text(text.replace('title: "', 'title: "智慧病房：', 1), "utf-8")

    def add():
        extra = content / "outreach" / "2021" / "2021-06-30-智慧病房义诊.md"
        extra.parent.mkdir(parents=True, exist_ok=True)
        extra.write_text('---\ntitle: "智慧病房义诊进社区"\ndate: 2021-06-30\nsource: 党委宣传部\n'
                         'author: [王敏]\ncategory: outreach\ntags: [义诊]\n---\n\n'
                         '心血管内科党支部开展义诊，主题教育走深走实，MDT 团队参与。\n', "utf-8")

    steps = [
        ("edit", edit),
        ("add", add),
        ("delete", deleted.unlink),
        ("redate", lambda: set_field(redated, "date", "2025-12-31")),          # newest, and still published
        ("recategorise", lambda: set_field(moved, "category", "outreach")),
        ("revert", lambda: edited.write_text(original, "utf-8")),
    ]
    for kind, change in steps:
        change()
        parts = build(content, site)
        # only the changed articles were indexed again: the base parts are the ones published first
        assert (site / "djgz" / "pagefind" / "pagefind-entry.json").read_bytes() == base_entry, kind
        assert parts["parts"] == first["parts"], kind
        cold = tmp_path / f"cold-{kind}"
        assert build(content, cold)["delta"] is None
        got = answers(page, serve(site), name_of["outreach"])
        want = answers(page, serve(cold), name_of["outreach"])
        assert got == want, (kind, [k for k in want if got[k] != want[k]])
        assert any(want.values()), kind
        shutil.rmtree(cold)
        if kind == "edit":
            assert parts["delta"] == "delta/" and len(parts["superseded"]) == 1
            assert want[("智慧病房", False, False)] and want[("mdt".upper(), False, False)]
        superseded = {"edit": 1, "add": 1, "delete": 2, "redate": 3, "recategorise": 4, "revert": 3}
        assert len(parts["superseded"]) == superseded[kind], (kind, parts)
    # the edited article is back as it was in the base parts: it no longer needs the delta
    assert parts["delta"] == "delta/"
