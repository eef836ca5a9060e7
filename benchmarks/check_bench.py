#!/usr/bin/env python3
"""`check` speed on the reference corpus, optionally against another checkout in the same run.

    python benchmarks/check_bench.py [--articles 10000] [--runs 3] [--against OTHER_CHECKOUT]

Each checkout runs `python build.py check --format json` with its own site.toml on the same
corpus (../shared/bench/make_corpus.py), the two in turn for --runs rounds, so drift of the
machine falls on both alike. Reports the median wall time of each, their ratio, and what each
check found by problem code (on the reference corpus the article-level inspection codes must
be 0: that is the false-positive count).
"""
from __future__ import annotations

import argparse
import collections
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def check_once(checkout: Path, content: Path) -> tuple[float, collections.Counter]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(checkout / "build.py"), "check", "--content", str(content),
                           "--config", str(checkout / "site.toml"), "--format", "json"],
                          cwd=checkout, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    found = json.loads(proc.stdout or "[]")
    return seconds, collections.Counter(f["code"] for f in found)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--against", type=Path, help="another checkout (e.g. a worktree of main before a change)")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "dangjian-check-bench")
    args = ap.parse_args()
    content = corpus(args.work / f"c{args.articles}", args.articles)
    checkouts = [ROOT] + ([args.against.resolve()] if args.against else [])
    times: dict[Path, list[float]] = {c: [] for c in checkouts}
    codes: dict[Path, collections.Counter] = {}
    for _ in range(args.runs):
        for checkout in checkouts:
            seconds, codes[checkout] = check_once(checkout, content)
            times[checkout].append(seconds)
    for checkout in checkouts:
        print(f"{checkout}: median {statistics.median(times[checkout]):.2f} s "
              f"({', '.join(f'{t:.2f}' for t in times[checkout])}); found {dict(codes[checkout])}")
    if args.against:
        ratio = statistics.median(times[ROOT]) / statistics.median(times[checkouts[1]])
        print(f"ratio this/other: {ratio:.2f}")


if __name__ == "__main__":
    main()
