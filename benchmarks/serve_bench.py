#!/usr/bin/env python3
"""Save-to-reload time of `build.py serve`: edit an article, time until the preview reports a new version.

    python benchmarks/serve_bench.py [--articles 1000] [--saves 5] [--gap 2.5]

The browser polls /__dangjian/status every 300 ms and reloads on a new version;
this polls every 10 ms (serve keeps the search index current, so this includes indexing), so add up to 0.3 s for a real tab. The corpus comes from
build_bench's generator. The machine is shared: expect noise, read the median.
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


def status(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__dangjian/status", timeout=2) as r:
            return json.loads(r.read())
    except OSError:
        return None


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
    times = []
    try:
        deadline = time.monotonic() + 600
        while (st := status(port)) is None or st["version"] == 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("serve did not start")
            time.sleep(0.2)
        for i in range(args.saves):
            time.sleep(args.gap)          # ≥2 s: past the racy window, so each save is a clean edit
            before = status(port)["version"]
            article.write_text(original + f"\n\n预览基准测试 {i}。\n", "utf-8")
            saved = time.perf_counter()
            while status(port)["version"] == before:
                time.sleep(0.01)
            times.append(time.perf_counter() - saved)
            print(f"save {i + 1}: new version after {times[-1]:.2f} s", flush=True)
    finally:
        article.write_text(original, "utf-8")
        proc.terminate()
        proc.wait(10)
    print(f"median save → new version: {statistics.median(times):.2f} s over {len(times)} saves "
          f"(+ up to 0.3 s until the tab's next poll)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
