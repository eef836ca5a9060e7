#!/usr/bin/env python3
"""Build-speed benchmark: cold, no-change, one-article-edited, -added and -deleted builds.

    python benchmarks/build_bench.py [--sizes 1000 10000] [--runs 3] [--huge 100000]
    python benchmarks/build_bench.py --against OTHER_CHECKOUT [--sizes 1000 10000] [--runs 3]

Corpora come from ../shared/bench/make_corpus.py when present (the reference
corpus), else from a small generator here. Each build runs as a child process
(`python build.py build ...`) under /usr/bin/time -v when available, so CPU
seconds and peak memory are the child's own. Peak memory is the largest
single process (the parent or one worker), as `time -v` reports it.
Reports medians of --runs runs. The machine is shared: expect noise.

--against runs every build of this checkout and of OTHER_CHECKOUT (e.g. a git worktree of
main before a change) in turn, on the same corpora in the same run, and reports both and
their ratio, so drift of the machine falls on both alike.
"""
from __future__ import annotations

import argparse
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
TIME = Path("/usr/bin/time")


def corpus(dest: Path, n: int) -> Path:
    content = dest / "content"
    if content.is_dir() and sum(1 for _ in content.rglob("*.md")) == n:
        return content
    shutil.rmtree(dest, ignore_errors=True)
    if MAKE_CORPUS.exists():
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(dest), "--articles", str(n)], check=True,
                       stdout=subprocess.DEVNULL)
        return content
    rnd = random.Random(1)
    cats = ["news", "grassroots", "theme-education", "integrity", "theory", "outreach", "role-models", "notices"]
    words = "医院党委 各党支部 深入开展 主题教育 志愿服务 义诊 理论学习 党风廉政建设 为群众办实事".split()
    for i in range(n):
        year = 2010 + i % 16
        folder = content / cats[i % 8] / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        body = "\n\n".join("".join(rnd.choice(words) for _ in range(40)) + "。" for _ in range(6))
        (folder / f"{year}-{i % 12 + 1:02d}-{i % 28 + 1:02d}-{i}.md").write_text(
            f"---\ntitle: 第{i}篇 {rnd.choice(words)}\ndate: {year}-{i % 12 + 1:02d}-{i % 28 + 1:02d}\n"
            f"tags: [{rnd.choice(words)}]\nauthor: 作者{i % 50}\n---\n\n{body}\n", "utf-8")
    return content


EXTRA: list[str] = []     # e.g. --no-search, from the command line


