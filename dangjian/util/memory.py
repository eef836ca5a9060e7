"""Every decision about Python's garbage collector, in one place.

A build allocates millions of long-lived objects (sources, model, pages, the
loaded cache) and little cyclic garbage, so the collector is tuned for it while
a build runs, the loaded cache is set aside from it (frozen) until the build
ends, forked workers inherit frozen memory (so collecting in them does not copy
every page), and a program that exits right after a build may leave the
collector off. This is process state, kept here on purpose: `util/` is the only
layer allowed module-level state.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

_holds = [0]                 # freezes that last until the running build ends
_pausing_allowed = [False]   # set by a program that exits, or collects, right after its builds


@contextmanager
def tuned_for_build() -> Iterator[None]:
    """While a build runs: young garbage collected in big batches (the default thresholds walked
    the long-lived objects hundreds of times, ≈15% of an incremental build at 10,000 articles);
    afterwards every freeze made for the build is undone."""
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 50)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        _holds[0] = 0
        gc.unfreeze()


def keep_until_build_ends() -> None:
    """Set aside everything alive now (the loaded build cache, a few hundred thousand objects that
    live as long as the build) so the collector stops walking them."""
    gc.freeze()
    _holds[0] += 1


@contextmanager
def frozen_for_fork() -> Iterator[None]:
    """Frozen objects are skipped by the collector, so forked workers do not write to (and so
    copy) every inherited page of memory each time they collect. An outer hold survives this."""
    gc.freeze()
    try:
        yield
    finally:
        if not _holds[0]:
            gc.unfreeze()


@contextmanager
def no_collection() -> Iterator[None]:
    """Unpickling creates a few hundred thousand objects, none of them garbage: a collector
    pass every so many of them would walk the growing heap again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def allow_pausing() -> None:
    """This process collects (or exits) right after each build: an incremental build may leave
    the collector off (two collections were 0.05 s of a 10k edit rebuild)."""
    _pausing_allowed[0] = True


def pause_if_allowed() -> None:
    if _pausing_allowed[0]:
        gc.disable()


def resume() -> None:
    """Collect again (serve calls this once the edited page has been published)."""
    gc.enable()


def leave_garbage_to_exit() -> None:
    """The process ends next: collecting the build's cyclic garbage on the way out (≈80,000
    objects at 10,000 articles) took 0.06 s; frozen, it is left for the OS to reclaim."""
    gc.freeze()
