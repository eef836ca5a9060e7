"""Hostile input never crashes: a few hundred hostile articles (tests/hostile.py) through `check` and
`build`, each run as editors run it (a child process, here capped at 2 GB of memory): exit 0 or 1,
never a traceback; every file that stops the build is named by `check` (with those set aside, the
build succeeds); nothing outside the project is read into the site or written."""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import hostile
from conftest import ROOT

CASES = int(os.environ.get("DANGJIAN_FUZZ_CASES", "300"))
SEED = int(os.environ.get("DANGJIAN_FUZZ_SEED", "20261127"))
MEMORY = 2 * 1024 ** 3


def run(site: Path, *argv: str) -> subprocess.CompletedProcess:
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *argv], cwd=site, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=600, preexec_fn=limit)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_hostile_articles_never_crash_and_every_rejected_file_is_named(tmp_path: Path):
    site = tmp_path / "site-project"
    canary = hostile.make(site, CASES, SEED)
    shutil.copy(ROOT / "site.toml", site / "site.toml")
    shutil.copytree(ROOT / "static", site / "static", dirs_exist_ok=True)   # the sample's topic banners
    outside_before = files(canary.parent)
    around_before = sorted(p.name for p in tmp_path.iterdir())

    check = run(site, "check", "--format", "json")
    assert check.returncode in (0, 1) and "Traceback" not in check.stderr, check.stderr[-3000:]
    findings = json.loads(check.stdout)
    build = run(site, "build", "--no-search")
    assert build.returncode in (0, 1) and "Traceback" not in build.stderr, build.stderr[-3000:]

    rejected = {f["path"] for f in findings if f["severity"] == "error" and f["path"]}
    assert rejected, "the hostile set has files that cannot be published"
    for rel in rejected:                       # set aside what check named: the rest must build
        path = site / rel
        if path.is_file() and path.suffix == ".md":
            path.rename(path.with_name("_" + path.name))
    again = run(site, "build", "--no-search")
    assert again.returncode == 0, again.stderr[-3000:]

    published = files(site / "site")
    assert not [p for p, data in published.items() if hostile.CANARY in data]
    assert files(canary.parent) == outside_before
    assert sorted(p.name for p in tmp_path.iterdir()) == around_before
