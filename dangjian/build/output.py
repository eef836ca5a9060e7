"""Write the site safely: stage into a temporary folder beside the output, then swap.

- Refuses two pages on one path and any path outside the output folder.
- A failed or interrupted build removes its staging folder and leaves the
  published site byte-for-byte as it was.
- A file whose bytes did not change is hard-linked from the previous output,
  so it is not rewritten and keeps its modification time.
"""
from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..core.urls import is_safe
from ..errors import OutputError
from ..options import MARKER

log = logging.getLogger(__name__)


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0

    @property
    def files(self) -> int:
        return self.written + self.unchanged


class Writer:
    def __init__(self, out_dir: Path):
        self.out_dir = out_dir.resolve()
        self.staging = self.out_dir.parent / f".{self.out_dir.name}.tmp-{os.getpid()}"
        self.owners: dict[str, str] = {}
        self.stats = WriteStats()
        self._made_dirs: set[Path] = set()

    # Planning ------------------------------------------------------------
    def reserve(self, path: str, owner: str) -> None:
        """Claim an output path before anything is written; refuse clashes and escapes."""
        if not is_safe(path):
            raise OutputError(f"拒绝写到输出文件夹之外：{path!r}（来自 {owner}）")
        if any(len(part.encode()) > 255 for part in path.split("/")):
            raise OutputError(f"输出文件名太长（超过 255 字节）：{path[:80]}……（来自 {owner}）")
        if path in self.owners:
            raise OutputError(f"两个页面要写到同一个位置 {path}：{self.owners[path]} 和 {owner}")
        self.owners[path] = owner

    # Writing ---------------------------------------------------------------
    def __enter__(self) -> "Writer":
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        if self.staging.resolve() != self.staging:
            raise OutputError(f"临时文件夹的位置不安全：{self.staging}")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            shutil.rmtree(self.staging, ignore_errors=True)

    def _target(self, path: str) -> Path:
        if path not in self.owners:
            raise OutputError(f"未预留的输出路径：{path}")
        target = self.staging / path
        parent = target.parent
        if parent not in self._made_dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._made_dirs.add(parent)
        # No resolve() per file (seconds on a big site): `reserve` admits only normalised
        # relative paths, and the staging folder is new, so it holds no symlink to escape by.
        return target

    def write(self, path: str, data: bytes) -> bool:
        """Stage one file; True if its bytes differ from the published one."""
        target = self._target(path)
        if self._link_unchanged(path, target, data):
            return False
        target.write_bytes(data)
        self.stats.written += 1
        return True

    def copy(self, path: str, source: Path) -> None:
        target = self._target(path)
        old = self.out_dir / path
        try:
            st_old, st_new = old.stat(), source.stat()
            if st_old.st_size == st_new.st_size and old.read_bytes() == source.read_bytes():
                os.link(old, target)
                self.stats.unchanged += 1
                return
        except OSError:
            pass
        shutil.copyfile(source, target)
        self.stats.written += 1

    def _link_unchanged(self, path: str, target: Path, data: bytes) -> bool:
        old = self.out_dir / path
        try:
            if old.stat().st_size != len(data) or old.read_bytes() != data:
                return False
            os.link(old, target)
        except OSError:
            return False
        self.stats.unchanged += 1
        return True

    def read(self, path: str) -> bytes:
        """The bytes this build produced for `path` (staged, or linked from the old site)."""
        return (self.staging / path).read_bytes()

    def commit(self) -> None:
        """Swap the staged tree in for the published one."""
        backup = self.out_dir.parent / f".{self.out_dir.name}.old-{os.getpid()}"
        if backup.exists():
            shutil.rmtree(backup)
        if self.out_dir.exists():
            os.rename(self.out_dir, backup)
        os.rename(self.staging, self.out_dir)
        shutil.rmtree(backup, ignore_errors=True)


