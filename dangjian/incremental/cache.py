"""The persistent build cache behind incremental builds.

Kept in `.cache/build/<output name>/` beside the output folder (git-ignored):

- `state.pickle` (+ `state-delta.pickle`, see statefile.py): a checksummed index
  of what the last successful build saw and made: every article file's stat,
  digest and parsed `Source`; every body's Markdown result (minus its HTML) and
  the links it resolved; every page's dependency signature; every output file's stat.
- `jinja/`: compiled templates.
- `html.sqlite`: article bodies' HTML, addressed by their hash and fetched only
  for the pages that are re-rendered.

Nothing here is trusted blindly: a wrong magic, checksum, engine version or
option set, or any error while reading, makes the cache count as absent and
the build runs cold. HTML fetched from the store is checked against its hash.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sqlite3
from pathlib import Path

from .. import __version__
from ..core import content
from ..core.content import Source
from ..core.model import Body
from ..util import memory
from . import statefile
from .statefile import State, StateFile

log = logging.getLogger(__name__)


class CacheCorrupt(Exception):
    """The cache contradicted itself mid-build; the pipeline retries cold."""


def _engine_key(package: Path = Path(__file__).parent.parent) -> str:
    """Version plus a hash of the engine's own code (every module of every layer) and of the
    libraries that shape the output."""
    import importlib.util
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    # Each library by its package file's path, size and time: an upgrade rewrites it. (Asking
    # importlib.metadata for versions cost 16 ms of every build; this costs under one.)
    for name in ("jinja2", "markdown", "nh3", "pypinyin", "yaml", "markupsafe"):
        try:
            origin = importlib.util.find_spec(name).origin
            st = os.stat(origin)
            h.update(f"{name}={origin}:{st.st_size}:{st.st_mtime_ns};".encode())
        except (AttributeError, ImportError, OSError, TypeError, ValueError):
            h.update(f"{name}=?;".encode())
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


ENGINE = _engine_key()


def digest(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# Sources and bodies, packed ----------------------------------------------------
def _packed_names() -> tuple[str, ...]:
    return content.attributes(content.FIELDS)


def pack_source(src: Source) -> tuple:
    """A Source as a plain tuple (fast to unpickle), without its path or body text."""
    values = src.__dict__
    return tuple(None if name in ("path", "body") else values[name] for name in _packed_names())


class _OnFirstUse:
    """A dataclass field of a cached object, made by `make(instance)` when first read (kept in `_<name>`)."""

    def __init__(self, make):
        self.make = make

    def __set_name__(self, owner, name):
        self.slot = "_" + name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        found = obj.__dict__.get(self.slot)
        if found is None:
            found = obj.__dict__[self.slot] = self.make(obj)
        return found

    def __set__(self, obj, value):
        obj.__dict__[self.slot] = value


class CachedSource(Source):
    """A Source unpacked from the cache. Building 10,000 Path objects was a tenth of an edit rebuild."""

    path = _OnFirstUse(lambda src: src._root / src.rel)

    def _compared(self) -> dict:
        return {**super()._compared(), "path": self.path}


def unpack_source(row: tuple, folder: Path) -> Source:
    src = object.__new__(CachedSource)
    values = src.__dict__
    values.update(zip(_packed_names(), row))
    values.update(_root=folder, body="")   # body: reloaded from disk if it must be converted again
    del values["path"]
    return src


def pack_body(body: Body, html_hash: str) -> tuple:
    return (body.summary, body.reading_minutes, body.char_count, body.toc, html_hash)


class LazyBody(Body):
    """A Body whose HTML stays in the cache until a template needs it."""

    html = _OnFirstUse(lambda body: body._store.get(body._hash))


def unpack_body(row: tuple, store: "HtmlStore") -> Body:
    summary, minutes, chars, toc, html_hash = row
    body = object.__new__(LazyBody)      # filled directly, as unpickling does: 10,000 of these per build
    body.__dict__.update(summary=summary, reading_minutes=minutes, char_count=chars, toc=toc,
                         _store=store, _hash=html_hash)
    return body


# HTML store -----------------------------------------------------------------
class HtmlStore:
    """Article HTML by hash in SQLite; one connection per process (safe after fork)."""

    PENDING = 500           # bodies held in memory before they are written out

    def __init__(self, path: Path):
        self.path = path
        self._conn = None
        self._pid = None
        self._pending: dict[str, str] = {}
        self._limit = self.PENDING

    def _db(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            # A disposable cache checked on every read: no need to wait for the disk.
            self._conn.execute("PRAGMA synchronous = OFF")
            self._conn.execute("CREATE TABLE IF NOT EXISTS html (hash TEXT PRIMARY KEY, body TEXT NOT NULL)")
            self._pid = os.getpid()
        return self._conn

    def get(self, key: str) -> str:
        if key in self._pending:
            return self._pending[key]
        try:
            row = self._db().execute("SELECT body FROM html WHERE hash = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            raise CacheCorrupt(f"html store: {exc}") from None
        if row is None or digest(row[0]) != key:
            raise CacheCorrupt(f"html store: missing or damaged entry {key}")
        return row[0]

    def prefetch(self, bodies) -> None:
        """Load many bodies' HTML in one query (before rendering their pages)."""
        wanted: dict[str, list] = {}
        for b in bodies:
            if isinstance(b, LazyBody) and "_html" not in b.__dict__:
                wanted.setdefault(b._hash, []).append(b)
        keys = list(wanted)
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            try:
                rows = self._db().execute(
                    f"SELECT hash, body FROM html WHERE hash IN ({','.join('?' * len(chunk))})", chunk).fetchall()
            except sqlite3.Error as exc:
                raise CacheCorrupt(f"html store: {exc}") from None
            for key, html in rows:
                if digest(html) == key:
                    for body in wanted[key]:
                        body.__dict__["_html"] = html

    def put(self, key: str, html: str) -> None:
        """Keep `key`'s HTML; past PENDING bodies they are written out (the transaction commits: forked
        workers read them from the file, the rest from `_pending`, inherited)."""
        self._pending[key] = html
        if len(self._pending) >= self._limit:
            try:
                self._write(self._db())
            except sqlite3.Error as exc:      # a cache not written costs memory now, time next build
                log.debug("html store not written: %s", exc)
                self._limit = float("inf")

    def _write(self, db: sqlite3.Connection) -> None:
        db.execute("BEGIN")
        try:
            db.executemany("INSERT OR REPLACE INTO html (hash, body) VALUES (?, ?)", self._pending.items())
            db.execute("COMMIT")
        except sqlite3.Error:
            db.execute("ROLLBACK")
            raise
        self._pending.clear()

    def flush(self, live: set[str]) -> None:
        """Save new bodies and drop those no article uses any more."""
        try:
            db = self._db()
            self._write(db)
            db.execute("BEGIN")
            stored = {row[0] for row in db.execute("SELECT hash FROM html")}
            dead = stored - live
            if dead:
                db.executemany("DELETE FROM html WHERE hash = ?", ((k,) for k in dead))
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            log.debug("html store not saved: %s", exc)
        self._pending.clear()

    def close(self) -> None:
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None


