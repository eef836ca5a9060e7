"""util/memory.py: the build's collector settings are undone afterwards, and a hold survives a fork."""
from __future__ import annotations

import gc

from dangjian.util import memory


def test_tuned_for_build_restores_thresholds_and_unfreezes():
    before = gc.get_threshold()
    with memory.tuned_for_build():
        assert gc.get_threshold()[0] == 50_000
        memory.keep_until_build_ends()
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_fork_freeze_does_not_undo_the_builds_hold():
    with memory.tuned_for_build():
        memory.keep_until_build_ends()
        held = gc.get_freeze_count()
        with memory.frozen_for_fork():
            pass
        assert gc.get_freeze_count() >= held         # the loaded cache stays set aside
    with memory.frozen_for_fork():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0                # no hold: undone at once


def test_no_collection_restores_the_collector():
    assert gc.isenabled()
    with memory.no_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
