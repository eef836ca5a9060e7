"""The build cache's index (`State`), saved as a base file plus a small delta.

An edit changes a handful of the index's hundred thousand entries, yet writing
the whole of it took a fifth of a second at 10,000 articles. So a save writes
only what changed since the base (`state-delta.pickle`, merged with the delta
already there); once the delta holds more than `DELTA_LIMIT` of the entries the
base is rewritten whole and the delta removed.

Both files carry a magic, a checksum and, for the delta, the id of the base it
applies to: a delta left beside a newer base (a save interrupted between
writing the one and removing the other) is ignored. Damage makes the whole
cache count as absent, as before.
"""
from __future__ import annotations

import os
import pickle
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..util import memory

MAGIC = b"dangjian-build-cache 3\n"
DELTA_LIMIT = 0.1               # share of all entries a delta may hold before the base is rewritten
_MISSING = object()


class SourceRecord(NamedTuple):
    """What the last build knew of one article file."""

    mtime_ns: int           # -1: saved too recently for its stat to be trusted
    size: int
    digest: str             # sha256 of its bytes
    conditions: str         # what parsing it depended on besides its bytes (time zone, categories, folder)
    packed: tuple           # the parsed Source, packed (cache.pack_source)
    problems: list          # what parsing it reported, replayed while it is unchanged


class BodyRecord(NamedTuple):
    """What the last build made of one article's body."""

    digest: str             # its file's digest
    conditions: str         # the Markdown settings it was converted under
    deps: tuple             # every lookup it made: (kind, target, value) (see rebuild.deps_hold)
    packed: tuple           # the Body without its HTML, plus the HTML's hash (cache.pack_body)
    problems: list


@dataclass
class State:
    engine: str = ""
    options: tuple = ()
    sources: dict = field(default_factory=dict)   # rel -> a SourceRecord's fields, as a plain tuple
    bodies: dict = field(default_factory=dict)    # rel -> a BodyRecord's fields, as a plain tuple
    pages: dict = field(default_factory=dict)     # output path -> signature
    uses: dict = field(default_factory=dict)      # output path -> article cards the signature used
    cards: dict = field(default_factory=dict)     # article key -> card
    structure: str = ""                           # signatures.Signer.structure of those pages
    outputs: dict = field(default_factory=dict)   # output path -> (size, mtime_ns, inode)
    copies: dict = field(default_factory=dict)    # output path -> (source path, size, mtime_ns)
    slugs: dict = field(default_factory=dict)     # urls.Slugger.known, so pypinyin need not load
    related: dict = field(default_factory=dict)   # model.build_site's memo of related articles
    teasers: dict = field(default_factory=dict)   # article key -> (card, teaser): Signer.teasers()
    teasers_key: str = ""                         # the global key those teasers were made under
    facets: tuple = ()                            # (global key, signatures.template_facets) of that build
    articles: dict = field(default_factory=dict)  # article rel -> its output path (to notice addresses gone)


def _checksum(crc: int, length: int) -> bytes:
    # CRC-32 and length: catches damage (this is no defence against tampering, nor must it be),
    # at 4 ms for a 16 MB index where BLAKE2 took 17.
    return f"{crc:08x}{length:024x}".encode()


class _Summing:
    """A file the pickler writes through, summing what passes (so no copy of it is held)."""

    def __init__(self, file):
        self.file, self.crc, self.length = file, 0, 0

    def write(self, data) -> int:
        self.crc = zlib.crc32(data, self.crc)
        self.length += len(data)
        return self.file.write(data)


def read(path: Path):
    """A checksummed pickle, or None when absent; ValueError when damaged."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    # A view, not a slice: at 100,000 articles the index is 170 MB and a copy would double it.
    head, check, payload = raw[:len(MAGIC)], raw[len(MAGIC):len(MAGIC) + 32], memoryview(raw)[len(MAGIC) + 32:]
    if head != MAGIC:
        if raw.startswith(b"dangjian-build-cache "):
            return None             # another version's format: not damage, just not ours
        raise ValueError("magic")
    if check != _checksum(zlib.crc32(payload), len(payload)):
        raise ValueError("checksum")
    with memory.no_collection():
        return pickle.loads(payload)


def write(path: Path, data) -> None:
    """Atomically: a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
    with open(tmp, "wb") as file:
        file.write(MAGIC + b"0" * 32)
        # Pickled straight to the file: the whole pickle in memory (and a copy of it with the
        # header) added 400 MB to the peak of a 100,000-article build.
        summing = _Summing(file)
        pickle.dump(data, summing, protocol=pickle.HIGHEST_PROTOCOL)
        file.seek(len(MAGIC))
        file.write(_checksum(summing.crc, summing.length))
    os.replace(tmp, path)


# Deltas: {"set": {field: value}, "update": {field: {key: value}}, "remove": {field: set of keys}}
def _no_changes() -> dict:
    return {"set": {}, "update": {}, "remove": {}}


