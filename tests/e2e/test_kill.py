"""A killed build never shows readers a mixed site: builds killed with SIGKILL at random moments
leave the published tree exactly the old site or exactly the new one, and the next build finishes
the job. CI runs a few kills on a few hundred articles; DANGJIAN_KILLS and DANGJIAN_KILL_ARTICLES
run the large version (reported in the closing note)."""
from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, make_corpus
from worksite import tree

KILLS = int(os.environ.get("DANGJIAN_KILLS", "6"))
ARTICLES = int(os.environ.get("DANGJIAN_KILL_ARTICLES", "300"))


def argv(content: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--out", str(out),
            "--config", str(ROOT / "site.toml"), "--no-search", "-q", *extra]


def version(content: Path, files: list[Path], originals: dict[Path, str], n: int) -> None:
    """Content version n: every chosen article retitled (and its body changed) for this version."""
    for path in files:
        text = originals[path].replace("title: ", f"title: 第{n}版 ", 1)
        path.write_text(text + f"\n第 {n} 版追加的一段。\n", "utf-8")
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 10**9 * (100 - n)))


def test_killed_builds_leave_the_old_site_or_the_new_one(tmp_path: Path):
    content = make_corpus(tmp_path / "corpus", ARTICLES, seed=11)
    rnd = random.Random(7)
    files = rnd.sample(sorted(content.rglob("*.md")), ARTICLES // 5)
    originals = {p: p.read_text("utf-8") for p in files}
    expected = {}
    for n in (1, 2):                               # each version's site, built cold elsewhere
        version(content, files, originals, n)
        subprocess.run(argv(content, tmp_path / f"v{n}", "--no-cache"), check=True)
        expected[n] = tree(tmp_path / f"v{n}")
    out = tmp_path / "site"
    version(content, files, originals, 1)
    subprocess.run(argv(content, out), check=True)          # version 1 published
    version(content, files, originals, 2)
    started = time.monotonic()
    subprocess.run(argv(content, out), check=True)          # version 2: how long an edit build takes
    duration = time.monotonic() - started
    mixed, outcomes = [], []
    for kill in range(KILLS):
        old, new = (2, 1) if kill % 2 == 0 else (1, 2)
        version(content, files, originals, new)
        proc = subprocess.Popen(argv(content, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.05, 1.2 * duration))      # any moment of the build, and just after
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        seen = tree(out)
        outcome = "old" if seen == expected[old] else "new" if seen == expected[new] else "MIXED"
        outcomes.append(outcome)
        if outcome == "MIXED":
            mixed.append((kill, sorted(p for p in seen if seen.get(p) != expected[new].get(p))[:5]))
        subprocess.run(argv(content, out), check=True)      # the next build finishes the job
        assert tree(out) == expected[new]
    assert not mixed, (outcomes, mixed)
    leftovers = [p.name for p in tmp_path.iterdir() if re.match(r"\.site\.(link|old)-", p.name)]
    assert not leftovers
    print(f"\n{KILLS} kills on {ARTICLES} articles: " + ", ".join(f"{o} {outcomes.count(o)}" for o in ("old", "new")))