def run_build(content: Path, out: Path, *extra: str, checkout: Path = ROOT) -> dict:
    cmd = [sys.executable, str(checkout / "build.py"), "build", "--content", str(content), "--out", str(out),
           "--config", str(ROOT / "site.toml"), "-q", *EXTRA, *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if TIME.exists():
        cmd = [str(TIME), "-v", *cmd]
    started = time.perf_counter()
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        tree = TreePeak(child.pid)
        tree.start()
        out, err = child.communicate()
        tree.stop = True
        tree.join()
    proc = subprocess.CompletedProcess(cmd, child.returncode, out, err)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stderr[-3000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return {"wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "peak_mb": int(peak.group(1)) / 1024 if peak else float("nan"), "tree_mb": tree.peak / 1024,
            "at_peak": tree.at_peak}


class TreePeak(threading.Thread):
    """The largest sum of proportional resident memory (PSS: a page shared by forked workers
    counts once in all) over a process and all its descendants (the build, its workers and
    Pagefind together), sampled from /proc every 20 ms."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, False

    def run(self) -> None:
        self.at_peak: list[tuple[str, int]] = []      # (command, PSS kB) of each process at the peak
        while not self.stop:
            sizes = [(p, self._pss_kb(p)) for p in self._tree(self.pid)]
            total = sum(kb for _, kb in sizes)
            if total > self.peak:
                self.peak, self.at_peak = total, [(self._command(p), kb) for p, kb in sizes if kb]
            time.sleep(0.02)

    @staticmethod
    def _command(pid: int) -> str:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode().rsplit("/", 1)[-1]
        except OSError:
            return "?"

    def _tree(self, pid: int) -> list[int]:
        found, todo = [], [pid]
        while todo:
            p = todo.pop()
            found.append(p)
            for task in Path(f"/proc/{p}/task").glob("*/children"):
                try:
                    todo.extend(int(c) for c in task.read_text().split())
                except OSError:
                    pass
        return found

    @staticmethod
    def _pss_kb(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0


def written_files(out: Path) -> dict:
    return {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


ONLY: list = [None]
AFTER_DELETE = [False]
LEFTOVERS: list[Path] = []


def remove_output(out: Path) -> None:
    """An output of ours, all of it: the link, both release slots and its cache (rmtree alone
    leaves the slots behind a link: 19 GB after a few 100,000-article runs)."""
    if out.is_symlink():
        out.unlink()
    for path in (out, out.parent / f".{out.name}.slots", out.parent / ".cache" / "build" / out.name):
        shutil.rmtree(path, ignore_errors=True)


def bench(size: int, runs: int, work: Path) -> list[tuple]:
    content = corpus(work / f"c{size}", size)
    rows = []
    cold = []
    # Each cold build writes into a folder never used before (its cache beside it, also new); the
    # old ones are deleted at the end. On this machine's journal-less ext4, creating files right
    # after deleting thousands (rm -rf site .cache) makes the kernel skip the freed inodes one by
    # one: the same build then spends 5-10 s more in the kernel. --after-delete measures that case.
    stamp = time.strftime("%H%M%S")
    LEFTOVERS.extend(p for p in (work / f"c{size}").glob("site*") if p.is_dir() or p.is_symlink())     # earlier runs'
    outs = [work / f"c{size}" / f"site-{stamp}-{i}" for i in range(runs if ONLY[0] != "edit" else 1)]
    for out in outs:
        if AFTER_DELETE[0] and out is not outs[0]:
            previous = outs[outs.index(out) - 1]
            remove_output(previous)
        cold.append(run_build(content, out))
    out = outs[-1]
    LEFTOVERS.extend(outs[:-1])
    if ONLY[0] != "edit":
        rows.append((size, "cold (no cache, no output)" + (", right after deleting the last one" if AFTER_DELETE[0] else ""), cold))
    if ONLY[0] == "cold":
        return rows
    before = written_files(out)
    same = [run_build(content, out) for _ in range(runs)]
    untouched = written_files(out) == before
    rows.append((size, f"no change ({'no file written' if untouched else 'FILES WRITTEN'})", same))
    article = sorted(content.rglob("*.md"))[len(before) % 97]
    original = article.read_text("utf-8")
    edits = []
    for i in range(runs):
        article.write_text(original + f"\n\n基准测试追加的一段文字 {i}。\n", "utf-8")
        edits.append(run_build(content, out))
    article.write_text(original, "utf-8")
    rows.append((size, "one article edited", edits))
    added, deleted = [], []
    extra = [article.with_name(f"bench-added-{i}.md") for i in range(runs)]
    for i, path in enumerate(extra):
        path.write_text(original.replace("title: ", f"title: 基准测试新增{i} ", 1), "utf-8")
        added.append(run_build(content, out))
    for path in extra:
        path.unlink()
        deleted.append(run_build(content, out))
    rows.append((size, "one article added", added))
    rows.append((size, "one article deleted", deleted))
    return rows


def compare(size: int, runs: int, work: Path, checkouts: list[Path]) -> list[tuple]:
    """Cold, no-change and one-edit builds of each checkout, taken in turn, on one corpus."""
    content = corpus(work / f"c{size}", size)
    stamp = time.strftime("%H%M%S")
    outs = {c: [work / f"c{size}" / f"site-{stamp}-{k}-{i}" for i in range(runs)] for k, c in enumerate(checkouts)}
    cold = {c: [] for c in checkouts}
    for i in range(runs):
        for c in checkouts:
            cold[c].append(run_build(content, outs[c][i], checkout=c))
    same = {c: [] for c in checkouts}
    for _ in range(runs):
        for c in checkouts:
            same[c].append(run_build(content, outs[c][-1], checkout=c))
    article = sorted(content.rglob("*.md"))[size % 97]
    original = article.read_text("utf-8")
    edit = {c: [] for c in checkouts}
    for i in range(runs):
        article.write_text(original + f"\n\n基准测试追加的一段文字 {i}。\n", "utf-8")
        for c in checkouts:
            edit[c].append(run_build(content, outs[c][-1], checkout=c))
    article.write_text(original, "utf-8")
    LEFTOVERS.extend(p for c in checkouts for p in outs[c])
    return [(size, "cold", cold), (size, "no change", same), (size, "one article edited", edit)]


def main_against(args) -> int:
    checkouts = [ROOT, args.against.resolve()]
    print(f"| articles | build | {ROOT.name} wall s | {checkouts[1].name} wall s | ratio | "
          f"{ROOT.name} peak MB | {checkouts[1].name} peak MB | runs |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in args.sizes:
        for n, label, rows in compare(size, args.runs, args.work, checkouts):
            a, b = (median(rows[c], "wall") for c in checkouts)
            pa, pb = (median(rows[c], "peak_mb") for c in checkouts)
            print(f"| {n:,} | {label} | {a:.2f} | {b:.2f} | {a / b:.2f} | {pa:.0f} | {pb:.0f} | {args.runs} |", flush=True)
    for out in LEFTOVERS:
        remove_output(out)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--huge", type=int, default=0, help="also one cold build of this many articles (e.g. 100000)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/dangjian-bench"))
    ap.add_argument("--no-search", action="store_true", help="build without the search index (search is its own step)")
    ap.add_argument("--only", choices=["cold", "edit"], help="run only cold builds, or only no-change and edit rebuilds")
    ap.add_argument("--after-delete", action="store_true",
                    help="delete the previous cold build's output and cache just before each cold build")
    ap.add_argument("--against", type=Path, help="another checkout to measure in turn with this one")
    args = ap.parse_args()
    AFTER_DELETE[0] = args.after_delete
    if args.no_search:
        EXTRA.append("--no-search")
    if args.against:
        args.work.mkdir(parents=True, exist_ok=True)
        return main_against(args)
    ONLY[0] = args.only
    args.work.mkdir(parents=True, exist_ok=True)
    print("| articles | build | median wall s | median CPU s | median peak MB (largest process) | median peak MB (all processes, PSS) | runs |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for size in args.sizes:
        for n, label, rows in bench(size, args.runs, args.work):
            print(f"| {n:,} | {label} | {median(rows, 'wall'):.2f} | {median(rows, 'cpu'):.2f} | "
                  f"{median(rows, 'peak_mb'):.0f} | {median(rows, 'tree_mb'):.0f} | {len(rows)} |", flush=True)
    for out in LEFTOVERS:
        remove_output(out)
    if args.huge:
        content = corpus(args.work / f"c{args.huge}", args.huge)
        # As for the cold runs above: a folder never used before, earlier ones deleted afterwards.
        old = [p for p in (args.work / f"c{args.huge}").glob("site*") if p.is_dir() or p.is_symlink()]
        out = args.work / f"c{args.huge}" / f"site-{time.strftime('%H%M%S')}"
        r = run_build(content, out)
        print(f"| {args.huge:,} | cold, once | {r['wall']:.2f} | {r['cpu']:.2f} | {r['peak_mb']:.0f} | {r['tree_mb']:.0f} | 1 |", flush=True)
        print("At the peak (PSS MB): " + ", ".join(f"{name} {kb / 1024:.0f}" for name, kb in r["at_peak"]))
        for folder in old:
            remove_output(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
