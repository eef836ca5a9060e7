"""Our build against our peer, Hugo + Pagefind, on the reference corpus, in one run.

    python benchmarks/peer_bench.py [--sizes 1000 10000] [--runs 3]

Hugo is Debian's `hugo` package with the layouts in ../shared/bench/hugo/; Pagefind is the
binary of the `pagefind[extended]` wheel we index with (same version, same language). Per size
and round, taken in turn: a cold build of each (no cache, no output; Pagefind over Hugo's output
for "search on"), then one article edited and each built again, twice, the second timed: a scheduled build's
steady state (our first build after a cold one also links the whole site into the second
release folder, once). Hugo has no incremental build: it renders everything and Pagefind
reindexes everything. Wall-clock medians of --runs rounds
and our time / theirs (below 1: we are faster). The machine is noisy: quote medians.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"
WORK = ROOT / "build" / "bench-hugo"
# Issue 17's goals for our time / theirs (the edit goal is absolute: ≤ 1.5 s at 10,000 articles).
GOALS = {("cold", True): "≤ 0.5", ("cold", False): "≤ 0.55"}


def timed(cmd: list[str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{(proc.stderr or proc.stdout)[-3000:]}")
    return time.perf_counter() - started


def corpus(size: int) -> Path:
    folder = WORK / f"c{size}"
    if not (folder / "content").exists():
        subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), str(folder), "--articles", str(size)],
                       check=True, stdout=subprocess.DEVNULL)
    hugo = folder / "hugo"
    shutil.rmtree(hugo, ignore_errors=True)
    shutil.copytree(SHARED / "hugo", hugo, ignore=shutil.ignore_patterns("vnu"))
    (hugo / "content").symlink_to(folder / "content")
    return folder


def pagefind() -> str:
    from pagefind.service import get_executable
    return str(get_executable())


def ours(folder: Path, out: Path, search: bool) -> float:
    return timed([sys.executable, str(ROOT / "build.py"), "build", "--content", str(folder / "content"),
                  "--out", str(out), "--config", str(ROOT / "site.toml"), "-q", *([] if search else ["--no-search"])])


def theirs(folder: Path, out: Path, search: bool) -> float:
    seconds = timed(["hugo", "--quiet", "--source", str(folder / "hugo"), "--destination", str(out)])
    if search:
        seconds += timed([pagefind(), "--site", str(out), "--force-language", "zh-cn", "--quiet"])
    return seconds


def clean(out: Path) -> None:
    """No output, and no cache beside it (ours: .cache/ and .site.slots/; each builder has its own folder)."""
    for path in (out, out.parent / ".cache", out.parent / f".{out.name}.slots"):
        shutil.rmtree(path, ignore_errors=True)


def rounds(folder: Path, runs: int, search: bool) -> dict[str, list[float]]:
    times = {key: [] for key in ("ours cold", "hugo cold", "ours edit", "hugo edit")}
    article = sorted((folder / "content").rglob("*.md"))[len(str(folder)) % 97]
    original = article.read_text("utf-8")
    try:
        for i in range(runs):
            for name, build in (("ours", ours), ("hugo", theirs)):
                out = folder / f"out-{name}" / "site"
                clean(out)
                times[f"{name} cold"].append(build(folder, out, search))
            for step, timed_edit in (("warm", False), ("edit", True)):
                article.write_text(original + f"\n\n基准测试追加的一段文字 {i} {step}。\n", "utf-8")
                for name, build in (("ours", ours), ("hugo", theirs)):
                    seconds = build(folder, folder / f"out-{name}" / "site", search)
                    if timed_edit:
                        times[f"{name} edit"].append(seconds)
            article.write_text(original, "utf-8")
    finally:
        article.write_text(original, "utf-8")
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if shutil.which("hugo") is None:
        raise SystemExit("hugo is not installed (apt install hugo)")
    print("| articles | search | build | ours s | Hugo (+ Pagefind) s | ratio | goal | runs |")
    print("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for size in args.sizes:
        folder = corpus(size)
        for search in (True, False):
            times = rounds(folder, args.runs, search)
            for kind in ("cold", "edit"):
                a, b = statistics.median(times[f"ours {kind}"]), statistics.median(times[f"hugo {kind}"])
                label = "cold" if kind == "cold" else "one article edited"
                goal = GOALS.get((kind, search), "")
                print(f"| {size:,} | {'on' if search else 'off'} | {label} | {a:.2f} | {b:.2f} | {a / b:.2f} | {goal} "
                      f"| {args.runs} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
