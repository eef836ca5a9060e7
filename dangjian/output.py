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

from .errors import OutputError
from .urls import is_safe

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
        if path in self.owners:
            raise OutputError(f"两个页面要写到同一个位置 {path}：{self.owners[path]} 和 {owner}")
        self.owners[path] = owner

    # Writing ---------------------------------------------------------------
    def __enter__(self) -> "Writer":
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            shutil.rmtree(self.staging, ignore_errors=True)

    def _target(self, path: str) -> Path:
        if path not in self.owners:
            raise OutputError(f"未预留的输出路径：{path}")
        target = self.staging / path
        # Belt and braces: the resolved target must stay inside the staging folder.
        if not target.resolve().is_relative_to(self.staging.resolve()):
            raise OutputError(f"拒绝写到输出文件夹之外：{path!r}")
        parent = target.parent
        if parent not in self._made_dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._made_dirs.add(parent)
        return target

    def write(self, path: str, data: bytes) -> None:
        target = self._target(path)
        if self._link_unchanged(path, target, data):
            return
        target.write_bytes(data)
        self.stats.written += 1

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

    def commit(self) -> None:
        """Swap the staged tree in for the published one."""
        backup = self.out_dir.parent / f".{self.out_dir.name}.old-{os.getpid()}"
        if backup.exists():
            shutil.rmtree(backup)
        if self.out_dir.exists():
            os.rename(self.out_dir, backup)
        os.rename(self.staging, self.out_dir)
        shutil.rmtree(backup, ignore_errors=True)
