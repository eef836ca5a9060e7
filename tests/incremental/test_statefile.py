"""The build cache's index saved as base + delta: what is read back is always what was saved last."""
from __future__ import annotations

import logging
import random

import pytest

from dangjian.incremental import statefile
from dangjian.incremental.cache import ENGINE, BuildCache
from dangjian.incremental.statefile import State, StateFile


def sample_state(n: int = 400) -> State:
    return State(engine=ENGINE, options=("x",), sources={f"a{i}.md": (i, i * 3, f"d{i}") for i in range(n)},
                 pages={f"p{i}/index.html": f"sig{i}" for i in range(n)}, structure="s0",
                 teasers={f"a{i}": (f"c{i}", f"t{i}") for i in range(n)}, facets=("k", {"a.html": {"x"}}))


def mutate(state: State, rnd: random.Random, changes: int) -> State:
    """A new State (as a build makes one): some entries changed, added and removed, a scalar or two."""
    new = State(**{k: (dict(v) if isinstance(v, dict) else v) for k, v in state.__dict__.items()})
    for _ in range(changes):
        table = rnd.choice([new.sources, new.pages, new.teasers])
        key = rnd.choice(list(table)) if table else "k"
        action = rnd.random()
        if action < 0.4:
            table[key] = ("changed", rnd.random())
        elif action < 0.7:
            table.pop(key, None)
        else:
            table[f"new{rnd.random()}"] = ("added",)
    if rnd.random() < 0.3:
        new.structure = f"s{rnd.random()}"
    return new


def test_every_save_reads_back_exactly(tmp_path):
    rnd = random.Random(4)
    path = tmp_path / "state.pickle"
    writer = StateFile(path)
    state = sample_state()
    writer.save(state)
    deltas = bases = 0
    for step in range(60):
        # Mostly small edits (a delta); now and then a big one (the base is rewritten).
        state = mutate(state, rnd, rnd.choice([1, 3, 10, 10, 400]))
        had_base = path.stat().st_mtime_ns, path.stat().st_ino
        writer.save(state)
        if (path.stat().st_mtime_ns, path.stat().st_ino) == had_base:
            deltas += 1
            assert writer.delta.exists()
        else:
            bases += 1
            assert not writer.delta.exists()
        again = StateFile(path).load()          # what the next build (a new process) reads
        assert again == state, step
        if step % 7 == 0:
            writer = StateFile(path)            # as the next build would: load, then save
            writer.load()
    assert deltas > 30 and bases > 3


def test_small_edit_writes_a_small_delta(tmp_path):
    path = tmp_path / "state.pickle"
    writer = StateFile(path)
    state = sample_state(5000)
    writer.save(state)
    base_size = path.stat().st_size
    writer = StateFile(path)
    loaded = writer.load()
    changed = State(**{k: (dict(v) if isinstance(v, dict) else v) for k, v in loaded.__dict__.items()})
    changed.pages["p7/index.html"] = "new signature"
    writer.save(changed)
    assert path.stat().st_size == base_size and writer.delta.stat().st_size < 1000
    assert StateFile(path).load() == changed


def test_delta_left_beside_a_newer_base_is_ignored(tmp_path):
    """A save interrupted between writing a new base and removing the old delta."""
    path = tmp_path / "state.pickle"
    writer = StateFile(path)
    first = sample_state()
    writer.save(first)
    second = mutate(first, random.Random(1), 0)
    second.pages["p1/index.html"] = "second"
    writer.save(second)
    stale = writer.delta.read_bytes()
    third = mutate(second, random.Random(2), 400)
    third.pages["p1/index.html"] = "third"
    writer.save(third)
    assert not writer.delta.exists()
    writer.delta.write_bytes(stale)
    assert StateFile(path).load() == third


@pytest.mark.parametrize("damage", ["garble", "truncate", "not-a-pickle"])
def test_damaged_delta_makes_the_cache_count_as_absent(tmp_path, damage, caplog):
    cache = BuildCache(tmp_path / "cache")
    state = sample_state()
    cache.save(state)
    cache.save(mutate(state, random.Random(3), 2))
    delta = cache.state_file.delta
    data = bytearray(delta.read_bytes())
    if damage == "garble":
        data[len(data) // 2] ^= 0xFF
    elif damage == "truncate":
        data = data[:40]
    else:
        data = bytearray(statefile.MAGIC + b"0" * 32 + b"junk")
    delta.write_bytes(bytes(data))
    logger = logging.getLogger("dangjian.incremental.cache")
    logger.addHandler(caplog.handler)       # the CLI's tests turn propagation to the root logger off
    try:
        assert BuildCache(tmp_path / "cache").load(("x",)) is None
    finally:
        logger.removeHandler(caplog.handler)
    assert "构建缓存已损坏" in caplog.text
    assert not delta.exists() and not cache.index.exists()     # discarded: the next build starts afresh


def test_a_long_running_process_keeps_what_it_saved(tmp_path, monkeypatch):
    path = tmp_path / "state.pickle"
    kept: dict = {}                         # what the process keeps (cache.Session.files)
    writer = StateFile(path, kept)
    state = sample_state()
    writer.save(state)
    writer.save(mutate(state, random.Random(5), 2))
    reads = []
    monkeypatch.setattr(statefile, "read", lambda p: reads.append(p) or None)
    loaded = StateFile(path, kept).load()
    assert reads == [] and loaded is not None
    monkeypatch.undo()
    # Replaced behind its back (another build): read again.
    other = StateFile(path)
    other.load()
    other.save(mutate(loaded, random.Random(6), 400))
    assert StateFile(path, kept).load() == StateFile(path).load() != loaded
