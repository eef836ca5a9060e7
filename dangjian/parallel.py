"""Spread independent work (parsing, Markdown, rendering) over processes.

Forked workers inherit the parent's state (config, URLs, the site model)
instead of receiving it pickled; only small work lists and results cross the
pipe. Small batches, one job, or a platform without fork run in-process, so
the result never depends on how many processes did the work.
"""
from __future__ import annotations

import gc
import os
from typing import Callable, Sequence

_TASK: Callable | None = None
_ITEMS: Sequence = ()
MIN_PARALLEL = 200        # below this, starting processes costs more than it saves


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _run_chunk(bounds):
    # Only (start, end) crosses the pipe: the items themselves were inherited by fork,
    # so pages full of articles are never pickled.
    start, end = bounds
    return [_TASK(_ITEMS[i]) for i in range(start, end)]


def run(task: Callable, items: Sequence, jobs: int, progress=None, chunk_size: int = 64) -> list:
    """[task(item) for item in items], in order, over up to `jobs` forked processes."""
    global _TASK, _ITEMS
    import multiprocessing       # here, not at the top: an edit rebuild never forks and need not load it
    if jobs <= 1 or len(items) < MIN_PARALLEL or "fork" not in multiprocessing.get_all_start_methods():
        out = []
        for item in items:
            out.append(task(item))
            if progress:
                progress.advance()
        return out
    chunks = [(i, min(i + chunk_size, len(items))) for i in range(0, len(items), chunk_size)]
    _TASK, _ITEMS = task, items
    # Frozen objects are skipped by the collector, so workers do not write to (and
    # so copy) every inherited page of memory each time they collect garbage.
    gc.freeze()
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(min(jobs, len(chunks))) as pool:
            out = []
            for result in pool.imap(_run_chunk, chunks):
                out.extend(result)
                if progress:
                    progress.advance(len(result))
            return out
    finally:
        gc.unfreeze()
        _TASK, _ITEMS = None, ()
