"""A working copy of a site for incremental-build tests: content (the sample plus 120 generated
articles), site.toml, templates/, a first cold build with its cache, and the oracle: the
output after any edit must equal a cold build of the same inputs, byte for byte."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from dangjian.build.pipeline import build
from dangjian.cli import main
from dangjian.options import Options


class Work:
    def __init__(self, root: Path):
        self.root = root
        self.out = root / "site"

    def argv(self, out: Path, *extra: str) -> list[str]:
        return ["build", "--content", str(self.root / "content"), "--config", str(self.root / "site.toml"),
                "--templates", str(self.root / "templates"), "--out", str(out), "--no-search", "-q", *extra]

    def options(self, **changes) -> Options:
        return Options(content=self.root / "content", config=self.root / "site.toml",
                       templates=self.root / "templates", out=self.out, search=False, **changes)

    def build(self, *extra: str):
        return build(self.options(jobs=2 if "--jobs=2" in extra else 0))

    def cold(self) -> Path:
        out = self.root / "cold"
        remove_site(out)
        assert main(self.argv(out, "--no-cache", "--jobs", "1")) == 0
        return out

    def assert_same_as_cold(self) -> None:
        got, want = tree(self.out), tree(self.cold())
        assert sorted(got) == sorted(want), set(got) ^ set(want)
        different = [p for p in want if got[p] != want[p]]
        assert not different, different[:5]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stats(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.stat().st_ino)
            for p in folder.rglob("*") if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def corpus_article(work: Work) -> Path:
    return sorted((work.root / "content" / "news").rglob("20*-*.md"))[3]


def age(root: Path, seconds: int = 3600) -> None:
    """Make every input look saved an hour ago (saves in the last seconds are never trusted by stat)."""
    for path in [*root.rglob("*")]:
        top = path.relative_to(root).parts[0]
        if path.is_file() and ".cache" not in path.parts and top not in ("site", ".site.slots", "cold", ".cold.slots"):
            st = path.stat()
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 1_000_000_000))


def remove_site(out: Path) -> None:
    """Delete a built site: the output link and both of its slots."""
    if out.is_symlink():
        out.unlink()
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(out.parent / f".{out.name}.slots", ignore_errors=True)
