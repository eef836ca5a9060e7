#!/usr/bin/env python3
"""Save-to-reload time of `build.py serve`: edit an article, time until the preview reports a new version.

    python benchmarks/serve_bench.py [--articles 1000] [--saves 5] [--gap 2.5]

The open tab long-polls /__dangjian/status?wait=VERSION and reloads the moment the
server answers; this does the same, then fetches the edited article and checks that
the new text is there: the figure is save → edited page served. Then it waits until the
served search index holds the edit (the delta part's entry file changes): save → search
current. Saves come every
--gap seconds, so most land while serve is re-indexing search in the background
(which a save stops). The corpus comes from build_bench's generator. The machine
is shared: expect noise, read the median.
"""
from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import ROOT, corpus  # noqa: E402


def status(port: int, wait: int | None = None) -> dict | None:
    query = "" if wait is None else f"?wait={wait}"
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__dangjian/status{query}", timeout=60) as r:
            return json.loads(r.read())
    except OSError:
        return None


def fetch(port: int, path: str) -> bytes:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=10) as r:
            return r.read()
    except OSError:
        return b""


def article_page(out: Path, article: Path) -> str:
    """The output path of `article`: the page whose first lines carry its title."""
    title = next(line for line in article.read_text("utf-8").splitlines() if line.startswith("title:"))
    title = title.split(":", 1)[1].strip().strip('"')
    for path in out.rglob("index.html"):
        if path.parent.parent.name.isdigit() and f"<h1 data-pagefind-meta=\"title\">{title}</h1>" in path.read_text("utf-8"):
            return path.relative_to(out).as_posix()
    raise SystemExit(f"no page found for {article}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--saves", type=int, default=5)
    ap.add_argument("--gap", type=float, default=2.5, help="seconds between saves (the index follows each save)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/dangjian-bench"))
    args = ap.parse_args()
    content = corpus(args.work / f"c{args.articles}", args.articles)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = args.work / f"serve{args.articles}" / "site"
    cmd = [sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content), "--config",
           str(ROOT / "site.toml"), "--out", str(out), "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    article = sorted(content.rglob("*.md"))[7]
    original = article.read_text("utf-8")
    page = None
    times, indexed = [], []
    try:
        deadline = time.monotonic() + 600
        while (st := status(port)) is None or st["version"] == 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("serve did not start")
            time.sleep(0.2)
        page = article_page(out, article)
        for i in range(args.saves):
            time.sleep(args.gap)          # ≥2 s: past the racy window, so each save is a clean edit
            before = status(port)["version"]
            index_before = fetch(port, "pagefind/delta/pagefind-entry.json") + fetch(port, "pagefind/parts.json")
            article.write_text(original + f"\n\n预览基准测试 {i}。\n", "utf-8")
            saved = time.perf_counter()
            while status(port, before)["version"] == before:
                pass
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{page}", timeout=10) as r:
                assert f"预览基准测试 {i}。".encode() in r.read(), "the served page lacks the edit"
            times.append(time.perf_counter() - saved)
            while fetch(port, "pagefind/delta/pagefind-entry.json") + fetch(port, "pagefind/parts.json") == index_before:
                if time.perf_counter() - saved > 120:
                    raise SystemExit("the search index did not follow the edit within 120 s")
                time.sleep(0.02)
            indexed.append(time.perf_counter() - saved)
            print(f"save {i + 1}: edited page served after {times[-1]:.2f} s, search current after "
                  f"{indexed[-1]:.2f} s", flush=True)
    finally:
        article.write_text(original, "utf-8")
        proc.terminate()
        proc.wait(10)
    print(f"median save → edited page served: {statistics.median(times):.2f} s over {len(times)} saves")
    print(f"median save → search current: {statistics.median(indexed):.2f} s (serve first waits for 0.5 s without saves: REINDEX_QUIET)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
