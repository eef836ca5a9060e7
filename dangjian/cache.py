"""The persistent build cache behind incremental builds.

Kept in `.cache/build/<output name>/` beside the output folder (git-ignored):

- `state.pickle`: a checksummed index of what the last successful build saw and
  made: every article file's stat, digest and parsed `Source`; every body's
  Markdown result (minus its HTML) and the links it resolved; every page's
  dependency signature; every output file's stat.
- `html.sqlite`: article bodies' HTML, addressed by their hash and fetched only
  for the pages that are re-rendered.

Nothing here is trusted blindly: a wrong magic, checksum, engine version or
option set, or any error while reading, makes the cache count as absent and
the build runs cold. HTML fetched from the store is checked against its hash.
"""
from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import sqlite3
from dataclasses import dataclass, field, fields
from pathlib import Path

from . import __version__
from .content import Source
from .model import Body

log = logging.getLogger(__name__)
MAGIC = b"dangjian-build-cache 1\n"
SOURCE_FIELDS = tuple(f.name for f in fields(Source))


class CacheCorrupt(Exception):
    """The cache contradicted itself mid-build; the pipeline retries cold."""


def _engine_key() -> str:
    """Version plus a hash of the engine's own code and of the libraries that shape the output."""
    from importlib import metadata
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    for dist in ("jinja2", "markdown", "nh3", "pypinyin", "PyYAML", "MarkupSafe"):
        try:
            h.update(f"{dist}={metadata.version(dist)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=?;".encode())
    here = Path(__file__).parent
    for path in sorted(here.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


ENGINE = _engine_key()


def cache_dir_for(out: Path) -> Path:
    out = out.resolve()
    return out.parent / ".cache" / "build" / out.name


def digest(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# Article files ---------------------------------------------------------------
def scan(content: Path) -> tuple[list[tuple[str, os.stat_result]], list[tuple[str, os.stat_result]]]:
    """Article files and asset files below content/ with their stat, in sorted
    path order; hidden names (. and _) skipped."""
    articles, assets = [], []
    if not content.is_dir():
        return articles, assets
    stack = [("", str(content))]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith((".", "_")):
                    continue
                rel = prefix + entry.name
                if entry.is_dir() and not entry.is_symlink():     # as Path.rglob does
                    stack.append((rel + "/", entry.path))
                elif entry.is_file():
                    if entry.name.endswith(".md"):
                        articles.append((rel, entry.stat()))
                    if not entry.name.lower().endswith(".md"):
                        assets.append((rel, entry.stat()))
    # Path objects sort part by part; so do these tuples.
    articles.sort(key=lambda item: item[0].split("/"))
    assets.sort(key=lambda item: item[0].split("/"))
    return articles, assets


def pack_source(src: Source) -> tuple:
    """A Source as a plain tuple (fast to unpickle), without its path or body text."""
    return tuple(None if name in ("path", "body") else getattr(src, name) for name in SOURCE_FIELDS)


def unpack_source(row: tuple, content: Path) -> Source:
    values = dict(zip(SOURCE_FIELDS, row))
    values["path"] = content / values["rel"]
    values["body"] = ""            # reloaded from disk if the body must be converted again
    return Source(**values)


def pack_body(body: Body, html_hash: str) -> tuple:
    return (body.summary, body.reading_minutes, body.char_count, body.toc, html_hash)


class _LazyHtml:
    """`Body.html` of a cached body: fetched from the HTML store on first use."""

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        html = obj.__dict__.get("_html")
        if html is None:
            html = obj.__dict__["_html"] = obj._store.get(obj._hash)
        return html

    def __set__(self, obj, value):
        obj.__dict__["_html"] = value


class LazyBody(Body):
    """A Body whose HTML stays in the cache until a template needs it."""

    html = _LazyHtml()


def unpack_body(row: tuple, store: "HtmlStore") -> Body:
    summary, minutes, chars, toc, html_hash = row
    body = LazyBody(None, summary, minutes, chars, toc)
    body.__dict__.update(_store=store, _hash=html_hash)
    return body


# HTML store -----------------------------------------------------------------
class HtmlStore:
    """Article HTML by hash in SQLite; one connection per process (safe after fork)."""

    def __init__(self, path: Path):
        self.path = path
        self._conn = None
        self._pid = None
        self._pending: dict[str, str] = {}

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
        self._pending[key] = html

    def flush(self, live: set[str]) -> None:
        """Save new bodies and drop those no article uses any more."""
        try:
            db = self._db()
            db.execute("BEGIN")
            db.executemany("INSERT OR REPLACE INTO html (hash, body) VALUES (?, ?)", self._pending.items())
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


# The index ----------------------------------------------------------------------
@dataclass
class State:
    engine: str = ENGINE
    options: tuple = ()
    sources: dict = field(default_factory=dict)   # rel -> (mtime_ns, size, digest, source_key, packed, problems)
    bodies: dict = field(default_factory=dict)    # rel -> (digest, markup_key, deps, packed body, problems)
    pages: dict = field(default_factory=dict)     # output path -> signature
    uses: dict = field(default_factory=dict)      # output path -> article cards the signature used (deps.py)
    cards: dict = field(default_factory=dict)     # article key -> card
    structure: str = ""                           # deps.Signer.structure of those pages
    outputs: dict = field(default_factory=dict)   # output path -> (size, mtime_ns, inode)
    copies: dict = field(default_factory=dict)    # output path -> (source path, size, mtime_ns)
    slugs: dict = field(default_factory=dict)     # urls.SLUGS, so pypinyin need not load
    related: dict = field(default_factory=dict)   # model.build_site's memo of related articles


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


KEEP_IN_MEMORY = False          # serve turns this on
_MEMORY: dict = {}


class BuildCache:
    def __init__(self, folder: Path):
        self.folder = folder
        self.quick = folder / "quick.pickle"
        self.index = folder / "state.pickle"
        self.journal = folder / "journal.json"
        self.html = HtmlStore(folder / "html.sqlite")

    @staticmethod
    def _read(path: Path):
        try:
            st = path.stat()
        except OSError:
            return None
        # A long-running process (serve) keeps what it wrote last; the file's stat
        # proves nobody else has replaced it since, so it need not be read again.
        kept = _MEMORY.get(path)
        if kept is not None and kept[0] == (st.st_size, st.st_mtime_ns, st.st_ino):
            return kept[1]
        raw = path.read_bytes()
        head, check, payload = raw[:len(MAGIC)], raw[len(MAGIC):len(MAGIC) + 32], raw[len(MAGIC) + 32:]
        if head != MAGIC or check != digest(payload).encode():
            raise ValueError("checksum")
        # Unpickling creates a few hundred thousand objects, none of them garbage: a collector
        # pass every 700 of them would walk the growing heap again and again.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return pickle.loads(payload)
        finally:
            if enabled:
                gc.enable()

    @staticmethod
    def _write(path: Path, data) -> None:
        payload = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
        tmp.write_bytes(MAGIC + digest(payload).encode() + payload)
        os.replace(tmp, path)
        if KEEP_IN_MEMORY:
            st = path.stat()
            _MEMORY[path] = ((st.st_size, st.st_mtime_ns, st.st_ino), data)

    def load_quick(self) -> dict | None:
        """The no-change shortcut's record: inputs fingerprint, output stats, messages."""
        try:
            data = self._read(self.quick)
            return data if isinstance(data, dict) and data.get("engine") == ENGINE else None
        except Exception:              # noqa: BLE001 - the full path decides then
            return None

    def save_quick(self, data: dict) -> None:
        self._write(self.quick, {**data, "engine": ENGINE})

    def load(self, options_key: tuple) -> State | None:
        """The previous build's state, or None when absent, damaged or made under other conditions."""
        try:
            data = self._read(self.index)
            if data is None:
                return None
            state = data if isinstance(data, State) else State(**data)
        except Exception as exc:       # noqa: BLE001 - a damaged cache is never fatal
            log.warning("构建缓存已损坏，本次完整重建（%s）", type(exc).__name__)
            return None
        if state.engine != ENGINE or state.options != options_key:
            return None
        return state

    def save(self, state: State) -> None:
        self._write(self.index, state.__dict__)
        if self.index in _MEMORY:
            _MEMORY[self.index] = (_MEMORY[self.index][0], state)

    def discard(self) -> None:
        self.quick.unlink(missing_ok=True)
        self.index.unlink(missing_ok=True)


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


def output_stats_soon(out: Path):
    """`output_stats(out)`, taken by a forked child while this process goes on; call the result to get it.

    Thirteen thousand stat calls are mostly time in the kernel, and a thread would
    be starved of the interpreter lock by the model being built meanwhile.
    """
    if not hasattr(os, "fork"):
        found = output_stats(out)
        return lambda: found
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:                                   # the child: stat, send, leave at once
        code = 0
        try:
            os.close(read_end)
            data = pickle.dumps(output_stats(out), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        except BaseException:                      # noqa: BLE001 - the parent stats again itself
            code = 1
        os._exit(code)
    os.close(write_end)

    def result() -> dict:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status != 0:
            return output_stats(out)
        return pickle.loads(data)
    return result
