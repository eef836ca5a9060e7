"""Publish the site atomically for readers: they see the old site or the new one, never a mix.

The output path (`site`) is a symbolic link to one of two folders beside it, `.site.slots/a` and
`.site.slots/b`. A build writes the folder readers do not see, then turns the link with one
atomic rename. The two folders share every unchanged file (hard links, never written in place:
a changed file is written beside and renamed over), so bringing the hidden folder up to date
costs what changed since it was last published, not the whole site.

- Refuses two pages on one path and any path outside the output folder.
- A failed, interrupted or killed build leaves what readers see exactly as it was.
- A file whose bytes did not change keeps its inode and modification time.
- Where the file system has no symbolic links, the folders are swapped by two renames instead
  (readers never see a mix, but for an instant find no folder at all).
"""
from __future__ import annotations

import ctypes
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..core.urls import is_safe
from ..errors import OutputError
from ..options import MARKER, release_slots

log = logging.getLogger(__name__)


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0

    @property
    def files(self) -> int:
        return self.written + self.unchanged


@dataclass
class Release:
    """The next version of the site, assembled in the hidden slot, then published by `commit`.

    `live` and `hidden` are the two slots' files with (size, mtime, inode) as they were when the
    build began (output stats); `fresh`: rebuild the hidden slot from nothing (a cold build)."""

    out: Path
    live_files: dict = field(default_factory=dict)
    hidden_files: dict = field(default_factory=dict)
    fresh: bool = True

    def __post_init__(self):
        self.live, self.hidden = release_slots(self.out)
        self.owners: dict[str, str] = {}
        self.stats = WriteStats()
        # Files whose bytes differ from what readers see now, in writing order (a dict: the search
        # phase asks of every article page whether it is among them).
        self.changed: dict[str, None] = {}
        self.removed: list[str] = []         # files readers see now that the new version drops
        self._made_dirs: set[Path] = set()

    # Planning ------------------------------------------------------------------------------------
    def reserve(self, path: str, owner: str) -> None:
        """Claim an output path before anything is written; refuse clashes and escapes."""
        if not is_safe(path):
            raise OutputError(f"拒绝写到输出文件夹之外：{path!r}（来自 {owner}）")
        if len(path) > 63 and any(len(part.encode()) > 255 for part in path.split("/")):   # ≤ 4 bytes a character
            raise OutputError(f"输出文件名太长（超过 255 字节）：{path[:80]}……（来自 {owner}）")
        if path in self.owners:
            raise OutputError(f"两个页面要写到同一个位置 {path}：{self.owners[path]} 和 {owner}")
        self.owners[path] = owner

    # Writing -----------------------------------------------------------------------------------------
    def __enter__(self) -> "Release":
        if self.fresh and self.hidden.exists():
            shutil.rmtree(self.hidden)
            self.hidden_files = {}
        self.hidden.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        """Nothing to undo: readers never saw the hidden slot (the next build checks its files)."""

    def _dir_of(self, target: Path) -> None:
        parent = target.parent
        if parent not in self._made_dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._made_dirs.add(parent)

    def _place(self, path: str, make) -> None:
        """Put a new inode at `path` in the hidden slot: `make(tmp)` creates it, a rename puts it there."""
        if path not in self.owners:
            raise OutputError(f"未预留的输出路径：{path}")
        target = self.hidden / path
        self._dir_of(target)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        make(tmp)
        os.replace(tmp, target)

    def keep(self, path: str) -> None:
        """The file readers see now is the one wanted (the hidden slot takes it over in `commit`)."""
        self.stats.unchanged += 1

    def write(self, path: str, data: bytes) -> bool:
        """Stage one file; True if its bytes differ from the file readers see now (then it is written
        into the hidden slot; forked workers' writes are listed in `changed` by the pipeline)."""
        if self._same_as_live(path, data):
            self.keep(path)
            return False
        self._place(path, lambda tmp: tmp.write_bytes(data))
        self.stats.written += 1
        self.changed[path] = None
        return True

    def copy(self, path: str, source: Path) -> None:
        old = self.live / path if self.live is not None else None
        try:
            if old is not None and old.stat().st_size == source.stat().st_size and old.read_bytes() == source.read_bytes():
                self.keep(path)
                return
        except OSError:
            pass
        self._place(path, lambda tmp: shutil.copyfile(source, tmp))
        self.stats.written += 1
        self.changed[path] = None

    def _same_as_live(self, path: str, data: bytes) -> bool:
        if self.live is None:
            return False
        try:
            old = self.live / path
            return old.stat().st_size == len(data) and old.read_bytes() == data
        except OSError:
            return False

    def read(self, path: str) -> bytes:
        """The bytes this build produced for `path` (written now, or the same as readers see)."""
        return ((self.hidden if path in self.changed else self.live) / path).read_bytes()

    def remove(self, path: str) -> None:
        """(A file readers see now.) Not part of the new version unless reserved."""
        if path not in self.owners and is_safe(path):
            self.removed.append(path)

    # Publishing ------------------------------------------------------------------------------------
    def commit(self) -> None:
        """When the new version differs from what readers see: give the hidden slot every unchanged
        file (shared with the live one), drop what the new version has not, and turn the link.
        When nothing differs, nothing at all is touched."""
        written = set(self.changed)
        if self.live is not None and not written and not self.removed \
                and self.live_files and set(self.owners) <= set(self.live_files):
            return
        for path in self.owners.keys() - written:
            if self.fresh or self.hidden_files.get(path) != self.live_files.get(path):
                self._place(path, lambda tmp, path=path: os.link(self.live / path, tmp))
        for path in set(self.hidden_files) - set(self.owners):
            target = self.hidden / path
            if is_safe(path) or path.rsplit("/", 1)[-1].endswith(".tmp"):
                target.unlink(missing_ok=True)
                _prune(target.parent, self.hidden)
        _turn_link(self.out, self.hidden)