def diff(old: State, new: State) -> dict:
    """What turns `old` into `new`: changed entries of its dicts, other fields whole."""
    changes = _no_changes()
    for name, value in new.__dict__.items():
        before = old.__dict__.get(name, _MISSING)
        if before is value:
            continue
        if isinstance(value, dict) and isinstance(before, dict):
            # Most entries are the very objects the last build loaded: `is` settles them.
            update = {k: v for k, v in value.items() if (o := before.get(k, _MISSING)) is not v and o != v}
            remove = before.keys() - value.keys()
            if update:
                changes["update"][name] = update
            if remove:
                changes["remove"][name] = remove
        elif before != value:
            changes["set"][name] = value
    return changes


def merge(first: dict, then: dict) -> dict:
    """One delta doing what `first` and then `then` do."""
    merged: dict = {"set": {**first["set"], **then["set"]}, "update": {}, "remove": {}}
    for name in first["update"].keys() | first["remove"].keys() | then["update"].keys() | then["remove"].keys():
        if name in then["set"]:
            continue
        removed_now = then["remove"].get(name, set())
        updated_now = then["update"].get(name, {})
        update = {k: v for k, v in first["update"].get(name, {}).items() if k not in removed_now}
        update.update(updated_now)
        remove = (first["remove"].get(name, set()) - updated_now.keys()) | removed_now
        if update:
            merged["update"][name] = update
        if remove:
            merged["remove"][name] = remove
    return merged


def apply(state: State, changes: dict) -> None:
    """Apply a delta to a freshly read base, in place."""
    for name, value in changes["set"].items():
        setattr(state, name, value)
    for name, update in changes["update"].items():
        getattr(state, name).update(update)
    for name, keys in changes["remove"].items():
        table = getattr(state, name)
        for key in keys:
            table.pop(key, None)


def size(changes: dict) -> int:
    return sum(map(len, changes["update"].values())) + sum(map(len, changes["remove"].values())) \
        + len(changes["set"])


def entries(state: State) -> int:
    return sum(len(v) for v in state.__dict__.values() if isinstance(v, dict)) + 1


# A long-running process (serve) keeps what it wrote last, in a dict it owns (`kept`:
# path -> (the file's stats, what it holds)); the stats prove nobody else has replaced
# the file since, so it need not be read again.
def _stat(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def read_kept(path: Path, kept: dict | None):
    """`read(path)`, or what this process last wrote there with `write_kept`."""
    found = kept.get(path) if kept is not None else None
    if found is not None and found[0] == _stat(path):
        return found[1]
    return read(path)


def write_kept(path: Path, data, kept: dict | None) -> None:
    write(path, data)
    if kept is not None:
        kept[path] = (_stat(path), data)


def forget(path: Path, kept: dict | None) -> None:
    if kept is not None:
        kept.pop(path, None)
    path.unlink(missing_ok=True)


class StateFile:
    """The index as base + delta. `load` remembers what it read; `save` diffs against it."""

    def __init__(self, base: Path, kept: dict | None = None):
        self.base = base
        self.delta = base.with_name(base.stem + "-delta.pickle")
        self.kept = kept
        self._loaded: tuple | None = None        # (base id, the state as loaded, the delta on disk)

    def _stats(self) -> tuple:
        return _stat(self.base), _stat(self.delta)

    def load(self) -> State | None:
        """The saved state (None when there is none); raises on damage."""
        self._loaded = None
        stats = self._stats()
        kept = self.kept.get(self.base) if self.kept is not None else None
        if kept is not None and kept[0] == stats:
            self._loaded = kept[1]
            return kept[1][1]
        data = read(self.base)
        if data is None:
            return None
        if not isinstance(data, dict) or "state" not in data:
            return None                 # written by an older engine: not damage, just not ours
        state = State(**data["state"])
        changes = read(self.delta) if stats[1] is not None else None
        if changes is not None and changes.get("base") == data["base"]:
            apply(state, changes["changes"])
            delta = changes["changes"]
        else:
            delta = _no_changes()
        self._loaded = (data["base"], state, delta)
        return state

    def save(self, state: State) -> None:
        loaded = self._loaded
        if loaded is not None:
            delta = merge(loaded[2], diff(loaded[1], state))
            if size(delta) <= DELTA_LIMIT * entries(state):
                write(self.delta, {"base": loaded[0], "changes": delta})
                self._remember((loaded[0], state, delta))
                return
        base_id = os.urandom(8).hex()
        write(self.base, {"base": base_id, "state": state.__dict__})
        self.delta.unlink(missing_ok=True)
        self._remember((base_id, state, _no_changes()))

    def _remember(self, loaded: tuple) -> None:
        self._loaded = loaded
        if self.kept is not None:
            self.kept[self.base] = (self._stats(), loaded)

    def discard_memory(self) -> None:
        """Forget what was loaded: the next save writes a new base."""
        self._loaded = None

    def discard(self) -> None:
        self._loaded = None
        if self.kept is not None:
            self.kept.pop(self.base, None)
        self.base.unlink(missing_ok=True)
        self.delta.unlink(missing_ok=True)
