"""Spread independent work (parsing, Markdown, rendering, signing) over processes.

Forked workers inherit the parent's memory: the task (any callable, closures
and bound methods included) and its items are never pickled; only (start, end)
bounds and results cross the pipe. Small batches, one job, or a platform
without fork run in-process, so the result never depends on how many
processes did the work.
"""
from __future__ import annotations

import os
import pickle
from typing import Callable, Sequence

from . import memory

_TASK: list = [None, ()]     # (task, items) the forked workers inherit while `run` runs
MIN_PARALLEL = 200        # below this, starting processes costs more than it saves
# A worker is replaced by a fresh fork after about this many items. A long-lived one copies, page
# by page, every part of the parent's memory whose objects it so much as reads (reference counts
# are writes) and keeps what it loaded: at 100,000 articles two render workers grew to 0.8 GB
# each beside the parent's 1.8 GB.
RECYCLE_ITEMS = 2000


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _run_chunk(bounds):
    start, end = bounds
    task, items = _TASK
    return [task(items[i]) for i in range(start, end)]


def run(task: Callable, items: Sequence, jobs: int = 0, progress=None, chunk_size: int = 64,
        minimum: int = MIN_PARALLEL, each: Callable | None = None) -> list:
    """[task(item) for item in items], in order, over up to `jobs` forked processes (0: one per core).
    With `each`, every result is replaced by each(item, result) as it arrives (here, in order): what
    the results are made into is kept, not all the results at once."""
    keep = each or (lambda item, result: result)
    import multiprocessing       # here, not at the top: an edit rebuild never forks and need not load it
    jobs = jobs or default_jobs()
    if jobs <= 1 or len(items) < minimum or "fork" not in multiprocessing.get_all_start_methods():
        out = []
        for item in items:
            out.append(keep(item, task(item)))
            if progress:
                progress.advance()
        return out
    chunks = [(i, min(i + chunk_size, len(items))) for i in range(0, len(items), chunk_size)]
    _TASK[:] = [task, items]
    try:
        with memory.frozen_for_fork():
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(min(jobs, len(chunks)), maxtasksperchild=max(1, RECYCLE_ITEMS // chunk_size)) as pool:
                out = []
                for result in pool.imap(_run_chunk, chunks):
                    out.extend([keep(items[len(out) + i], r) for i, r in enumerate(result)])
                    if progress:
                        progress.advance(len(result))
                return out
    finally:
        _TASK[:] = [None, ()]


def soon(task: Callable[[], object]) -> Callable[[], object]:
    """`task()` computed by a forked child while this process goes on; call the result to get it.

    For work that is mostly time in the kernel (thousands of stat calls): a thread
    would be starved of the interpreter lock by the Python work done meanwhile.
    If the child fails, the task runs here instead."""
    if not hasattr(os, "fork"):
        found = task()
        return lambda: found
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:                                   # the child: compute, send, leave at once
        code = 0
        try:
            os.close(read_end)
            data = pickle.dumps(task(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        except BaseException:                      # noqa: BLE001 - the parent computes it itself
            code = 1
        os._exit(code)
    os.close(write_end)

    def result():
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        return task() if status != 0 else pickle.loads(data)
    return result


class Cancelled(Exception):
    """Work stopped on request (serve: a newer save outranks the search index being built)."""


def cancelled(cancel) -> None:
    """Raise Cancelled when `cancel` (an Event, shared with forked workers; or None) is set."""
    if cancel is not None and cancel.is_set():
        raise Cancelled()


class BackgroundRemover:
    """Deletes folders with separate `rm -rf` processes, so that nobody waits for it: ten thousand
    scratch folders take a second or more, and a thread doing it held the interpreter lock
    against the next build."""

    def __init__(self):
        self._running: list = []

    def __call__(self, folder) -> None:
        import shutil
        import subprocess
        rm = shutil.which("rm")
        if rm is None:
            shutil.rmtree(folder, ignore_errors=True)
            return
        self._running = [p for p in self._running if p.poll() is None]        # reap the finished ones
        self._running.append(subprocess.Popen([rm, "-rf", "--", str(folder)], stdin=subprocess.DEVNULL,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def wait(self, timeout: float | None = None) -> None:
        for proc in self._running:
            proc.wait(timeout)
        self._running = []