class IncrementalWriter:
    """Update a published site in place, changing only files whose bytes differ.

    Changed files are staged beside the output first; nothing in the published
    folder changes until `commit`, which records a journal, then renames the
    staged files into place and deletes pages that no longer exist. An
    interrupted commit is completed by `recover` at the start of the next
    build, so the site ends up either wholly old or wholly new.
    """

    def __init__(self, out_dir: Path, journal: Path):
        self.out_dir = out_dir.resolve()
        self.journal = journal
        self.staging = self.out_dir.parent / f".{self.out_dir.name}.inc-{os.getpid()}"
        self.owners: dict[str, str] = {}
        self.stats = WriteStats()
        self.changed: list[str] = []         # staged, to be renamed into place
        self.removed: list[str] = []
        self._made_dirs: set[Path] = set()

    reserve = Writer.reserve

    def __enter__(self) -> "IncrementalWriter":
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def _stage(self, path: str) -> Path:
        if path not in self.owners:
            raise OutputError(f"未预留的输出路径：{path}")
        target = self.staging / path
        if target.parent not in self._made_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made_dirs.add(target.parent)
        self.changed.append(path)
        self.stats.written += 1
        return target

    def keep(self, path: str) -> None:
        """The published file is known to be current (its inputs did not change)."""
        self.stats.unchanged += 1

    def write(self, path: str, data: bytes) -> bool:
        old = self.out_dir / path
        try:
            if old.stat().st_size == len(data) and old.read_bytes() == data:
                self.stats.unchanged += 1
                return False
        except OSError:
            pass
        self._stage(path).write_bytes(data)
        return True

    def copy(self, path: str, source: Path) -> None:
        old = self.out_dir / path
        try:
            if old.stat().st_size == source.stat().st_size and old.read_bytes() == source.read_bytes():
                self.stats.unchanged += 1
                return
        except OSError:
            pass
        shutil.copyfile(source, self._stage(path))

    def read(self, path: str) -> bytes:
        """The bytes this build produced for `path`: staged if changed, else the published file."""
        staged = self.staging / path
        return staged.read_bytes() if staged.exists() else (self.out_dir / path).read_bytes()

    def remove(self, path: str) -> None:
        if path not in self.owners and is_safe(path):
            self.removed.append(path)

    def commit(self) -> None:
        if not self.changed and not self.removed:
            return
        import json
        self.journal.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.journal.with_suffix(".tmp")
        tmp.write_text(json.dumps({"out": str(self.out_dir), "staging": str(self.staging),
                                   "changed": self.changed, "removed": self.removed}), "utf-8")
        os.replace(tmp, self.journal)        # from here on the update is completed, never half-done
        _apply_journal(self.journal)


def _apply_journal(journal: Path) -> None:
    import json
    import signal
    import threading
    plan = json.loads(journal.read_text("utf-8"))
    out, staging = Path(plan["out"]), Path(plan["staging"])
    # Ctrl-C waits for these few renames rather than leaving a half-updated site.
    masked = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if masked else None
    try:
        for path in plan["changed"]:
            if not is_safe(path):
                continue
            src, dst = staging / path, out / path
            if src.exists():
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dst)
        for path in plan["removed"]:
            if not is_safe(path):
                continue
            target = out / path
            try:
                target.unlink()
            except FileNotFoundError:
                pass
            _prune(target.parent, out)
        journal.unlink()
        shutil.rmtree(staging, ignore_errors=True)
    finally:
        if masked:
            signal.signal(signal.SIGINT, previous)


def _prune(folder: Path, root: Path) -> None:
    """Remove folders left empty by deleted pages, up to the output root."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def recover(journal: Path) -> bool:
    """Finish an update that was interrupted while being committed."""
    if not journal.exists():
        return False
    try:
        _apply_journal(journal)
    except (OSError, ValueError, KeyError):
        journal.unlink(missing_ok=True)
        return False
    log.info("已完成上次中断的网站更新")
    return True


def check_output_folder(out: Path, protected: list[Path | None]) -> None:
    """Refuse an output folder that holds content, templates or config, or one this tool did not make."""
    resolved = out.resolve()
    places = [p.resolve() for p in protected if p] + [Path.cwd().resolve(), Path.home()]
    for place in places:
        if resolved == place or place.is_relative_to(resolved):
            raise OutputError(f"输出文件夹 {out} 包含内容、模板或配置，拒绝覆盖 — 请用 --out 指定单独的文件夹，如 site")
    if resolved.exists() and (not resolved.is_dir() or (any(resolved.iterdir()) and not (resolved / MARKER).exists())):
        raise OutputError(f"输出文件夹 {out} 已存在且不是本工具生成的，拒绝覆盖 — 请换一个 --out 文件夹，或先手动删除它")
