"""Search in real Chromium: a generated corpus served under a sub-path (/djgz/),
queries typed into the search page, expected articles computed from the
corpus Markdown (not from the code under test)."""
from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import frontmatter
import pytest

from conftest import ROOT, make_corpus

pytestmark = pytest.mark.browser
HAN_ONLY = re.compile(r"^[\u3400-\u9fff ]+$")
AXE = Path(os.environ.get("DANGJIAN_AXE", ROOT / "node_modules" / "axe-core" / "axe.min.js"))


@pytest.fixture(scope="module", params=[0, 64], ids=["one-index", "index-in-parts"])
def corpus(tmp_path_factory, request):
    """(served parent folder, {file stem: searchable text, category, date}) for 300 articles;
    every test runs twice: with one Pagefind index, and with it split in parts of 64 articles
    (as a site of over 5,000 articles has it)."""
    from dangjian.build import search as search_module
    from dangjian.cli import main
    tmp = tmp_path_factory.mktemp("search")
    content = make_corpus(tmp, 300, seed=7)
    parent = tmp / "www"
    argv = ["build", "--content", str(content), "--out", str(parent / "djgz"), "--config", str(ROOT / "site.toml"),
            "--templates", str(ROOT / "templates"), "-q"]
    with pytest.MonkeyPatch.context() as patch:
        if request.param:
            patch.setattr(search_module, "SHARD_SIZE", request.param)
        assert main(argv) == 0
    parts = json.loads((parent / "djgz" / "pagefind" / "parts.json").read_text("utf-8"))["parts"]
    assert parts == ([f"part-{n}/" for n in range(2, 6)] if request.param else [])
    for part in parts:      # merged into the first part's engine: no script or WebAssembly of their own
        assert (parent / "djgz" / "pagefind" / part / "pagefind-entry.json").is_file()
        assert not (parent / "djgz" / "pagefind" / part / "pagefind.js").exists()
    articles = {}
    for path in sorted(content.rglob("*.md")):
        post = frontmatter.load(path)
        body = re.sub(r"[*#|]|^\d+\. ", "", post.content, flags=re.M)     # Markdown marks, not words
        text = "\n".join([post["title"], *post["author"], post["source"], *post.get("tags", []), body])
        articles[path.stem] = {"text": text, "category": post["category"], "date": str(post["date"])}
    return parent, articles


def expected(articles, query: str) -> set[str]:
    terms = query.split()
    return {stem for stem, a in articles.items() if all(t in a["text"] for t in terms)}


