"""`deploy`: publish the built site to the folder the web server serves, as releases.

The target (site.toml `[deploy] target`, a folder on this machine or a mounted share) holds

    releases/20261127-093000/     one complete copy of the site per deploy
    current -> releases/…         what the web server serves (point its root here)

A deploy copies the site into `releases/.incoming-…` (files unchanged since the live release are
hard-linked, not copied), renames it to its release name once complete, and then turns `current`
with one atomic rename of a symbolic link: readers see the old release or the new one, never a
mix, and a deploy interrupted at any moment leaves the old one live (its leftovers are cleared by
the next deploy). `deploy --rollback` turns `current` back to the release before it. The newest
`keep` releases are kept. Where the file system has no symbolic links (some Windows shares),
`current` is a folder swapped by two renames: never mixed, but missing for an instant.
"""
from __future__ import annotations

import errno
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import SiteError

RELEASES, CURRENT, INCOMING, LOCK = "releases", "current", ".incoming-", ".deploy.lock"
NAME_FILE = ".release"          # in each release: its own name (read where `current` is a folder)


class DeployError(SiteError):
    """A deploy that cannot go ahead; the live release is untouched."""


@dataclass(frozen=True)
class Deployed:
    release: str        # the live release (the same as `previous` when nothing had changed)
    previous: str | None
    copied: int         # files written
    linked: int         # files unchanged since the live release, hard-linked
    removed: list[str]  # old releases pruned


def deploy(site: Path, target: Path, keep: int = 3, now: float | None = None) -> Deployed:
    """Copy the built `site` to a new release under `target` and make it live."""
    site = site.resolve()
    if not (site / "index.html").is_file():
        raise DeployError(f"{site} 里没有生成好的网站（缺少 index.html）：先运行 python build.py，再发布")
    target.mkdir(parents=True, exist_ok=True)
    releases = target / RELEASES
    releases.mkdir(exist_ok=True)
    with _locked(target):
        _clear_incoming(releases)
        live = live_release(target)
        live_dir = _live_folder(target, live) if live else None
        files, live_files = _listing(site), (_listing(live_dir) if live_dir else {})
        if live is not None and files == live_files:
            return Deployed(live, live, 0, 0, [])          # the live release is this site already
        name = _new_name(target, now)
        incoming = releases / f"{INCOMING}{name}"
        copied, linked = _copy_tree(site, incoming, files, live_dir, live_files)
        (incoming / NAME_FILE).write_text(name, encoding="utf-8")
        os.rename(incoming, releases / name)
        _switch(target, name)
        removed = _prune(releases, keep, {name, live})
    return Deployed(name, live, copied, linked, removed)


def rollback(target: Path) -> tuple[str, str]:
    """Make the release before the live one live again; (from, to)."""
    with _locked(target):
        live = live_release(target)
        names = sorted(set(release_names(target / RELEASES)) | ({live} if live else set()))
        if live is None or live not in names or names.index(live) == 0:
            raise DeployError(f"{target} 中没有比当前版本更早的版本，无法回退")
        earlier = names[names.index(live) - 1]
        _switch(target, earlier)
    return live, earlier


def live_release(target: Path) -> str | None:
    current = target / CURRENT
    if current.is_symlink():
        return Path(os.readlink(current)).name
    if current.is_dir():
        marker = current / NAME_FILE
        return marker.read_text(encoding="utf-8").strip() if marker.is_file() else None
    return None


def release_names(releases: Path) -> list[str]:
    """Complete releases, oldest first (their names sort by time)."""
    if not releases.is_dir():
        return []
    return sorted(p.name for p in releases.iterdir() if p.is_dir() and not p.name.startswith("."))


def _live_folder(target: Path, live: str) -> Path:
    current = target / CURRENT
    return current if current.is_dir() else target / RELEASES / live


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file's path → (size, mtime): equal for a site and its unchanged copy (times are kept)."""
    found = {}
    for root, _, names in os.walk(folder):
        for name in names:
            if name != NAME_FILE:
                path = os.path.join(root, name)
                st = os.stat(path)
                found[Path(os.path.relpath(path, folder)).as_posix()] = (st.st_size, st.st_mtime_ns)
    return found


def _new_name(target: Path, now: float | None) -> str:
    return next_release_name(release_names(target / RELEASES) + [n for n in [live_release(target)] if n], now)


def next_release_name(known: list[str], now: float | None) -> str:
    """0007-20261127-093000: a sequence number first, so names sort in deploy order whatever the clock."""
    seq = max((int(n.split("-")[0]) for n in known if n.split("-")[0].isdigit()), default=0) + 1
    return f"{seq:04d}-" + time.strftime("%Y%m%d-%H%M%S", time.localtime(now if now is not None else time.time()))


def _copy_tree(site: Path, dest: Path, files: dict, live: Path | None, live_files: dict) -> tuple[int, int]:
    """Every file of `site` (`files`, listed) into `dest`; a file equal in size and time to the live
    release's is hard-linked (the build keeps unchanged files' times, and releases are never written
    in place)."""
    copied = linked = 0
    for rel in sorted(files):
        out = dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        if live is not None and live_files.get(rel) == files[rel] and _link(live / rel, out):
            linked += 1
        else:
            shutil.copy2(site / rel, out)
            copied += 1
    return copied, linked


def _link(old: Path, out: Path) -> bool:
    try:
        os.link(old, out)
        return True
    except OSError:         # another file system, or one without hard links: copy instead
        return False


def _switch(target: Path, name: str) -> None:
    """Make releases/<name> live in one rename (a link), or two where links are not supported."""
    current, tmp = target / CURRENT, target / f".{CURRENT}.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    try:
        os.symlink(f"{RELEASES}/{name}", tmp, target_is_directory=True)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS, errno.EACCES):
            raise
        _swap_folders(target, name)
        return
    if current.is_dir() and not current.is_symlink():        # a folder from a system without links
        _swap_folders(target, None)
    os.replace(tmp, current)


def _swap_folders(target: Path, name: str | None) -> None:
    """Without symbolic links: the live folder goes back to releases/, the new one takes its place."""
    current = target / CURRENT
    if current.is_dir() and not current.is_symlink():
        old = live_release(target) or time.strftime("%Y%m%d-%H%M%S")
        os.rename(current, target / RELEASES / old)
    if name is not None:
        os.rename(target / RELEASES / name, current)


def _prune(releases: Path, keep: int, protected: set) -> list[str]:
    names = release_names(releases)
    doomed = [n for n in names[:-max(keep, 2)] if n not in protected]
    for name in doomed:
        shutil.rmtree(releases / name, ignore_errors=True)
    return doomed


def _clear_incoming(releases: Path) -> None:
    """What an interrupted deploy left: never live, safe to delete."""
    for leftover in releases.glob(f"{INCOMING}*"):
        shutil.rmtree(leftover, ignore_errors=True)


class _locked:
    """One deploy at a time per target (a second one is refused, not queued)."""

    def __init__(self, target: Path):
        self.path = target / LOCK

    def __enter__(self):
        self.fh = open(self.path, "w")
        try:
            import fcntl
        except ImportError:         # Windows: the deploy job's scheduler keeps runs apart
            return self
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.fh.close()
            raise DeployError(f"另一个发布正在向 {self.path.parent} 进行，请稍后再试") from None
        return self

    def __exit__(self, *exc):
        self.fh.close()
