"""Search benchmark: indexing time, index size, first-query download and latency,
and recall/precision on a query set computed from the corpus text.

    python benchmarks/search_bench.py [--sizes 1000 10000] [--runs 3] [--queries 60] [--edits 100]

With --edits N, N articles are edited after the cold build and the site built again
incrementally (their new copies go to the index's delta part), before the browser figures:
the first query's bytes are then those of a site that has been edited since its index was made.

Uses ../shared/bench/make_corpus.py (the reference corpus) and Debian Chromium.
The machine is shared and noisy: indexing times are medians of --runs runs.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
WORK = ROOT / "build" / "bench-search"
HAN_RUN = re.compile(r"[\u3400-\u9fff]{2,}")


def corpus_text(content: Path) -> tuple[dict[str, str], list[str], list[str]]:
    """Searchable text of each article (file stem → text), from the Markdown alone;
    and the authors' and source offices' names."""
    import frontmatter
    out, authors, sources = {}, set(), set()
    for path in sorted(content.rglob("*.md")):
        post = frontmatter.load(path)
        body = re.sub(r"[*#|]|^\d+\. ", "", post.content, flags=re.M)
        out[path.stem] = "\n".join([post["title"], *post["author"], post["source"], *post.get("tags", []), body])
        authors.update(post["author"])
        sources.add(post["source"])
    return out, sorted(authors), sorted(sources)


def make_queries(texts: dict[str, str], names: list[str], sources: list[str], count: int,
                 seed: int = 5) -> list[tuple[str, str]]:
    """(kind, query) pairs drawn at random from the corpus text, not hand-picked."""
    rng = random.Random(seed)
    stems = sorted(texts)
    queries = []
    per = max(1, count // 8)
    for kind in ("word start", "word middle", "word end", "phrase", "two terms", "author", "source", "single run"):
        for _ in range(per):
            text = texts[rng.choice(stems)]
            runs = HAN_RUN.findall(text)
            run = rng.choice(runs)
            if kind == "word start":
                q = run[:rng.randint(2, min(4, len(run)))]
            elif kind == "word end":
                q = run[-rng.randint(2, min(4, len(run))):]
            elif kind == "word middle":
                if len(run) < 4:
                    run = max(runs, key=len)
                i = rng.randint(1, len(run) - 3)
                q = run[i:i + rng.randint(2, min(4, len(run) - 1 - i))]
            elif kind == "phrase":
                i = rng.randint(0, max(0, len(run) - 6))
                q = run[i:i + rng.randint(5, 10)]
            elif kind == "two terms":
                a, b = rng.choice(runs), rng.choice(runs)
                q = a[:rng.randint(2, min(4, len(a)))] + " " + b[-rng.randint(2, min(4, len(b))):]
            elif kind == "author":
                q = rng.choice(names)
            elif kind == "source":
                q = rng.choice(sources)
            else:
                q = run
            queries.append((kind, q))
    return queries


def expected(texts: dict[str, str], query: str) -> set[str]:
    terms = query.split()
    return {s for s, t in texts.items() if all(term in t for term in terms)}


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def build(content: Path, out: Path) -> None:
    from dangjian.cli import main
    assert main(["build", "--content", str(content), "--out", str(out), "--config", str(ROOT / "site.toml"),
                 "--templates", str(ROOT / "templates"), "-q"]) == 0


def edit(content: Path, count: int) -> None:
    """Change `count` articles' titles and bodies (the same ones in every run: seeded)."""
    files = sorted(content.rglob("*.md"))
    for path in random.Random(5).sample(files, count):
        text = path.read_text("utf-8")
        if "编辑测试" not in text:
            text = text.replace('title: "', 'title: "编辑测试：', 1) + "\n本文已修改，补充了编辑测试内容。\n"
            path.write_text(text, "utf-8")