def search(page, base: str, query: str, **params) -> tuple[str, list[str]]:
    """Type the query into the search page; return the status line and the result stems (all pages)."""
    extra = "".join(f"&{k}={quote(v)}" for k, v in params.items())
    page.goto(f"{base}djgz/search/index.html?{extra.lstrip('&')}")
    box = page.get_by_label("搜索关键词")
    box.fill("")
    box.press_sequentially(query)
    box.press("Enter")
    status = page.locator("#search-status")
    page.wait_for_function("""q => { const s = document.getElementById('search-status').textContent;
        return s.includes('“' + q + '”') && !document.getElementById('search-results').hasAttribute('aria-busy'); }""",
                           arg=query)
    more = page.locator("#search-more")
    while more.is_visible():
        before = page.locator(".search-result").count()
        more.click()
        page.wait_for_function(f"document.querySelectorAll('.search-result').length > {before}")
    hrefs = page.locator(".search-result h2 a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    return status.inner_text(), [h.rstrip("/").split("/")[-2] for h in hrefs]


def pick(articles, kind: str) -> str:
    """A query of the given kind, chosen from the corpus text itself."""
    texts = [a["text"] for a in articles.values()]
    if kind == "author":
        names = Counter(n for t in texts for n in re.findall(r"文：(\S+?)　", t))
        return next(n for n, c in names.most_common() if len(n) >= 2 and 2 <= c <= 25)
    raise ValueError(kind)


CASES = [
    ("义诊", "whole word"),
    ("主题教育", "whole word"),
    ("党支", "word start"),
    ("支部", "word end: 党支部"),
    ("血管", "word middle: 心血管"),
    ("质量", "word middle: 高质量"),
    ("确保各项任务落到实处", "whole phrase the browser segments differently"),
    ("主题教育 调查研究", "two terms, both must match"),
    ("心血管内科党支部", "source office"),
    ("骨科第二", "start of a source office"),
]


@pytest.mark.parametrize("query,kind", CASES, ids=[k for _, k in CASES])
def test_search_finds_every_article_containing_the_query(page, serve, corpus, query, kind):
    parent, articles = corpus
    server = serve(parent)
    want = expected(articles, query)
    assert want, f"corpus has no article for {query!r}; pick another query"
    status, got = search(page, server.url, query)
    assert f"找到 {len(want)} 篇" in status, (kind, status, len(want))
    assert set(got) == want
    # the excerpt highlights what was typed
    first = page.locator(".search-result").first
    assert first.locator("mark").count() >= 1


def test_author_name(page, serve, corpus):
    parent, articles = corpus
    name = pick(articles, "author")
    want = expected(articles, name)
    status, got = search(page, serve(parent).url, name)
    assert set(got) == want and f"找到 {len(want)} 篇" in status


def test_articles_with_the_query_in_their_title_rank_first(page, serve, corpus):
    """Relevance order: title matches are weighted above body matches."""
    parent, articles = corpus
    titles = {stem: a["text"].split("\n", 1)[0] for stem, a in articles.items()}
    query, in_title = None, set()
    for title in sorted(set(titles.values())):
        for i in range(len(title) - 3):
            q = title[i:i + 4]
            if not HAN_ONLY.match(q):
                continue
            hits = {s for s, t in titles.items() if q in t}
            if 1 <= len(hits) <= 3 and len(expected(articles, q) - hits) >= 3:
                query, in_title = q, hits
                break
        if query:
            break
    assert query, "corpus has no title piece that other articles mention only in their text"
    status, got = search(page, serve(parent).url, query)
    assert set(got) == expected(articles, query)
    assert set(got[:len(in_title)]) == in_title, (query, got[:5], in_title)


def test_no_match_shows_a_clear_empty_state(page, serve, corpus):
    parent, articles = corpus
    assert not expected(articles, "苹果香蕉")
    status, got = search(page, serve(parent).url, "苹果香蕉")
    assert got == [] and "没有找到" in status
    assert page.locator("#search-empty").is_visible()
    assert page.locator("#search-status").get_attribute("aria-live") == "polite"


def test_a_single_character_asks_for_two(page, serve, corpus):
    """One Han character is in nearly every article and is not indexed on its own: the page says
    so instead of listing the whole site; beside a longer word it is left out, and said to be."""
    parent, articles = corpus
    server = serve(parent)
    status, got = search(page, server.url, "党")
    assert got == [] and "请至少输入两个字" in status and "单字“党”" in status
    status, got = search(page, server.url, "党 义诊")
    assert set(got) == expected(articles, "义诊") and "单字“党”" in status and "不参与查找" in status


def test_filters_and_newest_first(page, serve, corpus):
    parent, articles = corpus
    server = serve(parent)
    want = {s for s in expected(articles, "义诊") if articles[s]["category"] == "outreach"}
    status, got = search(page, server.url, "义诊", category="下基层察民情", sort="date")
    assert set(got) == want and "栏目：下基层察民情" in status and "最新的在前" in status
    dates = [articles[s]["date"] for s in got]
    assert dates == sorted(dates, reverse=True)
    # the address keeps the choices, so a result list can be shared or reloaded
    assert "category=" in page.url and "sort=date" in page.url


def test_header_box_on_an_article_reaches_results_by_keyboard(page, serve, corpus):
    parent, _ = corpus
    server = serve(parent)
    article = next((parent / "djgz" / "news").glob("*/*/index.html")).relative_to(parent).as_posix()
    page.goto(server.url + article)
    page.get_by_role("search", name="站内搜索").get_by_label("搜索文章").fill("心血管")
    page.keyboard.press("Enter")
    page.wait_for_url("**/djgz/search/index.html?q=*")
    page.wait_for_selector(".search-result a")
    link = page.locator(".search-result a").first
    link.focus()
    href = link.get_attribute("href")
    assert href.startswith("/djgz/") and href.endswith("/index.html")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + href)
    assert "心血管" in page.locator("main").inner_text()


def test_opened_from_disk_says_search_needs_the_website(page, corpus):
    parent, _ = corpus
    page.goto((parent / "djgz" / "search" / "index.html").as_uri() + "?q=义诊")
    page.wait_for_function("document.getElementById('search-status').textContent.length > 0")
    assert "无法搜索" in page.locator("#search-status").inner_text()


def test_search_page_passes_axe(page, serve, corpus):
    if not AXE.exists():
        pytest.skip(f"axe-core not found at {AXE} (npm install axe-core, or set DANGJIAN_AXE)")
    parent, _ = corpus
    search(page, serve(parent).url, "支部")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    assert result["violations"] == [], [(v["id"], v["nodes"][0]["html"]) for v in result["violations"]]


def test_no_search_skips_the_index(tmp_path):
    from dangjian.cli import main
    out = tmp_path / "site"
    assert main(["build", "--content", str(ROOT / "content"), "--out", str(out), "--config", str(ROOT / "site.toml"),
                 "--templates", str(ROOT / "templates"), "-q", "--no-search"]) == 0
    assert (out / "search" / "index.html").exists() and not (out / "pagefind").exists()