def replace_published(out: Path, path: str, data: bytes) -> bool:
    """Give one published file new bytes at once, where readers see them (serve's first answer to a
    save, build/quick.py): written beside and renamed over, so a reader gets the old file or the new,
    and the hidden slot's hard link keeps the old bytes. Only a file that is there already; False
    when it is not, or its bytes are the same."""
    live, _ = release_slots(out)
    if live is None or not is_safe(path):
        return False
    target = live / path
    try:
        if target.read_bytes() == data:
            return False
    except OSError:
        return False
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return True


def _turn_link(out: Path, slot: Path) -> None:
    """Make `out` point at `slot` with one atomic rename (readers see one folder or the other)."""
    for stale in out.parent.glob(f".{out.name}.link-*"):        # left by a build killed right here
        stale.unlink(missing_ok=True)
    link = out.parent / f".{out.name}.link-{os.getpid()}"
    try:
        os.symlink(os.path.relpath(slot, out.parent), link, target_is_directory=True)
    except (OSError, NotImplementedError):
        _swap_folders(out, slot)
        return
    if out.is_symlink() or not out.exists():
        os.replace(link, out)
        return
    if not _exchange(link, out):            # a folder from before: swapped with the link at once
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.rename(out, old)
        os.replace(link, out)
        link = old
    shutil.rmtree(link, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): swap two paths atomically. False where not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.renameat2(-100, os.fsencode(a), -100, os.fsencode(b), 2) == 0      # AT_FDCWD, EXCHANGE
    except (AttributeError, OSError):
        return False


def _swap_folders(out: Path, slot: Path) -> None:
    """Without symbolic links: the slot is renamed to the output path (the old one set aside)."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.rename(out, old)
    os.rename(slot, out)
    shutil.rmtree(old, ignore_errors=True)


def _prune(folder: Path, root: Path) -> None:
    """Remove folders left empty by deleted pages, up to the slot's root."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def check_output_folder(out: Path, protected: list[Path | None]) -> None:
    """Refuse an output folder that holds content, templates or config, or one this tool did not make."""
    resolved = out.resolve()
    places = [p.resolve() for p in protected if p] + [Path.cwd().resolve(), Path.home()]
    for place in places:
        if resolved == place or place.is_relative_to(resolved) or out.absolute() == place:
            raise OutputError(f"输出文件夹 {out} 包含内容、模板或配置，拒绝覆盖 — 请用 --out 指定单独的文件夹，如 site")
    live, _ = release_slots(out)
    if out.is_symlink() and (live is None or live.parent.name != f".{out.name}.slots"):
        raise OutputError(f"输出位置 {out} 是一个指向别处的链接，拒绝覆盖 — 请换一个 --out 文件夹")
    if resolved.exists() and (not resolved.is_dir() or (any(resolved.iterdir()) and not (resolved / MARKER).exists())):
        raise OutputError(f"输出文件夹 {out} 已存在且不是本工具生成的，拒绝覆盖 — 请换一个 --out 文件夹，或先手动删除它")
