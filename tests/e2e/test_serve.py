"""`build.py serve` driven for real: a subprocess on a free port, real HTTP, real
file edits; and real Chromium reloading the page by itself."""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

ARTICLE = Path("content/news/2025/我院召开党建工作会议.md")


@pytest.fixture
def preview(tmp_path):
    """A copy of the sample site served by `build.py serve --port 0`."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copy(ROOT / "site.toml", tmp_path / "site.toml")
    shutil.copytree(ROOT / "static", tmp_path / "static", dirs_exist_ok=True)   # the sample's topic banners
    (tmp_path / "secret.txt").write_text("TOP-SECRET", "utf-8")
    proc = subprocess.Popen([sys.executable, "-u", str(ROOT / "build.py"), "serve", "--port", "0", "-q"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    url = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if m:
            url = m.group(1)
            break
    if url is None:
        proc.kill()
        pytest.fail("serve did not start: " + proc.stderr.read())
    yield tmp_path, url
    proc.terminate()
    proc.wait(10)


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def status(url: str) -> dict:
    return json.loads(get(url + "__dangjian/status")[1])


def wait_for(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def article_url(url: str) -> str:
    home = get(url + "index.html")[1]
    href = re.search(r'href="(news/2025/[^"]+/index\.html)"', home).group(1)
    return url + href


def test_serve_edit_break_fix(preview):
    root, url = preview
    page = article_url(url)
    code, html = get(page)
    assert code == 200 and "/__dangjian/reload.js" in html and "<html lang=\"zh-CN\">" in html
    # Drafts are visible while previewing.
    assert "青年理论学习小组举办" in get(url + "theory/index.html")[1]

    path = root / ARTICLE
    path.write_text(path.read_text("utf-8").replace("title: ", "title: 预览修改", 1), "utf-8")
    wait_for(lambda: "预览修改" in get(page)[1])

    good = path.read_text("utf-8")
    path.write_text(good.replace("date: ", "date: 2025-13-99 #", 1), "utf-8")
    error = wait_for(lambda: status(url)["error"])
    assert "我院召开党建工作会议.md" in error and "日期" in error
    assert "预览修改" in get(page)[1]          # the last good build is still served

    path.write_text(good.replace("预览修改", "修好了"), "utf-8")
    wait_for(lambda: status(url)["error"] is None and "修好了" in get(page)[1])


def test_serve_shows_articles_awaiting_review_with_a_banner(preview):
    """The sample's article without 终审 is previewed (marked 待审), never built into site/."""
    root, url = preview
    code, html = get(url + "news/2026/xiabannian-gongzuo-bushu/index.html")
    assert code == 200 and 'class="review-banner"' in html and "待审</strong>：缺少终审" in html
    assert "医院党委部署下半年党建重点工作" in get(url + "news/index.html")[1]
    assert not (root / "site").exists()


def test_serve_updates_the_search_index_after_the_pages(preview):
    """Pages are published (and the tab reloaded) first; the index follows without another reload."""
    root, url = preview
    entry = root / ".cache" / "serve" / "site" / "pagefind" / "pagefind-entry.json"
    wait_for(entry.is_file, 60)
    fragments = lambda: {str(p.relative_to(entry.parent)) for p in entry.parent.rglob("fragment/*")}  # noqa: E731
    before, version = fragments(), status(url)["version"]
    path = root / ARTICLE
    path.write_text(path.read_text("utf-8").replace("title: ", "title: 索引跟进", 1), "utf-8")
    page = article_url(url)
    wait_for(lambda: "索引跟进" in get(page)[1])
    wait_for(lambda: status(url)["complete"])
    # Two versions: the edited page at once (build/quick.py), then the whole build; none for the index.
    assert status(url)["version"] == version + 2
    wait_for(lambda: fragments() != before, 60)          # the edited article was indexed again (in the delta part)
    assert status(url)["version"] == version + 2