def time_index(content: Path, site: Path, runs: int) -> list[float]:
    from dangjian.build import search
    from dangjian.build.gather import gather
    from dangjian.core.model import build_site
    from dangjian.incremental.rebuild import Rebuild
    from dangjian.options import Options
    options = Options(content=content, config=ROOT / "site.toml", out=site, cache=False)
    g = gather(options, Rebuild(options))
    model = build_site(g.config, g.sources, g.bodies)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        made = search.update(model, g.urls, lambda path: (site / path).read_bytes(), site.parent, None, {}, None)
        times.append(time.perf_counter() - started)
        shutil.rmtree(made.bundle.parent, ignore_errors=True)      # timing only: the site keeps its own index
    return times


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def browser_figures(parent: Path, queries, texts) -> dict:
    from playwright.sync_api import sync_playwright
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(parent)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/djgz/"
    first = []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
        # First query, cold cache, three different queries: bytes and latency.
        for _, q in queries[::len(queries) // 3][:3]:
            ctx = b.new_context()
            page = ctx.new_page()
            fetched = []
            page.on("response", lambda r: fetched.append(r))
            page.goto(base + "search/index.html")
            page.wait_for_load_state("networkidle")
            page_bytes = sum(len(r.body()) for r in fetched if r.ok)
            fetched.clear()
            started = time.perf_counter()
            page.get_by_label("搜索关键词").fill(q)
            page.keyboard.press("Enter")
            page.wait_for_function("!document.getElementById('search-results').hasAttribute('aria-busy') && "
                                   "document.getElementById('search-status').textContent.length > 0")
            latency = time.perf_counter() - started
            page.wait_for_load_state("networkidle")
            sizes = {r.url.split("/djgz/")[-1]: len(r.body()) for r in fetched if r.ok}
            first.append({"query": q, "seconds": latency, "bytes": sum(sizes.values()), "files": len(sizes),
                          "page_bytes": page_bytes,
                          "biggest": sorted(sizes.items(), key=lambda kv: -kv[1])[:4]})
            ctx.close()
        # Recall and precision over the query set, through search.js's own parse().
        page = b.new_page()
        page.goto(base + "search/index.html")
        page.evaluate("() => window.dangjianSearch.load()")
        rows = []
        for kind, q in queries:
            urls = page.evaluate("q => window.dangjianSearch.all(q)", q)
            got = {u.rstrip("/").split("/")[-2] for u in urls}
            want = expected(texts, q)
            rows.append({"kind": kind, "query": q, "expected": len(want), "found": len(got & want),
                         "extra": len(got - want)})
        b.close()
    httpd.shutdown()
    return {"first_query": first, "queries": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--queries", type=int, default=64)
    ap.add_argument("--edits", type=int, default=0, help="articles edited after the cold build")
    args = ap.parse_args()
    report = {}
    for n in args.sizes:
        folder = WORK / str(n)
        content = folder / "content"
        if not content.exists():
            subprocess.run([sys.executable, str(MAKE_CORPUS), str(folder), "--articles", str(n), "--seed", "1"],
                           check=True, stdout=subprocess.DEVNULL)
        site = folder / "www" / "djgz"
        # Always (re)build (incremental: quick when only the theme changed), so the
        # browser figures are for the current search.js and templates.
        build(content, site)
        times = time_index(content, site, args.runs)
        if args.edits:
            edit(content, args.edits)
            build(content, site)
        pf = site / "pagefind"
        layout = json.loads((pf / "parts.json").read_text("utf-8"))
        texts, names, sources = corpus_text(content)
        queries = make_queries(texts, names, sources, args.queries)
        figures = browser_figures(folder / "www", queries, texts)
        rows = figures["queries"]
        want = sum(r["expected"] for r in rows)
        found = sum(r["found"] for r in rows)
        extra = sum(r["extra"] for r in rows)
        report[n] = {
            "index_seconds_median": statistics.median(times), "index_seconds": times,
            "bundle_bytes": size(pf), "index_bytes": sum(size(d) for d in pf.rglob("index")),
            "fragment_bytes": sum(size(d) for d in pf.rglob("fragment")),
            "first_query": figures["first_query"], "parts": layout,
            "queries": len(rows), "recall": found / want if want else 1.0,
            "precision": found / (found + extra) if found + extra else 1.0,
            "queries_below_full_recall": [r for r in rows if r["found"] < r["expected"]],
            "kinds": sorted({r["kind"] for r in rows}),
        }
        r = report[n]
        print(f"\n== {n} articles ==")
        print(f"indexing: median {r['index_seconds_median']:.1f} s of {[round(t, 1) for t in times]}")
        print(f"parts: {1 + len(layout['parts'])} base, delta {'yes' if layout['delta'] else 'no'}, "
              f"{len(layout['superseded'])} superseded entries")
        print(f"bundle on disk: {r['bundle_bytes'] / 1e6:.1f} MB (index {r['index_bytes'] / 1e6:.1f} MB, "
              f"fragments {r['fragment_bytes'] / 1e6:.1f} MB)")
        for f in r["first_query"]:
            print(f"first query {f['query']!r}: {f['bytes'] / 1024:.0f} KB in {f['files']} files "
                  f"(+ {f['page_bytes'] / 1024:.0f} KB for the search page itself), "
                  f"{f['seconds'] * 1000:.0f} ms; biggest {[(k, v // 1024) for k, v in f['biggest']]}")
        print(f"recall {r['recall']:.4f}, precision {r['precision']:.4f} over {r['queries']} queries "
              f"({', '.join(r['kinds'])})")
        for row in r["queries_below_full_recall"]:
            print("  below full recall:", row)
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwritten {WORK / 'report.json'}")


if __name__ == "__main__":
    main()
