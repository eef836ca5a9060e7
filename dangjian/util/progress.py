"""A quiet progress counter: shown on a terminal only, only once a phase runs over a second."""
from __future__ import annotations

import os
import sys
import time


class Progress:
    def __init__(self, enabled: bool | None = None, stream=None, delay: float = 1.0):
        self.stream = stream or sys.stderr
        self.enabled = (self.stream.isatty() if enabled is None else enabled)
        self.delay = delay
        self.started = time.monotonic()
        self._label, self._total, self._done, self._last, self._shown = "", 0, 0, 0.0, False

    def phase(self, label: str, total: int) -> None:
        self._finish_line()
        self._label, self._total, self._done = label, total, 0

    def advance(self, n: int = 1) -> None:
        self._done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < self.delay or (now - self._last < 0.1 and self._done < self._total):
            return
        self._last = now
        width = 24
        filled = int(width * self._done / self._total) if self._total else width
        self.stream.write(f"\r{self._label} [{'#' * filled}{'.' * (width - filled)}] {self._done}/{self._total}")
        self.stream.flush()
        self._shown = True

    def _finish_line(self) -> None:
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False

    def close(self) -> None:
        self._finish_line()


class Silent(Progress):
    def __init__(self):
        super().__init__(enabled=False)


class Laps:
    """Phase timings for `-v` (and for whoever profiles the next slow build)."""

    def __init__(self, log):
        self.log = log
        self.started = self.last = time.perf_counter()
        self.cpu = os.times()

    def lap(self, label: str) -> None:
        now, cpu = time.perf_counter(), os.times()
        used = [b - a for a, b in zip(self.cpu, cpu)][:4]
        self.log.debug("  %-10s %.2f s（CPU：本进程 %.1f + %.1f s，子进程 %.1f + %.1f s）", label, now - self.last, *used)
        self.last, self.cpu = now, cpu

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started