def tree_stats(*folders: Path) -> list[tuple[str, int, int]]:
    """(path, size, mtime_ns) of every file below some small folders (templates, static)."""
    rows = []
    for folder in folders:
        if folder and folder.is_dir():
            for base, _, names in os.walk(folder):
                for name in names:
                    st = os.stat(os.path.join(base, name))
                    rows.append((os.path.join(base, name), st.st_size, st.st_mtime_ns))
    return sorted(rows)


class Session:
    """What a long-running process (serve) keeps between its builds: the index and quick record it
    wrote last (trusted while their files' stats show nobody replaced them) and the sources it
    unpacked. A command-line build has none."""

    def __init__(self):
        self.files: dict = {}              # path -> (stats, data): statefile.read_kept / write_kept
        self.sources: dict = {}            # rel -> (the SourceRecord, its unpacked Source)


class BuildCache:
    def __init__(self, folder: Path, session: Session | None = None):
        self.folder = folder
        self.quick = folder / "quick.pickle"
        self.index = folder / "state.pickle"
        self.journal = folder / "journal.json"
        self.search = folder / "search.pickle"
        self.html = HtmlStore(folder / "html.sqlite")
        self.kept = session.files if session is not None else None
        self.state_file = StateFile(self.index, self.kept)

    def compiled_templates(self) -> Path:
        """Jinja's bytecode cache, one folder per engine version (how templates compile may change with
        it); other versions' folders are removed."""
        base, here = self.folder / "jinja", self.folder / "jinja" / ENGINE[:16]
        if base.is_dir():
            for old in base.iterdir():
                if old.name != here.name:
                    shutil.rmtree(old, ignore_errors=True)
        here.mkdir(parents=True, exist_ok=True)
        return here

    def load_quick(self) -> dict | None:
        """The no-change shortcut's record: inputs fingerprint, output stats, messages."""
        try:
            data = statefile.read_kept(self.quick, self.kept)
            return data if isinstance(data, dict) and data.get("engine") == ENGINE else None
        except Exception:              # noqa: BLE001 - the full path decides then
            return None

    def save_quick(self, data: dict) -> None:
        statefile.write_kept(self.quick, {**data, "engine": ENGINE}, self.kept)

    def load_search(self) -> dict | None:
        """The published search index's record (build/search.py), or None."""
        try:
            data = statefile.read_kept(self.search, self.kept)
            return data if isinstance(data, dict) and data.get("engine") == ENGINE else None
        except Exception:              # noqa: BLE001 - the index is then made again
            return None

    def save_search(self, record: dict) -> None:
        statefile.write_kept(self.search, {**record, "engine": ENGINE}, self.kept)

    def load(self, options_key: tuple) -> State | None:
        """The previous build's state, or None when absent, damaged or made under other conditions."""
        try:
            state = self.state_file.load()
        except Exception as exc:       # noqa: BLE001 - a damaged cache is never fatal
            log.warning("构建缓存已损坏，本次完整重建（%s）", type(exc).__name__)
            self.state_file.discard()
            return None
        if state is None or state.engine != ENGINE or state.options != options_key:
            self.state_file.discard_memory()
            return None
        memory.keep_until_build_ends()      # it lives as long as the build: no collector walks over it
        return state

    def save(self, state: State) -> None:
        self.state_file.save(state)

    def discard(self) -> None:
        statefile.forget(self.quick, self.kept)
        statefile.forget(self.search, self.kept)
        self.state_file.discard()


def output_stats(out: Path) -> dict[str, tuple[int, int, int]]:
    """Every file below the output folder with (size, mtime_ns, inode)."""
    found: dict[str, tuple[int, int, int]] = {}
    if not out.is_dir():
        return found
    stack = [("", str(out))]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append((rel + "/", entry.path))
                else:
                    st = entry.stat(follow_symlinks=False)
                    found[rel] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return found