def test_serve_stays_inside_the_output_folder(preview):
    root, url = preview
    port = int(url.rsplit(":", 1)[1].strip("/"))
    for path in ("/../secret.txt", "/../../../secret.txt", "/%2e%2e/%2e%2e/%2e%2e/secret.txt",
                 "/..%2f..%2f..%2fsecret.txt", "/%2e%2e%2f%2e%2e%2f%2e%2e%2fsite.toml", "/../../../../etc/passwd",
                 "/%00"):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        conn.close()
        assert response.status == 404, path
        assert "TOP-SECRET" not in body and "root:" not in body and "base_url" not in body


def test_live_reload_code_never_reaches_a_normal_build(sample_site):
    for path in sample_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".js"):
            assert b"__dangjian" not in path.read_bytes(), path


@pytest.mark.browser
def test_browser_reloads_by_itself_after_an_edit(preview, page):
    root, url = preview
    target = article_url(url)
    page.goto(target)
    page.evaluate("window.__marker = 'old page'")
    path = root / ARTICLE
    path.write_text(path.read_text("utf-8").replace("title: ", "title: 自动刷新", 1), "utf-8")
    page.wait_for_function("document.querySelector('h1') && document.querySelector('h1').textContent.includes('自动刷新')",
                           timeout=15000)
    assert page.evaluate("window.__marker") is None      # a real reload, not a patch
    path.write_text(path.read_text("utf-8").replace("date: ", "date: 不是日期 #", 1), "utf-8")
    page.wait_for_selector("#dangjian-error", timeout=15000)
    assert "日期" in page.inner_text("#dangjian-error")


@pytest.mark.browser
def test_a_save_reloads_only_the_tabs_whose_page_it_changed(preview, page):
    root, url = preview
    other = page.context.new_page()
    other.goto(url + "notices/index.html")          # another column: the edit below does not touch it
    page.goto(article_url(url))
    for tab in (page, other):
        tab.evaluate("window.__marker = 'loaded before the save'")
    path = root / ARTICLE
    path.write_text(path.read_text("utf-8") + "\n文末补充的一句话。\n", "utf-8")
    page.wait_for_function("document.body.textContent.includes('文末补充的一句话')", timeout=15000)
    assert page.evaluate("window.__marker") is None
    wait_for(lambda: status(url)["complete"])
    time.sleep(0.5)                                 # the whole build's version has reached the tabs
    assert other.evaluate("window.__marker") == "loaded before the save"


def _index_again(options, cancel, remove=None):
    """What serve's background indexing runs: the pages (current), then the search index, forced."""
    from dangjian.build.pipeline import Build
    with Build(options, cancel=cancel, remove=remove) as build:
        build.pages()
        build.search(force=True)
        build.publish()


