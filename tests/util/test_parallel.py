"""util/parallel.py: work spread over forked processes gives what one process gives."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from dangjian.util import parallel


def test_run_keeps_order_and_forked_workers_see_closures():
    offset = 1000                                     # reached through the closure, never pickled
    got = parallel.run(lambda n: (n + offset, os.getpid()), list(range(500)), jobs=2, chunk_size=16)
    assert [g[0] for g in got] == [n + 1000 for n in range(500)]
    assert os.getpid() not in {pid for _, pid in got}


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_result_is_made_into_what_is_kept_as_it_arrives_in_order(jobs):
    seen = []

    def keep(item, result):
        seen.append(item)                              # here, in order, whoever computed it
        return (item, result, os.getpid())
    got = parallel.run(lambda n: n * n, list(range(300)), jobs=jobs, chunk_size=16, each=keep)
    assert seen == list(range(300)) and got == [(n, n * n, os.getpid()) for n in range(300)]


def test_workers_are_replaced_by_fresh_forks_after_a_while(monkeypatch):
    monkeypatch.setattr(parallel, "RECYCLE_ITEMS", 50)
    got = parallel.run(lambda n: (n, os.getpid()), list(range(400)), jobs=2, chunk_size=25)
    assert [n for n, _ in got] == list(range(400))
    assert len({pid for _, pid in got}) >= 8               # 16 chunks, 2 per worker


def test_small_batches_and_one_job_run_here():
    assert {pid for pid in parallel.run(lambda _: os.getpid(), list(range(10)), jobs=2)} == {os.getpid()}
    assert {pid for pid in parallel.run(lambda _: os.getpid(), list(range(300)), jobs=1)} == {os.getpid()}


def test_soon_computes_in_a_child_and_falls_back_here():
    assert parallel.soon(lambda: ("made", os.getpid()))()[0] == "made"
    seen = []

    def failing_in_the_child():
        seen.append(os.getpid())
        if len(seen) == 1 and os.getpid() != parent:
            raise RuntimeError("child")
        return os.getpid()
    parent = os.getpid()
    assert parallel.soon(failing_in_the_child)() == parent


def test_cancelled_raises_only_when_set():
    event = threading.Event()
    parallel.cancelled(None)
    parallel.cancelled(event)
    event.set()
    with pytest.raises(parallel.Cancelled):
        parallel.cancelled(event)


def test_background_remover_deletes_without_waiting(tmp_path: Path):
    folders = [tmp_path / f"d{i}" for i in range(3)]
    for folder in folders:
        (folder / "x" / "y").mkdir(parents=True)
    remover = parallel.BackgroundRemover()
    started = time.monotonic()
    for folder in folders:
        remover(folder)
    assert time.monotonic() - started < 1
    remover.wait(10)
    assert not any(f.exists() for f in folders)
