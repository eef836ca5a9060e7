"""build/quick.py: serve's fast page for a saved article, against the last build's model.

Each case edits a real copy of the sample site previewed by a real `Preview` (serve's build
side, no HTTP), then compares the fast page with what the whole build makes of the same
files: a fast page must be the page the build publishes, or not be made at all."""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT
from dangjian.build.quick import render_edited
from dangjian.options import Options
from dangjian.serve import Preview

ARTICLE = Path("content/news/2025/我院召开党建工作会议.md")
AWAITING = Path("content/news/2026/xiabannian-gongzuo-bushu.md")      # no 终审 yet: a 待审 banner


def previewed(tmp_path: Path, monkeypatch, search: bool = False) -> Preview:
    """The sample site, copied into tmp_path, as `serve` first builds it."""
    for folder in ("content", "static"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "site.toml", tmp_path / "site.toml")
    monkeypatch.chdir(tmp_path)
    options = Options(content=Path("content"), templates=Path("templates"), config=Path("site.toml"),
                      out=Path(".cache/serve/site"), search=search, drafts=True)
    preview = Preview(replace(options, preview=True, cache_dir=Path(".cache/serve/build-cache")))
    preview.rebuild()
    assert preview.error is None and preview.last is not None
    return preview


@pytest.fixture
def preview(tmp_path, monkeypatch):
    return previewed(tmp_path, monkeypatch)


def page_of(preview: Preview, rel: str) -> Path:
    return preview.options.out / preview.last.gathered.urls.articles[rel]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.parametrize("article, old, new", [
    (ARTICLE, "会议首先回顾了", "会议首先认真回顾了"),                            # the body
    (ARTICLE, "title: 我院召开", "title: 医院召开"),                               # the title (h1, <title>, crumbs)
    (ARTICLE, "editor: 李明", "editor: 王芳"),                                     # 责任编辑
    (AWAITING, "review_final:", "review_final: 张建国"),                          # signed off: the 待审 banner goes
    (AWAITING, "会议要求", "会议强调"),                                            # still awaiting: the banner stays
])
def test_the_fast_page_is_the_page_the_whole_build_publishes(preview, article, old, new):
    rel = article.relative_to("content").as_posix()
    page = page_of(preview, rel)
    before = page.read_bytes()
    edit(article, old, new)
    assert render_edited(preview.last, article) == preview.last.gathered.urls.articles[rel]
    fast = page.read_bytes()
    assert fast != before
    preview.rebuild()
    assert preview.error is None
    assert page.read_bytes() == fast


@pytest.mark.parametrize("old, new", [
    ("category: news", "category: notices"),                  # another column: another address
    ("date: 2025-02-20 09:30", "date: 2024-02-20 09:30"),     # another year: another address
    ("date: 2025-02-20 09:30", "date: 2025-13-99"),           # an error: the whole build reports it
    ("title: 我院召开", "title: [我院召开"),                     # broken YAML
    ("category: news", "category: news\ndraft: true\n涉密: true"),   # 涉密: never published
])
def test_a_save_that_changes_more_than_the_page_waits_for_the_whole_build(preview, old, new):
    rel = ARTICLE.relative_to("content").as_posix()
    page = page_of(preview, rel)
    before = page.read_bytes()
    edit(ARTICLE, old, new)
    assert render_edited(preview.last, ARTICLE) is None
    assert page.read_bytes() == before


def test_a_preview_started_again_on_a_current_cache_has_a_model_for_the_first_save(preview):
    hour_ago = time.time() - 3600                         # no input saved recently: a no-change build may skip
    for path in [Path("site.toml"), *Path("content").rglob("*"), *Path("static").rglob("*")]:
        os.utime(path, (hour_ago, hour_ago))
    Preview(preview.options).rebuild()                    # records the inputs as they are now
    again = Preview(preview.options)
    again.rebuild()                                       # nothing changed since
    assert again.error is None and again.last is not None
    edit(ARTICLE, "会议首先回顾了", "会议首先认真回顾了")
    assert render_edited(again.last, ARTICLE) is not None


def test_only_articles_of_the_last_build_get_a_fast_page(preview):
    new = Path("content/news/2025/xin-wenzhang.md")
    new.write_text(ARTICLE.read_text("utf-8").replace("title: ", "title: 新", 1), "utf-8")
    assert render_edited(preview.last, new) is None                      # not planned yet
    assert render_edited(preview.last, Path("site.toml")) is None        # not an article
    ARTICLE.unlink()
    assert render_edited(preview.last, ARTICLE) is None                  # deleted


def test_tabs_learn_which_pages_each_version_changed(preview):
    rel = ARTICLE.relative_to("content").as_posix()
    path = preview.last.gathered.urls.articles[rel]
    version = preview.version
    edit(ARTICLE, "title: 我院召开", "title: 医院召开")
    preview.refresh({str(ARTICLE.resolve()), str(ARTICLE.resolve().parent)})    # as watchdog reports a save
    assert preview.version == version + 2 and preview.complete
    import json
    fast, whole = preview.history[-2:]
    assert fast == (version + 1, (path,))
    assert path not in whole[1]            # the same bytes as the fast page: not changed again
    assert whole[1]                        # its neighbours show the new title
    since = json.loads(preview.status(version))["pages"]
    assert path in since and set(whole[1]) <= set(since)
    assert json.loads(preview.status(version + 1))["pages"] == sorted(set(whole[1]))
    assert json.loads(preview.status(None))["pages"] is None


def test_after_a_fast_page_the_whole_build_indexes_too_and_a_save_stops_only_the_index(tmp_path, monkeypatch):
    from dangjian.build import search
    from dangjian.util.parallel import Cancelled
    preview = previewed(tmp_path, monkeypatch, search=True)
    assert preview.search_pending                       # the first build published pages only
    edit(ARTICLE, "title: 我院召开", "title: 医院召开")
    preview.refresh({str(ARTICLE.resolve())})
    assert not preview.search_pending and (preview.options.out / "pagefind" / "pagefind.js").is_file()

    def saved_meanwhile(command, cancel=None):          # the editor saves again while Pagefind runs
        preview.changed(str(ARTICLE.resolve()))
        assert cancel is not None and cancel.is_set()    # what makes the real _run stop Pagefind
        raise Cancelled()
    monkeypatch.setattr(search, "_run", saved_meanwhile)
    rel = ARTICLE.relative_to("content").as_posix()
    older = preview.last.site.older(next(a for a in preview.last.site.articles if a.key == rel))
    edit(ARTICLE, "title: 医院召开", "title: 示例医院召开")
    version = preview.version
    preview.refresh({str(ARTICLE.resolve())})
    assert preview.version == version + 2 and preview.complete and preview.error is None
    assert preview.search_pending                       # indexed again once the saves settle
    neighbour = preview.options.out / preview.last.gathered.urls.articles[older.key]
    assert "示例医院召开" in neighbour.read_text("utf-8")     # the pages went out all the same