def test_a_save_stops_search_indexing_and_the_site_stays_as_it_was(tmp_path, monkeypatch):
    """serve's background indexing yields to a new save: setting the build's cancel event stops it
    in its indexing step at once (Pagefind killed), and nothing of it is published."""
    import multiprocessing
    import threading
    from dataclasses import replace

    from conftest import make_corpus
    from dangjian.build import search
    from dangjian.build.pipeline import build
    from dangjian.options import Options
    from dangjian.util.parallel import Cancelled

    content = make_corpus(tmp_path / "corpus", 300)
    options = Options(content=content, config=ROOT / "site.toml", templates=ROOT / "templates",
                      out=tmp_path / "site", search=False)
    build(options)
    before = {p: p.stat().st_mtime_ns for p in options.out.rglob("*") if p.is_file()}
    cancel = multiprocessing.get_context("fork").Event()
    started = {}
    real_run = search._run

    def run_then_note(command, cancel=None):
        started["at"] = time.monotonic()
        return real_run(command, cancel)
    monkeypatch.setattr(search, "_run", run_then_note)
    threading.Timer(0.2, cancel.set).start()   # while the indexer's input is written
    t0 = time.monotonic()
    with pytest.raises(Cancelled):
        _index_again(replace(options, search=True), cancel)
    assert time.monotonic() - t0 < 3
    cancel.clear()
    # Cancelled while Pagefind itself runs: killed within a fraction of a second.

    def cancel_when_pagefind_runs():
        while "at" not in started:
            time.sleep(0.01)
        time.sleep(0.2)
        cancel.set()
    started.clear()
    threading.Thread(target=cancel_when_pagefind_runs, daemon=True).start()
    with pytest.raises(Cancelled):
        _index_again(replace(options, search=True), cancel)
    assert time.monotonic() - started["at"] < 1.5
    after = {p: p.stat().st_mtime_ns for p in options.out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(tmp_path.glob(".site.link-*")) and not list(tmp_path.glob(".search-*"))


def test_a_save_stops_indexing_before_pagefind_and_does_not_wait_for_the_cleanup(tmp_path, monkeypatch):
    """Stopped while the indexer's folders are still being made, indexing returns at once: Pagefind
    never starts, and its scratch folder is deleted in the background, not before the next build."""
    import multiprocessing
    import shutil
    import tempfile
    from dataclasses import replace

    from conftest import make_corpus
    from dangjian.build import search
    from dangjian.build.pipeline import build
    from dangjian.options import Options
    from dangjian.util.parallel import BackgroundRemover, Cancelled

    content = make_corpus(tmp_path / "corpus", 300)
    options = Options(content=content, config=ROOT / "site.toml", templates=ROOT / "templates",
                      out=tmp_path / "site", search=False)
    build(options)
    scratch_root = tmp_path / "tmp"
    scratch_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_root))
    cancel = multiprocessing.get_context("fork").Event()
    monkeypatch.setattr(search, "_run", lambda command, cancel=None: pytest.fail("Pagefind started after the cancel"))
    removed_here = []
    real_rmtree = shutil.rmtree

    def note_rmtree(path, *args, **kwargs):
        removed_here.append(str(path))
        return real_rmtree(path, *args, **kwargs)
    monkeypatch.setattr(search.shutil, "rmtree", note_rmtree)
    made = []
    real_mkdir = Path.mkdir

    def mkdir_then_cancel(self, *args, **kwargs):
        if "dangjian-search-" not in str(self):
            return real_mkdir(self, *args, **kwargs)
        made.append(self)
        if len(made) == 3:          # a save arrives while the indexer's folders are being made
            cancel.set()
            made.append(time.monotonic())
        return real_mkdir(self, *args, **kwargs)
    monkeypatch.setattr(Path, "mkdir", mkdir_then_cancel)
    remover = BackgroundRemover()
    with pytest.raises(Cancelled):
        _index_again(replace(options, search=True), cancel, remover)
    cancelled_at = next(m for m in made if isinstance(m, float))
    assert time.monotonic() - cancelled_at < 0.5
    folders = {m for m in made if isinstance(m, Path) and m.parent.name.isdigit()}      # one per article
    assert len(folders) <= 257              # it stopped at the next check (every 256), not after all 300
    remover.wait(10)
    assert not list(scratch_root.glob("dangjian-search-*"))
    assert not [p for p in removed_here if "dangjian-search-" in p]     # deleted by another process


def test_status_long_poll_answers_when_a_new_build_is_ready(preview):
    root, url = preview
    version = status(url)["version"]
    path = root / ARTICLE
    answer = {}

    def wait():
        started = time.monotonic()
        answer["status"] = json.loads(get(url + f"__dangjian/status?wait={version}")[1])
        answer["after"] = time.monotonic() - started
    import threading
    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(1.0)
    assert "status" not in answer                      # held open while nothing changed
    path.write_text(path.read_text("utf-8").replace("title: ", "title: 长轮询", 1), "utf-8")
    saved = time.monotonic()
    waiter.join(30)
    assert answer["status"]["version"] == version + 1 and answer["status"]["error"] is None
    assert time.monotonic() - saved < 10
    assert "长轮询" in get(article_url(url))[1]
